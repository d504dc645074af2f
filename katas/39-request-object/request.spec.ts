import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import { curl, HAS_CURL, withCurl } from '../27-hello-server/fixtures/clients.ts';
import { environ } from '../33-gateway-apps/fixtures/gateway.ts';
import type { Environ } from '../33-gateway-apps/gateway.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import { serveFetch } from '../35-fetch-gateway/fetch-gateway.ts';
import { HttpError, router } from '../37-routing/routing.ts';
import {
  busboyEntries,
  comparable,
  counted,
  encodeFormData,
  honoApp,
  longBody,
} from './fixtures/peers.ts';
import { DEFAULT_MAX_BODY_BYTES, FORM_PROBLEMS, MESSAGES, request, required } from './request.ts';

const encoder = new TextEncoder();

/** A POST with this Content-Type and body, in the chunks given. */
const post = (type: string, ...body: (string | Uint8Array)[]): Environ =>
  environ({ method: 'POST', headers: { 'Content-Type': type }, body });

/** The HttpError a promise rejects with (it must reject with one). */
async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const outcome = await promise.then(
    (value: unknown) => ({ settled: 'resolved' as const, value }),
    (reason: unknown) => ({ settled: 'rejected' as const, reason }),
  );
  if (outcome.settled === 'resolved') {
    expect.fail(
      `it resolved with ${inspect(outcome.value, { breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 8 })}: an HttpError was due`,
    );
  }
  expect(outcome.reason, 'it rejected, but not with an HttpError').toBeInstanceOf(HttpError);
  return outcome.reason as HttpError;
}

const MULTIPART = 'multipart/form-data; boundary=XyZ';
/** A multipart body with boundary XyZ, its lines joined with CR LF. */
const multipart = (...lines: string[]) => lines.join('\r\n');
const DISPOSITION = 'Content-Disposition: form-data; name="a"';

describe('RFC 3875 §4.1.12, §4.1.13, §4.1.5: the method, and the path as SCRIPT_NAME then PATH_INFO', () => {
  test('method is REQUEST_METHOD, as sent', () => {
    expect(request(environ({ method: 'PATCH' })).method).toBe('PATCH');
  });

  test("path is the mount's prefix followed by the rest", () => {
    const env = environ({ scriptName: '/app', target: '/users/7?x=1' });
    expect(request(env).path).toBe('/app/users/7');
  });

  test('path is decoded, as PATH_INFO is', () => {
    expect(request(environ({ target: '/a%20b/%C3%A9' })).path).toBe('/a b/é');
  });
});

describe('RFC 3875 §4.1.18: a field is HTTP_ and its name upper-cased, "-" as "_"; RFC 9110 §5.1: field names are case-insensitive', () => {
  const env = environ({
    headers: { 'User-Agent': 'curl/8', 'X-Empty': '', 'Content-Type': 'text/plain' },
    body: ['hi'],
  });

  test.each(['user-agent', 'User-Agent', 'USER-AGENT', 'uSeR-aGeNt'])('header(%j)', (name) => {
    expect(request(env).header(name)).toBe('curl/8');
  });

  test('a field that is absent is undefined', () => {
    expect(request(env).header('Accept')).toBeUndefined();
  });

  test('a field sent empty is the empty string', () => {
    expect(request(env).header('x-empty')).toBe('');
  });

  test('Content-Type and Content-Length are CONTENT_TYPE and CONTENT_LENGTH, not HTTP_*', () => {
    const typed = environ({
      headers: { 'Content-Type': 'text/plain' },
      body: ['hello'],
      extra: { HTTP_CONTENT_TYPE: 'image/png', HTTP_CONTENT_LENGTH: '99' },
    });
    expect(request(typed).header('content-type')).toBe('text/plain');
    expect(request(typed).header('Content-Length')).toBe('5');
  });

  test('RFC 3875 §4.1.3: an empty CONTENT_TYPE is no Content-Type at all', () => {
    expect(request(environ()).header('Content-Type')).toBeUndefined();
    expect(request(environ()).header('Content-Length')).toBeUndefined();
  });
});

describe("the query is kata 38's pairs of QUERY_STRING, as URLSearchParams reads them", () => {
  test('in order, repeats kept, a malformed escape kept', () => {
    const env = environ({ target: '/s?tag=a&q=50%25+off&tag=b&bad=%zz' });
    expect(request(env).query).toEqual([...new URLSearchParams('tag=a&q=50%25+off&tag=b&bad=%zz')]);
  });
});

describe('one request per environ, one body per gateway.input: it can be read only once', () => {
  test('the same environ gives the same request', () => {
    const env = environ();
    expect(request(env)).toBe(request(env));
  });

  test('data() twice reads the input once: the same bytes both times', async () => {
    const { environ: env, pulled } = counted({ method: 'POST' }, [
      encoder.encode('ab'),
      encoder.encode('c'),
    ]);
    const first = await request(env).data();
    const again = await request(env).data();
    expect(new TextDecoder().decode(again)).toBe('abc');
    expect(again).toEqual(first);
    expect(pulled()).toBe(2);
  });

  test('text() after json() after data(): each sees the whole body', async () => {
    const req = request(post('application/json', '{"n":', '1}'));
    expect(await req.data()).toEqual(encoder.encode('{"n":1}'));
    expect(await req.json()).toEqual({ n: 1 });
    expect(await req.text()).toBe('{"n":1}');
  });

  test("a copy of the environ (a router's) shares its original's body", async () => {
    const env = post('text/plain', 'shared');
    await request(env).text();
    expect(await request({ ...env }).text()).toBe('shared');
  });
});

describe('RFC 9110 §15.5.14: 413 (Content Too Large) when the body is larger than the server is willing to process', () => {
  test('data() gives the bytes of every chunk, in order', async () => {
    const body = await request(
      post('application/octet-stream', 'one ', encoder.encode('two'), ' three'),
    ).data();
    expect(new TextDecoder().decode(body)).toBe('one two three');
  });

  test('no body is the empty byte sequence', async () => {
    expect(await request(environ()).data()).toEqual(new Uint8Array(0));
  });

  test('a Content-Length over the limit is a 413 before a byte is read', async () => {
    const { environ: env, pulled } = counted(
      { method: 'POST', headers: { 'Content-Length': '11' } },
      longBody(1),
    );
    const error = await refusal(request(env, { maxBodyBytes: 10 }).data());
    expect(error.status).toBe(413);
    expect(pulled()).toBe(0);
  });

  test('a Content-Length of exactly the limit is read', async () => {
    const env = environ({ method: 'POST', body: ['0123456789'] });
    expect((await request(env, { maxBodyBytes: 10 }).data()).byteLength).toBe(10);
  });

  test('a body without Content-Length (chunked) is counted as it comes: 413 once past the limit, the rest never read', async () => {
    const {
      environ: env,
      pulled,
      closed,
    } = counted({ method: 'POST', extra: { CONTENT_LENGTH: '' } }, longBody(4));
    const error = await within(
      refusal(request(env, { maxBodyBytes: 10 }).data()),
      'data() never gave up on a long body',
    );
    expect(error.status).toBe(413);
    // 12 bytes are past 10: the third chunk is the last one pulled, and the input is closed
    expect(pulled()).toBe(3);
    expect(closed()).toBe(true);
  });

  test('a counted body of exactly the limit is read', async () => {
    const env = environ({
      method: 'POST',
      body: ['01234', '56789'],
      extra: { CONTENT_LENGTH: '' },
    });
    expect((await request(env, { maxBodyBytes: 10 }).data()).byteLength).toBe(10);
  });

  test('a counted body one byte over is a 413', async () => {
    const env = environ({
      method: 'POST',
      body: ['01234', '567890'],
      extra: { CONTENT_LENGTH: '' },
    });
    expect((await refusal(request(env, { maxBodyBytes: 10 }).data())).status).toBe(413);
  });

  test('the message says the limit', async () => {
    const env = environ({ method: 'POST', body: ['0123456789!'] });
    const error = await refusal(request(env, { maxBodyBytes: 10 }).data());
    expect(error.message).toBe(MESSAGES.tooLarge(10));
    expect(error.message).toContain('10');
  });

  test('the default limit is 1 MiB', async () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(1024 * 1024);
    const over = environ({
      method: 'POST',
      headers: { 'Content-Length': String(1024 * 1024 + 1) },
    });
    expect((await refusal(request(over).data())).status).toBe(413);
    const at = environ({ method: 'POST', body: [new Uint8Array(1024 * 1024)] });
    expect((await request(at).data()).byteLength).toBe(1024 * 1024);
  });

  test('text(), json(), form() and input() answer 413 too', async () => {
    const big = () =>
      environ({
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '100' },
      });
    const limited = () => request(big(), { maxBodyBytes: 99 });
    expect((await refusal(limited().text())).status).toBe(413);
    expect((await refusal(limited().form())).status).toBe(413);
    expect((await refusal(limited().input())).status).toBe(413);
    const json = environ({
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '100' },
    });
    expect((await refusal(request(json, { maxBodyBytes: 99 }).json())).status).toBe(413);
  });
});

describe("Fetch's text(): the body decoded as UTF-8", () => {
  test('bytes that are not UTF-8 and a leading BOM: as Response.text() reads them', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9, 0xff, 0x21]);
    const text = await request(post('text/plain', bytes)).text();
    expect(text).toBe(await new Response(bytes).text());
  });
});

describe('RFC 8259: application/json; RFC 6839: a +json type is JSON too; RFC 9110 §15.5.16: anything else is a 415', () => {
  test.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/problem+json',
    ' application/json ',
  ])('%j is JSON', async (type) => {
    expect(await request(post(type, '{"a":[1,"x",null]}')).json()).toEqual({ a: [1, 'x', null] });
  });

  test.each([
    'text/plain',
    'application/jsonx',
    'application/json-seq',
    'text/json+xml',
    'application/x-www-form-urlencoded',
  ])('%j is a 415', async (type) => {
    expect((await refusal(request(post(type, '{}')).json())).status).toBe(415);
  });

  test('no Content-Type is a 415 that says so', async () => {
    const error = await refusal(request(environ({ method: 'POST', body: ['{}'] })).json());
    expect(error.status).toBe(415);
    expect(error.message).toBe(MESSAGES.notJson(''));
  });

  test("the 415 names the request's media type", async () => {
    const error = await refusal(request(post('Text/Plain; charset=utf-8', '{}')).json());
    expect(error.message).toBe(MESSAGES.notJson('text/plain'));
  });

  test('the type is checked before the body is read', async () => {
    const { environ: env, pulled } = counted(
      { method: 'POST', headers: { 'Content-Type': 'text/plain' } },
      [encoder.encode('{}')],
    );
    await refusal(request(env).json());
    expect(pulled()).toBe(0);
  });
});

describe('RFC 8259: a JSON text is one value; what is not one is a 400 that names the problem', () => {
  test.each(['{"a":', '', "{'a':1}", '[1,]', '{"a":1}x', 'NaN'])('%j', async (text) => {
    const error = await refusal(request(post('application/json', text)).json());
    expect(error.status).toBe(400);
    const problem = (() => {
      try {
        JSON.parse(text);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(error.message).toBe(MESSAGES.badJson(problem as string));
  });

  test('a scalar is a JSON text too', async () => {
    expect(await request(post('application/json', ' "x" ')).json()).toBe('x');
  });

  test('RFC 8259: UTF-8, a leading BOM ignored, as Response.json() reads it', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('{"é":"ü"}')]);
    expect(await request(post('application/json', bytes)).json()).toEqual(
      await new Response(bytes).json(),
    );
  });
});

describe('URL Standard 5.1: an application/x-www-form-urlencoded body is parsed as bytes (kata 38)', () => {
  test('as URLSearchParams reads it', async () => {
    const body = 'name=Ada+Lovelace&tag=a&tag=b&note=50%25&bad=%zz&=x&flag';
    const form = await request(post('application/x-www-form-urlencoded', body)).form();
    expect(form).toEqual([...new URLSearchParams(body)]);
  });

  test('the bytes go to the parser undecoded: a raw C3 and then %A9 are é', async () => {
    const bytes = new Uint8Array([0x61, 0x3d, 0xc3, ...encoder.encode('%A9')]);
    expect(await request(post('application/x-www-form-urlencoded', bytes)).form()).toEqual([
      ['a', 'é'],
    ]);
  });

  test('RFC 9110 §8.3.1: the type is case-insensitive, its parameters no matter', async () => {
    const form = await request(
      post('Application/X-WWW-Form-URLEncoded; charset=UTF-8', 'a=1'),
    ).form();
    expect(form).toEqual([['a', '1']]);
  });

  test('a body of any other type has no form entries', async () => {
    expect(await request(post('text/plain', 'a=1')).form()).toEqual([]);
    expect(await request(post('application/json', '{"a":1}')).form()).toEqual([]);
    expect(await request(environ({ method: 'POST', body: ['a=1'] })).form()).toEqual([]);
  });
});

describe('RFC 7578 §4, RFC 2046 §5.1.1: a multipart/form-data body is parts between boundary delimiters', () => {
  test('fields and files as fetch writes them, in order, repeats kept', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x2d, 0x2d]);
    const { contentType, body } = await encodeFormData([
      ['name', 'Ada'],
      ['photo', { filename: 'ada.png', type: 'image/png', data: png }],
      ['name', 'Lovelace'],
    ]);
    const form = await request(post(contentType, body.subarray(0, 50), body.subarray(50))).form();
    expect(form).toEqual([
      ['name', 'Ada'],
      ['photo', { filename: 'ada.png', type: 'image/png', data: png }],
      ['name', 'Lovelace'],
    ]);
  });

  test('what busboy reads from the same body', async () => {
    const { contentType, body } = await encodeFormData([
      ['comment', 'line one\nline two'],
      ['é', 'ü'],
      ['empty', ''],
      ['notes', { filename: 'notes.txt', type: 'text/plain', data: encoder.encode('x\r\n--y') }],
    ]);
    expect(await request(post(contentType, body)).form()).toEqual(
      await busboyEntries(contentType, body),
    );
  });

  test('the preamble before the first delimiter and the epilogue after the last are ignored', async () => {
    const body = multipart(
      'This is the preamble.',
      '--XyZ',
      DISPOSITION,
      '',
      '1',
      '--XyZ--',
      'and the epilogue',
    );
    expect(await request(post(MULTIPART, body)).form()).toEqual([['a', '1']]);
  });

  test('"receivers MUST be able to handle padding": spaces and tabs after a delimiter', async () => {
    const body = multipart(
      '--XyZ \t',
      DISPOSITION,
      '',
      '1',
      '--XyZ  ',
      DISPOSITION,
      '',
      '2',
      '--XyZ--',
    );
    expect(await request(post(MULTIPART, body)).form()).toEqual([
      ['a', '1'],
      ['a', '2'],
    ]);
  });

  test('the CRLF before a delimiter belongs to the delimiter, not to the content', async () => {
    const body = multipart(
      '--XyZ',
      DISPOSITION,
      '',
      '',
      '',
      '--XyZ',
      DISPOSITION,
      '',
      '',
      '--XyZ--',
    );
    expect(await request(post(MULTIPART, body)).form()).toEqual([
      ['a', '\r\n'],
      ['a', ''],
    ]);
  });

  test('content that only looks like a delimiter is content: the boundary inside a line, a line that is part of it', async () => {
    const body = multipart(
      '--XyZ',
      DISPOSITION,
      '',
      'x --XyZ',
      '--Xy',
      '-XyZ',
      '\n--XyZ',
      '--XyZ--',
    );
    expect(await request(post(MULTIPART, body)).form()).toEqual([
      ['a', 'x --XyZ\r\n--Xy\r\n-XyZ\r\n\n--XyZ'],
    ]);
  });

  test('"The boundary delimiter MUST occur at the beginning of a line": elsewhere it is preamble', async () => {
    const body = `x--XyZ\r\n${DISPOSITION}\r\n\r\n1\r\n--XyZ--`;
    expect(await request(post(MULTIPART, body)).form()).toEqual([]);
  });

  test('no parts: the close-delimiter alone', async () => {
    expect(await request(post(MULTIPART, '--XyZ--\r\n')).form()).toEqual([]);
  });

  test('RFC 9110 §5.6.6: a quoted boundary parameter, the parameter name in any case', async () => {
    const body = multipart('--a b:c', DISPOSITION, '', '1', '--a b:c--');
    expect(
      await request(post('multipart/form-data; charset=x; BOUNDARY="a b:c"', body)).form(),
    ).toEqual([['a', '1']]);
  });

  test('RFC 9110 §8.3.1: multipart/form-data in any case', async () => {
    const body = multipart('--XyZ', DISPOSITION, '', '1', '--XyZ--');
    expect(await request(post('Multipart/Form-Data; boundary=XyZ', body)).form()).toEqual([
      ['a', '1'],
    ]);
  });

  test('field names, the disposition type and its parameter names in any case; a name as a token', async () => {
    const body = multipart(
      '--XyZ',
      'content-DISPOSITION: Form-Data; NAME=plain',
      '',
      '1',
      '--XyZ--',
    );
    expect(await request(post(MULTIPART, body)).form()).toEqual([['plain', '1']]);
  });

  test('no space is needed after a ;', async () => {
    const body = multipart(
      '--XyZ',
      'Content-Disposition: form-data;name="a";filename="b"',
      '',
      '1',
      '--XyZ--',
    );
    const form = await request(post('multipart/form-data;boundary=XyZ', body)).form();
    expect(form).toEqual([['a', { filename: 'b', type: 'text/plain', data: encoder.encode('1') }]]);
  });

  test('a parameter given twice: the first counts, as busboy reads it', async () => {
    const body = multipart(
      '--XyZ',
      'Content-Disposition: form-data; name="first"; name="second"',
      '',
      '1',
      '--XyZ--',
    );
    const form = await request(post(MULTIPART, body)).form();
    expect(form).toEqual([['first', '1']]);
    expect(form).toEqual(await busboyEntries(MULTIPART, encoder.encode(body)));
  });

  test('RFC 9112 §5.1: "No whitespace is allowed between the field name and colon": no such field', async () => {
    const body = multipart(
      '--XyZ',
      'Content-Disposition : form-data; name="a"',
      '',
      '1',
      '--XyZ--',
    );
    const error = await refusal(request(post(MULTIPART, body)).form());
    expect(error.message).toBe(MESSAGES.badForm(FORM_PROBLEMS.noName));
  });

  test('a ; inside a quoted parameter is data', async () => {
    const body = multipart(
      '--XyZ',
      'Content-Disposition: form-data; name="a;b"; filename="x; y=z.txt"',
      '',
      '1',
      '--XyZ--',
    );
    const [entry] = await request(post(MULTIPART, body)).form();
    expect(entry?.[0]).toBe('a;b');
    expect(entry?.[1]).toMatchObject({ filename: 'x; y=z.txt' });
  });

  test('other part fields (Content-Transfer-Encoding, X-*) are left alone', async () => {
    const body = multipart(
      '--XyZ',
      'X-Note: hi',
      DISPOSITION,
      'Content-Transfer-Encoding: 8bit',
      '',
      'v',
      '--XyZ--',
    );
    expect(await request(post(MULTIPART, body)).form()).toEqual([['a', 'v']]);
  });

  test('a value is UTF-8; a leading BOM is kept, as busboy keeps it', async () => {
    const body = multipart('--XyZ', DISPOSITION, '', '\ufeffZoë \ud83d\ude00', '--XyZ--');
    const form = await request(post(MULTIPART, encoder.encode(body))).form();
    expect(form).toEqual([['a', '\ufeffZoë \ud83d\ude00']]);
    expect(form).toEqual(await busboyEntries(MULTIPART, encoder.encode(body)));
  });
});

describe('RFC 7578 §4.2: a part with a filename is a file; §4.4: its Content-Type defaults to text/plain', () => {
  test('a file is { filename, type, data }, its bytes exactly', async () => {
    const data = new Uint8Array([0, 13, 10, 45, 45, 255, 13]);
    const { contentType, body } = await encodeFormData([
      ['upload', { filename: 'a.bin', type: 'application/octet-stream', data }],
    ]);
    expect(await request(post(contentType, body)).form()).toEqual([
      ['upload', { filename: 'a.bin', type: 'application/octet-stream', data }],
    ]);
  });

  test('a file part without Content-Type is text/plain', async () => {
    const body = multipart(
      '--XyZ',
      'Content-Disposition: form-data; name="f"; filename="x.txt"',
      '',
      'hi',
      '--XyZ--',
    );
    expect(await request(post(MULTIPART, body)).form()).toEqual([
      ['f', { filename: 'x.txt', type: 'text/plain', data: encoder.encode('hi') }],
    ]);
  });

  test('the Content-Type of a file as sent, parameters kept', async () => {
    const body = multipart(
      '--XyZ',
      'Content-Disposition: form-data; name="f"; filename="x.txt"',
      'Content-Type: text/csv; charset=utf-8',
      '',
      'a,b',
      '--XyZ--',
    );
    const [entry] = await request(post(MULTIPART, body)).form();
    expect(entry?.[1]).toMatchObject({ type: 'text/csv; charset=utf-8' });
  });

  test('HTML: no file chosen is a file with the empty filename and no bytes', async () => {
    const body = multipart(
      '--XyZ',
      'Content-Disposition: form-data; name="f"; filename=""',
      'Content-Type: application/octet-stream',
      '',
      '',
      '--XyZ--',
    );
    expect(await request(post(MULTIPART, body)).form()).toEqual([
      ['f', { filename: '', type: 'application/octet-stream', data: new Uint8Array(0) }],
    ]);
  });

  test('HTML escapes LF, CR and " in names and filenames as %0A, %0D, %22: read back as fetch (undici) does; a backslash is data', async () => {
    const { contentType, body } = await encodeFormData([
      [
        'say "hi"\nnow',
        { filename: 'C:\\a "b".txt', type: 'text/plain', data: encoder.encode('x') },
      ],
    ]);
    const [entry] = await request(post(contentType, body)).form();
    const peer = [
      ...(await new Response(body, { headers: { 'content-type': contentType } }).formData()),
    ];
    expect(entry?.[0]).toBe(peer[0]?.[0]);
    expect(entry?.[0]).toBe('say "hi"\r\nnow');
    expect(entry?.[1]).toMatchObject({ filename: 'C:\\a "b".txt' });
  });

  test('the escapes in lowercase too: %0a and %0d', async () => {
    const body = multipart(
      '--XyZ',
      'Content-Disposition: form-data; name="a%0d%0ab"',
      '',
      '1',
      '--XyZ--',
    );
    expect(await request(post(MULTIPART, body)).form()).toEqual([['a\r\nb', '1']]);
  });
});

describe('RFC 7578 §4.2, RFC 2046 §5.1.1: a body that breaks the rules is a 400 that names what is wrong', () => {
  const malformed = async (type: string, body: string) =>
    (await refusal(request(post(type, body)).form())).message;

  test('no boundary parameter', async () => {
    const body = multipart('--XyZ', DISPOSITION, '', '1', '--XyZ--');
    expect(await malformed('multipart/form-data', body)).toBe(
      MESSAGES.badForm(FORM_PROBLEMS.noBoundary),
    );
    expect(await malformed('multipart/form-data; boundary=""', body)).toBe(
      MESSAGES.badForm(FORM_PROBLEMS.noBoundary),
    );
  });

  test('no delimiter line at all', async () => {
    expect(await malformed(MULTIPART, 'name=value')).toBe(
      MESSAGES.badForm(FORM_PROBLEMS.noDelimiter),
    );
    expect(await malformed(MULTIPART, '')).toBe(MESSAGES.badForm(FORM_PROBLEMS.noDelimiter));
    expect(await malformed(MULTIPART, 'name--value')).toBe(
      MESSAGES.badForm(FORM_PROBLEMS.noDelimiter),
    );
  });

  test('a delimiter followed by more than padding', async () => {
    const body = multipart(
      '--XyZ',
      DISPOSITION,
      '',
      '1',
      '--XyZ-x',
      DISPOSITION,
      '',
      '2',
      '--XyZ--',
    );
    expect(await malformed(MULTIPART, body)).toBe(MESSAGES.badForm(FORM_PROBLEMS.noDelimiter));
  });

  test('a body cut before its close-delimiter', async () => {
    expect(await malformed(MULTIPART, multipart('--XyZ', DISPOSITION, '', '1'))).toBe(
      MESSAGES.badForm(FORM_PROBLEMS.noEnd),
    );
    expect(await malformed(MULTIPART, multipart('--XyZ', DISPOSITION, '', '1', '--XyZ', ''))).toBe(
      MESSAGES.badForm(FORM_PROBLEMS.noEnd),
    );
  });

  test('a part whose fields never end in a blank line', async () => {
    expect(
      await malformed(
        MULTIPART,
        multipart('--XyZ', DISPOSITION, '--XyZ', DISPOSITION, '', '1', '--XyZ--'),
      ),
    ).toBe(MESSAGES.badForm(FORM_PROBLEMS.noEnd));
  });

  test.each([
    ['no Content-Disposition', 'X-Name: a'],
    ['no name parameter', 'Content-Disposition: form-data; filename="a.txt"'],
    ['a disposition other than form-data', 'Content-Disposition: attachment; name="a"'],
    ['no fields at all', undefined],
  ])('a part with %s', async (_, field) => {
    const lines =
      field === undefined ? ['--XyZ', '', '1', '--XyZ--'] : ['--XyZ', field, '', '1', '--XyZ--'];
    expect(await malformed(MULTIPART, multipart(...lines))).toBe(
      MESSAGES.badForm(FORM_PROBLEMS.noName),
    );
  });
});

describe("input(): the query and then the form, by name (web.py's web.input(); the form is listed after)", () => {
  test("a name seen once is its value; a repeated one an array, the query's values first", async () => {
    const env = environ({
      method: 'POST',
      target: '/?tag=q1&page=2&tag=q2',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: ['tag=f1&name=Ada&tag=f2'],
    });
    expect({ ...(await request(env).input()) }).toEqual({
      tag: ['q1', 'q2', 'f1', 'f2'],
      page: '2',
      name: 'Ada',
    });
  });

  test('names in the order each first occurs', async () => {
    const env = environ({
      method: 'POST',
      target: '/?b=1&a=2',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: ['c=3&b=4'],
    });
    expect(Object.keys(await request(env).input())).toEqual(['b', 'a', 'c']);
  });

  test('a GET has the query alone', async () => {
    expect({ ...(await request(environ({ target: '/?a=1&a=' })).input()) }).toEqual({
      a: ['1', ''],
    });
  });

  test('files are values too', async () => {
    const data = encoder.encode('%PDF-1.7');
    const { contentType, body } = await encodeFormData([
      ['doc', { filename: 'cv.pdf', type: 'application/pdf', data }],
    ]);
    const env = environ({
      method: 'POST',
      target: '/?doc=x',
      headers: { 'Content-Type': contentType },
      body: [body],
    });
    expect((await request(env).input()).doc).toEqual([
      'x',
      { filename: 'cv.pdf', type: 'application/pdf', data },
    ]);
  });

  test('__proto__, constructor and toString are names like any other: an object with no prototype', async () => {
    const input = await request(environ({ target: '/?__proto__=p&toString=t' })).input();
    expect(Object.getPrototypeOf(input)).toBeNull();
    expect(Object.keys(input)).toEqual(['__proto__', 'toString']);
    expect(input.toString).toBe('t');
    expect(input.constructor).toBeUndefined();
  });

  test('a malformed multipart body is a 400 from input() too', async () => {
    expect((await refusal(request(post(MULTIPART, 'nothing')).input())).status).toBe(400);
  });
});

describe('required(input, ...names): a missing field is a 400 that names it', () => {
  test('the input itself when every name is there', () => {
    const input = { a: '1', b: ['2', '3'] };
    expect(required(input, 'a', 'b')).toBe(input);
    expect(required(input)).toBe(input);
  });

  test('an empty value is a value: the field was sent', () => {
    expect(required({ a: '' }, 'a')).toEqual({ a: '' });
  });

  test('the first missing name, in the order asked', () => {
    let thrown: unknown;
    try {
      required({ b: 'x' }, 'b', 'email', 'password');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    expect((thrown as HttpError).status).toBe(400);
    expect((thrown as HttpError).message).toBe(MESSAGES.missingField('email'));
    expect((thrown as HttpError).message).toContain('email');
  });

  test("constructor and toString are no fields of a plain object's", () => {
    expect(() => required({}, 'constructor')).toThrow(MESSAGES.missingField('constructor'));
    expect(() => required({ a: '1' }, 'a', 'toString')).toThrow(MESSAGES.missingField('toString'));
  });
});

/** The app both servers run: input() as JSON, files as their parts; HttpError by the router. */
const inputApp = (options = {}) =>
  router([
    [
      '/',
      {
        POST: async (env) => ({
          headers: [['Content-Type', 'application/json']],
          body: JSON.stringify(comparable(await request(env, options).input())),
        }),
      },
    ],
  ]);

describe('peers through real servers: the same form posted by fetch to Hono (on serveFetch) and to this request (on serveGateway)', () => {
  test("input() is what Hono's parseBody({ all: true }) gives", async () => {
    const ours = await listen(serveGateway(inputApp()));
    const theirs = await listen(serveFetch(honoApp().fetch));
    const send = (port: number) => {
      const form = new FormData();
      form.append('name', 'Ada');
      form.append('langs', 'en');
      form.append('langs', 'fr');
      form.append(
        'cv',
        new File([new Uint8Array([1, 2, 255])], 'cv.bin', { type: 'application/octet-stream' }),
      );
      return within(
        fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: form }).then((r) => r.json()),
        'the server never answered the form',
      );
    };
    const [mine, hono] = await Promise.all([send(ours), send(theirs)]);
    expect(mine).toEqual(hono);
    expect(mine).toMatchObject({ langs: ['en', 'fr'] });
  });

  test('a Content-Length over the limit is answered 413 while the client still holds the body', async () => {
    const port = await listen(serveGateway(inputApp({ maxBodyBytes: 1000 })));
    const reply = new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': '100000',
        },
      });
      req.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      // the first bytes only: the rest is never sent
      req.write('a=1&');
    });
    expect(await within(reply, 'the server never answered before the body was sent')).toBe(413);
  });

  test.skipIf(!HAS_CURL)(
    withCurl('curl -F: fields and a file, read as curl sent them'),
    async () => {
      const port = await listen(serveGateway(inputApp()));
      const path = fileURLToPath(new URL('./fixtures/peers.ts', import.meta.url));
      const out = await curl([
        '-F',
        'name=Ada Lovelace',
        '-F',
        'name=again',
        '-F',
        `source=@${path};type=text/typescript`,
        `http://127.0.0.1:${port}/`,
      ]);
      expect(JSON.parse(out)).toEqual({
        name: ['Ada Lovelace', 'again'],
        source: { filename: 'peers.ts', type: 'text/typescript', data: [...readFileSync(path)] },
      });
    },
  );
});
