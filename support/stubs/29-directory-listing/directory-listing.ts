/**
 * Folders on kata 28's static server: a folder URL ends in "/" (a 301 adds it, RFC 9110
 * §15.4.2), it serves the folder's index file when there is one, and otherwise an HTML
 * listing whose links are percent-encoded relative references (RFC 3986 §2.1, §4.2) and
 * whose names are escaped, so that a file name is text, never markup. Read ./README.md first.
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { Handler } from '../27-hello-server/server.ts';
import type { StaticOptions } from '../28-serve-static-files/static-files.ts';

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

/**
 * The text as HTML text or a quoted attribute value: `&`, `<`, `>`, `"` and `'` become
 * character references, so that no name can open a tag or close an attribute.
 */
export function escapeHtml(text: string): string {
  throw new KataTodo('escapeHtml');
}

/**
 * The href of an entry, relative to its folder's URL (which ends in "/"): the name as
 * one path segment, every octet of its UTF-8 that is not unreserved percent-encoded
 * (RFC 3986 §2.1), then a "/" for a folder, so that its link needs no redirect.
 */
export function entryHref(entry: Entry): string {
  throw new KataTodo('entryHref');
}

/**
 * The listing's order: folders first, then files; within each, by the names' Unicode
 * code points, which is the order of their UTF-8 octets (as `LC_ALL=C ls` sorts).
 * Negative when `a` comes first, positive when `b` does, 0 for the same entry.
 */
export function compareEntries(a: Entry, b: Entry): number {
  throw new KataTodo('compareEntries');
}

/**
 * The Location that adds the trailing "/" to a folder's URL: an absolute-path reference
 * (RFC 9110 §10.2.2: `Location = URI-reference`) with the query kept. Leading slashes are
 * folded into one: `//evil.example` as a Location names the host evil.example.
 *
 * @param requestPath the path of the request-target, as received, not ending in "/"
 * @param query the query as received, without its "?"; `undefined` when there is no "?"
 */
export function addTrailingSlash(requestPath: string, query: string | undefined): string {
  throw new KataTodo('addTrailingSlash');
}

/**
 * The HTML listing of a folder: the title and heading are LISTING_TITLE and `folder` (its
 * decoded path, ending in "/"), then one link per entry, in the order given, after a
 * PARENT_LINK unless `folder` is "/". Every name and href is escaped.
 */
export function renderListing(folder: string, entries: readonly Entry[]): string {
  throw new KataTodo('renderListing');
}

/**
 * Kata 28's handler, with folders: a folder URL without its final "/" is 301 to the URL
 * with it (the query kept); with it, the folder's `index` file (default `index.html`) is
 * served as kata 28 serves a file, or else, when `listing` (default true), the folder's
 * HTML listing; otherwise 404. Everything that is no folder (a file, a refusal, a method
 * other than GET and HEAD, a link out of the root) is kata 28's.
 */
export function createDirectoryHandler(options: DirectoryOptions): Handler {
  throw new KataTodo('createDirectoryHandler');
}

/** Kata 27's server running the directory handler: one request per connection. */
export function createDirectoryServer(options: DirectoryOptions): net.Server {
  throw new KataTodo('createDirectoryServer');
}
