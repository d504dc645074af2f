/**
 * A JSON resource in the style the industry calls REST, on the framework of this chapter: a
 * collection `/notes` and its members `/notes/N`, routed by kata 37's `router`, their bodies
 * read by kata 39's `request`, their validators compared by kata 30's preconditions. Each
 * status code is the one RFC 9110 names for what happened; a write that could lose another
 * client's update is refused (412, 428) instead of done.
 */
import { createHash } from 'node:crypto';
import type net from 'node:net';
import {
  type EntityTag,
  evaluatePreconditions,
  formatEntityTag,
  type Precondition,
} from '../30-conditional-and-range/preconditions.ts';
import type { App, Environ, ResponseHeaders } from '../33-gateway-apps/gateway.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import { HttpError, type Reply, router } from '../37-routing/routing.ts';
import { request, type WebRequest } from '../39-request-object/request.ts';

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

/** RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
/** RFC 9110 §8.3.1: type "/" subtype, each a token, case-insensitive. */
const MEDIA_RANGE = /^([!#$%&'*+\-.^_`|~0-9a-z]+)\/([!#$%&'*+\-.^_`|~0-9a-z]+)$/i;

/**
 * How specific a media range is for `application/json`: 3 for itself, 2 for
 * `application/*`, 1 for `*\/*`, 0 for a range that does not apply to it.
 */
function specificity(type: string, subtype: string): number {
  const [wantedType, wantedSubtype] = JSON_TYPE.split('/');
  if (type === '*') return subtype === '*' ? 1 : 0;
  if (type !== wantedType) return 0;
  if (subtype === '*') return 2;
  return subtype === wantedSubtype ? 3 : 0;
}

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
  if (accept === undefined) return true;
  let best = 0;
  let weight = 0;
  for (const element of accept.split(',')) {
    const [range, ...parameters] = element.split(';').map((part) => part.trim());
    const match = MEDIA_RANGE.exec(range as string);
    if (match === null) continue;
    // RFC 9110 §12.4.2: weight = OWS ";" OWS "q=" qvalue; "If no "q" parameter is present,
    // the default weight is 1."
    const q = parameters.find((parameter) => /^q=/i.test(parameter))?.slice(2) ?? '1';
    if (!QVALUE.test(q)) continue;
    const rank = specificity(
      (match[1] as string).toLowerCase(),
      (match[2] as string).toLowerCase(),
    );
    // §12.5.1: "If more than one media range applies to a given type, the most specific
    // reference has precedence."
    if (rank > best || (rank === best && Number(q) > weight)) [best, weight] = [rank, Number(q)];
  }
  // §12.4.2: "a value of 0 means "not acceptable""
  return best > 0 && weight > 0;
}

const encoder = new TextEncoder();

/** A note's representation: its JSON text, as sent. */
function representation(note: Note): string {
  return JSON.stringify({ id: note.id, text: note.text });
}

/**
 * RFC 9110 §8.8.3.1: "a collision-resistant hash of representation content": the same
 * bytes, the same strong tag; other bytes, another.
 */
function entityTagOf(body: string): EntityTag {
  return {
    weak: false,
    opaque: createHash('sha256').update(encoder.encode(body)).digest('base64url'),
  };
}

/** A JSON reply: a note with its ETag, or the collection. */
function json(status: number, body: string, headers: ResponseHeaders = []): Reply {
  return { status, headers: [['Content-Type', JSON_TYPE], ...headers], body };
}

/** RFC 9110 §12.4.1: a server "can either honor the header field by sending a 406 (Not
 * Acceptable) response or disregard the header field"; this one honors it. */
function negotiate(fields: WebRequest): void {
  if (!acceptsJson(fields.header('accept'))) throw new HttpError(406, MESSAGES.notAcceptable);
}

/** The date is never read: no date field reaches the evaluation. */
const NO_DATE = new Date(0);

/**
 * RFC 9110 §13.2.2, by kata 30's evaluation, given If-Match and If-None-Match alone: a note
 * has no modification date (If-Modified-Since and If-Unmodified-Since are ignored) and no
 * ranges.
 */
function preconditionOf(fields: WebRequest, etag: EntityTag): Precondition {
  const headers = {
    get: (name: string) =>
      name === 'if-match' || name === 'if-none-match' ? fields.header(name) : undefined,
  };
  return evaluatePreconditions({ method: fields.method, headers }, { etag, lastModified: NO_DATE });
}

/** What a body may hold: `text`, a string; `id` only where it is the id written. */
function noteFrom(body: unknown, id: number | undefined): string {
  // null, a number, a string, an array: none has an own "text" of type string
  const fields = (body ?? {}) as Record<string, unknown>;
  const { text, id: given, ...others } = fields;
  // RFC 9110 §15.5.21: 422 when the server "understands the content type ... and the syntax
  // of the request content is correct, but it was unable to process the contained
  // instructions"
  if (typeof text !== 'string' || Object.keys(others).length > 0) {
    throw new HttpError(422, MESSAGES.notANote);
  }
  // RFC 9110 §9.3.4: a representation "inconsistent with the target resource": "The 409
  // (Conflict) or 415 (Unsupported Media Type) status codes are suggested"
  if (Object.hasOwn(fields, 'id') && given !== id)
    throw new HttpError(409, MESSAGES.idConflict(given));
  return text;
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
  const notes = new Map<number, string>();
  let lastId = 0;
  // kata 39's request is made once per environ, with the limit of its first call: always this
  const requestOf = (environ: Environ) => request(environ, options);
  const location = (environ: Environ, id: number) => `${environ.SCRIPT_NAME}/notes/${id}`;

  /** The note's current representation and tag. @throws HttpError 404 */
  const current = (id: number) => {
    const text = notes.get(id);
    if (text === undefined) throw new HttpError(404);
    const body = representation({ id, text });
    return { body, etag: entityTagOf(body) };
  };

  /** 404, 428 and 412 for a write to note `id`, as the note is now. @throws HttpError */
  const mayWrite = (fields: WebRequest, id: number): void => {
    const { etag } = current(id);
    // RFC 6585 §3: "The 428 status code indicates that the origin server requires the request
    // to be conditional"
    if (options.requirePreconditions === true && fields.header('if-match') === undefined) {
      throw new HttpError(428, MESSAGES.preconditionRequired);
    }
    // RFC 9110 §13.1.1: "An origin server MUST NOT perform the requested method if the
    // condition evaluates to false"; §15.5.13: 412
    if (preconditionOf(fields, etag).kind === 'failed')
      throw new HttpError(412, MESSAGES.preconditionFailed);
  };

  const collection = {
    GET: (environ: Environ) => {
      negotiate(requestOf(environ));
      const list = [...notes].map(([id, text]) => ({ id, text }));
      return json(200, JSON.stringify(list));
    },
    POST: async (environ: Environ) => {
      const fields = requestOf(environ);
      negotiate(fields);
      const text = noteFrom(await fields.json(), undefined);
      lastId += 1;
      notes.set(lastId, text);
      const { body, etag } = current(lastId);
      // RFC 9110 §9.3.3: "the origin server SHOULD send a 201 (Created) response containing a
      // Location header field that provides an identifier for the primary resource created"
      return json(201, body, [
        ['Location', location(environ, lastId)],
        ['ETag', formatEntityTag(etag)],
      ]);
    },
  };

  const item = {
    GET: (environ: Environ, digits: string) => {
      const fields = requestOf(environ);
      const { body, etag } = current(Number(digits));
      negotiate(fields);
      const outcome = preconditionOf(fields, etag);
      if (outcome.kind === 'failed') throw new HttpError(412, MESSAGES.preconditionFailed);
      const tag: ResponseHeaders = [['ETag', formatEntityTag(etag)]];
      // RFC 9110 §15.4.5: a 304 carries the ETag the 200 would have had
      if (outcome.kind === 'not-modified') return { status: 304, headers: tag };
      return json(200, body, tag);
    },
    PUT: async (environ: Environ, digits: string) => {
      const fields = requestOf(environ);
      const id = Number(digits);
      mayWrite(fields, id);
      const text = noteFrom(await fields.json(), id);
      // the body took time to arrive: another request may have changed the note meanwhile
      mayWrite(fields, id);
      notes.set(id, text);
      // RFC 9110 §9.3.4: no validator, since the stored representation is not the content
      // received (the id is added); "200 (OK) or a 204 (No Content)"
      return { status: 204 };
    },
    DELETE: (environ: Environ, digits: string) => {
      const id = Number(digits);
      mayWrite(requestOf(environ), id);
      notes.delete(id);
      // RFC 9110 §9.3.5: "a 204 (No Content) status code if the action has been enacted"
      return { status: 204 };
    },
  };

  return router([
    ['/notes', collection],
    ['/notes/([1-9][0-9]*)', item],
  ]);
}

/** `notesApp(options)` on kata 34's server: `npm run kata 42 -- --serve` runs it. */
export function serveNotes(options: NotesOptions = {}): net.Server {
  return serveGateway(notesApp(options));
}
