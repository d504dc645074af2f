/**
 * Kata 28's static files with validators, conditional requests and byte ranges:
 * ETag and Last-Modified from the file's stat (RFC 9110 §8.8), 304 and 412 decided
 * in the order of §13.2.2, 206 and 416 for a Range (§14.2, §15.3.7, §15.5.17).
 */
import type net from 'node:net';
import { KataTodo } from '../../support/kata-todo.ts';
import type { Handler } from '../27-hello-server/server.ts';
import type { StaticOptions } from '../28-serve-static-files/static-files.ts';
import type { Precondition } from './preconditions.ts';

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
  throw new KataTodo('createConditionalHandler');
}

/** Kata 27's server running the conditional handler. */
export function createConditionalServer(options: StaticOptions): net.Server {
  throw new KataTodo('createConditionalServer');
}
