/**
 * Sessions in a signed cookie: the session's data lives in the cookie itself, with an HMAC
 * (RFC 2104) over it so the server can tell its own cookie from one a client wrote. The
 * signed format is Hono's (`value.signature`, the signature the base64 of HMAC-SHA256), so
 * Hono's `serializeSigned` and `parseSigned` read what `sign` writes and `unsign` reads theirs.
 * Signed is not secret: anyone who holds the cookie can read the data.
 * Read ./README.md first.
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { Environ } from '../33-gateway-apps/gateway.ts';
import type { Middleware } from '../36-middleware/middleware.ts';

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
  throw new KataTodo('sign');
}

/**
 * The value of a signed value whose signature one of `secrets` made (newest first: the
 * first signs, every one verifies, so a secret can be rotated without logging everyone
 * out), with the same `name` as it was signed for; false for anything else: no separator,
 * a wrong signature, one of another length. The signature is compared in constant time.
 */
export function unsign(signed: string, secrets: readonly string[], name?: string): string | false {
  throw new KataTodo('unsign');
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

/** The session of this request. @throws Error `NO_SESSION` outside `sessions()` */
export function session(environ: Environ): Session {
  throw new KataTodo('session');
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
  throw new KataTodo('sessions');
}
