/**
 * Kata 28's static files with validators, conditional requests and byte ranges:
 * ETag and Last-Modified from the file's stat (RFC 9110 §8.8), 304 and 412 decided
 * in the order of §13.2.2, 206 and 416 for a Range (§14.2, §15.3.7, §15.5.17).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { imfFixdate, type Response } from '../20-serialize-a-response/response.ts';
import { createServer, type Handler } from '../27-hello-server/server.ts';
import {
  contentType,
  createStaticHandler,
  resolveTarget,
  type StaticOptions,
} from '../28-serve-static-files/static-files.ts';
import {
  evaluatePreconditions,
  type FileStamp,
  formatEntityTag,
  type Precondition,
  validatorsFor,
} from './preconditions.ts';
import {
  byteranges,
  byterangesType,
  contentRange,
  parseRange,
  unsatisfiedRange,
} from './ranges.ts';

/** The body of a 412: which condition was false, and its rule. */
export const PRECONDITION_FAILED_TEXT: Readonly<
  Record<Extract<Precondition, { kind: 'failed' }>['field'], string>
> = {
  'If-Match': '412 Precondition Failed: If-Match names no current entity tag (RFC 9110 §13.1.1)\n',
  'If-Unmodified-Since':
    '412 Precondition Failed: the file was modified after If-Unmodified-Since (RFC 9110 §13.1.4)\n',
  'If-None-Match':
    '412 Precondition Failed: If-None-Match names the current entity tag (RFC 9110 §13.1.2)\n',
};

/** The body of a 416. */
export const RANGE_NOT_SATISFIABLE_TEXT =
  '416 Range Not Satisfiable: no range starts inside the file (RFC 9110 §14.1.2)\n';

/** RFC 9110 §14.3: "Accept-Ranges: bytes" advertises byte ranges. */
const ACCEPT_RANGES = ['Accept-Ranges', 'bytes'] as const;
const TEXT_PLAIN = ['Content-Type', 'text/plain; charset=utf-8'] as const;
const CONTENT_TYPE = 'content-type';
/** 12 random octets: a boundary no file will hold by chance (RFC 2046 §5.1.1). */
const BOUNDARY_OCTETS = 12;

/** A file and its stat, or undefined when there is none to take: kata 28 answers then. */
async function stamped(file: string): Promise<{ file: string; stamp: FileStamp } | undefined> {
  try {
    return { file, stamp: await fs.stat(file, { bigint: true }) };
  } catch {
    return undefined;
  }
}

/**
 * Kata 28's handler with validators and ranges. A response other than 200 from kata 28
 * (404, 403, 405, 400) goes out unchanged: RFC 9110 §13.2.1, a server "MUST ignore all
 * received preconditions if its response to the same request without those conditions ...
 * would have been a status code other than a 2xx". For a 200:
 *
 * - the file is stat'ed before kata 28 reads it, so a file that changes in between gets
 *   validators older than its content: the next revalidation fetches it again;
 * - `ETag`, `Last-Modified` and `Accept-Ranges: bytes` are added after kata 28's fields;
 * - `not-modified` is a 304 with the ETag and no content (§15.4.5); `failed` is a 412
 *   with PRECONDITION_FAILED_TEXT for the field, as text/plain;
 * - a Range to apply: one range is a 206 with the 200's fields, its Content-Range and its
 *   octets; several are a 206 of multipart/byteranges with a random boundary, each part
 *   with the file's Content-Type; an unsatisfiable one is a 416 with
 *   `Content-Range: bytes *\/size` and RANGE_NOT_SATISFIABLE_TEXT; one that is ignored
 *   gives the 200.
 */
export function createConditionalHandler(options: StaticOptions): Handler {
  const root = path.resolve(options.root);
  const files = createStaticHandler(options);
  return async (request, connection) => {
    const resolution = resolveTarget(root, request.target);
    const found = resolution.kind === 'file' ? await stamped(resolution.path) : undefined;
    const response = await files(request, connection);
    if (response.status !== 200 || found === undefined) return response;
    const validators = validatorsFor(found.stamp, new Date());
    const etag = ['ETag', formatEntityTag(validators.etag)] as const;
    const decision = evaluatePreconditions(request, validators);
    // RFC 9110 §15.4.5: "The server generating a 304 response MUST generate any of the
    // following header fields that would have been sent in a 200 (OK) response to the
    // same request": of those, this server sends Date (kata 20 writes it) and ETag; and it
    // "SHOULD NOT generate representation metadata other than the above listed fields"
    if (decision.kind === 'not-modified') return { status: 304, headers: [etag] };
    if (decision.kind === 'failed') {
      return { status: 412, headers: [TEXT_PLAIN], body: PRECONDITION_FAILED_TEXT[decision.field] };
    }
    const headers = [
      ...(response.headers ?? []),
      etag,
      ['Last-Modified', imfFixdate(validators.lastModified)] as const,
      ACCEPT_RANGES,
    ];
    const whole: Response = { ...response, headers };
    if (decision.range === undefined) return whole;
    // kata 28's 200 carries the file's octets
    const content = Buffer.from(response.body as Uint8Array);
    const outcome = parseRange(decision.range, content.length);
    if (outcome.kind === 'whole') return whole;
    if (outcome.kind === 'unsatisfiable') {
      // RFC 9110 §14.4: "A server generating a 416 (Range Not Satisfiable) response to a
      // byte-range request SHOULD send a Content-Range header field with an
      // unsatisfied-range value"
      return {
        status: 416,
        headers: [TEXT_PLAIN, ['Content-Range', unsatisfiedRange(content.length)]],
        body: RANGE_NOT_SATISFIABLE_TEXT,
      };
    }
    const [range, ...more] = outcome.ranges;
    if (more.length === 0) {
      // RFC 9110 §15.3.7.2: "A server MUST NOT generate a multipart response to a request
      // for a single range"; one range left after coalescing is sent the same way
      return {
        status: 206,
        headers: [...headers, ['Content-Range', contentRange(range, content.length)]],
        body: content.subarray(range.first, range.last + 1),
      };
    }
    const boundary = randomBytes(BOUNDARY_OCTETS).toString('hex');
    return {
      status: 206,
      headers: headers.map(([name, value]) =>
        name.toLowerCase() === CONTENT_TYPE ? [name, byterangesType(boundary)] : [name, value],
      ),
      body: byteranges(content, outcome.ranges, contentType(found.file), boundary),
    };
  };
}

/** Kata 27's server running the conditional handler. */
export function createConditionalServer(options: StaticOptions): net.Server {
  return createServer(createConditionalHandler(options));
}
