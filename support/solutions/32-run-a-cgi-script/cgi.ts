/**
 * The Common Gateway Interface (RFC 3875): a request handed to a program as environment
 * variables and standard input, its standard output read back as a response. The server
 * picks the script by a URL prefix (§3.2), builds the meta-variables from scratch (§4.1),
 * runs the script as a child process with no shell (§3.4, §7.2), kills it after a
 * deadline (§6.1) and turns what it wrote into an HTTP response (§6).
 */
import { spawn } from 'node:child_process';
import type net from 'node:net';
import path from 'node:path';
import { splitUrl } from '../16-parse-a-url/uri-reference.ts';
import type { RequestTarget } from '../17-parse-a-request-line/request-line.ts';
import { type FieldSection, parseHeaders } from '../18-header-fields/header-fields.ts';
import type { Response } from '../20-serialize-a-response/response.ts';
import {
  type ConnectionInfo,
  createServer,
  type Handler,
  type HttpRequest,
} from '../27-hello-server/server.ts';

/** RFC 3875 §4.1.4: GATEWAY_INTERFACE = "CGI" "/" 1*digit "." 1*digit; this is version 1.1. */
export const GATEWAY_INTERFACE = 'CGI/1.1';

/** RFC 3875 §4.1.17: SERVER_SOFTWARE = 1*( product | comment ). */
export const SERVER_SOFTWARE = 'http-bottom-up/0.1';

/** The one variable of the server's own environment a script gets: where programs are. */
export const INHERITED_VARIABLES = ['PATH'] as const;

/** How long a script may run, in ms, before it is killed and the client gets a 504. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** How many local redirects (RFC 3875 §6.2.2) one request may follow before a 502. */
export const MAX_LOCAL_REDIRECTS = 10;

/** The meta-variables of one request: the script's whole environment but PATH. */
export type MetaVariables = Readonly<Record<string, string>>;

/** A script a request names: SCRIPT_NAME, PATH_INFO, and the file to run. */
export interface ScriptMatch {
  readonly kind: 'script';
  /** RFC 3875 §4.1.13: the URL prefix the script is mapped at, as configured. */
  readonly scriptName: string;
  /** RFC 3875 §4.1.5: the rest of the path, percent-decoded; `''` when there is none. */
  readonly pathInfo: string;
  /** The executable, an absolute path. */
  readonly file: string;
}

/** Why a request names no script: the status, and the rule. */
export const REFUSALS = {
  'no-path': {
    status: 400,
    rule: 'only an origin-form or absolute-form target names a script (RFC 9112 §3.2)',
  },
  'bad-encoding': {
    status: 400,
    rule: 'a "%" is followed by two hex digits and the octets are UTF-8 (RFC 3986 §2.1)',
  },
  nul: {
    status: 400,
    rule: 'a NUL (%00) cannot be put in an environment variable (RFC 3875 §7.2)',
  },
  separator: {
    status: 400,
    rule: 'an encoded "/" would be lost once decoded into PATH_INFO (RFC 3875 §4.1.5)',
  },
  'dot-segment': {
    status: 400,
    rule: 'a "." or ".." segment, raw or encoded, is refused before the path is split (RFC 3875 §9.8)',
  },
  'no-script': { status: 404, rule: 'no script is mapped at this path (RFC 3875 §3.2)' },
} as const satisfies Record<string, { status: number; rule: string }>;

export type RefusalReason = keyof typeof REFUSALS;

export type ScriptSelection =
  | ScriptMatch
  | {
      readonly kind: 'refused';
      readonly reason: RefusalReason;
      readonly status: (typeof REFUSALS)[RefusalReason]['status'];
    };

/** URL prefix (`/cgi-bin/form`) → executable file; a relative file is under the working directory. */
export type ScriptTable = Readonly<Record<string, string>>;

export interface MetaOptions {
  /** The folder PATH_INFO is translated under for PATH_TRANSLATED; none: it is not set. */
  readonly documentRoot?: string;
}

/** What RFC 3875 §6 lets a script answer, once its output is read. */
export type CgiResponse =
  | {
      /** §6.2.1, and §6.2.4 when `Location` is absolute: a response for the client. */
      readonly kind: 'document' | 'client-redirect-with-document';
      readonly status: number;
      readonly reason: string | undefined;
      /** The fields for the client, in the script's order: Status and X-CGI-* removed. */
      readonly headers: readonly (readonly [string, string])[];
      readonly body: Uint8Array;
    }
  | {
      /** §6.2.3: 302 Found to the absolute URI, with the script's other fields. */
      readonly kind: 'client-redirect';
      readonly location: string;
      readonly headers: readonly (readonly [string, string])[];
    }
  | {
      /** §6.2.2: the server answers as if the client had asked for this path and query. */
      readonly kind: 'local-redirect';
      readonly location: string;
    };

/** Why a script's output is not a CGI response; the client gets a 502 for each. */
export const OUTPUT_ERRORS = {
  empty: 'a script MUST always provide a non-empty response (RFC 3875 §6.1)',
  'no-blank-line': 'the header fields end with a blank line (RFC 3875 §6.2)',
  'bad-field': 'generic-field = field-name ":" [ field-value ] NL, one line each (RFC 3875 §6.3)',
  'duplicate-field': 'each CGI field MUST NOT appear more than once (RFC 3875 §6.3)',
  'no-cgi-field': 'at least one CGI field MUST be supplied (RFC 3875 §6.3)',
  'bad-status':
    'Status = "Status:" status-code SP reason-phrase, a code from 200 to 599 (RFC 3875 §6.3.3)',
  'bad-location': 'Location is an absolute URI or a path starting with "/" (RFC 3875 §6.3.2)',
  'no-content-type': 'a script that returns a body MUST supply a Content-Type (RFC 3875 §6.3.1)',
  'local-redirect-with-more':
    'a local redirect MUST NOT return other fields or a body (RFC 3875 §6.2.2)',
  'client-redirect-with-body': 'a redirect with a document MUST supply a Status (RFC 3875 §6.2.4)',
  'body-not-allowed': 'a 204, 205 or 304 response has no content (RFC 9110 §6.4.1)',
} as const;

export type OutputErrorReason = keyof typeof OUTPUT_ERRORS;

/** Thrown by `parseCgiResponse`: the output broke a rule of RFC 3875 §6. */
export class CgiOutputError extends Error {
  override readonly name = 'CgiOutputError';
  constructor(
    readonly reason: OutputErrorReason,
    detail?: string,
  ) {
    super(`${reason}: ${OUTPUT_ERRORS[reason]}${detail === undefined ? '' : ` (${detail})`}`);
  }
}

export interface RunOptions {
  /** The environment, exactly: nothing else is passed. */
  readonly env: Readonly<Record<string, string>>;
  /** Written to the script's standard input, which is then closed. */
  readonly input: Uint8Array;
  /** Killed, with every process it started, after this many ms. */
  readonly timeoutMs: number;
  /** Each piece of the script's standard error; it is read to the end either way. */
  readonly onStderr?: (bytes: Uint8Array) => void;
}

/** How a run ended. */
export type RunResult =
  | {
      readonly kind: 'exited';
      /** The exit status, or `null` when a signal ended it. */
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly stdout: Uint8Array;
    }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'not-started'; readonly code: string };

export interface CgiOptions extends MetaOptions {
  readonly scripts: ScriptTable;
  /** RFC 3875 §6.1: how long a script may run; DEFAULT_TIMEOUT_MS when left out. */
  readonly timeoutMs?: number;
  /** Where the scripts' standard error goes; dropped when left out (it is read either way). */
  readonly onStderr?: (bytes: Uint8Array) => void;
}

/** The bodies of the errors this server answers with: they say nothing of the script. */
export const ERROR_TEXTS = {
  500: '500 Internal Server Error: the script could not be run\n',
  502: '502 Bad Gateway: the script did not answer with a CGI response\n',
  504: '504 Gateway Timeout: the script did not finish in time\n',
} as const;

/** RFC 3986 §3.3: segments are separated by "/". */
const SLASH = '/';
const DOT_SEGMENTS = new Set(['.', '..']);

function refused(reason: RefusalReason): ScriptSelection {
  return { kind: 'refused', reason, status: REFUSALS[reason].status };
}

/**
 * The script a request-target names: the longest prefix of `scripts` that matches whole
 * segments of the path (`/cgi-bin/form` matches `/cgi-bin/form` and `/cgi-bin/form/x`, not
 * `/cgi-bin/format`), and the segments after it as PATH_INFO. Each segment is decoded once,
 * then checked; the query is not part of the path.
 */
export function findScript(scripts: ScriptTable, target: RequestTarget): ScriptSelection {
  let requestPath: string;
  if (target.form === 'origin') requestPath = target.path;
  else if (target.form === 'absolute') requestPath = target.url.path;
  else return refused('no-path');
  const names: string[] = [];
  for (const segment of requestPath.split(SLASH).slice(1)) {
    let name: string;
    try {
      name = decodeURIComponent(segment);
    } catch {
      return refused('bad-encoding');
    }
    if (name.includes('\0')) return refused('nul');
    // §4.1.5: the server "MAY reject the request with an error if it encounters any values
    // considered objectionable. That MAY include any requests that would result in an
    // encoded "/" being decoded into PATH_INFO"
    if (name.includes(SLASH)) return refused('separator');
    // §9.8: ".." segments "should be removed or resolved in the request URI before it is
    // split into the script-path and extra-path"; refusing them leaves nothing to resolve
    if (DOT_SEGMENTS.has(name)) return refused('dot-segment');
    names.push(name);
  }
  let best: { prefix: string; length: number } | undefined;
  for (const prefix of Object.keys(scripts)) {
    const wanted = prefix.split(SLASH).slice(1);
    const matches = wanted.every((name, i) => names[i] === name);
    if (matches && (best === undefined || wanted.length > best.length)) {
      best = { prefix, length: wanted.length };
    }
  }
  if (best === undefined) return refused('no-script');
  const rest = names.slice(best.length);
  return {
    kind: 'script',
    scriptName: best.prefix,
    // §4.1.5: PATH_INFO = "" | ( "/" path ); "A PATH_INFO of "/" represents a single void
    // path segment"
    pathInfo: rest.map((name) => SLASH + name).join(''),
    file: path.resolve(scripts[best.prefix] as string),
  };
}

/**
 * Request fields never passed as HTTP_* (RFC 3875 §4.1.18): credentials the script must
 * not see (§9.2), fields already in CONTENT_LENGTH and CONTENT_TYPE, the connection's own,
 * and Proxy, whose HTTP_PROXY a script's HTTP library takes for its proxy (httpoxy).
 */
const NOT_PASSED = new Set([
  'authorization',
  'proxy-authorization',
  'content-length',
  'content-type',
  'connection',
  'proxy',
]);

/**
 * Field names that become an HTTP_* name: letters, digits and "-". With "_" too,
 * `X-User` and `X_User` would both be HTTP_X_USER, and a proxy that strips one lets the
 * other through; other token characters make no name a shell can read.
 */
const PASSABLE_NAME = /^[A-Za-z0-9-]+$/;

/** RFC 9112 §6: "The presence of a message body in a request is signaled by a Content-Length or Transfer-Encoding header field." */
function hasBody(headers: FieldSection): boolean {
  return (
    headers.get('content-length') !== undefined || headers.get('transfer-encoding') !== undefined
  );
}

/**
 * The meta-variables of RFC 3875 §4.1 for one request to one script, and nothing else:
 *
 * - always: GATEWAY_INTERFACE, QUERY_STRING (`''` when there is no query), REMOTE_ADDR,
 *   REMOTE_HOST (the address: no DNS lookup), REQUEST_METHOD, SCRIPT_NAME, SERVER_NAME
 *   (the Host field's host, the target's for an absolute-form target, the local address
 *   when Host is missing or empty), SERVER_PORT (the local port), SERVER_PROTOCOL,
 *   SERVER_SOFTWARE;
 * - CONTENT_LENGTH (the octets of the decoded body) only when the request has a body,
 *   CONTENT_TYPE only when it has a Content-Type; PATH_INFO only when it is not empty, and
 *   PATH_TRANSLATED with it when `documentRoot` is given;
 * - never AUTH_TYPE, REMOTE_USER (this server authenticates no one) or REMOTE_IDENT (it
 *   asks no ident server);
 * - HTTP_* for each field, repeated fields combined with ", ", but Authorization,
 *   Proxy-Authorization, Content-Length, Content-Type, Connection and Proxy (httpoxy), and
 *   any field whose name is not letters, digits and "-" (no "_").
 */
export function metaVariables(
  request: HttpRequest,
  connection: ConnectionInfo,
  script: ScriptMatch,
  options: MetaOptions = {},
): MetaVariables {
  const variables: Record<string, string> = {};
  for (const { name } of request.headers.lines) {
    const lower = name.toLowerCase();
    if (NOT_PASSED.has(lower) || !PASSABLE_NAME.test(name)) continue;
    // §4.1.18: "The HTTP header field name is converted to upper case, has all occurrences
    // of "-" replaced with "_" and has "HTTP_" prepended"; "If multiple header fields with
    // the same field-name are received then the server MUST rewrite them as a single value
    // having the same semantics" (RFC 9110 §5.3: joined with ", ")
    variables[`HTTP_${name.toUpperCase().replaceAll('-', '_')}`] = request.headers
      .values(lower)
      .join(', ');
  }
  // §4.1.2: "The server MUST set this meta-variable if and only if the request is
  // accompanied by a message-body entity", its length "after the server has removed any
  // transfer-codings"
  if (hasBody(request.headers)) variables.CONTENT_LENGTH = String(request.body.length);
  // §4.1.3: "The server MUST set this meta-variable if an HTTP Content-Type field is present"
  const contentType = request.headers.get('content-type');
  if (contentType !== undefined) variables.CONTENT_TYPE = contentType;
  variables.GATEWAY_INTERFACE = GATEWAY_INTERFACE;
  // §4.1.6: "If PATH_INFO is NULL, then the PATH_TRANSLATED variable MUST be set to NULL
  // (or unset)"; an optional meta-variable "may be omitted (left unset) if its value is NULL"
  if (script.pathInfo !== '') {
    variables.PATH_INFO = script.pathInfo;
    if (options.documentRoot !== undefined) {
      variables.PATH_TRANSLATED = path.join(path.resolve(options.documentRoot), script.pathInfo);
    }
  }
  // §4.1.7: "if the Script-URI does not include a query component, the QUERY_STRING MUST be
  // defined as an empty string"
  variables.QUERY_STRING = queryOf(request.target) ?? '';
  // §4.1.8: "MUST be set to the network address of the client"
  variables.REMOTE_ADDR = connection.remoteAddress;
  // §4.1.9: "If the hostname is not available for performance reasons or otherwise, the
  // server MAY substitute the REMOTE_ADDR value."
  variables.REMOTE_HOST = connection.remoteAddress;
  // §4.1.12: "The method is case sensitive."
  variables.REQUEST_METHOD = request.method;
  variables.SCRIPT_NAME = script.scriptName;
  variables.SERVER_NAME = serverName(request, connection);
  // §4.1.15: "the TCP/IP port number on which this request is received"
  variables.SERVER_PORT = String(connection.localPort);
  variables.SERVER_PROTOCOL = request.version;
  variables.SERVER_SOFTWARE = SERVER_SOFTWARE;
  return variables;
}

function queryOf(target: RequestTarget): string | undefined {
  if (target.form === 'origin') return target.query;
  if (target.form === 'absolute') return target.url.query;
  return undefined;
}

/**
 * RFC 3875 §4.1.14: server-name = hostname | ipv4-address | ( "[" ipv6-address "]" ); "the
 * server would use the contents of the request's Host header field". RFC 9112 §3.2.2: for
 * an absolute-form target the server "MUST ignore the received Host header field".
 */
function serverName(request: HttpRequest, connection: ConnectionInfo): string {
  if (request.target.form === 'absolute') return request.target.url.host;
  const host = request.headers.get('host');
  // kata 18 let only `uri-host [ ":" port ]` through, which kata 16 reads
  if (host !== undefined && host !== '') return splitUrl(`http://${host}/`).host;
  const address = connection.localAddress;
  return address.includes(':') ? `[${address}]` : address;
}

/** RFC 3875 §6.3: CGI-field = Content-Type | Location | Status */
const CGI_FIELDS = new Set(['content-type', 'location', 'status']);
/** RFC 3875 §6.3.5: "The server MAY ignore (and delete) any unrecognised header fields with names beginning "X-CGI-"". */
const EXTENSION_PREFIX = 'x-cgi-';
/**
 * RFC 3875 §6.3.4: "The script MUST NOT return any header fields that relate to
 * client-side communication issues ... The server MAY remove any such header fields";
 * the server frames the response itself (kata 20 writes Content-Length).
 */
const CONNECTION_FIELDS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'te',
  'trailer',
  'upgrade',
]);
/** RFC 9110 §5.1: field-name = token */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 3875 §6.3: "Whitespace is permitted between the ":" and the field-value". */
const OWS = /^[ \t]+|[ \t]+$/g;
/** RFC 9110 §5.5: field-content, no CR, LF, NUL or other control but HTAB. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** RFC 3875 §6.3.3: status-code SP reason-phrase; the phrase may be left out. */
const STATUS = /^([1-5]\d\d)(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
/** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":". */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** RFC 9110 §6.4.1, §15.3.6: responses with no content. */
const NO_CONTENT = new Set([204, 205, 304]);
const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads a script's whole standard output as a CGI response (RFC 3875 §6): header fields,
 * one per line ending in LF or CR LF (§7.2), a blank line, then the body, octets to the end.
 * Field names are case-insensitive; a field with an empty value counts as not sent (§6.3).
 *
 * - with a Status: a document (or, with an absolute Location, a redirect with a document)
 *   of that status, its reason phrase kept when given;
 * - else with a Location that starts with "/": a local redirect, alone (§6.2.2);
 * - else with an absolute-URI Location: a client redirect, 302 (§6.2.3), with no body;
 * - else a document, 200, which needs a Content-Type (§6.2.1).
 * Any body needs a Content-Type; Status and X-CGI-* fields and the fields that frame the
 * message (Connection, Content-Length, Transfer-Encoding, ...) are not passed on.
 *
 * @throws CgiOutputError for output that is no CGI response
 */
export function parseCgiResponse(output: Uint8Array): CgiResponse {
  if (output.length === 0) throw new CgiOutputError('empty');
  const bytes = Buffer.from(output.buffer, output.byteOffset, output.length);
  const fields: [string, string][] = [];
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(LF, start);
    if (end === -1) throw new CgiOutputError('no-blank-line');
    // §7.2: "The newline (NL) sequence is LF; servers should also accept CR LF as a newline."
    const lineEnd = end > start && bytes[end - 1] === CR ? end - 1 : end;
    const line = bytes.subarray(start, lineEnd).toString('latin1');
    start = end + 1;
    if (line === '') break;
    fields.push(parseField(line));
  }
  return responseOf(fields, bytes.subarray(start));
}

/** RFC 3875 §6.3: field-name ":" [ field-value ], whitespace after the ":" but not before. */
function parseField(line: string): [string, string] {
  const colon = line.indexOf(':');
  const name = line.slice(0, colon);
  const value = line.slice(colon + 1).replace(OWS, '');
  // "each header field in a CGI-Response MUST be specified on a single line; CGI/1.1 does
  // not support continuation lines": a line starting with SP or HTAB has no token before ":"
  if (colon === -1 || !TOKEN.test(name) || !FIELD_VALUE.test(value)) {
    throw new CgiOutputError('bad-field', JSON.stringify(line));
  }
  return [name, value];
}

function responseOf(lines: readonly [string, string][], body: Uint8Array): CgiResponse {
  const cgi = new Map<string, string>();
  const headers: [string, string][] = [];
  for (const [name, value] of lines) {
    const lower = name.toLowerCase();
    // §6.3: "A NULL field value is equivalent to a field not being sent."
    if (value === '') continue;
    if (CGI_FIELDS.has(lower)) {
      if (cgi.has(lower)) throw new CgiOutputError('duplicate-field', name);
      cgi.set(lower, value);
    }
    if (lower === 'status' || lower.startsWith(EXTENSION_PREFIX) || CONNECTION_FIELDS.has(lower)) {
      continue;
    }
    headers.push([name, value]);
  }
  if (cgi.size === 0) throw new CgiOutputError('no-cgi-field');
  const status = cgi.get('status');
  const location = cgi.get('location');
  if (status === undefined && location !== undefined) {
    if (location.startsWith(SLASH)) {
      // §6.2.2: "The script MUST NOT return any other header fields or a message-body"
      if (headers.length > 1 || body.length > 0)
        throw new CgiOutputError('local-redirect-with-more');
      return { kind: 'local-redirect', location };
    }
    // §6.3.2: "The local URI path and query must be an absolute path, and not a relative
    // path or NULL, and hence must start with a "/"."
    if (!ABSOLUTE_URI.test(location)) throw new CgiOutputError('bad-location', location);
    // §6.2.4: client-redirdoc-response = client-Location Status Content-Type ...
    if (body.length > 0) throw new CgiOutputError('client-redirect-with-body');
    return { kind: 'client-redirect', location, headers };
  }
  // §6.3.1: "If an entity body is returned, the script MUST supply a Content-Type field"
  if (body.length > 0 && !cgi.has('content-type')) throw new CgiOutputError('no-content-type');
  if (status !== undefined) {
    const match = STATUS.exec(status);
    const code = Number(match?.[1]);
    if (match === null || code < 200) throw new CgiOutputError('bad-status', status);
    if (NO_CONTENT.has(code) && body.length > 0) throw new CgiOutputError('body-not-allowed');
    const absolute = location !== undefined && ABSOLUTE_URI.test(location);
    return {
      kind: absolute ? 'client-redirect-with-document' : 'document',
      status: code,
      reason: match[2],
      headers,
      body,
    };
  }
  // §6.2.1: "Status header field is optional, and status 200 'OK' is assumed"
  return { kind: 'document', status: 200, reason: undefined, headers, body };
}

/**
 * Runs one script: `file` itself, with no shell and no arguments, in its own folder
 * (RFC 3875 §7.2), with exactly `env`; writes `input` to its standard input and closes it;
 * reads standard output and standard error to the end. After `timeoutMs` the script and
 * every process it started (its process group) get SIGKILL, and the result is `timed-out`
 * once they are gone.
 */
export function runScript(file: string, options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    // shell: false and an argument array: no request octet is ever read by a shell.
    // detached: the script leads a new process group, which the deadline kills whole.
    const child = spawn(file, [], {
      cwd: path.dirname(file),
      env: options.env,
      shell: false,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let timedOut = false;
    // §6.1: "If a server implementation defines such a timeout and receives no data from a
    // script within the timeout period, the server MAY terminate the script process."
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ kind: 'not-started', code: error.code ?? 'unknown' });
    });
    child.stdout.on('data', (piece: Buffer) => stdout.push(piece));
    // read to the end whether anyone listens or not: a full stderr pipe would block the script
    child.stderr.on('data', (piece: Buffer) => options.onStderr?.(piece));
    // a script that exits without reading its input closes the pipe: EPIPE is no fault
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      // the script is gone; whatever it started in its group goes with it
      killGroup(child.pid);
      if (timedOut) resolve({ kind: 'timed-out' });
      else resolve({ kind: 'exited', code, signal, stdout: Buffer.concat(stdout) });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone
  }
}

/** The environment of one run: the meta-variables, and the server's PATH. */
function environment(variables: MetaVariables): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...variables };
}

function errorResponse(status: keyof typeof ERROR_TEXTS | 400 | 404, text: string): Response {
  return { status, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: text };
}

/** Fields that describe a request body, dropped when a local redirect re-runs it as GET. */
const BODY_FIELDS = new Set(['content-length', 'content-type', 'transfer-encoding']);

/**
 * RFC 3875 §6.2.2: "the server MUST generate the response that it would have produced in
 * response to a request containing the URL" of the Location: the same request, as a GET of
 * that path and query, with no body.
 */
function redirected(request: HttpRequest, location: string): HttpRequest {
  const mark = location.indexOf('?');
  const target: RequestTarget =
    mark === -1
      ? { form: 'origin', text: location, path: location, query: undefined }
      : {
          form: 'origin',
          text: location,
          path: location.slice(0, mark),
          query: location.slice(mark + 1),
        };
  const lines = request.headers.lines
    .filter(({ name }) => !BODY_FIELDS.has(name.toLowerCase()))
    .map(({ name, value }) => `${name}: ${value}`);
  return {
    ...request,
    method: 'GET',
    target,
    headers: parseHeaders(lines, { version: request.version }),
    body: new Uint8Array(0),
    trailers: [],
  };
}

/**
 * A handler that runs the script `findScript` selects, with `metaVariables` as its whole
 * environment (and PATH), the body on its standard input, and answers with what it wrote:
 *
 * - a refusal of `findScript`: its status (400, 404);
 * - a script that cannot be started (missing, not executable): 500;
 * - killed at the deadline: 504; exited with a status other than 0 or by a signal, or
 *   output `parseCgiResponse` refuses: 502; none of them shows the script's output;
 * - a local redirect: the same handler, for a GET of the Location, up to
 *   MAX_LOCAL_REDIRECTS times (then 502); a client redirect: 302 with the Location.
 */
export function createCgiHandler(options: CgiOptions): Handler {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const handle = async (
    request: HttpRequest,
    connection: ConnectionInfo,
    redirects: number,
  ): Promise<Response> => {
    const selection = findScript(options.scripts, request.target);
    if (selection.kind === 'refused') {
      const { status, rule } = REFUSALS[selection.reason];
      return errorResponse(status, `${status} ${selection.reason}: ${rule}\n`);
    }
    const variables = metaVariables(request, connection, selection, options);
    const run = await runScript(selection.file, {
      env: environment(variables),
      // §4.2: "The server MUST make at least that many bytes available for the script to read."
      input: request.body,
      timeoutMs,
      onStderr: options.onStderr,
    });
    if (run.kind === 'not-started') return errorResponse(500, ERROR_TEXTS[500]);
    if (run.kind === 'timed-out') return errorResponse(504, ERROR_TEXTS[504]);
    // a script that died may have written half a document: it is not sent as a whole one
    if (run.code !== 0) return errorResponse(502, ERROR_TEXTS[502]);
    let response: CgiResponse;
    try {
      response = parseCgiResponse(run.stdout);
    } catch {
      return errorResponse(502, ERROR_TEXTS[502]);
    }
    if (response.kind === 'local-redirect') {
      if (redirects === MAX_LOCAL_REDIRECTS) return errorResponse(502, ERROR_TEXTS[502]);
      return handle(redirected(request, response.location), connection, redirects + 1);
    }
    if (response.kind === 'client-redirect') {
      // §6.2.3: "For an HTTP client request, the server MUST generate a 302 'Found' HTTP
      // response message."
      return { status: 302, headers: response.headers };
    }
    return {
      status: response.status,
      reason: response.reason,
      headers: response.headers,
      body: response.body,
    };
  };
  return (request, connection) => handle(request, connection, 0);
}

/** Kata 27's server running the CGI handler: one request, one script, one connection. */
export function createCgiServer(options: CgiOptions): net.Server {
  return createServer(createCgiHandler(options));
}
