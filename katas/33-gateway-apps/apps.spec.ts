import { describe, expect, test } from 'vitest';
import {
  ADD_ERRORS,
  add,
  debug,
  FORM_TYPE,
  HELLO_NOT_ALLOWED,
  hello,
  MAX_FORM_BYTES,
} from './apps.ts';
import { call, environ, header } from './fixtures/gateway.ts';
import type { Environ, StartResponse } from './gateway.ts';

const TEXT = 'text/plain; charset=utf-8';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const utf8Length = (text: string) => String(Buffer.byteLength(text, 'utf8'));

describe('PEP 3333: an app calls start_response("200 OK", headers) and returns its body as byte chunks', () => {
  test('hello greets the world when the query names no one', async () => {
    const called = await call(hello, environ({ target: '/' }));
    expect(called.status).toBe('200 OK');
    expect(called.text).toBe('Hello, world!\n');
  });

  test('hello calls startResponse exactly once', async () => {
    const called = await call(hello, environ());
    expect(called.starts).toBe(1);
  });

  test('hello labels its body text/plain in UTF-8', async () => {
    const called = await call(hello, environ());
    expect(header(called, 'content-type')).toBe(TEXT);
  });
});

describe('WHATWG URL §5: hello reads ?name= from QUERY_STRING as application/x-www-form-urlencoded', () => {
  test('a "+" is a space and percent-encoded UTF-8 is decoded', async () => {
    const called = await call(hello, environ({ target: `/?${form({ name: 'Zoë Ada' })}` }));
    expect(called.text).toBe('Hello, Zoë Ada!\n');
  });

  test('the name is found among other fields', async () => {
    const called = await call(hello, environ({ target: `/?x=1&${form({ name: 'Bo' })}&y=2` }));
    expect(called.text).toBe('Hello, Bo!\n');
  });

  test('an empty name is no name: the world is greeted', async () => {
    const called = await call(hello, environ({ target: '/?name=' }));
    expect(called.text).toBe('Hello, world!\n');
  });
});

describe('RFC 9110 §8.6: Content-Length is the body length in octets, not in characters', () => {
  test('hello counts the UTF-8 bytes of a name outside ASCII', async () => {
    const name = 'Šárka 🙂';
    const called = await call(hello, environ({ target: `/?${form({ name })}` }));
    expect(header(called, 'content-length')).toBe(utf8Length(`Hello, ${name}!\n`));
  });
});

describe('RFC 9110 §9.3.2: HEAD is answered like GET (the server, not the app, drops the body)', () => {
  test('hello answers HEAD with the status and fields of GET', async () => {
    const get = await call(hello, environ({ method: 'GET', target: '/?name=Al' }));
    const head = await call(hello, environ({ method: 'HEAD', target: '/?name=Al' }));
    expect([head.status, head.headers]).toEqual([get.status, get.headers]);
  });
});

describe('RFC 9110 §15.5.6: 405 Method Not Allowed MUST come with Allow', () => {
  test('hello refuses POST with 405 and Allow: GET, HEAD', async () => {
    const called = await call(hello, environ({ method: 'POST', body: ['x'] }));
    expect(called.status).toBe('405 Method Not Allowed');
    expect(header(called, 'allow')).toBe('GET, HEAD');
    expect(called.text).toBe(HELLO_NOT_ALLOWED);
  });

  test('add refuses PUT with 405 and Allow: GET, POST', async () => {
    const called = await call(add, environ({ method: 'PUT', body: ['a=1&b=2'] }));
    expect(called.status).toBe('405 Method Not Allowed');
    expect(header(called, 'allow')).toBe('GET, POST');
    expect(called.text).toBe(ADD_ERRORS[405]);
  });

  test('methods are case-sensitive (RFC 9110 §9.1): "get" is not GET', async () => {
    const called = await call(hello, environ({ method: 'get' }));
    expect(called.code).toBe(405);
  });
});

/** The lines debug must show for an environ, derived from the rule in the lesson. */
function expectedListing(env: Environ): string {
  const lines: string[] = [];
  for (const key of Object.keys(env).sort()) {
    const value: unknown = env[key as keyof Environ];
    if (typeof value === 'string' || typeof value === 'boolean') lines.push(`${key}=${value}\n`);
    else if (Array.isArray(value)) lines.push(`${key}=${value.join('.')}\n`);
  }
  return `${lines.join('')}\n`;
}

describe('PEP 3333 "environ Variables": debug shows the CGI names, HTTP_* and gateway.* keys', () => {
  test('every string entry is a name=value line, sorted by name, then a blank line', async () => {
    const env = environ({
      target: '/p/q?x=1',
      headers: { 'User-Agent': 'spec/1', Accept: '*/*', 'X-Zeta': 'z' },
    });
    const called = await call(debug, env);
    expect(called.text).toBe(expectedListing(env));
  });

  test('gateway.version is shown as 1.0 and the booleans as true and false', async () => {
    const called = await call(
      debug,
      environ({ extra: { 'gateway.multiprocess': true, 'gateway.run_once': false } }),
    );
    expect(called.text).toContain('gateway.version=1.0\n');
    expect(called.text).toContain('gateway.multiprocess=true\n');
    expect(called.text).toContain('gateway.run_once=false\n');
  });

  test('an empty value is shown empty: CONTENT_TYPE= for a request without one', async () => {
    const called = await call(debug, environ());
    expect(called.text.split('\n')).toContain('CONTENT_TYPE=');
  });

  test('the scheme is gateway.url_scheme, as the server set it', async () => {
    const called = await call(debug, environ({ scheme: 'https' }));
    expect(called.text).toContain('gateway.url_scheme=https\n');
  });

  test('the streams gateway.input and gateway.errors are not listed', async () => {
    const called = await call(debug, environ());
    expect(called.text).not.toMatch(/^gateway\.(input|errors)=/m);
  });

  test('it answers 200 OK, text/plain in UTF-8, with no Content-Length: the length is not known', async () => {
    const called = await call(debug, environ());
    expect(called.status).toBe('200 OK');
    expect(header(called, 'content-type')).toBe(TEXT);
    expect(header(called, 'content-length')).toBeUndefined();
  });

  test('it logs "debug: <method> <SCRIPT_NAME><PATH_INFO>" to gateway.errors, not to the body', async () => {
    const called = await call(
      debug,
      environ({ method: 'POST', scriptName: '/tools', target: '/debug?x=1', body: ['b'] }),
    );
    expect(called.errors).toBe('debug: POST /tools/debug\n');
    expect(called.text).not.toContain('debug: POST');
  });
});

describe('PEP 3333 "wsgi.input": debug echoes the request body after the blank line, byte for byte', () => {
  test('binary bytes, CR LF included, arrive unchanged', async () => {
    const body = Uint8Array.from([0x00, 0x0d, 0x0a, 0xff, 0xc3, 0x28, 0x7f]);
    const env = environ({ method: 'PUT', body: [body.subarray(0, 3), body.subarray(3)] });
    const called = await call(debug, env);
    const listing = Buffer.byteLength(expectedListing(env));
    expect(Buffer.from(called.body.subarray(listing))).toEqual(Buffer.from(body));
  });

  test('each chunk is passed on as it arrives, never the whole body at the end', async () => {
    const events: string[] = [];
    async function* input() {
      for (const piece of ['one', 'two', 'three']) {
        events.push(`in:${piece}`);
        await Promise.resolve();
        yield new TextEncoder().encode(piece);
      }
    }
    const env = environ({ extra: { 'gateway.input': input() } });
    const startResponse: StartResponse = () => () => {};
    const result = debug(env, startResponse) as AsyncIterable<Uint8Array>;
    let first = true;
    for await (const chunk of result) {
      if (!first) events.push(`out:${Buffer.from(chunk).toString()}`);
      first = false;
    }
    expect(events.filter((e) => e !== '')).toEqual([
      'in:one',
      'out:one',
      'in:two',
      'out:two',
      'in:three',
      'out:three',
    ]);
  });
});

describe('add: a + b from the query (GET), decimal integers of any size', () => {
  test('2 + 3 is 5', async () => {
    const called = await call(add, environ({ target: `/?${form({ a: '2', b: '3' })}` }));
    expect(called.status).toBe('200 OK');
    expect(called.text).toBe('5\n');
  });

  test('signs are read: -7 + +2 is -5', async () => {
    const called = await call(add, environ({ target: `/?${form({ a: '-7', b: '+2' })}` }));
    expect(called.text).toBe('-5\n');
  });

  test('the sum is exact past Number.MAX_SAFE_INTEGER', async () => {
    const a = '9007199254740993';
    const called = await call(add, environ({ target: `/?${form({ a, b: '1' })}` }));
    expect(called.text).toBe(`${BigInt(a) + 1n}\n`);
  });

  test('the answer is text/plain in UTF-8 with its Content-Length', async () => {
    const called = await call(add, environ({ target: '/?a=10&b=20' }));
    expect(header(called, 'content-type')).toBe(TEXT);
    expect(header(called, 'content-length')).toBe(utf8Length('30\n'));
  });
});

describe('RFC 9110 §15.5.1: 400 Bad Request when an operand is missing or not an integer', () => {
  test.each([
    ['b is missing', { a: '1' }],
    ['a is missing', { b: '1' }],
    ['a is empty', { a: '', b: '1' }],
    ['a decimal fraction', { a: '1.5', b: '1' }],
    ['an exponent', { a: '1e3', b: '1' }],
    ['a word', { a: 'two', b: '1' }],
    ['a space before the digits', { a: ' 1', b: '1' }],
    ['a sign alone', { a: '1', b: '-' }],
    ['digits then letters', { a: '1', b: '12abc' }],
  ])('%s', async (_, fields) => {
    const called = await call(add, environ({ target: `/?${form(fields)}` }));
    expect(called.status).toBe('400 Bad Request');
    expect(called.text).toBe(ADD_ERRORS[400]);
    expect(header(called, 'content-length')).toBe(utf8Length(ADD_ERRORS[400]));
  });
});

describe('HTML forms: a POST body is application/x-www-form-urlencoded, read from gateway.input', () => {
  test('a=40&b=2 sent one byte at a time is 42', async () => {
    const body = [...form({ a: '40', b: '2' })];
    const called = await call(
      add,
      environ({ method: 'POST', headers: { 'Content-Type': FORM_TYPE }, body }),
    );
    expect(called.text).toBe('42\n');
  });

  test('the media type is case-insensitive and may carry parameters (RFC 9110 §8.3.1)', async () => {
    const called = await call(
      add,
      environ({
        method: 'POST',
        headers: { 'Content-Type': 'Application/X-WWW-Form-URLencoded; charset=UTF-8' },
        body: ['a=1&b=1'],
      }),
    );
    expect(called.text).toBe('2\n');
  });

  test('whitespace may come before the ";" of a parameter (RFC 9110 §5.6.6: OWS ";" OWS)', async () => {
    const called = await call(
      add,
      environ({
        method: 'POST',
        headers: { 'Content-Type': `${FORM_TYPE} ; charset=UTF-8` },
        body: ['a=5&b=5'],
      }),
    );
    expect(called.text).toBe('10\n');
  });

  test('a POST adds the fields of its body, not those of its query', async () => {
    const called = await call(
      add,
      environ({
        method: 'POST',
        target: '/?a=100&b=100',
        headers: { 'Content-Type': FORM_TYPE },
        body: ['a=1&b=2'],
      }),
    );
    expect(called.text).toBe('3\n');
  });

  test('RFC 9110 §15.5.16: a body of another type is 415 Unsupported Media Type', async () => {
    const called = await call(
      add,
      environ({ method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: ['a=1&b=2'] }),
    );
    expect(called.status).toBe('415 Unsupported Media Type');
    expect(called.text).toBe(ADD_ERRORS[415]);
  });

  test('a POST without Content-Type is 415 too', async () => {
    const called = await call(add, environ({ method: 'POST', body: ['a=1&b=2'] }));
    expect(called.code).toBe(415);
  });
});

/** A form body of exactly `size` bytes that adds 1 and 2. */
const paddedForm = (size: number) => {
  const start = 'a=1&b=2&pad=';
  return start + 'x'.repeat(size - start.length);
};

describe(`RFC 9110 §15.5.14: a form body over ${MAX_FORM_BYTES} bytes is 413 Content Too Large`, () => {
  const post = (body: string, extra?: Record<string, unknown>) =>
    environ({
      method: 'POST',
      headers: { 'Content-Type': FORM_TYPE },
      body: [body.slice(0, 100), body.slice(100)],
      extra,
    });

  test(`exactly ${MAX_FORM_BYTES} bytes is read and added`, async () => {
    const called = await call(add, post(paddedForm(MAX_FORM_BYTES)));
    expect(called.text).toBe('3\n');
  });

  test(`${MAX_FORM_BYTES + 1} bytes is refused`, async () => {
    const called = await call(add, post(paddedForm(MAX_FORM_BYTES + 1)));
    expect(called.status).toBe('413 Content Too Large');
    expect(called.text).toBe(ADD_ERRORS[413]);
  });

  test('a body of unknown length (CONTENT_LENGTH empty, chunked) is counted as it is read', async () => {
    const called = await call(add, post(paddedForm(MAX_FORM_BYTES + 1), { CONTENT_LENGTH: '' }));
    expect(called.code).toBe(413);
  });

  test('a CONTENT_LENGTH over the limit is refused before the body is read', async () => {
    let pulled = false;
    async function* input() {
      pulled = true;
      yield new TextEncoder().encode('a=1&b=2');
    }
    const called = await call(
      add,
      post('', { CONTENT_LENGTH: String(MAX_FORM_BYTES + 1), 'gateway.input': input() }),
    );
    expect(called.code).toBe(413);
    expect(pulled).toBe(false);
  });
});
