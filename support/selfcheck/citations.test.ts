/**
 * Self-check: every `RFC N §x` in a lesson names a section that RFC has.
 *
 * The tables are support/selfcheck/rfc-sections/rfcN.txt: a first line naming the RFC and its
 * title, then one line per section, `number title`, as the RFC's own table of contents gives
 * them (appendices as `A`, `A.1`); where the contents stop short of a subsection, the headings
 * come from the RFC's body (RFC 5321 §4.1.1.10, RFC 9293 §3.9.1.1).
 *
 * What is a citation. `§x.y` and `Appendix X.y`, each checked on its own, so the runs
 * `RFC 9112 §2.2 (…), §2.3 (…) and §3`, `§3.9.1.1–§3.9.1.3` and `§§2.1, 2.2` are each a few
 * citations. Which RFC a bare `§x` belongs to is the rule a reader applies, the most recent
 * `RFC N` named before it, within limits:
 * - a unit is a paragraph (the text between blank lines) or one list item or table row: an
 *   RFC named in one item never carries into the next item;
 * - a unit that names no RFC before its `§x` takes the RFC of what introduces it: an item, the
 *   RFC the paragraph its list hangs from ends with (the text just before the first item, with
 *   or without a blank line between); a paragraph, the first RFC its section (the text under
 *   one heading) names, the section's subject;
 * - an RFC named in parentheses with no `§` after it before they close is an aside, and
 *   changes nothing: `RFC 5905 §1 (obsoletes RFC 4330), §6` is RFC 5905 twice;
 * - `*A Title*, §x` cites a book, not an RFC, and is not checked; neither is a `§x` with no
 *   RFC before it in its section.
 * So `(RFC 1870 §6, §4.5.3.1.10)` reads as RFC 1870 twice, and is reported: a reader would
 * read it so too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../runner/paths.ts';

const TABLES_DIR = path.join(ROOT, 'support/selfcheck/rfc-sections');
const KATAS_DIR = path.join(ROOT, 'katas');
const NEARBY_LIMIT = 12;

/**
 * RFCs the lessons cite whose table is not in rfc-sections yet (no copy of their text was at
 * hand): their citations are not checked. Add the table, then remove the number.
 */
const UNTABLED_RFCS: ReadonlySet<number> = new Set([6761]);

type Citation = { rfc: number; section: string; line: number };

// A section number as the RFCs write them: 4.5.3.1.10, or an appendix, A or D.1.
const SECTION = String.raw`(?:\d+|[A-Z])(?:\.\d+)*`;
// One pass over a unit finds, in order: an RFC named, a book title just before a §, or a
// citation (§x, its range or list, Appendix X). `\s+` lets "RFC" end one line and N start the next.
const TOKEN = new RegExp(
  String.raw`\bRFC\s+(?<rfc>\d{3,4})\b` +
    String.raw`|(?<book>\*[^*\n]+\*),?\s*(?=§)` +
    String.raw`|(?:§§?\s?|\bAppendix\s+)(?<sections>${SECTION}(?:(?:\s*[–-]\s*§?|,\s*(?=\d)|\s+and\s+(?=\d))${SECTION})*)`,
  'g',
);
const ONE_SECTION = new RegExp(SECTION, 'g');
const PARENTHESES = /\([^()]*\)/g;
const ASIDE_RFC = /\bRFC\b(?![^)]*§)/g;
const ITEM_START = /^\s*(?:[-*+]|\d+\.)\s|^\s*\|/;
const HEADING = /^#{1,6}\s/;
const FENCE = /^\s*```/;

type Unit = { text: string; firstLine: number; isItem: boolean };
type Context = number | undefined;

/** The lesson's text cut into sections, each into units: paragraphs, list items, table rows. */
function sectionsOf(markdown: string): Unit[][] {
  const sections: Unit[][] = [[]];
  let unit: Unit | undefined;
  let inFence = false;
  for (const [i, line] of markdown.split('\n').entries()) {
    if (FENCE.test(line)) inFence = !inFence;
    const isItem = !inFence && ITEM_START.test(line);
    if (!inFence && HEADING.test(line)) {
      sections.push([]);
      unit = undefined;
    } else if (line.trim() === '') {
      unit = undefined;
    } else if (unit === undefined || isItem) {
      unit = { text: line, firstLine: i + 1, isItem };
      sections.at(-1)?.push(unit);
    } else {
      unit.text += `\n${line}`;
    }
  }
  return sections;
}

/** The first RFC a section names: what a paragraph there that names none is about. */
type Section = { subject?: number };

/** Every citation in one unit, given the RFC it starts with; returns the RFC it ends with. */
function scanUnit(unit: Unit, start: Context, section: Section, found: Citation[]): Context {
  let current = start;
  let book = false;
  // An aside's "RFC" becomes blanks of the same length, so the offsets (and line numbers) hold.
  const text = unit.text.replace(PARENTHESES, (group) => group.replace(ASIDE_RFC, '   '));
  for (const match of text.matchAll(TOKEN)) {
    const { rfc, sections } = match.groups ?? {};
    if (rfc) {
      current = Number(rfc);
      section.subject ??= current;
      book = false;
    } else if (sections === undefined) {
      book = true;
    } else {
      const cited = book ? undefined : (current ?? section.subject);
      book = false;
      if (cited === undefined) continue;
      const line = unit.firstLine + (text.slice(0, match.index).match(/\n/g)?.length ?? 0);
      for (const [number] of sections.matchAll(ONE_SECTION)) {
        found.push({ rfc: cited, section: number, line });
      }
    }
  }
  return current;
}

/** Every citation in a lesson, each with the RFC it belongs to (see the header for the rule). */
function citationsIn(markdown: string): Citation[] {
  const found: Citation[] = [];
  for (const units of sectionsOf(markdown)) {
    const section: Section = {};
    let intro: Context; // the RFC the last paragraph ended with: a list after it hangs from it
    for (const unit of units) {
      if (unit.isItem) scanUnit(unit, intro, section, found);
      else intro = scanUnit(unit, undefined, section, found);
    }
  }
  return found;
}

/** The sections of every tabled RFC: number to title. */
function readTables(): Map<number, Map<string, string>> {
  const tables = new Map<number, Map<string, string>>();
  for (const file of readdirSync(TABLES_DIR)) {
    const [, ...sections] = readFileSync(path.join(TABLES_DIR, file), 'utf8').trimEnd().split('\n');
    const byNumber = new Map<string, string>();
    for (const line of sections) {
      const space = line.indexOf(' ');
      byNumber.set(line.slice(0, space), line.slice(space + 1));
    }
    tables.set(Number(file.match(/\d+/)?.[0]), byNumber);
  }
  return tables;
}

/** The sections a reader looking for `section` would look at: its deepest existing ancestor's. */
function nearby(section: string, table: Map<string, string>): string[] {
  const parts = section.split('.');
  for (let depth = parts.length - 1; depth >= 0; depth--) {
    const parent = parts.slice(0, depth).join('.');
    if (depth > 0 && !table.has(parent)) continue;
    const children = [...table.keys()].filter(
      (n) => n.split('.').length === depth + 1 && (depth === 0 || n.startsWith(`${parent}.`)),
    );
    return [...(depth > 0 ? [parent] : []), ...children].slice(0, NEARBY_LIMIT);
  }
  return [];
}

/** Every citation in a lesson that names no section of its RFC, as the failure lists it. */
function badCitations(
  lesson: string,
  markdown: string,
  tables: Map<number, Map<string, string>>,
): string[] {
  const bad: string[] = [];
  for (const { rfc, section, line } of citationsIn(markdown)) {
    const table = tables.get(rfc);
    const at = `${lesson}:${line}: RFC ${rfc} §${section}`;
    if (table === undefined) {
      if (!UNTABLED_RFCS.has(rfc)) bad.push(`${at}: RFC ${rfc} has no table in rfc-sections`);
    } else if (!table.has(section)) {
      const near = nearby(section, table).map((n) => `§${n}`);
      bad.push(`${at} does not exist (RFC ${rfc} has ${near.join(', ')} nearby)`);
    }
  }
  return bad;
}

const TABLES = readTables();
const LESSONS = readdirSync(KATAS_DIR)
  .sort()
  .map((kata) => `katas/${kata}/README.md`);

describe('every RFC section a lesson cites is in that RFC table of contents', () => {
  for (const lesson of LESSONS) {
    test(lesson, () => {
      const bad = badCitations(lesson, readFileSync(path.join(ROOT, lesson), 'utf8'), TABLES);
      expect(bad, bad.join('\n')).toEqual([]);
    });
  }

  test('every table is well formed: a first line naming its RFC, then `number title`', () => {
    for (const file of readdirSync(TABLES_DIR)) {
      const [first, ...sections] = readFileSync(path.join(TABLES_DIR, file), 'utf8')
        .trimEnd()
        .split('\n');
      expect(first, file).toMatch(new RegExp(`^RFC ${file.match(/\d+/)?.[0]}: \\S`));
      for (const line of sections) expect(line, file).toMatch(new RegExp(`^${SECTION} \\S`));
    }
  });
});

describe('the citation extractor', () => {
  const cited = (markdown: string) =>
    citationsIn(markdown).map(({ rfc, section, line }) => `${line}: ${rfc} §${section}`);

  test('a run after one RFC: commas, "and", ranges and §§ all belong to it', () => {
    expect(
      cited('RFC 9112 §2.2 (bare CR), §2.3 (version) and §3; §3.2.1–§3.2.4, §§6.1, 6.2'),
    ).toEqual([
      '1: 9112 §2.2',
      '1: 9112 §2.3',
      '1: 9112 §3',
      '1: 9112 §3.2.1',
      '1: 9112 §3.2.4',
      '1: 9112 §6.1',
      '1: 9112 §6.2',
    ]);
  });

  test('a bare § belongs to the most recent RFC, even across a line break in "RFC\\nN"', () => {
    expect(cited('RFC 5321 §3, then RFC\n1870 §6 and §4')).toEqual([
      '1: 5321 §3',
      '2: 1870 §6',
      '2: 1870 §4',
    ]);
  });

  test('an item takes the RFC its list hangs from, never the one an item before it named', () => {
    const markdown =
      'Framing (RFC 9112 §6, RFC 9110 §8.6):\n\n- no content (§6.4.1)\n- RFC 6585 §5\n- §9.3.6';
    expect(cited(markdown)).toEqual([
      '1: 9112 §6',
      '1: 9110 §8.6',
      '3: 9110 §6.4.1',
      '4: 6585 §5',
      '5: 9110 §9.3.6',
    ]);
  });

  test('a paragraph naming no RFC takes the first its section named; a heading starts afresh', () => {
    const markdown =
      'The line (RFC 9112 §3), RFC 9110 §9.1.\n\nThe header (§3.2).\n\n## Next\n\nOnly §4.';
    expect(cited(markdown)).toEqual(['1: 9112 §3', '1: 9110 §9.1', '3: 9112 §3.2']);
  });

  test('an RFC named in parentheses without a § is an aside', () => {
    expect(
      cited('RFC 5905 §1 (obsoletes RFC 4330), §6; (§4.2.1; EDNS0, RFC\n6891, raises it) §4.2.2'),
    ).toEqual(['1: 5905 §1', '1: 5905 §6', '1: 5905 §4.2.1', '2: 5905 §4.2.2']);
  });

  test('"Appendix X" is a citation; a § after a book title is not', () => {
    expect(cited('RFC 5321 §3; Appendix D.1. Stevens, *Unix Network Programming*, §30.6')).toEqual([
      '1: 5321 §3',
      '1: 5321 §D.1',
    ]);
  });

  test('a section missing from a table is reported with the sections around it', () => {
    const tables = new Map([
      [
        1870,
        new Map([
          ['5', 'Definitions'],
          ['6', 'Maximum Message Size'],
        ]),
      ],
    ]);
    expect(badCitations('x.md', '(RFC 1870 §6, §4.5.3.1.10)', tables)).toEqual([
      'x.md:1: RFC 1870 §4.5.3.1.10 does not exist (RFC 1870 has §5, §6 nearby)',
    ]);
  });
});
