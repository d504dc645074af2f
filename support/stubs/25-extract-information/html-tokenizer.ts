/**
 * The HTML tokenizer of the WHATWG HTML Living Standard, §13.2.5 "Tokenization": a state
 * machine that never fails, for the states this kata covers. Read ./README.md first: it
 * lists the states, by the standard's names, and what is left out.
 */
import { KataTodo } from '../../support/kata-todo.ts';

/** An attribute of a start tag: its name folded to ASCII lowercase, its value decoded. */
export interface HtmlAttribute {
  readonly name: string;
  readonly value: string;
}

/**
 * A token, as §13.2.5 emits them, with two changes of form: the character tokens in a row
 * are joined into one `text` token (never empty, never two in a row), and there is no
 * end-of-file token: the end of the list is the end of the file.
 */
export type HtmlToken =
  /** Only the name is kept, folded to lowercase; `undefined` when the DOCTYPE has none. */
  | { readonly type: 'doctype'; readonly name: string | undefined }
  | {
      readonly type: 'start';
      /** Folded to ASCII lowercase. */
      readonly name: string;
      /** In source order; a repeated name is dropped (the first wins); no value is `''`. */
      readonly attributes: readonly HtmlAttribute[];
      /** Set by `/>`. */
      readonly selfClosing: boolean;
    }
  /** An end tag's attributes and `/` are parse errors: only its name is kept. */
  | { readonly type: 'end'; readonly name: string }
  | { readonly type: 'comment'; readonly data: string }
  | { readonly type: 'text'; readonly data: string };

/** The tokenizer states that hold text, by the standard's names (§13.2.5.2 to §13.2.5.5). */
export type TextState = 'RCDATA' | 'RAWTEXT' | 'script data' | 'PLAINTEXT';

/**
 * §13.2.6.2 and the "in head" and "in body" insertion modes: after these start tags the
 * tree builder switches the tokenizer to a text state. This tokenizer does it itself.
 * `noscript` is RAWTEXT because the scripting flag is on, as in a browser and in parse5.
 */
export const TEXT_ELEMENTS = {
  title: 'RCDATA',
  textarea: 'RCDATA',
  style: 'RAWTEXT',
  xmp: 'RAWTEXT',
  iframe: 'RAWTEXT',
  noembed: 'RAWTEXT',
  noframes: 'RAWTEXT',
  noscript: 'RAWTEXT',
  script: 'script data',
  plaintext: 'PLAINTEXT',
} as const satisfies Record<string, TextState>;

/**
 * §13.5 "Named character references": the rows of the standard's table this kata knows.
 * As in the standard, a legacy name is listed twice, with and without its semicolon;
 * the others only with it.
 */
export const NAMED_CHARACTER_REFERENCES = {
  'amp;': '&',
  amp: '&',
  'lt;': '<',
  lt: '<',
  'gt;': '>',
  gt: '>',
  'quot;': '"',
  quot: '"',
  'apos;': "'",
  'nbsp;': '\u00a0',
  nbsp: '\u00a0',
  'copy;': '\u00a9',
  copy: '\u00a9',
  'eacute;': '\u00e9',
  eacute: '\u00e9',
  'not;': '\u00ac',
  not: '\u00ac',
  'notin;': '\u2209',
  'hellip;': '\u2026',
  'mdash;': '\u2014',
} as const;

/**
 * §13.2.5.80 "Numeric character reference end state": a reference to one of these C1
 * control code points means the windows-1252 character, as legacy pages meant it.
 */
export const NUMERIC_REPLACEMENTS = {
  128: 0x20ac,
  130: 0x201a,
  131: 0x0192,
  132: 0x201e,
  133: 0x2026,
  134: 0x2020,
  135: 0x2021,
  136: 0x02c6,
  137: 0x2030,
  138: 0x0160,
  139: 0x2039,
  140: 0x0152,
  142: 0x017d,
  145: 0x2018,
  146: 0x2019,
  147: 0x201c,
  148: 0x201d,
  149: 0x2022,
  150: 0x2013,
  151: 0x2014,
  152: 0x02dc,
  153: 0x2122,
  154: 0x0161,
  155: 0x203a,
  156: 0x0153,
  158: 0x017e,
  159: 0x0178,
} as const;

/**
 * Tokenizes a whole document: the input preprocessed (§13.2.3.5: CR LF and CR become LF),
 * then §13.2.5's state machine from the data state to the end of the input. After a start
 * tag of `TEXT_ELEMENTS` it switches to that text state itself, as the tree builder would.
 * Character references are decoded in text, RCDATA and attribute values, with the named
 * references of `NAMED_CHARACTER_REFERENCES` only. It never throws: every string is some
 * list of tokens.
 *
 * @example tokenize('<p class=x>A &amp; B') is
 *   [{ type: 'start', name: 'p', attributes: [{ name: 'class', value: 'x' }], selfClosing: false },
 *    { type: 'text', data: 'A & B' }]
 */
export function tokenize(html: string): HtmlToken[] {
  throw new KataTodo('tokenize');
}
