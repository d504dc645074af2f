/**
 * Sessions in a signed cookie: the session's data lives in the cookie itself, with an HMAC
 * (RFC 2104) over it so the server can tell its own cookie from one a client wrote. The
 * signed format is Hono's (`value.signature`, the signature the base64 of HMAC-SHA256), so
 * Hono's `serializeSigned` and `parseSigned` read what `sign` writes and `unsign` reads theirs.
 * Signed is not secret: anyone who holds the cookie can read the data.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Environ } from '../33-gateway-apps/gateway.ts';
import type { Middleware } from '../36-middleware/middleware.ts';
import { deleteCookie, parseCookie, serializeCookie } from '../40-cookies/cookie.ts';

/** What a session holds: whatever JSON can carry. */
export type Json =
  | null
  | boolean
  | number
  | string
  | readonly Json[]
  | { readonly [key: string]: Json };

/** Between the value and its signature: Hono's separator, the last "." of a signed value. */
export const SEPARATOR = '.';

/**
 * The signature of `value`: `value.signature`, the signature the base64 (with padding) of
 * HMAC-SHA256 keyed with `secret`. Without `name`, exactly Hono's signed-cookie format. With
 * `name`, the HMAC covers the cookie-pair `name=value` (a name is a token: no "=" in it), so
 * the signed value verifies only under that cookie name; the name itself is not sent twice.
 */
export function sign(value: string, secret: string, name?: string): string {
  return `${value}${SEPARATOR}${signature(value, secret, name)}`;
}

/**
 * The value of a signed value whose signature one of `secrets` made (newest first: the
 * first signs, every one verifies, so a secret can be rotated without logging everyone
 * out), with the same `name` as it was signed for; false for anything else: no separator,
 * a wrong signature, one of another length. The signature is compared in constant time.
 */
export function unsign(signed: string, secrets: readonly string[], name?: string): string | false {
  const at = signed.lastIndexOf(SEPARATOR);
  if (at < 0) return false;
  const value = signed.slice(0, at);
  const given = Buffer.from(signed.slice(at + 1));
  // compared in constant time: `===` stops at the first character that differs, and how
  // long it took tells an attacker how much of a forged signature is right
  const valid = secrets.some((secret) => {
    const expected = Buffer.from(signature(value, secret, name));
    // timingSafeEqual throws on buffers of different lengths: a length is no secret
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  return valid ? value : false;
}

/** RFC 2104: HMAC-SHA256 keyed with the secret, over the value or its cookie-pair. */
function signature(value: string, secret: string, name: string | undefined): string {
  const payload = name === undefined ? value : `${name}=${value}`;
  return createHmac('sha256', secret).update(payload).digest('base64');
}

export interface SessionOptions {
  /** The secrets, newest first: the first signs, every one verifies. At least one. */
  readonly secrets: readonly string[];
  /** The cookie's name; `DEFAULT_COOKIE_NAME` when left out. */
  readonly name?: string;
  /** Seconds a session lives after it was last sent; `DEFAULT_MAX_AGE` when left out. */
  readonly maxAge?: number;
  /** The clock, in milliseconds since the epoch; `Date.now` when left out. */
  readonly now?: () => number;
}

export const DEFAULT_COOKIE_NAME = 'session';
/** One day. */
export const DEFAULT_MAX_AGE = 24 * 60 * 60;
/** RFC 6265 §6.1: user agents keep "At least 4096 bytes per cookie", name, value and attributes. */
export const MAX_COOKIE_BYTES = 4096;

export const NO_SECRET = 'sessions() needs at least one secret to sign with';
export const NO_SESSION = 'session(environ) needs the sessions() middleware around the app';
export const TOO_LARGE = (bytes: number) =>
  `The session cookie would be ${bytes} bytes; browsers keep ${MAX_COOKIE_BYTES} at most.`;

/** One visitor's session, for the length of one request. */
export interface Session {
  /** A random id, new for a fresh session and after `regenerate()`. */
  readonly id: string;
  /** The value under `key`, undefined when there is none. */
  get(key: string): Json | undefined;
  /** Sets `key`; the response sends the session. */
  set(key: string, value: Json): void;
  /** Removes `key`; the response sends the session. */
  delete(key: string): void;
  /** A new id, the data kept (call it at login: a session fixed before it is worth nothing after). */
  regenerate(): void;
  /** Ends the session: no data, a new id, and the response deletes the cookie. */
  destroy(): void;
}

/** What the signed cookie carries, before base64url. */
interface Payload {
  readonly id: string;
  /** Milliseconds since the epoch. */
  readonly expires: number;
  readonly data: Readonly<Record<string, Json>>;
}

/** The environ key the session is put under, in the spirit of wsgiorg.routing_args. */
const SESSION_KEY = 'sessions.session';

/** 128 random bits, base64url: OWASP asks for at least 64 bits of entropy in a session id. */
const newId = () => randomBytes(16).toString('base64url');

/** The session of this request. @throws Error `NO_SESSION` outside `sessions()` */
export function session(environ: Environ): Session {
  const found = (environ as { [SESSION_KEY]?: Session })[SESSION_KEY];
  if (found === undefined) throw new Error(NO_SESSION);
  return found;
}

/** The payload of a cookie this server signed, if it is one and has not expired. */
function open(
  cookie: string,
  secrets: readonly string[],
  name: string,
  now: number,
): Payload | undefined {
  const value = unsign(cookie, secrets, name);
  if (value === false) return undefined;
  const payload = JSON.parse(Buffer.from(value, 'base64url').toString()) as Payload;
  // the expiry is checked here, not left to Max-Age: a client keeps a cookie as long as it likes
  return payload.expires > now ? payload : undefined;
}

/**
 * The middleware: reads the session from the cookie named `name` (a missing, unsigned,
 * tampered or expired one starts a fresh session, and a rejected one is deleted), puts it
 * where `session(environ)` finds it, and, when the app changed it, adds one Set-Cookie to
 * the response with the session signed by the newest secret: HttpOnly, SameSite=Lax,
 * Path=/, Max-Age `maxAge`, Secure when `gateway.url_scheme` is https; after `destroy()`,
 * the cookie deleted instead. Changes made after the app called startResponse are not sent.
 *
 * @throws TypeError `NO_SECRET` when `secrets` is empty
 */
export function sessions(options: SessionOptions): Middleware {
  const { secrets, name = DEFAULT_COOKIE_NAME, maxAge = DEFAULT_MAX_AGE, now = Date.now } = options;
  if (secrets.length === 0) throw new TypeError(NO_SECRET);
  return (app) => (environ, startResponse) => {
    const cookie = parseCookie(environ.HTTP_COOKIE ?? '')[name];
    const found = cookie === undefined ? undefined : open(cookie, secrets, name, now());
    let id = found?.id ?? newId();
    const data = new Map(Object.entries(found?.data ?? {}));
    let changed = false;
    // a cookie that did not verify, or a destroyed session, is deleted from the browser
    let discard = cookie !== undefined && found === undefined;
    const current: Session = {
      get id() {
        return id;
      },
      get: (key) => data.get(key),
      set: (key, value) => {
        data.set(key, value);
        changed = true;
      },
      delete: (key) => {
        data.delete(key);
        changed = true;
      },
      regenerate: () => {
        id = newId();
        changed = true;
      },
      destroy: () => {
        data.clear();
        id = newId();
        changed = false;
        discard = true;
      },
    };
    const attributes = {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: environ['gateway.url_scheme'] === 'https',
    } as const;
    const setCookie = (): (readonly [string, string])[] => {
      if (changed) {
        const payload: Payload = {
          id,
          expires: now() + maxAge * 1000,
          data: Object.fromEntries(data),
        };
        const value = Buffer.from(JSON.stringify(payload)).toString('base64url');
        const field = serializeCookie(name, sign(value, secrets[0] as string, name), {
          ...attributes,
          maxAge,
        });
        // RFC 6265 §6.1: a larger cookie may be dropped without a word, and the session with it
        const bytes = Buffer.byteLength(field);
        if (bytes > MAX_COOKIE_BYTES) throw new Error(TOO_LARGE(bytes));
        return [['Set-Cookie', field]];
      }
      return discard ? [['Set-Cookie', deleteCookie(name, attributes)]] : [];
    };
    return app({ ...environ, [SESSION_KEY]: current } as Environ, (status, headers, excInfo) =>
      startResponse(status, [...headers, ...setCookie()], excInfo),
    );
  };
}
