import { fc, test } from '@fast-check/vitest';
import { parseSigned, serializeSigned } from 'hono/utils/cookie';
import { describe, test as example, expect } from 'vitest';
import {
  chunkings,
  connect,
  listen,
  readToEnd,
  visible,
  writeChunks,
} from '../../support/harness/index.ts';
import { call, environ } from '../33-gateway-apps/fixtures/gateway.ts';
import type { App } from '../33-gateway-apps/gateway.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import { parseCookie } from '../40-cookies/cookie.ts';
import { DEFAULT_COOKIE_NAME, type Json, session, sessions, sign, unsign } from './sessions.ts';

/** Values an app signs: ASCII, and any text at all (non-ASCII, separators, dots). */
const values = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '.', 'a.b', '=', 'x=y.z'),
);
/** Whether the text has UTF-8 (no lone surrogate), which Hono's encodeURIComponent needs. */
const hasUtf8 = (text: string) => Buffer.from(text).toString() === text;
const secrets = fc.string({ minLength: 1, maxLength: 30 });
/** RFC 6265 §4.1.1: cookie-name = token. */
const names = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);

/**
 * The signed text with one octet of its UTF-8 changed to another: the text a client could send
 * instead, or undefined where the change makes no other text (an octet of an invalid sequence).
 */
function changed(text: string, at: number, xor: number): string | undefined {
  const bytes = Buffer.from(text);
  const index = at % bytes.length;
  bytes[index] = (bytes[index] as number) ^ xor;
  const other = bytes.toString();
  return other === text ? undefined : other;
}

describe('RFC 2104, in Hono\'s format: value "." base64(HMAC-SHA256(secret, value))', () => {
  test.prop([values, secrets], { numRuns: 150 })(
    'unsign(sign(value, secret), [secret]) is the value, for any value',
    (value, secret) => {
      expect(unsign(sign(value, secret), [secret])).toBe(value);
    },
  );

  test.prop([values, secrets, names], { numRuns: 150 })(
    'a value signed for a cookie name verifies for that name, for any value',
    (value, secret, name) => {
      expect(unsign(sign(value, secret, name), [secret], name)).toBe(value);
    },
  );

  test.prop([values, secrets], { numRuns: 40 })(
    "Hono's parseSigned reads every value sign wrote",
    async (value, secret) => {
      const cookie = `token=${encodeURIComponent(sign(value, secret))}`;
      expect(await parseSigned(cookie, secret, 'token')).toEqual({ token: value });
    },
  );

  test.prop([values.filter(hasUtf8), secrets], { numRuns: 40 })(
    "unsign reads every value Hono's serializeSigned wrote",
    async (value, secret) => {
      const written = await serializeSigned('token', value, secret);
      const sent = parseCookie((written.split(';')[0] as string).trim()).token as string;
      expect(unsign(sent, [secret])).toBe(value);
    },
  );
});

describe('tampering: no one-octet change to a signed value ever verifies', () => {
  test.prop([values, secrets, fc.nat(), fc.integer({ min: 1, max: 255 })], { numRuns: 300 })(
    'any octet of value "." signature changed to any other: unsign is false',
    (value, secret, at, xor) => {
      const signed = sign(value, secret);
      const other = changed(signed, at, xor);
      if (other === undefined) return;
      expect(unsign(other, [secret]), visible(Buffer.from(other))).toBe(false);
    },
  );

  test.prop([values, secrets, names, fc.nat(), fc.integer({ min: 1, max: 255 })], {
    numRuns: 200,
  })('the same for a value signed for a cookie name', (value, secret, name, at, xor) => {
    const other = changed(sign(value, secret, name), at, xor);
    if (other === undefined) return;
    expect(unsign(other, [secret], name), visible(Buffer.from(other))).toBe(false);
  });

  test.prop([values, secrets, fc.nat(), fc.string({ minLength: 1, maxLength: 3 })], {
    numRuns: 150,
  })('octets cut off or added at any place: unsign is false', (value, secret, at, extra) => {
    const signed = sign(value, secret);
    const index = at % (signed.length + 1);
    const cut = signed.slice(0, index) + signed.slice(index + 1);
    const added = signed.slice(0, index) + extra + signed.slice(index);
    if (cut !== signed) expect(unsign(cut, [secret])).toBe(false);
    expect(unsign(added, [secret])).toBe(false);
  });

  test.prop([values, secrets, names, names], { numRuns: 150 })(
    'a value signed for one cookie name never verifies for another, nor for none',
    (value, secret, name, other) => {
      const signed = sign(value, secret, name);
      if (other !== name) expect(unsign(signed, [secret], other)).toBe(false);
      expect(unsign(signed, [secret])).toBe(false);
    },
  );
});

describe('key rotation: the newest secret signs, every secret listed verifies', () => {
  test.prop([values, fc.uniqueArray(secrets, { minLength: 1, maxLength: 5 }), fc.nat()], {
    numRuns: 150,
  })(
    'signed with any secret of the list, it verifies; with the list without it, it does not',
    (value, list, pick) => {
      const secret = list[pick % list.length] as string;
      const signed = sign(value, secret);
      expect(unsign(signed, list)).toBe(value);
      expect(
        unsign(
          signed,
          list.filter((s) => s !== secret),
        ),
      ).toBe(false);
    },
  );
});

/** RFC 8259's JSON values, as JSON.stringify gives them back (no -0, no undefined). */
const jsonValues = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as Json);

describe('sessions(): the data in the cookie, and a tampered cookie a fresh session', () => {
  const SECRET = 'the server secret';
  const middleware = (app: App) => sessions({ secrets: [SECRET] })(app);
  const setting =
    (key: string, value: Json): App =>
    (env, startResponse) => {
      session(env).set(key, value);
      startResponse('204 No Content', []);
      return [];
    };
  const reading =
    (key: string): App =>
    (env, startResponse) => {
      const body = Buffer.from(JSON.stringify({ value: session(env).get(key) ?? null }));
      startResponse('200 OK', [['Content-Length', String(body.length)]]);
      return [body];
    };
  const cookieOf = async (key: string, value: Json) => {
    const called = await call(middleware(setting(key, value)), environ());
    const field = called.headers.find(([name]) => name.toLowerCase() === 'set-cookie');
    return (field?.[1] ?? '').split(';')[0] as string;
  };
  const read = async (key: string, cookie: string) => {
    const called = await call(middleware(reading(key)), environ({ headers: { Cookie: cookie } }));
    return (JSON.parse(called.text) as { value: Json }).value;
  };

  test.prop([fc.string({ minLength: 1, maxLength: 10 }), jsonValues], { numRuns: 60 })(
    'any JSON value set under any key comes back on the next request',
    async (key, value) => {
      expect(await read(key, await cookieOf(key, value))).toEqual(value);
    },
  );

  test.prop([jsonValues.filter((v) => v !== null), fc.nat(), fc.integer({ min: 1, max: 255 })], {
    numRuns: 100,
  })('any one octet of the cookie value changed: a fresh session', async (value, at, xor) => {
    const cookie = await cookieOf('user', value);
    const prefix = `${DEFAULT_COOKIE_NAME}=`;
    // the value as the browser holds it: the Cookie header carries it percent-encoded
    const signed = decodeURIComponent(cookie.slice(prefix.length));
    const other = changed(signed, at, xor);
    if (other === undefined) return;
    expect(await read('user', prefix + encodeURIComponent(other))).toBe(null);
  });

  example(
    "the Cookie header cut anywhere on the wire to kata 34's server: the session is found",
    async () => {
      const port = await listen(serveGateway(middleware(reading('user'))));
      const cookie = await cookieOf('user', 'Ada Lovelace');
      const request = Buffer.from(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: theme=dark; ${cookie}\r\n` +
          'Connection: close\r\n\r\n',
      );
      await fc.assert(
        fc.asyncProperty(chunkings(request), async (chunks) => {
          const socket = await connect(port);
          const reply = readToEnd(socket, 'the server never ended its response');
          await writeChunks(socket, chunks);
          expect((await reply).toString(), visible(request)).toContain('{"value":"Ada Lovelace"}');
        }),
        { numRuns: 20 },
      );
    },
  );
});
