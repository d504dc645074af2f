/**
 * Folders on kata 28's static server: a folder URL ends in "/" (a 301 adds it, RFC 9110
 * §15.4.2), it serves the folder's index file when there is one, and otherwise an HTML
 * listing whose links are percent-encoded relative references (RFC 3986 §2.1, §4.2) and
 * whose names are escaped, so that a file name is text, never markup.
 */
import { promises as fs } from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import type { RequestTarget } from '../17-parse-a-request-line/request-line.ts';
import type { Response } from '../20-serialize-a-response/response.ts';
import { createServer, type Handler, type HttpRequest } from '../27-hello-server/server.ts';
import {
  ALLOWED_METHODS,
  CONTENT_TYPES,
  createStaticHandler,
  resolveTarget,
  type StaticOptions,
} from '../28-serve-static-files/static-files.ts';

export interface DirectoryOptions extends StaticOptions {
  /** The file name (no "/") a folder URL serves when the folder holds it; `false` for none. */
  readonly index?: string | false;
  /** Whether a folder without its index file is listed (`true`) or 404 (`false`). */
  readonly listing?: boolean;
}

/** What a folder does when the options leave it out. */
export const DEFAULTS = { index: 'index.html', listing: true } as const;

/** What a listed name is: its link ends in "/" for a folder. */
export type EntryKind = 'file' | 'folder';

export interface Entry {
  /** The name in the folder, as the file system gives it. */
  readonly name: string;
  readonly kind: EntryKind;
}

/** The start of a listing's title and heading; the folder's decoded path follows. */
export const LISTING_TITLE = 'Index of ';

/** The link to the folder above, listed first in every folder but the root. */
export const PARENT_LINK = '../';

/** The five characters that end text or an attribute value in HTML, and their references. */
const HTML_ESCAPES = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
} as const;
const HTML_SPECIAL = /[&<>"']/g;

/**
 * The text as HTML text or a quoted attribute value: `&`, `<`, `>`, `"` and `'` become
 * character references, so that no name can open a tag or close an attribute.
 */
export function escapeHtml(text: string): string {
  return text.replace(HTML_SPECIAL, (char) => HTML_ESCAPES[char as keyof typeof HTML_ESCAPES]);
}

/**
 * The href of an entry, relative to its folder's URL (which ends in "/"): the name as
 * one path segment, every octet of its UTF-8 that is not unreserved percent-encoded
 * (RFC 3986 §2.1), then a "/" for a folder, so that its link needs no redirect.
 */
export function entryHref(entry: Entry): string {
  // encodeURIComponent encodes "/", "?", "#", "%" and ":" too: none can end the segment
  // early, and a first segment with ":" would read as a scheme (RFC 3986 §4.2)
  const segment = encodeURIComponent(entry.name);
  return entry.kind === 'folder' ? `${segment}/` : segment;
}

/**
 * The listing's order: folders first, then files; within each, by the names' Unicode
 * code points, which is the order of their UTF-8 octets (as `LC_ALL=C ls` sorts).
 * Negative when `a` comes first, positive when `b` does, 0 for the same entry.
 */
export function compareEntries(a: Entry, b: Entry): number {
  if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
  // UTF-8 preserves code point order; JavaScript's < compares UTF-16 code units, which
  // puts U+10000 and above before U+E000–U+FFFF
  return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
}

/** RFC 3986 §4.2: a reference that starts with "//" is a network-path reference. */
const LEADING_SLASHES = /^\/+/;

/**
 * The Location that adds the trailing "/" to a folder's URL: an absolute-path reference
 * (RFC 9110 §10.2.2: `Location = URI-reference`) with the query kept. Leading slashes are
 * folded into one: `//evil.example` as a Location names the host evil.example.
 */
export function addTrailingSlash(requestPath: string, query: string | undefined): string {
  const location = `/${requestPath.replace(LEADING_SLASHES, '')}/`;
  return query === undefined ? location : `${location}?${query}`;
}

/**
 * The HTML listing of a folder: the title and heading are LISTING_TITLE and `folder` (its
 * decoded path, ending in "/"), then one link per entry, in the order given, after a
 * PARENT_LINK unless `folder` is "/". Every name and href is escaped.
 */
export function renderListing(folder: string, entries: readonly Entry[]): string {
  const links = entries.map((entry) => ({
    href: entryHref(entry),
    text: entry.kind === 'folder' ? `${entry.name}/` : entry.name,
  }));
  if (folder !== '/') links.unshift({ href: PARENT_LINK, text: PARENT_LINK });
  const title = escapeHtml(LISTING_TITLE + folder);
  const items = links.map(
    ({ href, text }) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></li>\n`,
  );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body>
<h1>${title}</h1>
<ul>
${items.join('')}</ul>
</body>
</html>
`;
}

const HTML = ['Content-Type', CONTENT_TYPES['.html']] as const;
/** As kata 28 sends it: the listing is HTML built from names nobody here chose. */
const NOSNIFF = ['X-Content-Type-Options', 'nosniff'] as const;

/** RFC 9110 §15.4.2: "a short hypertext note with a hyperlink to the new URI(s)". */
function movedPermanently(location: string): Response {
  const link = escapeHtml(location);
  return {
    status: 301,
    headers: [['Location', location], HTML, NOSNIFF],
    body: `<!doctype html>\n<title>301 Moved Permanently</title>\n<p>This folder is at <a href="${link}">${link}</a>.</p>\n`,
  };
}

type OriginForm = Extract<RequestTarget, { form: 'origin' }>;

/** The path and the query of a target resolveTarget resolved: origin- or absolute-form. */
function pathAndQuery(target: RequestTarget): { path: string; query: string | undefined } {
  return target.form === 'absolute' ? target.url : (target as OriginForm);
}

/** Whether `file` is `root` or below it; both are real paths. */
function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(path.join(root, path.sep));
}

/** What a path under the root is once its links are followed: a folder, a file, or neither. */
async function kindOf(realRoot: string, file: string): Promise<EntryKind | undefined> {
  try {
    const real = await fs.realpath(file);
    if (!isInside(realRoot, real)) return undefined;
    const stats = await fs.stat(real);
    if (stats.isDirectory()) return 'folder';
    return stats.isFile() ? 'file' : undefined;
  } catch {
    // gone, a dangling link, a loop, no permission: nothing this server serves
    return undefined;
  }
}

/**
 * The entries a listing shows: only names kata 28 resolves (no hidden name, no "\"), and
 * only what is, links followed, a file or a folder inside the root; sorted.
 */
async function listedEntries(realRoot: string, folder: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const name of await fs.readdir(folder)) {
    const segment = `/${encodeURIComponent(name)}`;
    const target = { form: 'origin', text: segment, path: segment, query: undefined } as const;
    if (resolveTarget(folder, target).kind === 'refused') continue;
    const kind = await kindOf(realRoot, path.join(folder, name));
    if (kind !== undefined) entries.push({ name, kind });
  }
  return entries.sort(compareEntries);
}

/**
 * Kata 28's handler, with folders: a folder URL without its final "/" is 301 to the URL
 * with it (the query kept); with it, the folder's `index` file (default `index.html`) is
 * served as kata 28 serves a file, or else, when `listing` (default true), the folder's
 * HTML listing; otherwise 404. Everything that is no folder (a file, a refusal, a method
 * other than GET and HEAD, a link out of the root) is kata 28's.
 */
export function createDirectoryHandler(options: DirectoryOptions): Handler {
  const root = path.resolve(options.root);
  const index = options.index ?? DEFAULTS.index;
  const listing = options.listing ?? DEFAULTS.listing;
  const files = createStaticHandler({ root });
  return async (request, connection) => {
    if (!(ALLOWED_METHODS as readonly string[]).includes(request.method)) {
      return files(request, connection);
    }
    const resolution = resolveTarget(root, request.target);
    if (resolution.kind === 'refused') return files(request, connection);
    const realRoot = await fs.realpath(root);
    if ((await kindOf(realRoot, resolution.path)) !== 'folder') return files(request, connection);
    const { path: requestPath, query } = pathAndQuery(request.target);
    // RFC 3986 §5.2.3: a relative link resolves against the base URL up to its last "/";
    // without it, "a.txt" in the listing of /notes would be /a.txt
    if (!requestPath.endsWith('/')) return movedPermanently(addTrailingSlash(requestPath, query));
    if (index !== false && (await kindOf(realRoot, path.join(resolution.path, index))) === 'file') {
      const indexPath = requestPath + encodeURIComponent(index);
      const target = { form: 'origin', text: indexPath, path: indexPath, query } as const;
      return files({ ...request, target } satisfies HttpRequest, connection);
    }
    if (!listing) return files(request, connection);
    const folder = requestPath.split('/').map(decodeURIComponent).join('/');
    const entries = await listedEntries(realRoot, resolution.path);
    return { status: 200, headers: [HTML, NOSNIFF], body: renderListing(folder, entries) };
  };
}

/** Kata 27's server running the directory handler: one request per connection. */
export function createDirectoryServer(options: DirectoryOptions): net.Server {
  return createServer(createDirectoryHandler(options));
}
