/**
 * A static file server: the request-target mapped to a file under a root folder
 * without ever leaving it (RFC 9110 §17.3, RFC 3986 §7.3), the file sent whole
 * with a Content-Type from its extension (RFC 9110 §8.3), GET and HEAD only
 * (RFC 9110 §9.3.1, §9.3.2, §15.5.6).
 */
import { promises as fs } from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import type { RequestTarget } from '../17-parse-a-request-line/request-line.ts';
import type { Response } from '../20-serialize-a-response/response.ts';
import { createServer, type Handler } from '../27-hello-server/server.ts';

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

/** RFC 3986 §3.3: path segments are separated by "/". */
const SEGMENT_SEPARATOR = '/';
/** Characters that separate names on some file system: POSIX "/", Windows "\" too. */
const FILE_SEPARATORS = /[/\\]/;
/** RFC 3986 §3.3: dot-segments = "." / ".." */
const DOT_SEGMENTS = new Set(['.', '..']);
/** fs errors that mean "nothing to serve here" rather than a server fault. */
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP']);

function refused(reason: RefusalReason): Resolution {
  return { kind: 'refused', reason, status: REFUSALS[reason].status };
}

/**
 * Maps a request-target to a file path under `root`, refusing every spelling that
 * could name a file outside it. The path (of an origin-form target, or of the URL of
 * an absolute-form one) is split on "/" first, then each segment is percent-decoded
 * (RFC 3986 §2.4: "the components and subcomponents ... must be parsed and separated
 * before the percent-encoded octets within those components can be safely decoded"),
 * and checked after decoding (§7.3: "Security checks of the data within a URI should be
 * applied after decoding the octets"). The query is ignored.
 */
export function resolveTarget(root: string, target: RequestTarget): Resolution {
  let requestPath: string;
  if (target.form === 'origin') requestPath = target.path;
  else if (target.form === 'absolute') requestPath = target.url.path;
  else return refused('no-path');
  const names: string[] = [];
  for (const segment of requestPath.split(SEGMENT_SEPARATOR).slice(1)) {
    let name: string;
    try {
      // decodeURIComponent refuses a stray "%" and octets that are not UTF-8, overlong
      // forms such as %C0%AE (an old decoder's ".") included: RFC 3629 §3, "Implementations
      // of the decoding algorithm above MUST protect against decoding invalid sequences."
      name = decodeURIComponent(segment);
    } catch {
      return refused('bad-encoding');
    }
    // RFC 3986 §7.3: "the "%00" percent-encoding (NUL) may require special handling and
    // should be rejected if the application is not expecting to receive raw data"
    if (name.includes('\0')) return refused('nul');
    if (FILE_SEPARATORS.test(name)) return refused('separator');
    if (DOT_SEGMENTS.has(name)) return refused('dot-segment');
    // RFC 9110 §17.3: avoid "disclosure of configuration and source files that are not
    // meant to be served"
    if (name.startsWith('.')) return refused('hidden');
    names.push(name);
  }
  // Every name is now a plain file name: joining them cannot climb above root. A final
  // empty name keeps its "/", so "/file.txt/" names a directory and is not the file.
  return { kind: 'file', path: path.join(root, names.join(SEGMENT_SEPARATOR)) };
}

/**
 * The Content-Type for a file name, from its last extension, case-insensitively;
 * DEFAULT_CONTENT_TYPE for any extension not in CONTENT_TYPES, or none.
 */
export function contentType(filePath: string): string {
  const extension = path.extname(filePath).toLowerCase();
  return Object.hasOwn(CONTENT_TYPES, extension)
    ? CONTENT_TYPES[extension as keyof typeof CONTENT_TYPES]
    : DEFAULT_CONTENT_TYPE;
}

/**
 * RFC 9110 §8.3: a recipient that sniffs "risks drawing incorrect conclusions about the
 * data"; nosniff (WHATWG Fetch) tells a browser to take the Content-Type as it is.
 */
const NOSNIFF = ['X-Content-Type-Options', 'nosniff'] as const;

function textResponse(status: number, text: string, ...extra: [string, string][]): Response {
  return {
    status,
    headers: [['Content-Type', CONTENT_TYPES['.txt']], NOSNIFF, ...extra],
    body: text,
  };
}

function refusal(reason: RefusalReason): Response {
  const { status, rule } = REFUSALS[reason];
  return textResponse(status, `${status} ${reason}: ${rule}\n`);
}

/** Whether `file` is `root` or below it; both are real paths. */
function isInside(root: string, file: string): boolean {
  // below means below root + "/": "/srv/site-old" starts with "/srv/site" too
  return file === root || file.startsWith(path.join(root, path.sep));
}

/** Reads a resolved path whole, or says why it is not served. */
async function readFile(
  root: string,
  file: string,
): Promise<Uint8Array | 'outside-root' | 'not-found'> {
  try {
    // Symbolic links are followed before the check, not after: a link inside the root
    // that points outside it is refused when the file is opened.
    const [realRoot, realFile] = await Promise.all([fs.realpath(root), fs.realpath(file)]);
    if (!isInside(realRoot, realFile)) return 'outside-root';
    // RFC 9110 §17.3: a directory, a FIFO or a device is no file to send (a FIFO would
    // never end a read)
    if (!(await fs.stat(realFile)).isFile()) return 'not-found';
    return await fs.readFile(realFile);
  } catch (error) {
    if (NOT_FOUND_CODES.has((error as NodeJS.ErrnoException).code ?? '')) return 'not-found';
    throw error;
  }
}

/**
 * A handler that serves the files under `options.root`: GET and HEAD (RFC 9110 §9.3.1,
 * §9.3.2) with the file whole and its Content-Type; 405 with `Allow: GET, HEAD` for any
 * other method (§15.5.6); the status of the refusal for a target resolveTarget refuses,
 * for a symbolic link out of the root (403) and for no regular file (404).
 */
export function createStaticHandler(options: StaticOptions): Handler {
  const root = path.resolve(options.root);
  return async (request) => {
    if (!(ALLOWED_METHODS as readonly string[]).includes(request.method)) {
      // RFC 9110 §15.5.6: "The origin server MUST generate an Allow header field in a 405
      // response containing a list of the target resource's currently supported methods."
      return textResponse(405, METHOD_NOT_ALLOWED_TEXT, ['Allow', ALLOWED_METHODS.join(', ')]);
    }
    const resolution = resolveTarget(root, request.target);
    if (resolution.kind === 'refused') return refusal(resolution.reason);
    const content = await readFile(root, resolution.path);
    if (typeof content === 'string') return refusal(content);
    // RFC 9110 §9.3.2: HEAD gets the fields GET would; kata 20's formatResponse drops the
    // content and keeps its Content-Length
    return {
      status: 200,
      headers: [['Content-Type', contentType(resolution.path)], NOSNIFF],
      body: content,
    };
  };
}

/** Kata 27's server running the static handler: one request per connection. */
export function createStaticServer(options: StaticOptions): net.Server {
  return createServer(createStaticHandler(options));
}
