/**
 * A JSON resource in the style the industry calls REST, on the framework of this chapter: a
 * collection `/notes` and its members `/notes/N`, routed by kata 37's `router`, their bodies
 * read by kata 39's `request`, their validators compared by kata 30's preconditions. Each
 * status code is the one RFC 9110 names for what happened; a write that could lose another
 * client's update is refused (412, 428) instead of done.
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { App } from '../33-gateway-apps/gateway.ts';

/** A note as the server keeps it and sends it: `{ "id": 1, "text": "…" }`. */
export interface Note {
  readonly id: number;
  readonly text: string;
}

export interface NotesOptions {
  /** RFC 6585 §3: a PUT or DELETE without If-Match is refused with 428. Off when left out. */
  readonly requirePreconditions?: boolean;
  /** The largest request body, in octets (kata 39's limit, 413 past it). */
  readonly maxBodyBytes?: number;
}

/** RFC 8259 §11: the media type of JSON text; it defines no charset parameter. */
export const JSON_TYPE = 'application/json';

/** The text of each refusal, by what went wrong. */
export const MESSAGES = {
  notAcceptable: `This resource has one representation, ${JSON_TYPE}; the Accept field allows none of it.`,
  notANote:
    'A note is a JSON object with a string "text" (and, in a PUT, its own "id"), nothing else.',
  idConflict: (id: unknown) =>
    `The body's id ${JSON.stringify(id)} is not the id of the note it would write.`,
  preconditionFailed:
    'The note is not in the state the preconditions name: GET it, then send its current ETag.',
  preconditionRequired:
    'A note is changed or deleted only with If-Match: GET it, then send its ETag in If-Match.',
} as const;

/**
 * Whether an Accept field (combined; `undefined` when the request has none) lets the server
 * send `application/json` (RFC 9110 §12.5.1):
 *
 * - no field: yes (§12.4.1: a request without it "implies that the sender has no preference on
 *   that dimension of negotiation");
 * - otherwise the weight of the most specific range that applies (`application/json`, then
 *   `application/*`, then `*\/*`; q=1 when it has no q; the highest of two equally specific)
 *   must be above 0; no range applies: no. A range's parameters other than q are not compared
 *   (JSON has none); an element that is not `type/subtype` with a valid qvalue is skipped.
 */
export function acceptsJson(accept: string | undefined): boolean {
  throw new KataTodo('acceptsJson');
}

/**
 * The app of one in-memory collection of notes, its own store (ids from 1 up, never reused):
 *
 * - `/notes`: GET lists the notes (`[{ id, text }, …]`, by id); POST `{ "text": … }` creates
 *   one: 201, `Location` (SCRIPT_NAME + `/notes/N`), its ETag, and its representation;
 * - `/notes/N` (N a decimal without leading zero): GET gives the note with a strong ETag;
 *   If-None-Match that matches it is a 304 with the ETag; PUT `{ "text": … }` replaces its
 *   text (204, no ETag: RFC 9110 §9.3.4); DELETE removes it (204); no PATCH;
 * - refusals, in this order: 404 (no such note; before any precondition), 405 with Allow (kata
 *   37), 406 for an Accept without JSON (GET, HEAD, POST), 428 (PUT, DELETE without If-Match
 *   when `requirePreconditions`), 412 (If-Match not matching, or If-None-Match matching, on a
 *   PUT or DELETE; If-Match on a GET), then the body's: 413, 415, 400 (kata 39), 422 (not a
 *   note), 409 (an `id` that is not the target's: in a POST, any);
 * - a PUT checks its preconditions again after its body is read: a note changed or deleted
 *   meanwhile is a 412 or a 404, never an update lost.
 */
export function notesApp(options: NotesOptions = {}): App {
  throw new KataTodo('notesApp');
}

/** `notesApp(options)` on kata 34's server: `npm run kata 42 -- --serve` runs it. */
export function serveNotes(options: NotesOptions = {}): net.Server {
  throw new KataTodo('serveNotes');
}
