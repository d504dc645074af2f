/**
 * The Common Gateway Interface (RFC 3875): a request handed to a program as environment
 * variables and standard input, its standard output read back as a response. The server
 * picks the script by a URL prefix (§3.2), builds the meta-variables from scratch (§4.1),
 * runs the script as a child process with no shell (§3.4, §7.2), kills it after a
 * deadline (§6.1) and turns what it wrote into an HTTP response (§6).
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { RequestTarget } from '../17-parse-a-request-line/request-line.ts';
import type { ConnectionInfo, Handler, HttpRequest } from '../27-hello-server/server.ts';

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

/**
 * The script a request-target names: the longest prefix of `scripts` that matches whole
 * segments of the path (`/cgi-bin/form` matches `/cgi-bin/form` and `/cgi-bin/form/x`, not
 * `/cgi-bin/format`), and the segments after it as PATH_INFO. Each segment is decoded once,
 * then checked; the query is not part of the path.
 */
export function findScript(scripts: ScriptTable, target: RequestTarget): ScriptSelection {
  throw new KataTodo('findScript');
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
  throw new KataTodo('metaVariables');
}

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
  throw new KataTodo('parseCgiResponse');
}

/**
 * Runs one script: `file` itself, with no shell and no arguments, in its own folder
 * (RFC 3875 §7.2), with exactly `env`; writes `input` to its standard input and closes it;
 * reads standard output and standard error to the end. After `timeoutMs` the script and
 * every process it started (its process group) get SIGKILL, and the result is `timed-out`
 * once they are gone.
 */
export function runScript(file: string, options: RunOptions): Promise<RunResult> {
  throw new KataTodo('runScript');
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
  throw new KataTodo('createCgiHandler');
}

/** Kata 27's server running the CGI handler: one request, one script, one connection. */
export function createCgiServer(options: CgiOptions): net.Server {
  throw new KataTodo('createCgiServer');
}
