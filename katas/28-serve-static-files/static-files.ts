/**
 * A static file server: the request-target mapped to a file under a root folder
 * without ever leaving it (RFC 9110 §17.3, RFC 3986 §7.3), the file sent whole
 * with a Content-Type from its extension (RFC 9110 §8.3), GET and HEAD only
 * (RFC 9110 §9.3.1, §9.3.2, §15.5.6). Read ./README.md first.
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { RequestTarget } from '../17-parse-a-request-line/request-line.ts';
import type { Handler } from '../27-hello-server/server.ts';

/** Why a target is not served: the status, and the rule it breaks. */
export const REFUSALS = {
  'no-path': {
    status: 400,
    rule: 'only an origin-form or absolute-form target names a path (RFC 9112 §3.2)',
  },
  'bad-encoding': {
    status: 400,
    rule: 'a "%" is followed by two hex digits and the octets are UTF-8, no overlong form (RFC 3986 §2.1, RFC 3629 §3)',
  },
  nul: {
    status: 400,
    rule: 'a NUL (%00) ends a file name early in C: it is refused (RFC 3986 §7.3)',
  },
  separator: {
    status: 400,
    rule: 'a segment holds no "/" or "\\" once decoded: %2F, %5C or a backslash would split it again on disk (RFC 3986 §2.4)',
  },
  'dot-segment': {
    status: 400,
    rule: 'a "." or ".." segment, raw or percent-encoded, is refused: it would climb out of the root (RFC 9110 §17.3)',
  },
  hidden: {
    status: 404,
    rule: 'a name that starts with "." (.env, .git) is not served (RFC 9110 §17.3)',
  },
  'outside-root': {
    status: 403,
    rule: 'the file, its symbolic links followed, is outside the root',
  },
  'not-found': {
    status: 404,
    rule: 'there is no regular file at this path',
  },
} as const satisfies Record<string, { status: number; rule: string }>;

export type RefusalReason = keyof typeof REFUSALS;

/** What a request-target names: a file path under the root, or a refusal. */
export type Resolution =
  | { readonly kind: 'file'; readonly path: string }
  | {
      readonly kind: 'refused';
      readonly reason: RefusalReason;
      readonly status: (typeof REFUSALS)[RefusalReason]['status'];
    };

/**
 * The media types this server knows, by lowercase extension: the formats a browser
 * needs labelled to use them at all (a script, a stylesheet, a module, WebAssembly).
 */
export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/vnd.microsoft.icon',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
} as const;

/** RFC 9110 §8.3: what a recipient may assume when it is told nothing (RFC 2046 §4.5.1). */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** RFC 9110 §9.1: "All general-purpose servers MUST support the methods GET and HEAD." */
export const ALLOWED_METHODS = ['GET', 'HEAD'] as const;

/** The body of a 405: which methods are. */
export const METHOD_NOT_ALLOWED_TEXT =
  '405 Method Not Allowed: this server answers GET and HEAD only\n';

export interface StaticOptions {
  /** The folder whose files are served; relative to the working directory if not absolute. */
  readonly root: string;
}

/**
 * Maps a request-target to a file path under `root`, refusing every spelling that could
 * name a file outside it (task 1 of the lesson).
 *
 * - the path is an origin-form target's `path`, or the `url.path` of an absolute-form one;
 *   any other form is `no-path`; the query is ignored;
 * - the path is split on "/" first, then each segment is percent-decoded and checked:
 *   `bad-encoding`, `nul`, `separator`, `dot-segment` (400), `hidden` (404);
 * - otherwise `{ kind: 'file', path }`: `path.join(root, …)` of the decoded names, a
 *   final "/" kept.
 */
export function resolveTarget(root: string, target: RequestTarget): Resolution {
  throw new KataTodo('resolveTarget');
}

/**
 * The Content-Type for a file name, from its last extension, case-insensitively;
 * DEFAULT_CONTENT_TYPE for any extension not in CONTENT_TYPES, or none (task 2).
 */
export function contentType(filePath: string): string {
  throw new KataTodo('contentType');
}

/**
 * A handler that serves the files under `options.root` (task 3): GET and HEAD with the
 * file whole, its Content-Type and `X-Content-Type-Options: nosniff`; 405 with
 * `Allow: GET, HEAD` for any other method; the status of the refusal for a target
 * resolveTarget refuses, 403 `outside-root` for a file whose real path (symbolic links
 * followed) is outside the root's, 404 `not-found` for no regular file.
 */
export function createStaticHandler(options: StaticOptions): Handler {
  throw new KataTodo('createStaticHandler');
}

/** Kata 27's `createServer` running the static handler (task 4). */
export function createStaticServer(options: StaticOptions): net.Server {
  throw new KataTodo('createStaticServer');
}
