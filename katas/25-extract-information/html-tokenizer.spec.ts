import { describe, expect, test } from 'vitest';
import { parse5Tokens } from './fixtures/parse5-peer.ts';
import {
  type HtmlAttribute,
  type HtmlToken,
  NAMED_CHARACTER_REFERENCES,
  tokenize,
} from './html-tokenizer.ts';

const text = (data: string): HtmlToken => ({ type: 'text', data });
const end = (name: string): HtmlToken => ({ type: 'end', name });
const comment = (data: string): HtmlToken => ({ type: 'comment', data });
const start = (
  name: string,
  attributes: Record<string, string> = {},
  selfClosing = false,
): HtmlToken => ({
  type: 'start',
  name,
  attributes: Object.entries(attributes).map(([n, value]): HtmlAttribute => ({ name: n, value })),
  selfClosing,
});
/** The attributes of the first token, which must be a start tag. */
function attributesOf(html: string): Record<string, string> {
  const [token] = tokenize(html);
  if (token?.type !== 'start')
    throw new Error(`${JSON.stringify(html)} gave ${JSON.stringify(token)}`);
  return Object.fromEntries(token.attributes.map(({ name, value }) => [name, value]));
}
/** The text of a document that is text only. */
function textOf(html: string): string {
  const tokens = tokenize(html);
  if (tokens.length !== 1 || tokens[0]?.type !== 'text') {
    throw new Error(`${JSON.stringify(html)} gave ${JSON.stringify(tokens)}`);
  }
  return tokens[0].data;
}

describe('HTML §13.2.5.1 Data state: text up to the next `<` or `&`', () => {
  test('plain text is one text token; the end of the input ends it', () => {
    expect(tokenize('Hello, world')).toEqual([text('Hello, world')]);
  });

  test('an empty document has no tokens', () => {
    expect(tokenize('')).toEqual([]);
  });

  test('character tokens in a row are one text token, even across a dropped `</>`', () => {
    expect(tokenize('a&amp;b</>c')).toEqual([text('a&bc')]);
  });

  test('§13.2.3.5: CR LF and a lone CR become LF before tokenizing', () => {
    expect(tokenize('a\r\nb\rc<p title="x\r\ny">')).toEqual([
      text('a\nb\nc'),
      start('p', { title: 'x\ny' }),
    ]);
  });
});

describe('§13.2.5.6 to §13.2.5.8: tag open, end tag open and tag name states', () => {
  test('a start tag and an end tag, names folded to lowercase', () => {
    expect(tokenize('<DiV>x</DIV>')).toEqual([start('div'), text('x'), end('div')]);
  });

  test('"ASCII upper alpha" only: a letter outside A to Z keeps its case', () => {
    expect(tokenize('<xÉY>')).toEqual([start('xÉy')]);
  });

  test('"invalid-first-character-of-tag-name": `<` not before a letter, `!`, `/` or `?` is text', () => {
    expect(tokenize('a < b <3 <é')).toEqual([text('a < b <3 <é')]);
  });

  test('"missing-end-tag-name": `</>` is dropped', () => {
    expect(tokenize('a</>')).toEqual([text('a')]);
  });

  test('`</` before a character that is not a letter opens a bogus comment', () => {
    expect(tokenize('</1 x>y')).toEqual([comment('1 x'), text('y')]);
  });

  test('"unexpected-question-mark-instead-of-tag-name": `<?xml …?>` is a comment', () => {
    expect(tokenize('<?xml version="1.0"?>')).toEqual([comment('?xml version="1.0"?')]);
  });

  test('"eof-in-tag": a tag the input ends inside is never emitted', () => {
    expect(tokenize('a<div class="x')).toEqual([text('a')]);
    expect(tokenize('a<div')).toEqual([text('a')]);
  });

  test('"eof-in-tag" in every attribute state: the tag is dropped', () => {
    for (const tail of [
      ' ',
      ' b',
      ' b ',
      ' b=',
      ' b=c',
      " b='c",
      ' b="c"',
      ' b="c" ',
      '/',
      ' b/',
    ]) {
      expect(tokenize(`a<p${tail}`), tail).toEqual([text('a')]);
    }
  });

  test('"eof-before-tag-name": `<` and `</` at the end are text', () => {
    expect(tokenize('a<')).toEqual([text('a<')]);
    expect(tokenize('a</')).toEqual([text('a</')]);
  });

  test('an end tag keeps only its name: attributes and a trailing `/` are dropped', () => {
    expect(tokenize('</p class=x/>')).toEqual([end('p')]);
  });

  test('§13.2.5.40: `/>` sets the self-closing flag; a `/` elsewhere is read as a space', () => {
    expect(tokenize('<br/><br /><br/ x>')).toEqual([
      start('br', {}, true),
      start('br', {}, true),
      start('br', { x: '' }),
    ]);
  });
});

describe('§13.2.5.32 to §13.2.5.39: attributes', () => {
  test('quoted three ways, or with no value at all', () => {
    expect(attributesOf(`<a b="1 2" c='3 4' d=5 e>`)).toEqual({
      b: '1 2',
      c: '3 4',
      d: '5',
      e: '',
    });
  });

  test('names are folded to lowercase, values are not', () => {
    expect(attributesOf('<a HREF="/Up">')).toEqual({ href: '/Up' });
  });

  test('"duplicate-attribute": the first one wins, whatever the case', () => {
    expect(attributesOf('<a b=1 b=2 B=3>')).toEqual({ b: '1' });
  });

  test('attributes keep their order', () => {
    const [token] = tokenize('<a z=1 y=2 x=3>');
    expect(token?.type === 'start' && token.attributes.map(({ name }) => name)).toEqual([
      'z',
      'y',
      'x',
    ]);
  });

  test('an attribute without a value may be followed by spaces, `/` or `>`', () => {
    expect(tokenize('<a b ><a c /><a d/>')).toEqual([
      start('a', { b: '' }),
      start('a', { c: '' }, true),
      start('a', { d: '' }, true),
    ]);
  });

  test('spaces around `=` are allowed; a quoted value may hold `>` and newlines', () => {
    expect(attributesOf('<a title = "x > y\nz">')).toEqual({ title: 'x > y\nz' });
  });

  test('"unexpected-character-in-unquoted-attribute-value": quotes, `=`, `<` and a backquote are kept', () => {
    expect(attributesOf('<a b=x"y\'z=w<`>')).toEqual({ b: 'x"y\'z=w<`' });
  });

  test("\"unexpected-character-in-attribute-name\": `<div id'bar'>` has one attribute, id'bar'", () => {
    expect(attributesOf("<div id'bar'>")).toEqual({ "id'bar'": '' });
    expect(tokenize('<div foo<div>')).toEqual([start('div', { 'foo<div': '' })]);
  });

  test('"unexpected-equals-sign-before-attribute-name": `="baz"` is a name', () => {
    expect(attributesOf('<div foo="bar" ="baz">')).toEqual({ foo: 'bar', '="baz"': '' });
  });

  test('"missing-whitespace-between-attributes" and "missing-attribute-value"', () => {
    expect(attributesOf('<a b="1"c=\'2\'d=>')).toEqual({ b: '1', c: '2', d: '' });
  });
});

describe('§13.2.5.41 to §13.2.5.52: comments, and the odd endings the standard defines', () => {
  test('`<!--` to `-->`', () => {
    expect(tokenize('<!-- a -- b -->c')).toEqual([comment(' a -- b '), text('c')]);
  });

  test('"abrupt-closing-of-empty-comment": `<!-->` and `<!--->` are empty comments', () => {
    expect(tokenize('<!-->a<!--->b')).toEqual([comment(''), text('a'), comment(''), text('b')]);
  });

  test('"incorrectly-closed-comment": `--!>` ends a comment too', () => {
    expect(tokenize('<!--a--!>b')).toEqual([comment('a'), text('b')]);
  });

  test('`--!` before anything but `>` is part of the data, as are extra dashes', () => {
    expect(tokenize('<!--a--!b--><!--c---->')).toEqual([comment('a--!b'), comment('c--')]);
  });

  test('"nested-comment": the first `-->` ends the comment, the rest is text', () => {
    expect(tokenize('<!-- <!-- nested --> -->')).toEqual([comment(' <!-- nested '), text(' -->')]);
  });

  test('"eof-in-comment": the input ends the comment, without the dashes read so far', () => {
    expect(tokenize('<!-- abc')).toEqual([comment(' abc')]);
    expect(tokenize('<!-- a -')).toEqual([comment(' a ')]);
    expect(tokenize('<!-- a --')).toEqual([comment(' a ')]);
    expect(tokenize('<!-- a --!')).toEqual([comment(' a ')]);
    expect(tokenize('<!--')).toEqual([comment('')]);
    expect(tokenize('<!---')).toEqual([comment('')]);
    expect(tokenize('<!-x')).toEqual([comment('-x')]);
  });

  test('"incorrectly-opened-comment": `<!` without `--` is a bogus comment up to `>`', () => {
    expect(tokenize('<!ELEMENT br EMPTY>x<!>')).toEqual([
      comment('ELEMENT br EMPTY'),
      text('x'),
      comment(''),
    ]);
  });

  test('"cdata-in-html-content": `<![CDATA[x]]>` is the comment "[CDATA[x]]"', () => {
    expect(tokenize('<![CDATA[x]]>')).toEqual([comment('[CDATA[x]]')]);
  });

  test('markup inside a comment is data', () => {
    expect(tokenize('<!--<a href="x">&amp;-->')).toEqual([comment('<a href="x">&amp;')]);
  });
});

describe('§13.2.5.53 to §13.2.5.56: DOCTYPE, whose token keeps only the name', () => {
  test('the keyword is case-insensitive and the name folded to lowercase', () => {
    expect(tokenize('<!doctype HTML>')).toEqual([{ type: 'doctype', name: 'html' }]);
  });

  test('public and system identifiers are read past, up to the `>`', () => {
    expect(
      tokenize(
        '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">x',
      ),
    ).toEqual([{ type: 'doctype', name: 'html' }, text('x')]);
  });

  test('"abrupt-doctype-public-identifier": a `>` inside an identifier ends the DOCTYPE', () => {
    expect(tokenize('<!DOCTYPE html PUBLIC "foo>bar">')).toEqual([
      { type: 'doctype', name: 'html' },
      text('bar">'),
    ]);
  });

  test('"missing-doctype-name" and "eof-in-doctype": a DOCTYPE without a name', () => {
    expect(tokenize('<!DOCTYPE>')).toEqual([{ type: 'doctype', name: undefined }]);
    expect(tokenize('<!DOCTYPE')).toEqual([{ type: 'doctype', name: undefined }]);
    expect(tokenize('<!DOCTYPE html')).toEqual([{ type: 'doctype', name: 'html' }]);
    expect(tokenize('<!DOCTYPE html PUBLIC "x')).toEqual([{ type: 'doctype', name: 'html' }]);
  });

  test('"missing-whitespace-before-doctype-name": `<!DOCTYPEhtml>` is named html', () => {
    expect(tokenize('<!DOCTYPEhtml>')).toEqual([{ type: 'doctype', name: 'html' }]);
  });
});

describe('§13.2.5.2 to §13.2.5.17: elements whose content is text (the tree builder switches)', () => {
  test('RCDATA (title): tags are text, character references are decoded', () => {
    expect(tokenize('<title>a <b> &amp; c</title>')).toEqual([
      start('title'),
      text('a <b> & c'),
      end('title'),
    ]);
  });

  test('RCDATA (textarea), the same', () => {
    expect(tokenize('<textarea>&lt;p&gt;</textarea>')).toEqual([
      start('textarea'),
      text('<p>'),
      end('textarea'),
    ]);
  });

  test('script data: tags and references are text as written', () => {
    const source = 'if (a < b && c) x = "<b>&amp;</b>";';
    expect(tokenize(`<script>${source}</script>`)).toEqual([
      start('script'),
      text(source),
      end('script'),
    ]);
  });

  test.each(['style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript'])(
    'RAWTEXT (%s): tags and references are text as written',
    (name) => {
      expect(tokenize(`<${name}><a href="/x">&amp;</a></${name}>`)).toEqual([
        start(name),
        text('<a href="/x">&amp;</a>'),
        end(name),
      ]);
    },
  );

  test('only "an appropriate end tag token" ends the text: the element’s own', () => {
    expect(tokenize('<script>a</scripty></b></script>')).toEqual([
      start('script'),
      text('a</scripty></b>'),
      end('script'),
    ]);
  });

  test('the end tag is case-insensitive and may carry attributes or a `/`', () => {
    expect(tokenize('<style>x</STYLE foo=1>y<title>z</title/>w<xmp>v</xmp/u>')).toEqual([
      start('style'),
      text('x'),
      end('style'),
      text('y'),
      start('title'),
      text('z'),
      end('title'),
      text('w'),
      start('xmp'),
      text('v'),
      end('xmp'),
    ]);
  });

  test('`</` before a character that is not a letter is text in a text element', () => {
    expect(tokenize('<title>a</ b</1</</title>')).toEqual([
      start('title'),
      text('a</ b</1</'),
      end('title'),
    ]);
  });

  test('an end tag the input ends inside is text', () => {
    expect(tokenize('<style>a</style')).toEqual([start('style'), text('a</style')]);
    expect(tokenize('<style>a</')).toEqual([start('style'), text('a</')]);
  });

  test('a self-closing `<script/>` still holds text', () => {
    expect(tokenize('<script/>a</script>')).toEqual([
      start('script', {}, true),
      text('a'),
      end('script'),
    ]);
  });

  test('PLAINTEXT: after `<plaintext>` everything is text, to the end', () => {
    expect(tokenize('<plaintext></plaintext>&amp;')).toEqual([
      start('plaintext'),
      text('</plaintext>&amp;'),
    ]);
  });
});

describe('§13.2.5.72 to §13.2.5.74: named character references', () => {
  test('with their semicolon, in text', () => {
    expect(textOf('&amp; &lt; &gt; &quot; &apos; &copy; &eacute;')).toBe('& < > " \' © é');
  });

  test('§13.5: a legacy name counts without its semicolon ("missing-semicolon-after-character-reference")', () => {
    expect(textOf('&amp &copy &nbsp')).toBe('& © \u00a0');
  });

  test('any other name needs its semicolon', () => {
    expect(textOf('&hellip &mdash &hellip;')).toBe('&hellip &mdash …');
  });

  test('"the maximum number of characters possible": &notin; is ∉, &notit; is ¬it;', () => {
    expect(textOf("I'm &notit; I tell you, &notin;, &notin")).toBe("I'm ¬it; I tell you, ∉, ¬in");
  });

  test('"unknown-named-character-reference": a name in no table stays as written', () => {
    expect(textOf('&zz; &foo &amp')).toBe('&zz; &foo &');
  });

  test('a name JavaScript objects know is not in the table: &constructor; &toString; stay', () => {
    expect(textOf('&constructor; &toString; &__proto__;')).toBe(
      '&constructor; &toString; &__proto__;',
    );
  });

  test('"for historical reasons", in an attribute a legacy name before `=` or an alphanumeric stays', () => {
    expect(attributesOf('<a href="?a=1&copy=2&notx&not;x&copy">')).toEqual({
      href: '?a=1&copy=2&notx¬x©',
    });
  });

  test('the same in text is decoded', () => {
    expect(textOf('&copy=2&notx')).toBe('©=2¬x');
  });

  test('a lone `&` is text, at the end too', () => {
    expect(textOf('a & b &')).toBe('a & b &');
  });

  test('every name of the kata’s table decodes as parse5 decodes it, in text and attributes', () => {
    for (const name of Object.keys(NAMED_CHARACTER_REFERENCES)) {
      const html = `&${name} <p title="&${name} ">`;
      expect(tokenize(html), html).toEqual(parse5Tokens(html));
    }
  });
});

describe('§13.2.5.75 to §13.2.5.80: numeric character references', () => {
  test('decimal and hexadecimal, x in either case, hex digits in either case', () => {
    expect(textOf('&#65;&#x41;&#X61;&#xe9;&#xE9;&#128578;')).toBe('AAaéé🙂');
  });

  test('"missing-semicolon-after-character-reference": the digits still count', () => {
    expect(textOf('&#65x &#x41g')).toBe('Ax Ag');
  });

  test('"absence-of-digits-in-numeric-character-reference": &#; &#x; &#xg stay as written', () => {
    expect(textOf('&#; &#x; &#xg &#a')).toBe('&#; &#x; &#xg &#a');
  });

  test('zero, beyond U+10FFFF and a surrogate are U+FFFD REPLACEMENT CHARACTER', () => {
    expect(textOf('&#0;&#x110000;&#xD800;&#xDFFF;&#99999999999999999999;')).toBe(
      '\ufffd'.repeat(5),
    );
  });

  test('the code points next to those ranges are kept', () => {
    expect(textOf('&#1;&#x10FFFF;&#xD7FF;&#xE000;')).toBe('\u0001\u{10ffff}\ud7ff\ue000');
  });

  test('noncharacters and CR are kept: "control-character-reference" is only an error', () => {
    expect(textOf('&#xFFFE;&#13;&#1;')).toBe('\ufffe\r\u0001');
  });

  test('a C1 control means the windows-1252 character: &#128; is €, &#x9F; is Ÿ', () => {
    expect(textOf('&#128;&#x9F;&#x81;')).toBe('€Ÿ\u0081');
  });

  test('every code point from 0x80 to 0x9F decodes as parse5 decodes it', () => {
    for (let code = 0x80; code <= 0x9f; code++) {
      const html = `&#${code};`;
      expect(tokenize(html), html).toEqual(parse5Tokens(html));
    }
  });

  test('decoded in attribute values too', () => {
    expect(attributesOf('<a b="&#60;&#x3E;" c=&#38;>')).toEqual({ b: '<>', c: '&' });
  });
});
