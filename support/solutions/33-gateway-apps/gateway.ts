/**
 * The gateway interface: a web application as one function a server calls, in the spirit of
 * Python's PEP 3333 (WSGI), written in TypeScript. This file is given, not a task: it is the
 * contract the apps of this kata are written to (kata 33), the server of kata 34 serves, and
 * the middleware of kata 36 wraps. It holds only types and constants.
 *
 * PEP 3333: "The application object must accept two positional arguments", an environ and a
 * start_response callable, and it "must return an iterable yielding zero or more bytestrings".
 */

/** PEP 3333's `wsgi.version`: "The tuple (1, 0), representing WSGI version 1.0". */
export const GATEWAY_VERSION = [1, 0] as const;

/** `gateway.url_scheme`: the scheme of the URL the request was sent to. */
export type UrlScheme = 'http' | 'https';

/**
 * The CGI meta-variables (RFC 3875 §4.1) an environ must hold, as PEP 3333 lists them. Of
 * these, SERVER_NAME, SERVER_PORT and SERVER_PROTOCOL are never empty; the others may be `''`.
 */
export const CGI_VARIABLES = [
  'REQUEST_METHOD',
  'SCRIPT_NAME',
  'PATH_INFO',
  'QUERY_STRING',
  'CONTENT_TYPE',
  'CONTENT_LENGTH',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
] as const;

/** The `gateway.*` keys every environ holds (PEP 3333's `wsgi.*`). */
export const GATEWAY_KEYS = [
  'gateway.version',
  'gateway.url_scheme',
  'gateway.input',
  'gateway.errors',
  'gateway.multithread',
  'gateway.multiprocess',
  'gateway.run_once',
] as const;

/** A request header field as a meta-variable (RFC 3875 §4.1.18): `User-Agent` → `HTTP_USER_AGENT`. */
export type ProtocolVariable = `HTTP_${string}`;

/** `gateway.errors`: text for the server's error log (PEP 3333's `wsgi.errors`). */
export interface ErrorStream {
  write(text: string): void;
}

/**
 * What the server tells the app about one request: the CGI meta-variables as strings, the
 * request's header fields as `HTTP_*`, and the `gateway.*` keys.
 */
export interface Environ {
  /** RFC 3875 §4.1.12: `GET`, `POST`, … as sent (case-sensitive). */
  readonly REQUEST_METHOD: string;
  /** RFC 3875 §4.1.13: the path prefix the app is mounted at; `''` at the root. */
  readonly SCRIPT_NAME: string;
  /** RFC 3875 §4.1.5: the rest of the path, percent-decoded; `''` when there is none. */
  readonly PATH_INFO: string;
  /** RFC 3875 §4.1.7: the query after `?`, still URL-encoded; `''` when there is none. */
  readonly QUERY_STRING: string;
  /** RFC 3875 §4.1.3: the request's Content-Type; `''` when it has none. */
  readonly CONTENT_TYPE: string;
  /** RFC 3875 §4.1.2: the body's length in octets, decimal; `''` when there is no body. */
  readonly CONTENT_LENGTH: string;
  /** RFC 3875 §4.1.14: the host name (or address) the request was sent to. */
  readonly SERVER_NAME: string;
  /** RFC 3875 §4.1.15: the port, decimal. */
  readonly SERVER_PORT: string;
  /** RFC 3875 §4.1.16: `HTTP/1.1` or `HTTP/1.0`. */
  readonly SERVER_PROTOCOL: string;
  /** RFC 3875 §4.1.8: the client's address, where the server knows it. */
  readonly REMOTE_ADDR?: string;
  /**
   * The request-target as the client sent it, still percent-encoded (`/a%2Fb?x=1`), where the
   * server gives it. Not RFC 3875's: Apache's and gunicorn's name. A router splits its path
   * into segments before it decodes them (kata 37).
   */
  readonly REQUEST_URI?: string;
  /** RFC 3875 §4.1.18: one per request header field; repeated fields joined with `, `. */
  readonly [field: ProtocolVariable]: string | undefined;
  /** The interface's version: `[1, 0]`. */
  readonly 'gateway.version': typeof GATEWAY_VERSION;
  readonly 'gateway.url_scheme': UrlScheme;
  /** The request body, as byte chunks; empty when there is none. Read it at most once. */
  readonly 'gateway.input': AsyncIterable<Uint8Array>;
  readonly 'gateway.errors': ErrorStream;
  /** Whether another call of the same app may run at the same time in this process. */
  readonly 'gateway.multithread': boolean;
  /** Whether another process may run the same app at the same time. */
  readonly 'gateway.multiprocess': boolean;
  /** Whether the server expects to call the app only once in this process (CGI: true). */
  readonly 'gateway.run_once': boolean;
}

/** Response header fields, in order: `[name, value]` pairs; a name may repeat (Set-Cookie). */
export type ResponseHeaders = readonly (readonly [name: string, value: string])[];

/**
 * PEP 3333's legacy `write()` callable, returned by start_response: bytes written at once,
 * bypassing the iterable. Kept for old code; "New WSGI applications and frameworks should not
 * use the write() callable if it is possible to avoid doing so."
 */
export type Write = (chunk: Uint8Array) => void;

/**
 * Starts the response: `status` is a status line without the version, `'200 OK'`
 * (three digits, a space, the reason phrase); `headers` the response fields. Call it once; call
 * it again only with `excInfo` (the error being handled), and only before the headers are sent:
 * then it replaces the status and headers. After the headers are sent, a call with `excInfo`
 * throws `excInfo` again; a second call without `excInfo` is an error.
 */
export type StartResponse = (status: string, headers: ResponseHeaders, excInfo?: unknown) => Write;

/**
 * The body: byte chunks, sync or async. The server sends each chunk as soon as it has it, and
 * calls `close()`, where there is one, when it is done with the body, also after an error or
 * a client that went away.
 */
export type AppResult = (Iterable<Uint8Array> | AsyncIterable<Uint8Array>) & {
  close?(): void;
};

/** An application: called once per request, it calls `startResponse` and returns the body. */
export type App = (environ: Environ, startResponse: StartResponse) => AppResult;
