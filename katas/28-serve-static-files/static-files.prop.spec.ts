import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { anyBytes, chunkings, listen, within } from '../../support/harness/index.ts';
import type { RequestTarget } from '../17-parse-a-request-line/request-line.ts';
import { exchange, requestBytes } from './fixtures/exchange.ts';
import { makeTree, type Tree } from './fixtures/tree.ts';
import { contentType, createStaticServer, resolveTarget } from './static-files.ts';

const ROOT = path.join(path.sep, 'srv', 'site');

let tree: Tree;
beforeAll(async () => {
  tree = await makeTree();
});
afterAll(() => tree.remove());

/** The pieces a traversal is made of, in every spelling, and a few plain names. */
const PIECES = [
  '..',
  '.',
  '%2e',
  '%2E',
  '%2e%2e',
  '.%2E',
  '%2f',
  '%2F',
  '%5c',
  '%5C',
  '\\',
  '%00',
  '%c0%ae',
  '%C0%AF',
  '%e0%80%ae',
  '%25',
  '%252e',
  '%',
  '',
  '/',
  '//',
  'secret.txt',
  'link-out.txt',
  'link-dir-out',
  'link-sibling.txt',
  'notes',
  'hello.txt',
  '.env',
  'site',
  'site-sibling',
  '~',
  ':',
  'a',
];

/** A path of generated segments, each a run of pieces: every spelling, mixed. */
const attackPath = fc
  .array(fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((segments) => `/${segments.map((pieces) => pieces.join('')).join('/')}`);

function origin(text: string): RequestTarget {
  return { form: 'origin', text, path: text, query: undefined };
}

/** Whether `file` is `root` or a name below it, as path.relative sees it. */
function isUnder(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return !path.isAbsolute(relative) && !relative.split(path.sep).includes('..');
}

describe('RFC 9110 §17.3: no generated target resolves outside the root', () => {
  test.prop([attackPath], { numRuns: 400 })(
    'a path resolveTarget gives for any target is the root or below it',
    (text) => {
      const resolution = resolveTarget(ROOT, origin(text));
      if (resolution.kind === 'file') {
        expect(isUnder(ROOT, resolution.path), resolution.path).toBe(true);
      }
    },
  );

  test.prop([attackPath], { numRuns: 400 })(
    'a target whose decoded segments hold "..", "/", "\\" or NUL is never a file',
    (text) => {
      const names = text
        .split('/')
        .slice(1)
        .map((segment) => {
          try {
            return decodeURIComponent(segment);
          } catch {
            return undefined;
          }
        });
      const dangerous = names.some(
        (name) => name === undefined || name === '..' || /[/\\\0]/.test(name),
      );
      if (dangerous) expect(resolveTarget(ROOT, origin(text)).kind).toBe('refused');
    },
  );
});

/** A file name: no separator, no NUL, not starting with ".", any other Unicode text. */
const fileName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((name) => !/[/\\\0]/.test(name) && !name.startsWith('.'));

describe('RFC 3986 §2.4: the names of the path are percent-decoded once, as UTF-8', () => {
  test.prop([fc.array(fileName, { minLength: 1, maxLength: 4 })], { numRuns: 300 })(
    'the percent-encoded names of any path resolve to those names under the root',
    (names) => {
      const text = `/${names.map(encodeURIComponent).join('/')}`;
      expect(resolveTarget(ROOT, origin(text))).toEqual({
        kind: 'file',
        path: path.join(ROOT, ...names),
      });
    },
  );
});

/** Extensions of the lesson's table, with their type: the spec's copy of the rule. */
const KNOWN: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  json: 'application/json',
  png: 'image/png',
  jpeg: 'image/jpeg',
  wasm: 'application/wasm',
};

/** The same text with each letter in a case fast-check picks. */
function anyCase(text: string) {
  return fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((uppers) =>
      [...text].map((c, i) => (uppers[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
    );
}

describe('RFC 9110 §8.3: the Content-Type comes from the last extension, in any case', () => {
  test.prop(
    [
      fc.stringMatching(/^[a-z0-9_-]{1,10}$/),
      fc
        .constantFrom(...Object.keys(KNOWN))
        .chain((ext) => anyCase(ext).map((cased) => ({ ext, cased }))),
    ],
    { numRuns: 200 },
  )('name.EXT is the type of ext, whatever the case', (name, { ext, cased }) => {
    expect(contentType(`/srv/${name}.${cased}`)).toBe(KNOWN[ext]);
  });

  test.prop([fc.stringMatching(/^[a-z0-9_-]{1,10}$/), fc.stringMatching(/^[a-z]{1,6}$/)], {
    numRuns: 200,
  })('an extension outside the table is application/octet-stream', (name, ext) => {
    fc.pre(
      ![
        'html',
        'htm',
        'css',
        'js',
        'mjs',
        'json',
        'txt',
        'svg',
        'png',
        'jpg',
        'jpeg',
        'gif',
        'webp',
        'ico',
        'wasm',
        'pdf',
      ].includes(ext),
    );
    expect(contentType(`${name}.${ext}`)).toBe('application/octet-stream');
  });
});

describe('RFC 9110 §17.3: whatever a client sends, the server never sends a file from outside the root', () => {
  test.prop(
    [
      fc.tuple(fc.constantFrom('', 'http://127.0.0.1'), attackPath).chain(([prefix, text]) => {
        const bytes = requestBytes(prefix + text);
        return chunkings(bytes).map((chunks) => ({ target: prefix + text, chunks }));
      }),
    ],
    { numRuns: 25 },
  )('any generated target, cut anywhere, gets no secret back', async ({ chunks }) => {
    const port = await listen(createStaticServer({ root: tree.root }));
    const response = await exchange(port, chunks);
    expect(response.bytes.includes(tree.secret), response.shown).toBe(false);
    if (response.status === 200) {
      // only a file under the root: one of the tree's own
      expect(
        [...tree.files.values()].some((file) => file.equals(response.body)),
        response.shown,
      ).toBe(true);
    } else {
      expect([400, 403, 404], response.shown).toContain(response.status);
    }
  });
});

describe('RFC 9110 §9.3.1: any file is sent octet for octet (fetch)', () => {
  test.prop([anyBytes({ maxLength: 4096 })], { numRuns: 15 })(
    'the body fetch reads is the file, for any bytes',
    async (bytes) => {
      const file = path.join(tree.root, 'generated.bin');
      await fs.writeFile(file, bytes);
      const port = await listen(createStaticServer({ root: tree.root }));
      const response = await within(fetch(`http://127.0.0.1:${port}/generated.bin`), 'no response');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(bytes));
    },
  );
});
