/**
 * The HTML tokenizer of the WHATWG HTML Living Standard, §13.2.5 "Tokenization": a state
 * machine that never fails, for the states this kata covers. Each state below is named
 * as the standard names it. What is left out, and why, is in ./README.md.
 */

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

type State =
  | TextState
  | 'data'
  | 'tag open'
  | 'end tag open'
  | 'tag name'
  | `${TextState} ${'less-than sign' | 'end tag name'}`
  | 'before attribute name'
  | 'attribute name'
  | 'after attribute name'
  | 'before attribute value'
  | 'attribute value (double-quoted)'
  | 'attribute value (single-quoted)'
  | 'attribute value (unquoted)'
  | 'self-closing start tag'
  | 'bogus comment'
  | 'markup declaration open'
  | 'comment start'
  | 'comment start dash'
  | 'comment'
  | 'comment end dash'
  | 'comment end'
  | 'comment end bang'
  | 'before DOCTYPE name'
  | 'DOCTYPE name'
  | 'after DOCTYPE name';

/** Null-prototype lookups: `&constructor;` and `<constructor>` are not in these tables. */
const TEXT_STATES: ReadonlyMap<string, TextState> = new Map(Object.entries(TEXT_ELEMENTS));
const NAMED: ReadonlyMap<string, string> = new Map(Object.entries(NAMED_CHARACTER_REFERENCES));
/** Longest first: the first name the input starts with is "the maximum number of characters". */
const NAMES = [...NAMED.keys()].sort((a, b) => b.length - a.length);
/** Read directly: no number is a key of `Object.prototype`. */
const REPLACEMENTS: Readonly<Record<number, number | undefined>> = NUMERIC_REPLACEMENTS;

/** The end of the input: what `input.charAt(pos)` gives past the last character. */
const EOF = '';
/** "U+0009 CHARACTER TABULATION (tab), U+000A LINE FEED (LF), U+000C FORM FEED (FF), U+0020 SPACE" */
const isWhitespace = (c: string) => c === '\t' || c === '\n' || c === '\f' || c === ' ';
const isAsciiAlpha = (c: string) => /^[A-Za-z]$/.test(c);
const isAsciiAlphanumeric = (c: string) => /^[A-Za-z0-9]$/.test(c);
/** "ASCII upper alpha: append the lowercase version": only A to Z, never `É` or `İ`. */
const asciiLowercase = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

const DIGITS = { decimal: /[0-9]+/y, hexadecimal: /[0-9A-Fa-f]+/y } as const;
const MAX_CODE_POINT = 0x10ffff;
const REPLACEMENT_CHARACTER = 0xfffd;

interface Reference {
  /** What the reference stands for, or the characters as written when it is not one. */
  readonly text: string;
  /** Where the next input character is, after the reference. */
  readonly end: number;
}

/**
 * §13.2.5.72 "Character reference state" to §13.2.5.80, from the character after the
 * `&` at `start`. `inAttribute`: "consumed as part of an attribute".
 */
function characterReference(input: string, start: number, inAttribute: boolean): Reference {
  if (input.charAt(start) === '#') return numericReference(input, start + 1);
  // §13.2.5.73: "Consume the maximum number of characters possible, where the consumed
  // characters are one of the identifiers in the first column of the named character
  // references table". (Every name starts with a letter: after anything else, as the
  // character reference state says, the `&` is text and the next character is read again.)
  const name = NAMES.find((candidate) => input.startsWith(candidate, start));
  // §13.2.5.74 "Ambiguous ampersand state": a name in no table stays as written; the
  // return state reads its letters and digits as it reads any text
  if (name === undefined) return { text: '&', end: start };
  const end = start + name.length;
  const next = input.charAt(end);
  // "for historical reasons": in an attribute, `&not=` and `&notx` stay as written
  if (inAttribute && !name.endsWith(';') && (next === '=' || isAsciiAlphanumeric(next))) {
    return { text: `&${name}`, end };
  }
  return { text: NAMED.get(name) as string, end };
}

/** §13.2.5.75 to §13.2.5.80, from the character after `&#` at `start`. */
function numericReference(input: string, start: number): Reference {
  const x = input.charAt(start);
  const base = x === 'x' || x === 'X' ? 'hexadecimal' : 'decimal';
  const from = base === 'hexadecimal' ? start + 1 : start;
  const digits = DIGITS[base];
  digits.lastIndex = from;
  const match = digits.exec(input);
  // §13.2.5.76, §13.2.5.77: "absence-of-digits-in-numeric-character-reference": `&#` and
  // `&#x` stay as written
  if (match === null) return { text: input.slice(start - 2, from), end: from };
  const end = from + match[0].length;
  const code = Number.parseInt(match[0], base === 'hexadecimal' ? 16 : 10);
  // a missing semicolon is a parse error, but the reference still counts
  return {
    text: String.fromCodePoint(numericReferenceEnd(code)),
    end: input.charAt(end) === ';' ? end + 1 : end,
  };
}

/** §13.2.5.80 "Numeric character reference end state". */
function numericReferenceEnd(code: number): number {
  // "If the number is 0x00 … greater than 0x10FFFF … a surrogate …: Set the character
  // reference code to 0xFFFD."
  if (code === 0 || code > MAX_CODE_POINT || (code >= 0xd800 && code <= 0xdfff)) {
    return REPLACEMENT_CHARACTER;
  }
  // "If the number is one of the numbers in the first column of the following table…";
  // noncharacters and the other controls are parse errors only, and stay
  return REPLACEMENTS[code] ?? code;
}

interface TagBuilder {
  readonly type: 'start' | 'end';
  name: string;
  readonly attributes: HtmlAttribute[];
  selfClosing: boolean;
}

interface AttributeBuilder {
  name: string;
  value: string;
}

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
  // §13.2.3.5: "the input stream must be preprocessed by normalizing newlines"
  const input = html.replace(/\r\n?/g, '\n');
  const tokens: HtmlToken[] = [];
  let text = '';
  // widened on purpose: emitTag, a closure, switches it to a text state
  let state = 'data' as State;
  // each set before it is read: the text state by emitTag, the others by the state that starts one
  let textState!: TextState;
  let lastStartTag: string | undefined;
  let tag!: TagBuilder;
  let attribute!: AttributeBuilder;
  let comment!: string;
  let doctype: string | undefined;
  let buffer!: string;

  const flushText = () => {
    if (text !== '') tokens.push({ type: 'text', data: text });
    text = '';
  };
  const emit = (token: HtmlToken) => {
    flushText();
    tokens.push(token);
  };
  /**
   * "Emit an end-of-file token": the pending text is emitted, a tag being built is not.
   * A state that emits a comment or a DOCTYPE at EOF switches to the data state instead:
   * past the end `charAt` gives EOF again, and the data state ends there.
   */
  const endOfFile = () => {
    flushText();
    return tokens;
  };
  const newTag = (type: TagBuilder['type']) => {
    tag = { type, name: '', attributes: [], selfClosing: false };
  };
  const emitTag = () => {
    state = 'data';
    if (tag.type === 'end') {
      // attributes and the self-closing flag of an end tag are parse errors, and dropped
      emit({ type: 'end', name: tag.name });
      return;
    }
    const { type, name, attributes, selfClosing } = tag;
    emit({ type, name, attributes, selfClosing });
    lastStartTag = name;
    const next = TEXT_STATES.get(name);
    if (next !== undefined) state = textState = next;
  };
  const startAttribute = (name: string) => {
    attribute = { name, value: '' };
  };
  // "When the user agent leaves the attribute name state …, if there is already an
  // attribute on the token with the exact same name, then … the new attribute must be
  // removed from the token": the first one wins.
  const leaveAttributeName = () => {
    if (!tag.attributes.some(({ name }) => name === attribute.name)) tag.attributes.push(attribute);
  };
  const characterReferenceIn = (pos: number, inAttribute: boolean) => {
    const reference = characterReference(input, pos, inAttribute);
    if (inAttribute) attribute.value += reference.text;
    else text += reference.text;
    return reference.end;
  };

  for (let pos = 0; ; ) {
    // the next input character, EOF past the end; to reconsume it, step `pos` back
    const c = input.charAt(pos++);
    switch (state) {
      // §13.2.5.1 Data state, §13.2.5.2 RCDATA state
      case 'data':
      case 'RCDATA':
        if (c === '&') pos = characterReferenceIn(pos, false);
        else if (c === '<') state = state === 'data' ? 'tag open' : 'RCDATA less-than sign';
        else if (c === EOF) return endOfFile();
        else text += c;
        break;
      // §13.2.5.3 RAWTEXT state, §13.2.5.4 Script data state
      case 'RAWTEXT':
      case 'script data':
        if (c === '<') state = `${state} less-than sign`;
        else if (c === EOF) return endOfFile();
        else text += c;
        break;
      // §13.2.5.5 PLAINTEXT state: the rest of the input is text
      case 'PLAINTEXT':
        if (c === EOF) return endOfFile();
        text += c;
        break;
      // §13.2.5.6 Tag open state
      case 'tag open':
        if (c === '!') {
          state = 'markup declaration open';
        } else if (c === '/') {
          state = 'end tag open';
        } else if (isAsciiAlpha(c)) {
          newTag('start');
          state = 'tag name';
          pos--;
        } else if (c === '?') {
          // "unexpected-question-mark-instead-of-tag-name": `<?xml …>` is a comment
          comment = '';
          state = 'bogus comment';
          pos--;
        } else {
          // "invalid-first-character-of-tag-name", and "eof-before-tag-name": `<` is text
          text += '<';
          state = 'data';
          pos--;
        }
        break;
      // §13.2.5.7 End tag open state
      case 'end tag open':
        if (isAsciiAlpha(c)) {
          newTag('end');
          state = 'tag name';
          pos--;
        } else if (c === '>') {
          // "missing-end-tag-name": `</>` is dropped
          state = 'data';
        } else if (c === EOF) {
          text += '</';
          return endOfFile();
        } else {
          // `</1>` is a comment
          comment = '';
          state = 'bogus comment';
          pos--;
        }
        break;
      // §13.2.5.8 Tag name state
      case 'tag name':
        if (isWhitespace(c)) state = 'before attribute name';
        else if (c === '/') state = 'self-closing start tag';
        else if (c === '>') emitTag();
        // "eof-in-tag": the tag is never emitted
        else if (c === EOF) return endOfFile();
        else tag.name += asciiLowercase(c);
        break;
      // §13.2.5.9, §13.2.5.12, §13.2.5.15: the less-than sign states of the text states.
      // (In script data, `<!` would start the escape states this kata leaves out.)
      case 'RCDATA less-than sign':
      case 'RAWTEXT less-than sign':
      case 'script data less-than sign':
        if (c === '/') {
          // §13.2.5.10, §13.2.5.13, §13.2.5.16, the end tag open states, folded in: "Set
          // the temporary buffer to the empty string"; when no letter follows, the end
          // tag name state's "anything else" gives back `</` as text, as they would.
          buffer = '';
          newTag('end');
          state = `${textState} end tag name`;
        } else {
          text += '<';
          state = textState;
          pos--;
        }
        break;
      // §13.2.5.11, §13.2.5.14, §13.2.5.17: only "an appropriate end tag token", the
      // one of the element that started the text, ends it
      case 'RCDATA end tag name':
      case 'RAWTEXT end tag name':
      case 'script data end tag name': {
        const appropriate = tag.name === lastStartTag;
        if (isWhitespace(c) && appropriate) {
          state = 'before attribute name';
        } else if (c === '/' && appropriate) {
          state = 'self-closing start tag';
        } else if (c === '>' && appropriate) {
          emitTag();
        } else if (isAsciiAlpha(c)) {
          tag.name += asciiLowercase(c);
          buffer += c;
        } else {
          text += `</${buffer}`;
          state = textState;
          pos--;
        }
        break;
      }
      // §13.2.5.32 Before attribute name state
      case 'before attribute name':
        if (isWhitespace(c)) break;
        if (c === '/' || c === '>' || c === EOF) {
          state = 'after attribute name';
          pos--;
        } else {
          // "unexpected-equals-sign-before-attribute-name": a `=` starts the name
          startAttribute(c === '=' ? c : '');
          state = 'attribute name';
          if (c !== '=') pos--;
        }
        break;
      // §13.2.5.33 Attribute name state
      case 'attribute name':
        if (isWhitespace(c) || c === '/' || c === '>' || c === EOF) {
          leaveAttributeName();
          state = 'after attribute name';
          pos--;
        } else if (c === '=') {
          leaveAttributeName();
          state = 'before attribute value';
        } else {
          // `"`, `'` and `<` are parse errors, and part of the name
          attribute.name += asciiLowercase(c);
        }
        break;
      // §13.2.5.34 After attribute name state
      case 'after attribute name':
        if (isWhitespace(c)) break;
        if (c === '/') {
          state = 'self-closing start tag';
        } else if (c === '=') {
          state = 'before attribute value';
        } else if (c === '>') {
          emitTag();
        } else if (c === EOF) {
          return endOfFile();
        } else {
          startAttribute('');
          state = 'attribute name';
          pos--;
        }
        break;
      // §13.2.5.35 Before attribute value state. Its `>` entry ("missing-attribute-value")
      // emits the tag, as the unquoted state does with the same `>`: that one serves.
      case 'before attribute value':
        if (isWhitespace(c)) break;
        if (c === '"') state = 'attribute value (double-quoted)';
        else if (c === "'") state = 'attribute value (single-quoted)';
        else {
          state = 'attribute value (unquoted)';
          pos--;
        }
        break;
      // §13.2.5.36 and §13.2.5.37: quoted attribute values. §13.2.5.39, the after
      // attribute value (quoted) state, is folded in: each of its entries does what the
      // before attribute name state does with the same character; it only adds
      // "missing-whitespace-between-attributes", so `a="1"b="2"` has two.
      case 'attribute value (double-quoted)':
      case 'attribute value (single-quoted)':
        if (c === (state === 'attribute value (double-quoted)' ? '"' : "'")) {
          state = 'before attribute name';
        } else if (c === '&') {
          pos = characterReferenceIn(pos, true);
        } else if (c === EOF) {
          return endOfFile();
        } else {
          attribute.value += c;
        }
        break;
      // §13.2.5.38 Attribute value (unquoted) state
      case 'attribute value (unquoted)':
        if (isWhitespace(c)) state = 'before attribute name';
        else if (c === '&') pos = characterReferenceIn(pos, true);
        else if (c === '>') emitTag();
        else if (c === EOF) return endOfFile();
        // `"`, `'`, `<`, `=` and a backquote are parse errors, and part of the value
        else attribute.value += c;
        break;
      // §13.2.5.40 Self-closing start tag state
      case 'self-closing start tag':
        if (c === '>') {
          tag.selfClosing = true;
          emitTag();
        } else {
          // "unexpected-solidus-in-tag": `<a / b>` reads the `/` as a space. (At EOF,
          // "eof-in-tag": the after attribute name state drops the tag.)
          state = 'before attribute name';
          pos--;
        }
        break;
      // §13.2.5.41 Bogus comment state
      case 'bogus comment':
        if (c === '>' || c === EOF) {
          emit({ type: 'comment', data: comment });
          state = 'data';
        } else {
          comment += c;
        }
        break;
      // §13.2.5.42 Markup declaration open state: "If the next few characters are …"
      case 'markup declaration open':
        pos--;
        comment = '';
        if (input.startsWith('--', pos)) {
          pos += 2;
          state = 'comment start';
        } else if (asciiLowercase(input.slice(pos, pos + 7)) === 'doctype') {
          // §13.2.5.53, the DOCTYPE state, is folded in: it reconsumes every character but
          // whitespace in the before DOCTYPE name state, which skips whitespace anyway
          pos += 7;
          state = 'before DOCTYPE name';
        } else {
          // "incorrectly-opened-comment", and `<![CDATA[` outside foreign content: the
          // bogus comment state reads "[CDATA[" into the data as the standard sets it
          state = 'bogus comment';
        }
        break;
      // §13.2.5.43 Comment start state, §13.2.5.44 Comment start dash state
      case 'comment start':
      case 'comment start dash':
        if (c === '-') {
          state = state === 'comment start' ? 'comment start dash' : 'comment end';
        } else if (c === '>') {
          // "abrupt-closing-of-empty-comment": `<!-->` and `<!--->` are empty comments
          emit({ type: 'comment', data: comment });
          state = 'data';
        } else {
          if (state === 'comment start dash' && c !== EOF) comment += '-';
          state = 'comment';
          pos--;
        }
        break;
      // §13.2.5.45 Comment state. The comment less-than sign states (§13.2.5.46 to
      // §13.2.5.49) only report a nested comment; the data they build is the same.
      case 'comment':
        if (c === '-') {
          state = 'comment end dash';
        } else if (c === EOF) {
          // "eof-in-comment": the comment ends with the input
          emit({ type: 'comment', data: comment });
          return endOfFile();
        } else {
          comment += c;
        }
        break;
      // §13.2.5.50 Comment end dash state
      case 'comment end dash':
        if (c === '-') {
          state = 'comment end';
        } else {
          if (c !== EOF) comment += '-';
          state = 'comment';
          pos--;
        }
        break;
      // §13.2.5.51 Comment end state
      case 'comment end':
        if (c === '>') {
          emit({ type: 'comment', data: comment });
          state = 'data';
        } else if (c === '!') {
          state = 'comment end bang';
        } else if (c === '-') {
          comment += '-';
        } else {
          if (c !== EOF) comment += '--';
          state = 'comment';
          pos--;
        }
        break;
      // §13.2.5.52 Comment end bang state: `--!>` ends a comment too
      case 'comment end bang':
        if (c === '>') {
          emit({ type: 'comment', data: comment });
          state = 'data';
        } else {
          if (c !== EOF) comment += '--!';
          state = c === '-' ? 'comment end dash' : 'comment';
          if (c !== '-') pos--;
        }
        break;
      // §13.2.5.54 Before DOCTYPE name state
      case 'before DOCTYPE name':
        if (isWhitespace(c)) break;
        if (c === '>' || c === EOF) {
          // "missing-doctype-name", "eof-in-doctype": a DOCTYPE without a name
          emit({ type: 'doctype', name: undefined });
          state = 'data';
        } else {
          doctype = asciiLowercase(c);
          state = 'DOCTYPE name';
        }
        break;
      // §13.2.5.55 DOCTYPE name state
      case 'DOCTYPE name':
        if (isWhitespace(c)) {
          state = 'after DOCTYPE name';
        } else if (c === '>' || c === EOF) {
          emit({ type: 'doctype', name: doctype });
          state = 'data';
        } else {
          doctype += asciiLowercase(c);
        }
        break;
      // §13.2.5.56 After DOCTYPE name state, with what follows it folded in: the PUBLIC and
      // SYSTEM keywords and identifiers (§13.2.5.57 to §13.2.5.67) and the bogus DOCTYPE
      // state (§13.2.5.68) all end the DOCTYPE at the first `>` or at the end of the input,
      // and this token keeps only the name.
      case 'after DOCTYPE name':
        if (c === '>' || c === EOF) {
          emit({ type: 'doctype', name: doctype });
          state = 'data';
        }
        break;
    }
  }
}
