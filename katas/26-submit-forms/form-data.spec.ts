import { describe, expect, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
import type { HtmlField, HtmlForm } from '../25-extract-information/extract.ts';
import { busboyEntries, DONE, fetchEntries, SEE_OTHER, serveForms } from './fixtures/peers.ts';
import {
  type Entry,
  encodeForm,
  encodeMultipart,
  encodeTextPlain,
  FormError,
  type FormErrorReason,
  type FormFile,
  formRequest,
  MAX_BOUNDARY_TRIES,
  submit,
} from './form-data.ts';

/** Proposes the given boundaries in turn, then `fallback` for ever. */
function proposing(...boundaries: string[]): () => string {
  let next = 0;
  return () => boundaries[next++] ?? 'fallback';
}

/** The body `encodeMultipart` writes with the boundary `B`, as text (UTF-8). */
function multipart(entries: readonly Entry[]): string {
  return Buffer.from(encodeMultipart(entries, { nextBoundary: () => 'B' }).body).toString();
}

/** The Content-Disposition line of the only part. */
function disposition(entry: Entry): string {
  const line = multipart([entry]).split('\r\n')[1] ?? '';
  return line;
}

/** What `run` was refused with (its reason), or what it returned. */
function refusal(run: () => unknown): FormErrorReason | string {
  try {
    return `accepted: ${JSON.stringify(run())}`;
  } catch (error) {
    if (error instanceof FormError) return error.reason;
    throw error;
  }
}

const file = (filename: string, type: string, data: number[] | string): FormFile => ({
  filename,
  type,
  data: typeof data === 'string' ? Buffer.from(data) : Uint8Array.from(data),
});

const field = (name: string, value: string, type: HtmlField['type'] = 'text'): HtmlField => ({
  name,
  value,
  type,
});

const form = (overrides: Partial<HtmlForm> = {}): HtmlForm => ({
  action: 'http://shop.test/buy',
  method: 'post',
  enctype: 'application/x-www-form-urlencoded',
  fields: [field('sku', 'A1'), field('qty', '2')],
  ...overrides,
});

describe('URL Standard 5.2: the urlencoded serializer writes name=value pairs joined by &', () => {
  test('pairs in order, = between name and value, & between pairs', () => {
    expect(
      encodeForm([
        ['a', '1'],
        ['b', '2'],
        ['a', '3'],
      ]),
    ).toBe('a=1&b=2&a=3');
  });

  test('an empty list is the empty string; an empty name or value is kept', () => {
    expect(encodeForm([])).toBe('');
    expect(
      encodeForm([
        ['', ''],
        ['a', ''],
      ]),
    ).toBe('=&a=');
  });

  test('a space is +', () => {
    expect(encodeForm([['first name', 'Ann Lee']])).toBe('first+name=Ann+Lee');
  });

  test('the ASCII alphanumerics and *-._ are written as they are', () => {
    const safe = 'azAZ09*-._';
    expect(encodeForm([[safe, safe]])).toBe(`${safe}=${safe}`);
  });

  test("!'()~ are percent-encoded (encodeURIComponent leaves them)", () => {
    expect(encodeForm([['x', "!'()~"]])).toBe('x=%21%27%28%29%7E');
  });

  test('+ & = % # / ? are percent-encoded, so a value cannot end its pair', () => {
    expect(encodeForm([['a=b', '1+1&c=%#/?']])).toBe('a%3Db=1%2B1%26c%3D%25%23%2F%3F');
  });

  test('other code points: their UTF-8 bytes, each %XX in uppercase hex', () => {
    expect(encodeForm([['é', '€😀']])).toBe('%C3%A9=%E2%82%AC%F0%9F%98%80');
  });

  test('control characters are encoded, and newlines are not normalized by the serializer', () => {
    expect(encodeForm([['a', '\n\r\t\u0000\u007f']])).toBe('a=%0A%0D%09%00%7F');
  });

  test('a lone surrogate is written as U+FFFD, as URLSearchParams does', () => {
    expect(encodeForm([['\ud800', 'x\udc00']])).toBe('%EF%BF%BD=x%EF%BF%BD');
    expect(encodeForm([['\ud800', 'x\udc00']])).toBe(
      new URLSearchParams([['\ud800', 'x\udc00']]).toString(),
    );
  });
});

describe('RFC 2046 §5.1.1: --boundary CRLF part, CRLF --boundary CRLF part, …, CRLF --boundary--', () => {
  test('one field: delimiter, Content-Disposition, blank line, value, close-delimiter', () => {
    expect(multipart([['a', 'v']])).toBe(
      '--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--B--\r\n',
    );
  });

  test('two parts: the CRLF before each delimiter belongs to the delimiter', () => {
    expect(
      multipart([
        ['a', ''],
        ['b', 'x\r\n'],
      ]),
    ).toBe(
      '--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n\r\n' +
        '--B\r\nContent-Disposition: form-data; name="b"\r\n\r\nx\r\n\r\n--B--\r\n',
    );
  });

  test('no entries: the close-delimiter alone, and the peers read no entries', async () => {
    const { body, contentType } = encodeMultipart([], { nextBoundary: () => 'B' });
    expect(Buffer.from(body).toString()).toBe('--B--\r\n');
    expect(await busboyEntries(contentType, [body])).toEqual([]);
  });

  test('the Content-Type names the boundary', () => {
    expect(encodeMultipart([], { nextBoundary: () => 'abc-123' })).toMatchObject({
      boundary: 'abc-123',
      contentType: 'multipart/form-data; boundary=abc-123',
    });
  });

  test('a boundary that is not a token is quoted in the Content-Type (RFC 2046 §5.1.1)', () => {
    expect(encodeMultipart([], { nextBoundary: () => 'gc0pJq0M:08jU534c0p' }).contentType).toBe(
      'multipart/form-data; boundary="gc0pJq0M:08jU534c0p"',
    );
  });

  test("a boundary of the bchars that are tchars (letters, digits, '+_-.) is not quoted", () => {
    const boundary = "09AZaz'+_-.";
    expect(encodeMultipart([], { nextBoundary: () => boundary }).contentType).toBe(
      `multipart/form-data; boundary=${boundary}`,
    );
  });

  test.each(['(', ')', ',', '/', ':', '=', '?', ' '])(
    'a boundary with %j, a bchar but no tchar (RFC 9110 §5.6.2), is quoted',
    (c) => {
      const boundary = `a${c}b`;
      expect(encodeMultipart([], { nextBoundary: () => boundary }).contentType).toBe(
        `multipart/form-data; boundary="${boundary}"`,
      );
    },
  );

  test.each([..."0123456789AZaz'()+_,-./:=?"])('%j may end a boundary (bcharsnospace)', (c) => {
    expect(encodeMultipart([], { nextBoundary: () => `x${c}` }).boundary).toBe(`x${c}`);
  });

  test.each([..."09AZaz'()+_,-./:=? "])('%j may be inside a boundary (bchars)', (c) => {
    expect(encodeMultipart([], { nextBoundary: () => `${c}x` }).boundary).toBe(`${c}x`);
  });

  test.each([
    ['empty', ''],
    ['71 characters', 'x'.repeat(71)],
    ['ending in a space', 'abc '],
    ['with a quote', 'a"b'],
    ['with CR LF', 'a\r\nb'],
    ['with a non-ASCII letter', 'é'],
  ])('a proposal %s is no boundary: bad-boundary', (_, boundary) => {
    expect(refusal(() => encodeMultipart([], { nextBoundary: () => boundary }))).toBe(
      'bad-boundary',
    );
  });

  test('70 characters, a space inside and the other bchars make a boundary', () => {
    const boundary = `${"'()+_,-./:=? ".repeat(5)}${'x'.repeat(5)}`;
    expect(boundary).toHaveLength(70);
    expect(encodeMultipart([], { nextBoundary: () => boundary }).boundary).toBe(boundary);
  });
});

describe('RFC 2046 §5.1: the boundary delimiter MUST NOT appear inside any of the encapsulated parts', () => {
  test('a proposal found in a value is passed over for the next', () => {
    const { boundary } = encodeMultipart([['a', 'xx--AAAxx']], {
      nextBoundary: proposing('AAA', 'BBB'),
    });
    expect(boundary).toBe('BBB');
  });

  test('a proposal found in a file, a name or a filename is passed over too', () => {
    const entries: Entry[] = [
      ['a', file('f', '', 'one')],
      ['two', ''],
      ['b', file('three', '', '')],
    ];
    const { boundary } = encodeMultipart(entries, {
      nextBoundary: proposing('one', 'two', 'three', 'four'),
    });
    expect(boundary).toBe('four');
  });

  test(`the ${MAX_BOUNDARY_TRIES}th proposal is still tried`, () => {
    const clashes = Array.from({ length: MAX_BOUNDARY_TRIES - 1 }, () => 'AAA');
    const { boundary } = encodeMultipart([['a', 'AAA']], {
      nextBoundary: proposing(...clashes, 'BBB'),
    });
    expect(boundary).toBe('BBB');
  });

  test(`no more than ${MAX_BOUNDARY_TRIES} proposals: a free one after them is never asked for`, () => {
    let asked = 0;
    const nextBoundary = () => (++asked > MAX_BOUNDARY_TRIES ? 'BBB' : 'AAA');
    expect(refusal(() => encodeMultipart([['a', 'AAA']], { nextBoundary }))).toBe('no-boundary');
    expect(asked).toBe(MAX_BOUNDARY_TRIES);
  });

  test(`${MAX_BOUNDARY_TRIES} proposals that all occur in the content: no-boundary`, () => {
    expect(refusal(() => encodeMultipart([['a', 'AAA']], { nextBoundary: () => 'AAA' }))).toBe(
      'no-boundary',
    );
  });

  test('the error names what was at fault: the proposal, or how many were tried', () => {
    const thrown = (nextBoundary: () => string) => {
      try {
        encodeMultipart([['a', 'AAA']], { nextBoundary });
      } catch (error) {
        return error instanceof FormError ? error.detail : 'not a FormError';
      }
      return 'nothing thrown';
    };
    expect(thrown(() => 'a"b')).toContain('a\\"b');
    expect(thrown(() => 'AAA')).toContain(String(MAX_BOUNDARY_TRIES));
  });

  test('without nextBoundary: a valid boundary, a new one each time', () => {
    const grammar = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
    const first = encodeMultipart([['a', 'b']]).boundary;
    const second = encodeMultipart([['a', 'b']]).boundary;
    expect(first).toMatch(grammar);
    expect(second).not.toBe(first);
  });
});

describe('RFC 7578 §4.2, HTML 4.10.22.8: Content-Disposition: form-data; name="…"; filename="…"', () => {
  test('a name keeps its characters, " escaped as %22', () => {
    expect(disposition(['say "hi"', ''])).toBe(
      'Content-Disposition: form-data; name="say %22hi%22"',
    );
  });

  test('a backslash is sent as it is: "The user agent must not perform any other escapes"', () => {
    expect(disposition(['a\\b', ''])).toBe('Content-Disposition: form-data; name="a\\b"');
  });

  test.each([
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
    ['CR LF', 'a\r\nb'],
  ])('a %s in a name is first made CR LF, then escaped as %0D%0A', (_, name) => {
    expect(disposition([name, ''])).toBe('Content-Disposition: form-data; name="a%0D%0Ab"');
  });

  test('a non-ASCII name is sent as its UTF-8 bytes, not percent-encoded', () => {
    const { body } = encodeMultipart([['été', 'x']], { nextBoundary: () => 'B' });
    expect(Buffer.from(body).includes(Buffer.from('name="été"'))).toBe(true);
  });

  test('a file part names the field and the file, and has a Content-Type', () => {
    expect(multipart([['doc', file('a.txt', 'text/plain', 'hi')]])).toBe(
      '--B\r\nContent-Disposition: form-data; name="doc"; filename="a.txt"\r\n' +
        'Content-Type: text/plain\r\n\r\nhi\r\n--B--\r\n',
    );
  });

  test('a filename escapes LF, CR and " but its newlines are not normalized', () => {
    expect(disposition(['f', file('a\nb\rc"d\\e', '', '')])).toBe(
      'Content-Disposition: form-data; name="f"; filename="a%0Ab%0Dc%22d\\e"',
    );
  });
});

describe('RFC 7578 §4.4: Content-Type of a part', () => {
  test('a string value has none (HTML 4.10.22.8)', () => {
    expect(multipart([['a', 'b']])).not.toContain('Content-Type');
  });

  test('a file of unknown type (the empty string) is application/octet-stream', () => {
    expect(multipart([['f', file('x', '', '')]])).toContain(
      '\r\nContent-Type: application/octet-stream\r\n',
    );
  });

  test('a type is lowercased (File API)', () => {
    expect(multipart([['f', file('x', 'Image/PNG', '')]])).toContain(
      '\r\nContent-Type: image/png\r\n',
    );
  });

  test('U+0020 and U+007E are kept in a type', () => {
    expect(multipart([['f', file('x', 'Text/Plain; A=b~c', '')]])).toContain(
      '\r\nContent-Type: text/plain; a=b~c\r\n',
    );
  });

  test.each([
    ['U+001F', 'text/plain\u001f'],
    ['U+007F', 'text/plain\u007f'],
  ])('a type with %s is unknown: application/octet-stream', (_, type) => {
    expect(multipart([['f', file('x', type, '')]])).toContain(
      '\r\nContent-Type: application/octet-stream\r\n',
    );
  });

  test('a type with a character outside U+0020 to U+007E is unknown: no header can be injected', () => {
    const body = multipart([['f', file('x', 'text/plain\r\nX-Evil: 1', '')]]);
    expect(body).toContain('\r\nContent-Type: application/octet-stream\r\n');
    expect(body).not.toContain('X-Evil');
  });
});

describe('HTML 4.10.22.8: the content of each part', () => {
  test.each([
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
  ])('a %s in a string value becomes CR LF', (_, value) => {
    expect(multipart([['v', value]])).toContain('\r\n\r\na\r\nb\r\n--B--');
  });

  test('quotes and backslashes in a value are content: not escaped', () => {
    expect(multipart([['v', 'say "hi" \\o/']])).toContain('\r\n\r\nsay "hi" \\o/\r\n--B--');
  });

  test('a file is sent byte for byte: every octet, newlines untouched', async () => {
    const data = Array.from({ length: 256 }, (_, i) => i);
    const { body, contentType } = encodeMultipart([['f', file('all.bin', '', [...data, 10, 13])]]);
    const [entry] = await busboyEntries(contentType, [body]);
    expect(entry).toEqual({
      name: 'f',
      filename: 'all.bin',
      type: 'application/octet-stream',
      data: Buffer.from([...data, 10, 13]),
    });
  });

  test('RFC 7578 §5.2: parts in the order of the entries, the same name not coalesced', async () => {
    const entries: Entry[] = [
      ['a', '1'],
      ['f', file('one', 'text/plain', 'x')],
      ['a', '2'],
    ];
    const { body, contentType } = encodeMultipart(entries);
    expect(await fetchEntries(contentType, body)).toEqual([
      { name: 'a', value: '1' },
      { name: 'f', filename: 'one', type: 'text/plain', data: Buffer.from('x') },
      { name: 'a', value: '2' },
    ]);
  });

  test("fetch's parser reads back the names and filenames HTML escapes", async () => {
    const entries: Entry[] = [
      ['a"b\\c\nd', 'x'],
      ['é', file('q"\\.txt', '', '')],
    ];
    const { body, contentType } = encodeMultipart(entries);
    expect(await fetchEntries(contentType, body)).toEqual([
      { name: 'a"b\\c\r\nd', value: 'x' },
      { name: 'é', filename: 'q"\\.txt', type: 'application/octet-stream', data: Buffer.alloc(0) },
    ]);
  });

  test('busboy reads the same body cut into pieces of one octet', async () => {
    const { body, contentType } = encodeMultipart([
      ['a', 'b'],
      ['c', file('d', '', 'e')],
    ]);
    const pieces = [...Buffer.from(body)].map((byte) => Uint8Array.of(byte));
    expect(await busboyEntries(contentType, pieces)).toEqual([
      { name: 'a', value: 'b' },
      { name: 'c', filename: 'd', type: 'application/octet-stream', data: Buffer.from('e') },
    ]);
  });
});

describe('HTML 4.10.22.9: text/plain is name=value CR LF for each pair, nothing escaped', () => {
  test('each pair on its line', () => {
    expect(
      encodeTextPlain([
        ['a', '1'],
        ['b', '2'],
      ]),
    ).toBe('a=1\r\nb=2\r\n');
  });

  test('no escaping: = & % and newlines are written as they are (the format is ambiguous)', () => {
    expect(encodeTextPlain([['a=b', 'c&d%\r\ne']])).toBe('a=b=c&d%\r\ne\r\n');
  });

  test('no pairs: the empty string', () => {
    expect(encodeTextPlain([])).toBe('');
  });
});

describe('HTML 4.10.22.3: a GET form mutates the action URL', () => {
  const get = (overrides: Partial<HtmlForm>) => formRequest(form({ method: 'get', ...overrides }));

  test('the query is the urlencoded entry list', () => {
    expect(get({ action: 'http://shop.test/find' })).toEqual({
      method: 'GET',
      url: 'http://shop.test/find?sku=A1&qty=2',
      headers: [],
    });
  });

  test("the action's query is replaced, its fragment kept", () => {
    expect(get({ action: 'http://shop.test/find?old=1&x=2#top' }).url).toBe(
      'http://shop.test/find?sku=A1&qty=2#top',
    );
  });

  test("a ? in the action's fragment is the fragment's", () => {
    expect(get({ action: 'http://shop.test/find#a?b' }).url).toBe(
      'http://shop.test/find?sku=A1&qty=2#a?b',
    );
  });

  test('no fields: the query is empty, and the ? is still there', () => {
    expect(get({ action: 'http://shop.test/find?q=1', fields: [] }).url).toBe(
      'http://shop.test/find?',
    );
  });

  test('whatever the enctype: the query is urlencoded', () => {
    expect(get({ enctype: 'multipart/form-data' }).url).toBe('http://shop.test/buy?sku=A1&qty=2');
    expect(get({ enctype: 'text/plain' }).url).toBe('http://shop.test/buy?sku=A1&qty=2');
  });

  test('HTML 4.10.22.6: newlines in names and values become CR LF, %0D%0A', () => {
    expect(get({ fields: [field('a\nb', 'c\rd', 'textarea')] }).url).toBe(
      'http://shop.test/buy?a%0D%0Ab=c%0D%0Ad',
    );
  });

  test('HTML 4.10.22.6: a file is its filename in the query', () => {
    const request = formRequest(form({ method: 'get', fields: [field('doc', '', 'file')] }), {
      doc: file('report.pdf', 'application/pdf', 'x'),
    });
    expect(request.url).toBe('http://shop.test/buy?doc=report.pdf');
  });

  test('the caller’s fields are sent, and no body', () => {
    const request = formRequest(
      form({ method: 'get' }),
      {},
      { headers: [['Accept', 'text/html']] },
    );
    expect(request.headers).toEqual([['Accept', 'text/html']]);
    expect(request.body).toBeUndefined();
  });
});

describe('HTML 4.10.22.3: a POST form submits as entity body, in its enctype', () => {
  test('urlencoded: the body and its Content-Type', () => {
    expect(formRequest(form())).toEqual({
      method: 'POST',
      url: 'http://shop.test/buy',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: 'sku=A1&qty=2',
    });
  });

  test('urlencoded: newlines become CR LF first (HTML 4.10.22.6)', () => {
    expect(formRequest(form({ fields: [field('t', 'a\nb', 'textarea')] })).body).toBe('t=a%0D%0Ab');
  });

  test('text/plain: the body and its Content-Type', () => {
    const request = formRequest(form({ enctype: 'text/plain', fields: [field('t', 'a\nb')] }));
    expect(request.headers).toEqual([['Content-Type', 'text/plain']]);
    expect(request.body).toBe('t=a\r\nb\r\n');
  });

  test('text/plain: a file is its filename', () => {
    const request = formRequest(form({ enctype: 'text/plain', fields: [field('f', '', 'file')] }), {
      f: file('x.bin', '', 'data'),
    });
    expect(request.body).toBe('f=x.bin\r\n');
  });

  test('multipart: the Content-Type names the boundary the body uses', async () => {
    const request = formRequest(
      form({ enctype: 'multipart/form-data' }),
      {},
      { nextBoundary: () => 'XyZ' },
    );
    expect(request.headers).toEqual([['Content-Type', 'multipart/form-data; boundary=XyZ']]);
    const body =
      request.body instanceof Uint8Array ? request.body : Buffer.from(request.body ?? '');
    expect(await busboyEntries('multipart/form-data; boundary=XyZ', [body])).toEqual([
      { name: 'sku', value: 'A1' },
      { name: 'qty', value: '2' },
    ]);
  });

  test("Content-Type first, then the caller's fields", () => {
    expect(formRequest(form(), {}, { headers: [['Accept', '*/*']] }).headers).toEqual([
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['Accept', '*/*'],
    ]);
  });

  test('the action is the URL, as it is', () => {
    expect(formRequest(form({ action: 'http://shop.test/buy?step=2#x' })).url).toBe(
      'http://shop.test/buy?step=2#x',
    );
  });
});

describe('HTML 4.10.22.4: the entry list, with the user’s values', () => {
  const body = (...args: Parameters<typeof formRequest>) => formRequest(...args).body;

  test('a value replaces the field of that name, in its place', () => {
    expect(body(form(), { sku: 'B2' })).toBe('sku=B2&qty=2');
  });

  test('a name the form does not have is added last', () => {
    expect(body(form(), { go: 'Buy', sku: 'C3' })).toBe('sku=C3&qty=2&go=Buy');
  });

  test('several values: that many entries, at the place of the first field of the name', () => {
    const fields = [field('tag', 'a'), field('q', '1'), field('tag', 'b')];
    expect(body(form({ fields }), { tag: ['x', 'y', 'z'] })).toBe('tag=x&tag=y&tag=z&q=1');
  });

  test('no values: the fields of that name are not sent', () => {
    expect(body(form(), { sku: [] })).toBe('qty=2');
  });

  test('a file input with no file sends an empty file: no filename, application/octet-stream', async () => {
    const request = formRequest(
      form({ enctype: 'multipart/form-data', fields: [field('doc', '', 'file')] }),
    );
    const contentType = request.headers[0]?.[1] ?? '';
    const entries = await fetchEntries(contentType, request.body as Uint8Array);
    expect(entries).toEqual([
      { name: 'doc', filename: '', type: 'application/octet-stream', data: Buffer.alloc(0) },
    ]);
  });

  test('a file given for a file input is sent with its name, type and bytes', async () => {
    const fields = [field('doc', '', 'file'), field('note', 'n')];
    const request = formRequest(form({ enctype: 'multipart/form-data', fields }), {
      doc: file('a.png', 'image/png', [0x89, 0x50, 0x4e, 0x47]),
    });
    const contentType = request.headers[0]?.[1] ?? '';
    expect(await fetchEntries(contentType, request.body as Uint8Array)).toEqual([
      {
        name: 'doc',
        filename: 'a.png',
        type: 'image/png',
        data: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      },
      { name: 'note', value: 'n' },
    ]);
  });

  test('a hidden _charset_ field sends the encoding, UTF-8, whatever its value', () => {
    const fields = [field('_charset_', '', 'hidden'), field('_CharSet_', 'x', 'hidden')];
    expect(body(form({ fields }))).toBe('_charset_=UTF-8&_CharSet_=UTF-8');
  });

  test('a _charset_ field that is not hidden sends its value', () => {
    expect(body(form({ fields: [field('_charset_', 'mine')] }))).toBe('_charset_=mine');
  });
});

describe('submit: the request sent with kata 22, read by a node:http server', () => {
  test('GET: the server reads the fields from the query with URLSearchParams', async () => {
    const server = await serveForms();
    const fields = [field('q', 'a b&c'), field('lang', 'fr')];
    const response = await within(
      submit(form({ method: 'get', action: `${server.origin}/find?old=1`, fields }), { lang: 'é' }),
      'the GET submission never completed',
    );
    expect(response.status).toBe(200);
    const [seen] = server.seen;
    expect(seen?.method).toBe('GET');
    expect(seen?.target.split('?')[0]).toBe('/find');
    expect([...new URLSearchParams(seen?.target.split('?')[1])]).toEqual([
      ['q', 'a b&c'],
      ['lang', 'é'],
    ]);
  });

  test('POST urlencoded: the same body fetch sends for URLSearchParams of the same pairs', async () => {
    const server = await serveForms();
    const pairs: [string, string][] = [
      ['name', 'Zoë'],
      ['msg', "1+1=2 & that's ~all!"],
    ];
    const fields = pairs.map(([name, value]) => field(name, value));
    await within(
      submit(form({ action: `${server.origin}/post`, fields })),
      'the POST never completed',
    );
    await within(
      fetch(`${server.origin}/post`, { method: 'POST', body: new URLSearchParams(pairs) }),
      'fetch never completed',
    );
    const [ours, theirs] = server.seen;
    expect(ours?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(ours?.body.toString()).toBe(theirs?.body.toString());
    expect([...new URLSearchParams(ours?.body.toString())]).toEqual(pairs);
  });

  test('POST multipart: busboy on the server reads the fields and the file', async () => {
    const server = await serveForms();
    const fields = [field('title', 'Q3'), field('doc', '', 'file')];
    const upload = file('q3.bin', 'application/x-thing', [0, 255, 13, 10, 45, 45]);
    await within(
      submit(form({ action: `${server.origin}/upload`, enctype: 'multipart/form-data', fields }), {
        doc: upload,
      }),
      'the upload never completed',
    );
    const [seen] = server.seen;
    const contentType = seen?.headers['content-type'] ?? '';
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(await busboyEntries(contentType, [seen?.body ?? Buffer.alloc(0)])).toEqual([
      { name: 'title', value: 'Q3' },
      {
        name: 'doc',
        filename: 'q3.bin',
        type: 'application/x-thing',
        data: Buffer.from(upload.data),
      },
    ]);
  });

  test('POST text/plain: the server reads name=value lines', async () => {
    const server = await serveForms();
    await within(
      submit(form({ action: `${server.origin}/note`, enctype: 'text/plain' })),
      'the POST never completed',
    );
    expect(server.seen[0]?.headers['content-type']).toBe('text/plain');
    expect(server.seen[0]?.body.toString()).toBe('sku=A1\r\nqty=2\r\n');
  });

  test('a 303 after the POST is followed with a GET and no body (RFC 9110 §15.4.4)', async () => {
    const server = await serveForms();
    const response = await within(
      submit(form({ action: `${server.origin}${SEE_OTHER}` })),
      'the POST and its redirect never completed',
    );
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${server.origin}${DONE}`);
    expect(server.seen.map((s) => `${s.method} ${s.target} ${s.body.length}`)).toEqual([
      `POST ${SEE_OTHER} ${'sku=A1&qty=2'.length}`,
      `GET ${DONE} 0`,
    ]);
    expect(server.seen[1]?.headers['content-type']).toBeUndefined();
  });

  test("the caller's options reach kata 22's request: maxRedirects 0 stops at the 303", async () => {
    const server = await serveForms();
    await expect(
      within(
        submit(form({ action: `${server.origin}${SEE_OTHER}` }), {}, { maxRedirects: 0 }),
        'never settled',
      ),
    ).rejects.toMatchObject({ reason: 'too-many-redirects' });
  });
});
