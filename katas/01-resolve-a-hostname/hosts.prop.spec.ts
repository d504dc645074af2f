import { isIP } from 'node:net';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { visible } from '../../support/harness/index.ts';
import { type HostsEntry, parseHosts, resolve, type SystemLookup } from './hosts.ts';

/** A hosts file as text, with the entries a reader must find in it, in order. */
interface HostsFile {
  readonly text: string;
  readonly entries: readonly HostsEntry[];
}

// RFC 1123 §2.1: a label is letters, digits and hyphens, with a letter or digit
// at each end; the last label starts with a letter, so no name looks like an address.
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/);
const topLabel = fc
  .stringMatching(/^[a-z](?:[a-z0-9-]{0,14}[a-z0-9])?$/)
  .filter((top) => top !== 'invalid'); // RFC 6761 §6.4: never resolves
const anyHostname = fc
  .tuple(fc.array(label, { maxLength: 3 }), topLabel)
  .map(([labels, top]) => [...labels, top].join('.'));
// A few names drawn often, so the same name turns up on several lines.
const commonHostname = fc.constantFrom('localhost', 'printer', 'nas.home.arpa', 'db.example.test');
const hostname = fc.oneof(commonHostname, anyHostname);

const address = fc.oneof(
  fc.ipV4().map((text) => ({ address: text, family: 4 as const })),
  fc.ipV6().map((text) => ({ address: text, family: 6 as const })),
);

// hosts(5): "any number of blanks and/or tab characters".
const blanks = fc.stringMatching(/^[ \t]{1,3}$/);
const maybeBlanks = fc.stringMatching(/^[ \t]{0,3}$/);
const commentText = fc.string({ unit: 'grapheme-ascii', maxLength: 24 });
const comment = fc.tuple(maybeBlanks, commentText).map(([before, text]) => `${before}#${text}`);
const lineEnd = fc.constantFrom('\n', '\r\n');

/** Lines that carry no entry: empty, blanks only, or a comment. */
const quietLine = fc.oneof(fc.constant(''), blanks, comment);

/** Lines glibc skips: a first field that is not an address, or an address with no name. */
const malformedLine = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.ipV4Extended(), fc.stringMatching(/^[0-9a-f:.]{1,12}$/), anyHostname),
      blanks,
      hostname,
    )
    .filter(([first]) => isIP(first) === 0)
    .map(([first, gap, name]) => first + gap + name),
  fc.tuple(address, fc.option(comment, { nil: '' })).map(([a, trailing]) => a.address + trailing),
);

/**
 * One entry and the text of its line, after up to two `noise` lines: blanks
 * before, between and after the fields, maybe a comment, each name in its own
 * letter case, LF or CRLF.
 */
function entryLines(noise: fc.Arbitrary<string>) {
  return fc
    .record({
      noise: fc.array(fc.tuple(noise, lineEnd), { maxLength: 2 }),
      before: maybeBlanks,
      where: address,
      names: fc.array(fc.tuple(blanks, fc.mixedCase(hostname)), { minLength: 1, maxLength: 4 }),
      comment: fc.option(comment, { nil: '' }),
      after: maybeBlanks,
      end: lineEnd,
    })
    .map(({ noise, before, where, names, comment, after, end }) => {
      const entry: HostsEntry = { ...where, names: names.map(([, name]) => name) };
      const fields = [where.address, ...names.flat()].join('');
      return { text: [...noise.flat(), before, fields, comment, after, end].join(''), entry };
    });
}

/** A hosts file of generated entries with `noise` lines among them; the last line end may be missing. */
function hostsFile(noise: fc.Arbitrary<string>): fc.Arbitrary<HostsFile> {
  return fc
    .tuple(fc.array(entryLines(noise), { minLength: 1, maxLength: 8 }), fc.boolean())
    .map(([lines, lastLineEnded]) => {
      const text = lines.map((line) => line.text).join('');
      return {
        text: lastLineEnded ? text : text.replace(/\r?\n$/, ''),
        entries: lines.map((line) => line.entry),
      };
    });
}

/** Every letter in the other case: ASCII only, the letters RFC 4343 folds. */
function swapCase(name: string): string {
  return name.replace(/[a-z]/gi, (letter) =>
    letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase(),
  );
}

/** A system resolver that must not be asked: every generated name is in the hosts text. */
const systemMustNotBeAsked: SystemLookup = async (hostname) => {
  throw new Error(`the system resolver was asked for "${hostname}", which is in the hosts text`);
};

describe('hosts(5): IP_address canonical_hostname [aliases...]', () => {
  test.prop([hostsFile(quietLine)])(
    'every address line is one entry, canonical name first, whatever blanks, tabs, comments and blank lines surround it',
    ({ text, entries }) => {
      expect(parseHosts(text), `parseHosts("${visible(text)}")`).toEqual(entries);
    },
  );

  test.prop([hostsFile(fc.oneof(quietLine, malformedLine))])(
    'a line without a valid IPv4 or IPv6 address, or without a name, is skipped (as glibc does)',
    ({ text, entries }) => {
      expect(parseHosts(text), `parseHosts("${visible(text)}")`).toEqual(entries);
    },
  );
});

describe('hosts(5), RFC 4343 §3: names match in any letter case, the first line wins', () => {
  test.prop([hostsFile(fc.oneof(quietLine, malformedLine))])(
    'every name, canonical or alias, in any case, resolves to the first line that carries it',
    async ({ text, entries }) => {
      for (const name of entries.flatMap((entry) => entry.names)) {
        const query = swapCase(name);
        const first = entries.find((entry) =>
          entry.names.some((n) => n.toLowerCase() === name.toLowerCase()),
        );
        await expect(
          resolve(query, { hosts: text, lookup: systemMustNotBeAsked }),
          `resolve("${query}")`,
        ).resolves.toEqual({ address: first?.address, family: first?.family, source: 'hosts' });
      }
    },
  );
});
