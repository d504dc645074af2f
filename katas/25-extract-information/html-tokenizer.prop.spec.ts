import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { markup } from './fixtures/documents.ts';
import { parse5Tokens } from './fixtures/parse5-peer.ts';
import { tokenize } from './html-tokenizer.ts';

/** What an HTML serializer escapes in text: `&`, `<`, and (a CR would become an LF) CR. */
const escapeText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('\r', '&#13;');
/** In a double-quoted attribute value: `&`, `"` and CR. */
const escapeAttribute = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('\r', '&#13;');

describe('WHATWG HTML §13.2.5 Tokenization, against parse5', () => {
  test.prop([markup], { numRuns: 400 })(
    'on generated markup, broken or not, the tokens are parse5 tokenizer’s (README: what is left out)',
    (html) => {
      expect(tokenize(html), JSON.stringify(html)).toEqual(parse5Tokens(html));
    },
  );

  test.prop([fc.string({ unit: 'binary', maxLength: 60 })], { numRuns: 300 })(
    'any string at all is a list of tokens: no error, no empty text token, no two text tokens in a row',
    (html) => {
      const tokens = tokenize(html);
      for (const [i, token] of tokens.entries()) {
        if (token.type !== 'text') continue;
        expect(token.data, JSON.stringify(html)).not.toBe('');
        expect(tokens[i + 1]?.type, JSON.stringify(html)).not.toBe('text');
      }
    },
  );
});

describe('§13.2.5.1, §13.2.5.36, §13.2.5.72: what is escaped comes back as written', () => {
  test.prop([fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'))], {
    numRuns: 200,
  })('text with `&`, `<` and CR escaped is one text token: the text itself', (text) => {
    fc.pre(text !== '');
    expect(tokenize(escapeText(text))).toEqual([{ type: 'text', data: text }]);
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'))], {
    numRuns: 200,
  })('an attribute value with `&`, `"` and CR escaped is the value itself', (value) => {
    const [token] = tokenize(`<p title="${escapeAttribute(value)}">`);
    expect(token).toEqual({
      type: 'start',
      name: 'p',
      attributes: [{ name: 'title', value }],
      selfClosing: false,
    });
  });
});
