import { parseSetCookie } from 'cookie';
import { Hono } from 'hono';
import { getSignedCookie, setSignedCookie } from 'hono/cookie';
import { parseSigned, serializeSigned } from 'hono/utils/cookie';
import { describe, expect, test } from 'vitest';
import { listen, within } from '../../support/harness/index.ts';
import { call, environ } from '../33-gateway-apps/fixtures/gateway.ts';
import type { App } from '../33-gateway-apps/gateway.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import { serveFetch } from '../35-fetch-gateway/fetch-gateway.ts';
import { compose, errors } from '../36-middleware/middleware.ts';
import { router } from '../37-routing/routing.ts';
import { parseCookie } from '../40-cookies/cookie.ts';
import {
  DEFAULT_COOKIE_NAME,
  MAX_COOKIE_BYTES,
  NO_SECRET,
  NO_SESSION,
  type Session,
  type SessionOptions,
  session,
  sessions,
  sign,
  unsign,
} from './sessions.ts';

const SECRET = 'a secret of the server';
const OLDER = 'the secret before it';

/** RFC 2104 with SHA-256, through WebCrypto: the signature as the rule defines it, base64. */
async function hmac(secret: string, text: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return Buffer.from(await crypto.subtle.sign('HMAC', key, encoder.encode(text))).toString(
    'base64',
  );
}

/** The value of a Set-Cookie field Hono wrote, read back as a browser would send it. */
const sentValue = (setCookie: string, name: string) =>
  parseCookie(setCookie.split(';')[0] as string)[name] as string;

/** An app that does `work` with the session, then answers 200 with `page` (or the session id). */
function app(
  work: (current: Session) => void = () => {},
  page?: (current: Session) => string,
): App {
  return (env, startResponse) => {
    const current = session(env);
    work(current);
    const body = new TextEncoder().encode(page?.(current) ?? current.id);
    startResponse('200 OK', [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(body.length)],
    ]);
    return [body];
  };
}

interface Visit {
  readonly cookie?: string;
  readonly scheme?: 'http' | 'https';
}

/** One request to `sessions(options)(inner)`: the page, and each Set-Cookie as `cookie` reads it. */
async function visit(options: Partial<SessionOptions>, inner: App, request: Visit = {}) {
  const wrapped = sessions({ secrets: [SECRET], ...options })(inner);
  const called = await call(
    wrapped,
    environ({
      headers: request.cookie === undefined ? {} : { Cookie: request.cookie },
      scheme: request.scheme ?? 'http',
    }),
  );
  const fields = called.headers.filter(([name]) => name.toLowerCase() === 'set-cookie');
  return {
    page: called.text,
    raw: fields.map(([, value]) => value),
    setCookies: fields.map(([, value]) => parseSetCookie(value)),
  };
}

/** The Cookie header a browser sends back after a response's Set-Cookie. */
const cookieHeader = (raw: readonly string[]) => (raw[0] as string).split(';')[0] as string;

/** A session with `user` set, as a browser holds it: its Cookie header. */
async function signedInCookie(options: Partial<SessionOptions> = {}, user = 'ada') {
  const { raw } = await visit(
    options,
    app((current) => current.set('user', user)),
  );
  return cookieHeader(raw);
}

const readUser = app(undefined, (current) => JSON.stringify(current.get('user') ?? null));

describe('RFC 2104: HMAC-SHA256 in Hono\'s signed-cookie format, value "." base64(signature)', () => {
  test('sign gives the value, a ".", then the base64 of HMAC-SHA256 keyed with the secret', async () => {
    expect(sign('ada', SECRET)).toBe(`ada.${await hmac(SECRET, 'ada')}`);
  });

  test('unsign gives the value back when the signature is right', () => {
    expect(unsign(sign('ada', SECRET), [SECRET])).toBe('ada');
  });

  test("Hono's parseSigned reads what sign wrote", async () => {
    const cookie = `token=${encodeURIComponent(sign('user 42', SECRET))}`;
    expect(await parseSigned(cookie, SECRET, 'token')).toEqual({ token: 'user 42' });
  });

  test("unsign reads what Hono's serializeSigned wrote", async () => {
    const written = await serializeSigned('token', 'user 42', SECRET, { path: '/' });
    expect(unsign(sentValue(written, 'token'), [SECRET])).toBe('user 42');
  });

  test("a Hono app's setSignedCookie, through kata 35 and fetch, is read by unsign", async () => {
    const app = new Hono();
    app.get('/', async (c) => {
      await setSignedCookie(c, 'token', 'user 42', SECRET, { path: '/', httpOnly: true });
      return c.text('signed');
    });
    const port = await listen(serveFetch(app.fetch));
    const response = await within(fetch(`http://127.0.0.1:${port}/`), 'no response to fetch');
    const [field = ''] = response.headers.getSetCookie();
    expect(unsign(sentValue(field, 'token'), [SECRET])).toBe('user 42');
  });

  test("a Hono app's getSignedCookie reads a cookie sign wrote, sent by fetch", async () => {
    const app = new Hono();
    app.get('/', async (c) => c.json({ token: await getSignedCookie(c, SECRET, 'token') }));
    const port = await listen(serveFetch(app.fetch));
    const cookie = `token=${encodeURIComponent(sign('user 42', SECRET))}`;
    const response = await within(
      fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } }),
      'no response to fetch',
    );
    expect(await response.json()).toEqual({ token: 'user 42' });
  });

  test('the last "." separates: a value may hold dots of its own', () => {
    expect(unsign(sign('a.b.c', SECRET), [SECRET])).toBe('a.b.c');
  });

  test('an empty value is signed and verified like any other', () => {
    expect(unsign(sign('', SECRET), [SECRET])).toBe('');
  });

  test('a value signed with another secret does not verify', () => {
    expect(unsign(sign('ada', 'not the secret'), [SECRET])).toBe(false);
  });

  test('a value with no "." at all is not signed: false', () => {
    expect(unsign('ada', [SECRET])).toBe(false);
  });

  test('a value with its signature cut off after the "." is false', () => {
    expect(unsign('ada.', [SECRET])).toBe(false);
  });

  test('a signature one character short is false, never a RangeError of timingSafeEqual', () => {
    expect(unsign(sign('ada', SECRET).slice(0, -1), [SECRET])).toBe(false);
  });

  test('a signature one character long is false, never a RangeError of timingSafeEqual', () => {
    expect(unsign(`${sign('ada', SECRET)}=`, [SECRET])).toBe(false);
  });

  test('a value changed after signing does not verify with its old signature', () => {
    const signature = sign('ada', SECRET).slice('ada'.length);
    expect(unsign(`eve${signature}`, [SECRET])).toBe(false);
  });
});

describe('key rotation: the newest secret signs, every secret listed verifies', () => {
  test('a value signed with an older secret still verifies while that secret is listed', () => {
    expect(unsign(sign('ada', OLDER), [SECRET, OLDER])).toBe('ada');
  });

  test('a value Hono signed with the older secret verifies too', async () => {
    const written = await serializeSigned('token', 'ada', OLDER);
    expect(unsign(sentValue(written, 'token'), [SECRET, OLDER])).toBe('ada');
  });

  test('once the older secret is dropped from the list, its values no longer verify', () => {
    expect(unsign(sign('ada', OLDER), [SECRET])).toBe(false);
  });

  test('a session signed with the older secret is still the same session', async () => {
    const cookie = await signedInCookie({ secrets: [OLDER] });
    const { page } = await visit({ secrets: [SECRET, OLDER] }, readUser, { cookie });
    expect(page).toBe('"ada"');
  });

  test('a session changed after the rotation is signed again with the newest secret', async () => {
    const cookie = await signedInCookie({ secrets: [OLDER] });
    const { raw } = await visit(
      { secrets: [SECRET, OLDER] },
      app((current) => current.set('seen', true)),
      { cookie },
    );
    const { page } = await visit({ secrets: [SECRET] }, readUser, { cookie: cookieHeader(raw) });
    expect(page).toBe('"ada"');
  });
});

describe('the signature bound to the cookie name: HMAC over the cookie-pair name "=" value', () => {
  test('signed for a name, the signature is the HMAC of name "=" value', async () => {
    expect(sign('ada', SECRET, 'user')).toBe(`ada.${await hmac(SECRET, 'user=ada')}`);
  });

  test('a value signed for a name verifies for that name', () => {
    expect(unsign(sign('ada', SECRET, 'user'), [SECRET], 'user')).toBe('ada');
  });

  test('a value signed for one name does not verify for another', () => {
    expect(unsign(sign('ada', SECRET, 'theme'), [SECRET], 'user')).toBe(false);
  });

  test('a value signed for a name does not verify without one', () => {
    expect(unsign(sign('ada', SECRET, 'user'), [SECRET])).toBe(false);
  });

  test("a value signed without a name does not verify for a name (nor does Hono's)", async () => {
    const written = await serializeSigned('user', 'ada', SECRET);
    expect(unsign(sentValue(written, 'user'), [SECRET], 'user')).toBe(false);
  });

  test('a session cookie moved to another cookie name starts a fresh session there', async () => {
    const cookie = await signedInCookie({ name: 'a' });
    const moved = `b=${cookie.slice('a='.length)}`;
    const { page } = await visit({ name: 'b' }, readUser, { cookie: moved });
    expect(page).toBe('null');
  });
});

describe('sessions(): the session data in the signed cookie itself', () => {
  test('with no cookie, the session is fresh and empty', async () => {
    const { page } = await visit({}, readUser);
    expect(page).toBe('null');
  });

  test('a session the app never changed sends no cookie', async () => {
    const { raw } = await visit({}, readUser);
    expect(raw).toEqual([]);
  });

  test('a session only read, from a valid cookie, sends no cookie either', async () => {
    const cookie = await signedInCookie();
    const { raw } = await visit({}, readUser, { cookie });
    expect(raw).toEqual([]);
  });

  test(`a changed session sends one Set-Cookie named "${DEFAULT_COOKIE_NAME}" by default`, async () => {
    const { setCookies } = await visit(
      {},
      app((current) => current.set('user', 'ada')),
    );
    expect(setCookies.map((cookie) => cookie.name)).toEqual([DEFAULT_COOKIE_NAME]);
  });

  test('the cookie is named by the name option', async () => {
    const { setCookies } = await visit(
      { name: 'sid' },
      app((current) => current.set('a', 1)),
    );
    expect(setCookies.map((cookie) => cookie.name)).toEqual(['sid']);
  });

  test('what was set comes back on the next request, with the cookie', async () => {
    const cookie = await signedInCookie();
    const { page } = await visit({}, readUser, { cookie });
    expect(page).toBe('"ada"');
  });

  test('any JSON value comes back as it was set', async () => {
    const data = { name: 'Ada', roles: ['admin', 'author'], visits: 3, admin: true, note: null };
    const { raw } = await visit(
      {},
      app((current) => current.set('data', data)),
    );
    const { page } = await visit(
      {},
      app(undefined, (current) => JSON.stringify(current.get('data'))),
      { cookie: cookieHeader(raw) },
    );
    expect(JSON.parse(page)).toEqual(data);
  });

  test('the id stays the same from one request to the next', async () => {
    const { raw, page: id } = await visit(
      {},
      app((current) => current.set('a', 1)),
    );
    const { page } = await visit({}, app(), { cookie: cookieHeader(raw) });
    expect(page).toBe(id);
  });

  test('two fresh sessions have two ids', async () => {
    const [one, two] = await Promise.all([visit({}, app()), visit({}, app())]);
    expect(one.page).not.toBe(two.page);
  });

  test('delete removes a key, and the session is sent without it', async () => {
    const cookie = await signedInCookie();
    const { raw } = await visit(
      {},
      app((current) => current.delete('user')),
      { cookie },
    );
    expect(raw).toHaveLength(1);
    const { page } = await visit({}, readUser, { cookie: cookieHeader(raw) });
    expect(page).toBe('null');
  });

  test('a key never set is undefined', async () => {
    const { page } = await visit(
      {},
      app(undefined, (current) => String(current.get('nothing'))),
    );
    expect(page).toBe('undefined');
  });

  test('the data is readable by anyone: the value before the "." is base64url JSON', async () => {
    const { setCookies } = await visit(
      {},
      app((current) => current.set('user', 'Ada Lovelace')),
    );
    const value = setCookies[0]?.value ?? '';
    const payload = Buffer.from(value.slice(0, value.lastIndexOf('.')), 'base64url').toString();
    expect(payload).toContain('"Ada Lovelace"');
  });

  test('the session is found through a kata 37 router, which copies the environ', async () => {
    const site = router([
      ['/', { GET: (env) => JSON.stringify(session(env).get('user') ?? null) }],
    ]);
    const cookie = await signedInCookie();
    const called = await call(
      sessions({ secrets: [SECRET] })(site),
      environ({ headers: { Cookie: cookie } }),
    );
    expect(called.text).toBe('"ada"');
  });
});

describe('RFC 6265 §4.1.2: the session cookie is HttpOnly, SameSite=Lax, Path=/, and Max-Age', () => {
  const setting = app((current) => current.set('user', 'ada'));

  test('HttpOnly: scripts of the page never read it', async () => {
    const { setCookies } = await visit({}, setting);
    expect(setCookies[0]?.httpOnly).toBe(true);
  });

  test('SameSite=Lax (draft-ietf-httpbis-rfc6265bis): not sent with cross-site POSTs', async () => {
    const { setCookies } = await visit({}, setting);
    expect(setCookies[0]?.sameSite).toBe('lax');
  });

  test('Path=/: the whole site shares one session', async () => {
    const { setCookies } = await visit({}, setting);
    expect(setCookies[0]?.path).toBe('/');
  });

  test('Max-Age is a day, 86400 seconds, by default', async () => {
    const { setCookies } = await visit({}, setting);
    expect(setCookies[0]?.maxAge).toBe(24 * 60 * 60);
  });

  test('Max-Age is the maxAge option', async () => {
    const { setCookies } = await visit({ maxAge: 600 }, setting);
    expect(setCookies[0]?.maxAge).toBe(600);
  });

  test('no Secure over http: the browser would never send it back', async () => {
    const { setCookies } = await visit({}, setting, { scheme: 'http' });
    expect(setCookies[0]?.secure).toBeUndefined();
  });

  test('Secure when gateway.url_scheme is https', async () => {
    const { setCookies } = await visit({}, setting, { scheme: 'https' });
    expect(setCookies[0]?.secure).toBe(true);
  });

  test("the app's own Set-Cookie fields are kept, the session's added apart (fetch, kata 34)", async () => {
    const inner: App = (env, startResponse) => {
      session(env).set('user', 'ada');
      startResponse('200 OK', [
        ['Set-Cookie', 'theme=dark; Path=/'],
        ['Content-Length', '0'],
      ]);
      return [];
    };
    const port = await listen(serveGateway(sessions({ secrets: [SECRET] })(inner)));
    const response = await within(fetch(`http://127.0.0.1:${port}/`), 'no response to fetch');
    const names = response.headers.getSetCookie().map((field) => parseSetCookie(field).name);
    expect(names).toEqual(['theme', DEFAULT_COOKIE_NAME]);
  });

  test("a cookie larger than RFC 6265 §6.1's 4096 bytes is an error, not a lost session", async () => {
    const large = app((current) => current.set('blob', 'x'.repeat(MAX_COOKIE_BYTES)));
    const called = await call(compose(errors(), sessions({ secrets: [SECRET] }))(large), environ());
    expect(called.code).toBe(500);
  });

  test('the error names the size the cookie would have had, and the limit', async () => {
    const large = app((current) => current.set('blob', 'x'.repeat(MAX_COOKIE_BYTES)));
    const error = await call(sessions({ secrets: [SECRET] })(large), environ()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    const message = error instanceof Error ? error.message : String(error);
    const sizes = (message.match(/\d+/g) ?? []).map(Number);
    expect(sizes, message).toContain(MAX_COOKIE_BYTES);
    expect(
      sizes.some((size) => size > MAX_COOKIE_BYTES * 1.3),
      message,
    ).toBe(true);
  });

  test('a Set-Cookie of exactly 4096 octets is sent: §6.1 asks browsers for at least that', async () => {
    // the signature's "+", "/" and "=" are percent-encoded, so the length varies with the
    // random id: walk the data's size until one field is exactly 4096 octets long
    let size = 2_900;
    for (let attempt = 0; attempt < 500; attempt++) {
      const blob = app((current) => current.set('blob', 'x'.repeat(size)));
      const raw = await visit({}, blob).then(
        (sent) => sent.raw,
        () => undefined,
      );
      const length = raw === undefined ? Number.POSITIVE_INFINITY : Buffer.byteLength(raw[0] ?? '');
      if (length === MAX_COOKIE_BYTES) return;
      size += length < MAX_COOKIE_BYTES ? Math.ceil(((MAX_COOKIE_BYTES - length) * 3) / 4) : -1;
    }
    expect.fail('no session cookie of exactly 4096 octets was ever sent');
  });
});

describe('a missing, tampered, unsigned or expired cookie starts a fresh session', () => {
  test('a cookie changed by one character: a fresh session', async () => {
    const cookie = await signedInCookie();
    const at = `${DEFAULT_COOKIE_NAME}=`.length;
    const tampered = cookie.slice(0, at) + (cookie[at] === 'e' ? 'f' : 'e') + cookie.slice(at + 1);
    const { page } = await visit({}, readUser, { cookie: tampered });
    expect(page).toBe('null');
  });

  test('the rejected cookie is deleted: Max-Age=0', async () => {
    const { setCookies } = await visit({}, readUser, { cookie: `${DEFAULT_COOKIE_NAME}=forged.x` });
    expect(setCookies.map((cookie) => [cookie.name, cookie.maxAge, cookie.path])).toEqual([
      [DEFAULT_COOKIE_NAME, 0, '/'],
    ]);
  });

  test('an unsigned cookie (the payload alone) is no session', async () => {
    const cookie = await signedInCookie();
    const unsigned = cookie.slice(0, cookie.lastIndexOf('.'));
    const { page } = await visit({}, readUser, { cookie: unsigned });
    expect(page).toBe('null');
  });

  test('a payload signed without the cookie name (a plain sign) is no session', async () => {
    const cookie = await signedInCookie();
    const value = decodeURIComponent(cookie.slice(`${DEFAULT_COOKIE_NAME}=`.length));
    const payload = value.slice(0, value.lastIndexOf('.'));
    const plain = `${DEFAULT_COOKIE_NAME}=${encodeURIComponent(sign(payload, SECRET))}`;
    const { page } = await visit({}, readUser, { cookie: plain });
    expect(page).toBe('null');
  });

  test('another cookie of the site is left alone: only the session cookie is read', async () => {
    const cookie = await signedInCookie();
    const { page } = await visit({}, readUser, { cookie: `theme=dark; ${cookie}` });
    expect(page).toBe('"ada"');
  });

  test('the expiry is checked by the server: a session older than maxAge is fresh', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = { maxAge: 60, now: () => now };
    const cookie = await signedInCookie(clock);
    now += 60_000;
    // the client still sends it: a client keeps a cookie as long as it likes
    const { page } = await visit(clock, readUser, { cookie });
    expect(page).toBe('null');
  });

  test('a session one second short of maxAge is still valid', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = { maxAge: 60, now: () => now };
    const cookie = await signedInCookie(clock);
    now += 59_000;
    const { page } = await visit(clock, readUser, { cookie });
    expect(page).toBe('"ada"');
  });

  test('each time the session is sent, it has maxAge from then', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = { maxAge: 60, now: () => now };
    const first = await signedInCookie(clock);
    now += 50_000;
    const { raw } = await visit(
      clock,
      app((current) => current.set('seen', 1)),
      {
        cookie: first,
      },
    );
    now += 50_000;
    const { page } = await visit(clock, readUser, { cookie: cookieHeader(raw) });
    expect(page).toBe('"ada"');
  });

  test('an expired session is deleted from the browser', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = { maxAge: 60, now: () => now };
    const cookie = await signedInCookie(clock);
    now += 61_000;
    const { setCookies } = await visit(clock, readUser, { cookie });
    expect(setCookies.map((c) => c.maxAge)).toEqual([0]);
  });
});

describe('OWASP session management: a new id at login (fixation), and destroy at logout', () => {
  test('regenerate gives the session a new id', async () => {
    const { raw, page: before } = await visit(
      {},
      app((current) => current.set('a', 1)),
    );
    const { page: after } = await visit(
      {},
      app((current) => current.regenerate()),
      {
        cookie: cookieHeader(raw),
      },
    );
    expect(after).not.toBe(before);
  });

  test('regenerate keeps the data, and the new id comes back with the cookie', async () => {
    const cookie = await signedInCookie();
    const { raw, page: id } = await visit(
      {},
      app((current) => current.regenerate()),
      { cookie },
    );
    const { page } = await visit(
      {},
      app(undefined, (current) => `${current.id} ${current.get('user')}`),
      { cookie: cookieHeader(raw) },
    );
    expect(page).toBe(`${id} ada`);
  });

  test('destroy deletes the cookie: Max-Age=0 and an Expires in the past', async () => {
    const cookie = await signedInCookie();
    const { setCookies } = await visit(
      {},
      app((current) => current.destroy()),
      { cookie },
    );
    expect(setCookies).toHaveLength(1);
    expect(setCookies[0]?.maxAge).toBe(0);
    expect(Number(setCookies[0]?.expires)).toBeLessThan(Date.now());
  });

  test('destroy deletes the cookie with the Path it was set with', async () => {
    const cookie = await signedInCookie();
    const { setCookies } = await visit(
      {},
      app((current) => current.destroy()),
      { cookie },
    );
    expect([setCookies[0]?.name, setCookies[0]?.path]).toEqual([DEFAULT_COOKIE_NAME, '/']);
  });

  test('after destroy, the session is empty for the rest of the request', async () => {
    const cookie = await signedInCookie();
    const { page } = await visit(
      {},
      app(
        (current) => current.destroy(),
        (current) => JSON.stringify(current.get('user') ?? null),
      ),
      { cookie },
    );
    expect(page).toBe('null');
  });

  test('after destroy, the session has a new id', async () => {
    const cookie = await signedInCookie();
    const { page: id } = await visit({}, app(), { cookie });
    const { page } = await visit(
      {},
      app((current) => current.destroy()),
      { cookie },
    );
    expect(page).not.toBe(id);
  });

  test('a session set after destroy is a new session, sent as one', async () => {
    const cookie = await signedInCookie();
    const { raw, setCookies } = await visit(
      {},
      app((current) => {
        current.destroy();
        current.set('user', 'eve');
      }),
      { cookie },
    );
    expect(setCookies.map((c) => c.maxAge)).toEqual([24 * 60 * 60]);
    const { page } = await visit({}, readUser, { cookie: cookieHeader(raw) });
    expect(page).toBe('"eve"');
  });
});

describe('misuse, said plainly', () => {
  test('sessions() with no secret throws a TypeError that says a secret is needed', () => {
    expect(() => sessions({ secrets: [] })).toThrow(TypeError);
    expect(() => sessions({ secrets: [] })).toThrow(NO_SECRET);
    expect(NO_SECRET).toMatch(/secret/);
  });

  test('session(environ) outside sessions() throws, naming the middleware that is missing', () => {
    expect(() => session(environ())).toThrow(NO_SESSION);
    expect(NO_SESSION).toMatch(/sessions\(\)/);
  });
});
