import { describe, expect, test } from 'vitest';
import { InvalidUrl } from '../16-parse-a-url/uri-reference.ts';
import { extract, type HtmlField } from './extract.ts';

const PAGE = 'http://example.com/dir/page.html?q=1#top';
const read = (html: string, url = PAGE) => extract(html, url);
/** The fields of the only form of `html`. */
function fieldsOf(html: string): readonly HtmlField[] {
  const { forms } = read(`<form>${html}</form>`);
  expect(forms).toHaveLength(1);
  return forms[0]?.fields ?? [];
}
const field = (name: string, value: string, type: HtmlField['type'] = 'text'): HtmlField => ({
  name,
  value,
  type,
});

describe('HTML document.title: the first title element, "strip and collapse ASCII whitespace"', () => {
  test('the text of the title, spaces and newlines collapsed and trimmed', () => {
    expect(read('<title>\n  My \t page\n</title>').title).toBe('My page');
  });

  test('only the first title element counts', () => {
    expect(read('<title>One</title><body><title>Two</title>').title).toBe('One');
  });

  test('no title element is undefined; an empty one is the empty string', () => {
    expect(read('<p>no title').title).toBeUndefined();
    expect(read('text only').title).toBeUndefined();
    expect(read('<title></title>').title).toBe('');
  });

  test('the title is RCDATA: tags are text, references decoded', () => {
    expect(read('<title>a <b>b</b> &amp; c</title>').title).toBe('a <b>b</b> & c');
  });

  test('a title the document ends inside runs to the end', () => {
    expect(read('<title>Unclosed <p>title').title).toBe('Unclosed <p>title');
  });
});

describe('links: a elements with an href, resolved against the document base URL (RFC 3986 §5.2, kata 16)', () => {
  test('RFC 3986 §5.4.1: references resolved against http://a/b/c/d;p?q', () => {
    const hrefs = [
      'g',
      './g',
      'g/',
      '/g',
      '//g',
      '?y',
      'g?y',
      '#s',
      'g#s',
      ';x',
      '',
      '.',
      '../',
      '../g',
      '../../g',
    ];
    const html = hrefs.map((h) => `<a href="${h}">x</a>`).join('');
    expect(read(html, 'http://a/b/c/d;p?q').links.map(({ href }) => href)).toEqual([
      'http://a/b/c/g',
      'http://a/b/c/g',
      'http://a/b/c/g/',
      'http://a/g',
      'http://g',
      'http://a/b/c/d;p?y',
      'http://a/b/c/g?y',
      'http://a/b/c/d;p?q#s',
      'http://a/b/c/g#s',
      'http://a/b/c/;x',
      'http://a/b/c/d;p?q',
      'http://a/b/c/',
      'http://a/b/',
      'http://a/b/g',
      'http://a/g',
    ]);
  });

  test('for ordinary hrefs, the same URL as WHATWG URL resolves', () => {
    const hrefs = ['/about', 'next.html', '../up/', '?page=2', '#s', 'https://other.example/x?y=1'];
    const html = hrefs.map((h) => `<a href="${h}">x</a>`).join('');
    expect(read(html).links.map(({ href }) => href)).toEqual(
      hrefs.map((h) => new URL(h, PAGE).href),
    );
  });

  test('the text is all the text inside, whitespace stripped and collapsed', () => {
    expect(read('<a href="/n">\n  the <b>big</b>\tnews <img alt="x"> </a>').links).toEqual([
      { href: 'http://example.com/n', text: 'the big news' },
    ]);
  });

  test('character references in href and text are decoded', () => {
    expect(read('<a href="/s?a=1&amp;b=2">Tom &amp; Jerry</a>').links).toEqual([
      { href: 'http://example.com/s?a=1&b=2', text: 'Tom & Jerry' },
    ]);
  });

  test('an a element without href is not a link', () => {
    expect(read('<a name="top">Top</a><a href="">Here</a>').links).toEqual([
      { href: 'http://example.com/dir/page.html?q=1', text: 'Here' },
    ]);
  });

  test('an a start tag ends the a still open, as the adoption agency algorithm does', () => {
    expect(read('<a href="/1">one <a href="/2">two</a> after').links).toEqual([
      { href: 'http://example.com/1', text: 'one' },
      { href: 'http://example.com/2', text: 'two' },
    ]);
  });

  test('a link the document ends inside holds the text to the end', () => {
    expect(read('<a href="/1">one <b>two').links).toEqual([
      { href: 'http://example.com/1', text: 'one two' },
    ]);
  });

  test('URL §4.4: leading and trailing spaces and controls go, tabs and newlines inside too', () => {
    expect(read('<a href="\u0001 \n/a\tb\nc \u0001 ">x</a>').links[0]?.href).toBe(
      'http://example.com/abc',
    );
  });

  test('a space inside the URL stays: only the ends are stripped (kata 16 leaves it as written)', () => {
    expect(read('<a href=" /a b ">x</a>').links[0]?.href).toBe('http://example.com/a b');
  });

  test('a link inside raw text (noscript, script) is text, not a link', () => {
    expect(
      read('<noscript><a href="/n">n</a></noscript><script>"<a href=/s>"</script>').links,
    ).toEqual([]);
  });

  test('the document base URL: the first base element with an href, resolved against the page', () => {
    const html =
      '<a href="a">a</a><base target=_top><base href="/docs/"><base href="/other/"><a href="b">b</a>';
    expect(read(html).links.map(({ href }) => href)).toEqual([
      'http://example.com/docs/a',
      'http://example.com/docs/b',
    ]);
  });

  test('a page URL without a scheme is refused (kata 16), since nothing can resolve against it', () => {
    expect(() => read('<a href="x">x</a>', '/relative')).toThrow(InvalidUrl);
  });
});

describe('meta tags: each meta element’s attributes', () => {
  test('names as the tokenizer folds them, values decoded, in document order', () => {
    expect(read('<meta charset=utf-8><META NAME="description" CONTENT="A &amp; B">').meta).toEqual([
      { charset: 'utf-8' },
      { name: 'description', content: 'A & B' },
    ]);
  });

  test('a repeated attribute: the first wins', () => {
    expect(read('<meta property="og:title" property="x" content="T">').meta).toEqual([
      { property: 'og:title', content: 'T' },
    ]);
  });
});

describe('tables: rows of cell text (td and th), the end tags the tree builder implies', () => {
  test('rows and cells, the text of each cell collapsed', () => {
    const html =
      '<table><tr><th> Name </th><th>Age</th></tr><tr><td>Ann\n</td><td>32</td></tr></table>';
    expect(read(html).tables).toEqual([
      [
        ['Name', 'Age'],
        ['Ann', '32'],
      ],
    ]);
  });

  test('a td or th ends the open cell, a tr the open row', () => {
    expect(read('<table><tr><td>a<td>b<tr><th>c</table>').tables).toEqual([[['a', 'b'], ['c']]]);
  });

  test('a cell outside any row starts one (the tree builder inserts the tr)', () => {
    expect(read('<table><td>a</td><td>b</td></table>').tables).toEqual([[['a', 'b']]]);
  });

  test('thead, tbody, tfoot and caption end the open row; the caption is no cell', () => {
    const html =
      '<table><caption>Cap</caption><thead><tr><th>h<tbody><tr><td>b</tbody><tfoot><td>f</table>';
    expect(read(html).tables).toEqual([[['h'], ['b'], ['f']]]);
  });

  test('an empty row is an empty list; a table with no rows is an empty table', () => {
    expect(read('<table><tr></tr></table><table></table>').tables).toEqual([[[]], []]);
  });

  test('a table inside a cell is a table of its own, and its text is also the cell’s', () => {
    const html =
      '<table><tr><td>out <table><tr><td>in</td></tr></table></td><td>x</td></tr></table>';
    expect(read(html).tables).toEqual([[['out in', 'x']], [['in']]]);
  });

  test('a table the document ends inside keeps what it has', () => {
    expect(read('<table><tr><td>a<td>b').tables).toEqual([[['a', 'b']]]);
  });

  test('a section or a caption start tag ends the open row', () => {
    const html =
      '<table><tr><td>a<tbody><td>b<thead><td>c<tfoot><td>d<caption>x</caption><td>e</table>';
    expect(read(html).tables).toEqual([[['a'], ['b'], ['c'], ['d'], ['e']]]);
  });

  test('a section end tag ends the open row', () => {
    const html = '<table><thead><td>a</thead><td>b</tbody><td>c<tfoot><td>d</tfoot><td>e</table>';
    expect(read(html).tables).toEqual([[['a'], ['b'], ['c'], ['d'], ['e']]]);
  });

  test('text between a cell’s end tag and the next cell belongs to no cell', () => {
    expect(read('<table><tr><td>a</td> x <th>b</th> y <td>c</table>').tables).toEqual([
      [['a', 'b', 'c']],
    ]);
  });

  test('HTML 13.2.6.4.7: a newline right after <pre>, <listing> or <textarea> is dropped', () => {
    const html = '<table><td>a<pre>\nb</pre><listing>\nc</listing><textarea>\nd</textarea></table>';
    expect(read(html).tables).toEqual([[['abcd']]]);
  });

  test('end tags of table parts outside any table change nothing', () => {
    expect(read('</tr></td></th></table></tbody></thead></tfoot><p>x').tables).toEqual([]);
  });

  test('cell text holds links, markup and decoded references', () => {
    expect(read('<table><td><a href="/x">A &amp; <b>B</b></a></table>').tables).toEqual([
      [['A & B']],
    ]);
  });

  test('a td outside a table is not a cell (the tree builder ignores it)', () => {
    expect(read('<td>a</td>').tables).toEqual([]);
  });
});

describe('HTML §4.10.19.6 form submission attributes: action, method, enctype', () => {
  test('without attributes: the page’s own URL, GET, application/x-www-form-urlencoded', () => {
    expect(read('<form></form>').forms).toEqual([
      { action: PAGE, method: 'get', enctype: 'application/x-www-form-urlencoded', fields: [] },
    ]);
  });

  test('"If action is the empty string, let action be the URL of the form document"', () => {
    expect(read('<form action=""></form>').forms[0]?.action).toBe(PAGE);
  });

  test('the action is resolved against the document base URL, spaces stripped', () => {
    expect(read('<base href="/app/"><form action=" save?x=1 "></form>').forms[0]?.action).toBe(
      'http://example.com/app/save?x=1',
    );
  });

  test('method and enctype are ASCII case-insensitive keywords', () => {
    expect(read('<form method=POST enctype="Multipart/Form-Data"></form>').forms[0]).toMatchObject({
      method: 'post',
      enctype: 'multipart/form-data',
    });
    expect(read('<form enctype=TEXT/PLAIN></form>').forms[0]?.enctype).toBe('text/plain');
  });

  test('"missing value default and invalid value default are both the GET state"; likewise enctype', () => {
    expect(read('<form method=put enctype="application/json"></form>').forms[0]).toMatchObject({
      method: 'get',
      enctype: 'application/x-www-form-urlencoded',
    });
  });

  test('a method=dialog form submits nothing: it is not listed', () => {
    expect(
      read('<form method=dialog><input name=a></form><form><input name=b></form>').forms,
    ).toEqual([expect.objectContaining({ fields: [field('b', '')] })]);
  });

  test('a form start tag inside an open form is ignored; the next form end tag ends the form', () => {
    const html =
      '<form action=/a><input name=x><form action=/b><input name=y></form><input name=z></form>';
    expect(read(html).forms).toEqual([
      expect.objectContaining({
        action: 'http://example.com/a',
        fields: [field('x', ''), field('y', '')],
      }),
    ]);
  });

  test('controls outside any form belong to none', () => {
    expect(read('<input name=a><form></form><select name=s><option>o</select>').forms).toEqual([
      expect.objectContaining({ fields: [] }),
    ]);
  });
});

describe('HTML §4.10.22.4 constructing the entry list (no submitter)', () => {
  test('an input adds its name and value attribute, in document order', () => {
    expect(fieldsOf('<input name=q value="a b"><input name=n>')).toEqual([
      field('q', 'a b'),
      field('n', ''),
    ]);
  });

  test('no name, an empty name, or disabled: no entry', () => {
    expect(
      fieldsOf('<input value=1><input name="" value=2><input name=d value=3 disabled>'),
    ).toEqual([]);
  });

  test('"field is a button but it is not submitter": no button is sent', () => {
    const html =
      '<input type=submit name=s value=1><input type=image name=i><input type=reset name=r><input type=button name=b><button name=go value=1>Go</button>';
    expect(fieldsOf(html)).toEqual([]);
  });

  test('§4.10.5: the type keyword in lowercase; a missing or unknown one is text', () => {
    const html =
      '<input type=EMAIL name=a><input type=bogus name=b><input type="" name=c><input type=hidden name=d>';
    expect(fieldsOf(html).map(({ type }) => type)).toEqual(['email', 'text', 'text', 'hidden']);
  });

  test('a checkbox counts only when checked, with its value or "on"', () => {
    expect(
      fieldsOf(
        '<input type=checkbox name=a><input type=checkbox name=b checked><input type=checkbox name=c value=yes checked>',
      ),
    ).toEqual([field('b', 'on', 'checkbox'), field('c', 'yes', 'checkbox')]);
  });

  test('radio buttons: of a group (same form, same name) only the last checked one counts', () => {
    const html =
      '<input type=radio name=r value=1 checked><input type=radio name=r value=2 checked><input type=radio name=r value=3><input type=radio name=s value=4 checked>';
    expect(fieldsOf(html)).toEqual([field('r', '2', 'radio'), field('s', '4', 'radio')]);
  });

  test('a disabled radio button still unchecks its group: then none is sent', () => {
    expect(
      fieldsOf(
        '<input type=radio name=r value=1 checked><input type=radio name=r value=2 checked disabled>',
      ),
    ).toEqual([]);
  });

  test('a field of another type with the same name is not in the radio group', () => {
    expect(fieldsOf('<input name=r value=t><input type=radio name=r value=1 checked>')).toEqual([
      field('r', 't'),
      field('r', '1', 'radio'),
    ]);
    expect(
      fieldsOf('<input type=radio name=r value=1 checked><input type=checkbox name=r checked>'),
    ).toEqual([field('r', '1', 'radio'), field('r', 'on', 'checkbox')]);
  });

  test('a radio group is per form', () => {
    const html =
      '<form><input type=radio name=r value=1 checked></form><form><input type=radio name=r value=2 checked></form>';
    expect(read(html).forms.map(({ fields }) => fields)).toEqual([
      [field('r', '1', 'radio')],
      [field('r', '2', 'radio')],
    ]);
  });

  test('a file input adds an entry with no file: its value is empty', () => {
    expect(fieldsOf('<input type=file name=f value="ignored">')).toEqual([field('f', '', 'file')]);
  });

  test('a textarea: its text, first newline dropped, line breaks normalized to LF', () => {
    expect(
      fieldsOf('<textarea name=t>\nline 1&#13;&#10;line 2&#13;end &amp; <b></textarea>'),
    ).toEqual([field('t', 'line 1\nline 2\nend & <b>', 'textarea')]);
  });

  test('a disabled or nameless textarea adds nothing', () => {
    expect(fieldsOf('<textarea name=t disabled>x</textarea><textarea>y</textarea>')).toEqual([]);
  });

  test('a select: the selected option’s value attribute, else its text collapsed', () => {
    expect(
      fieldsOf('<select name=s><option value=1>One<option selected> Two\n words </select>'),
    ).toEqual([field('s', 'Two words', 'select-one')]);
  });

  test('with no option selected, the first one that is not disabled', () => {
    expect(
      fieldsOf(
        '<select name=s><option disabled>a</option><option>b</option><option>c</option></select>',
      ),
    ).toEqual([field('s', 'b', 'select-one')]);
  });

  test('without multiple, "all but the last" selected option are unselected', () => {
    expect(
      fieldsOf('<select name=s><option selected>a<option selected>b<option>c</select>'),
    ).toEqual([field('s', 'b', 'select-one')]);
  });

  test('with multiple, every selected option; with none selected, none', () => {
    expect(
      fieldsOf('<select name=m multiple><option selected>a<option>b<option selected>c</select>'),
    ).toEqual([field('m', 'a', 'select-multiple'), field('m', 'c', 'select-multiple')]);
    expect(fieldsOf('<select name=m multiple><option>a</select>')).toEqual([]);
  });

  test('a disabled option, or one in a disabled optgroup, is never sent', () => {
    const html =
      '<select name=m multiple><option selected disabled>a<optgroup disabled><option selected>b</optgroup><option selected>c</select>';
    expect(fieldsOf(html)).toEqual([field('m', 'c', 'select-multiple')]);
  });

  test('the last selected option wins even when it is disabled: then nothing is sent', () => {
    expect(
      fieldsOf('<select name=s><option selected>a<option selected disabled>b</select>'),
    ).toEqual([]);
  });

  test('a disabled or nameless select adds nothing', () => {
    expect(
      fieldsOf('<select name=s disabled><option>a</select><select><option>b</select>'),
    ).toEqual([]);
  });

  test('a select the document ends inside still counts', () => {
    expect(read('<form><select name=s><option>a<option selected>b').forms[0]?.fields).toEqual([
      field('s', 'b', 'select-one'),
    ]);
  });

  test('an option ends at its end tag, and the select at its own', () => {
    expect(
      fieldsOf('<select name=s><option>a</option> b <option>c</select><option selected>d'),
    ).toEqual([field('s', 'a', 'select-one')]);
  });

  test('an optgroup end tag ends its disabled group', () => {
    expect(
      fieldsOf('<select name=s><optgroup disabled><option>a</optgroup><option>b</select>'),
    ).toEqual([field('s', 'b', 'select-one')]);
  });

  test('an option outside a select is no field', () => {
    expect(fieldsOf('<option selected>x</option>')).toEqual([]);
  });

  test('fields in document order across inputs, selects and textareas', () => {
    const html =
      '<input name=a><select name=b><option>1</select><textarea name=c>t</textarea><input name=d>';
    expect(fieldsOf(html).map(({ name }) => name)).toEqual(['a', 'b', 'c', 'd']);
  });
});
