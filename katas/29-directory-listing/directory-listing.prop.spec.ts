import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { chunkings, listen, within } from '../../support/harness/index.ts';
import {
  addTrailingSlash,
  compareEntries,
  createDirectoryServer,
  type Entry,
  entryHref,
  escapeHtml,
  LISTING_TITLE,
  PARENT_LINK,
} from './directory-listing.ts';
import { exchange, requestBytes } from './fixtures/exchange.ts';
import { attribute, elements, links, textOf, title } from './fixtures/html.ts';
import { codePointOrder, POSIX_NAMES } from './fixtures/tree.ts';

let base: string;
let runs = 0;
beforeAll(async () => {
  base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'kata29-prop-')));
});
afterAll(() => fs.rm(base, { recursive: true, force: true }));

/** A fresh, empty folder for one run of a property. */
async function freshFolder(): Promise<string> {
  const folder = path.join(base, `run-${runs++}`);
  await fs.mkdir(folder);
  return folder;
}

/** What breaks HTML, URLs and shells, and any Unicode between. */
const HOSTILE_PIECES = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '%',
  '%2e',
  '%2F',
  '%25',
  '#',
  '?',
  ' ',
  ':',
  '\\',
  '.',
  '..',
  '&amp;',
  '&lt;',
  '<script>',
  '<img src=x onerror=alert(1)>',
  '</a>',
  '<!--',
  'javascript:',
  '\t',
  '\r',
  '\n',
  'é',
  '\u{1F600}',
  '\u{200B}',
];
const hostileText = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom(...HOSTILE_PIECES),
      fc.string({ unit: 'grapheme', maxLength: 1 }),
    ),
    maxLength,
  });

/** Whether Windows refuses the name: names there are generated without these. */
function windowsRefuses(name: string): boolean {
  return /[<>:"|?*\\]|[ .]$/.test(name) || [...name].some((c) => (c.codePointAt(0) ?? 0) < 0x20);
}

/**
 * A name a folder can hold: not empty, no "/" or NUL, not "." or "..", at most 200 octets
 * of UTF-8 (file systems stop at 255).
 */
const fileName = hostileText(10).filter(
  (name) =>
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !/[/\0]/.test(name) &&
    Buffer.byteLength(name) <= 200 &&
    (POSIX_NAMES || !windowsRefuses(name)),
);

/** HTML normalises CR and CRLF to LF as it reads (WHATWG HTML: preprocessing the input stream). */
function asParsed(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

describe('HTML: escaped text reads back as the same text, wherever it is put (parse5)', () => {
  const text = hostileText(20).filter((each) => !each.includes('\0'));

  test.prop([text], { numRuns: 200 })('as the text of an element', (value) => {
    const [p] = elements(`<p>${escapeHtml(value)}</p>`, 'p');
    expect(p && textOf(p)).toBe(asParsed(value));
    expect(p?.childNodes.every((node) => node.nodeName === '#text')).toBe(true);
  });

  test.prop([text], { numRuns: 200 })('in a double-quoted attribute', (value) => {
    const [a] = elements(`<a href="${escapeHtml(value)}" id="after">x</a>`, 'a');
    expect(a && attribute(a, 'href')).toBe(asParsed(value));
    expect(a && attribute(a, 'id')).toBe('after');
  });

  test.prop([text], { numRuns: 200 })('in a single-quoted attribute', (value) => {
    const [a] = elements(`<a href='${escapeHtml(value)}' id='after'>x</a>`, 'a');
    expect(a && attribute(a, 'href')).toBe(asParsed(value));
    expect(a && attribute(a, 'id')).toBe('after');
  });
});

const entry = fc.record({
  name: fileName,
  kind: fc.constantFrom('file', 'folder') as fc.Arbitrary<Entry['kind']>,
});

describe('RFC 3986 §3.3, §5.2: an href is exactly one segment below its folder (WHATWG URL)', () => {
  test.prop([entry], { numRuns: 300 })(
    'resolved against the folder URL, the href adds one segment that decodes to the name',
    (each) => {
      const url = new URL(entryHref(each), 'http://127.0.0.1/some%20folder/');
      expect(url.host).toBe('127.0.0.1');
      expect(url.search).toBe('');
      expect(url.hash).toBe('');
      expect(url.pathname.startsWith('/some%20folder/')).toBe(true);
      const rest = url.pathname.slice('/some%20folder/'.length);
      const segment = each.kind === 'folder' ? rest.slice(0, -1) : rest;
      expect(rest.endsWith('/')).toBe(each.kind === 'folder');
      expect(segment.includes('/')).toBe(false);
      expect(decodeURIComponent(segment)).toBe(each.name);
    },
  );
});

describe('the listing order: folders first, then by Unicode code point', () => {
  test.prop([entry, entry], { numRuns: 300 })(
    'compareEntries has the sign of (kind, code points) and is antisymmetric',
    (a, b) => {
      const expected =
        a.kind === b.kind ? codePointOrder(a.name, b.name) : a.kind === 'folder' ? -1 : 1;
      expect(Math.sign(compareEntries(a, b))).toBe(Math.sign(expected));
      // 0 - x, not -x: equal entries compare as 0, and toBe tells -0 from 0
      expect(Math.sign(compareEntries(b, a))).toBe(0 - Math.sign(expected));
    },
  );
});

describe('RFC 9110 §15.4.2: any folder without its "/", asked in any pieces, is 301 to it', () => {
  const servable = fileName.filter((name) => !name.startsWith('.') && !name.includes('\\'));
  const query = fc.option(fc.stringMatching(/^[\w.~!$&'()*+,;=:@/?-]{0,12}$/), { nil: undefined });
  const redirect = fc
    .tuple(servable, query, fc.constantFrom('', '/'))
    .chain(([name, q, extraSlash]) => {
      const folderPath = `/${encodeURIComponent(name)}`;
      const target = `${extraSlash}${folderPath}${q === undefined ? '' : `?${q}`}`;
      return chunkings(requestBytes(target)).map((chunks) => ({
        name,
        q,
        folderPath,
        target,
        chunks,
      }));
    });

  test.prop([redirect], { numRuns: 20 })(
    'the Location is the folder with a "/", on this origin, the query kept',
    async ({ name, q, folderPath, target, chunks }) => {
      const root = await freshFolder();
      await fs.mkdir(path.join(root, name));
      const port = await listen(createDirectoryServer({ root }));
      const response = await exchange(port, chunks);
      expect(response.status, response.shown).toBe(301);
      const location = response.headers.get('location') ?? '';
      const url = new URL(location, `http://127.0.0.1:${port}${target}`);
      expect(url.origin, response.shown).toBe(`http://127.0.0.1:${port}`);
      expect(location, response.shown).toBe(`${folderPath}/${q === undefined ? '' : `?${q}`}`);
    },
  );
});

/** A folder's contents: files and folders with generated names, some hidden, some refused. */
const folderTree = fc.uniqueArray(entry, {
  minLength: 1,
  maxLength: 6,
  // one name once, whatever the case or the normalisation (macOS folds both)
  selector: (each) => each.name.normalize('NFC').toLowerCase(),
});

describe('any folder of generated hostile names: every listed link fetches exactly that entry (fetch, parse5)', () => {
  test.prop([folderTree], { numRuns: 20 })(
    'the listing links every servable entry once, and each link gets that entry',
    async (entries) => {
      const root = await freshFolder();
      const contents = new Map<string, string>();
      for (const [i, each] of entries.entries()) {
        if (each.kind === 'folder') await fs.mkdir(path.join(root, each.name));
        else {
          contents.set(each.name, `entry ${i}\n`);
          await fs.writeFile(path.join(root, each.name), `entry ${i}\n`);
        }
      }
      const port = await listen(createDirectoryServer({ root }));
      const response = await within(fetch(`http://127.0.0.1:${port}/`), 'no listing of /');
      const html = await response.text();
      expect(response.status).toBe(200);
      // kata 28 serves no hidden name and no name with "\": the listing shows neither
      const servable = entries.filter(
        (each) => !each.name.startsWith('.') && !each.name.includes('\\'),
      );
      const found = links(html);
      expect(found.map((link) => link.text).sort()).toEqual(
        servable
          .map((each) => asParsed(each.kind === 'folder' ? `${each.name}/` : each.name))
          .sort(),
      );
      for (const link of found) {
        const wanted = servable.find(
          (each) => asParsed(each.kind === 'folder' ? `${each.name}/` : each.name) === link.text,
        );
        const url = new URL(link.href ?? '', response.url);
        const got = await within(fetch(url, { redirect: 'manual' }), `no ${url.href}`);
        const body = await got.text();
        expect(got.status, `${link.text} at ${url.href}`).toBe(200);
        if (wanted?.kind === 'file') expect(body, url.href).toBe(contents.get(wanted.name));
        else {
          expect(title(body), url.href).toBe(asParsed(`${LISTING_TITLE}/${wanted?.name}/`));
          expect(links(body).map((each) => each.text)).toEqual([PARENT_LINK]);
        }
      }
    },
  );
});

describe('RFC 3986 §4.2: addTrailingSlash never names another host', () => {
  const segment = fc.stringMatching(/^[\w.~!$&'()*+,;=:@-]{0,6}$/);
  test.prop([fc.array(segment, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 4 })], {
    numRuns: 300,
  })(
    'whatever slashes lead the path, the Location is a path on this origin',
    (segments, slashes) => {
      const requestPath = `${'/'.repeat(slashes)}${segments.join('/')}`;
      fc.pre(!requestPath.endsWith('/'));
      const location = addTrailingSlash(requestPath, undefined);
      expect(new URL(location, 'http://127.0.0.1:8080/x/y').origin).toBe('http://127.0.0.1:8080');
      expect(location.startsWith('//')).toBe(false);
      expect(location.endsWith('/')).toBe(true);
    },
  );
});
