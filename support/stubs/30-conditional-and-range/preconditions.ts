/**
 * Validators and preconditions (RFC 9110 §8.8, §13): the entity tag and the
 * modification date a file server derives from a file's stat, the three date
 * formats a recipient reads, and the evaluation of If-Match, If-Unmodified-Since,
 * If-None-Match, If-Modified-Since and If-Range in the order of §13.2.2.
 */
import { KataTodo } from '../../support/kata-todo.ts';
import type { FieldSection } from '../18-header-fields/header-fields.ts';

/** RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag. `opaque` is what is between the quotes. */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/** RFC 9110 §13.1.1, §13.1.2: If-Match = "*" / #entity-tag; If-None-Match likewise. */
export type EntityTagList =
  | { readonly kind: 'any' }
  | { readonly kind: 'tags'; readonly tags: readonly EntityTag[] }
  | { readonly kind: 'invalid' };

/** RFC 9110 §8.8.3.2: which comparison function a field asks for. */
export type Comparison = 'strong' | 'weak';

/** What a file's stat says, in the precision Node gives with `{ bigint: true }`. */
export interface FileStamp {
  readonly size: bigint;
  readonly mtimeNs: bigint;
}

/** The two validators of a representation (RFC 9110 §8.8). */
export interface Validators {
  /** Strong: it changes whenever the size or the modification time does. */
  readonly etag: EntityTag;
  /** Whole seconds, never later than the `now` it was made for (RFC 9110 §8.8.2.1). */
  readonly lastModified: Date;
}

/** The request as preconditions see it: kata 27's HttpRequest is one. */
export interface ConditionalRequest {
  readonly method: string;
  readonly headers: Pick<FieldSection, 'get'>;
}

/** What RFC 9110 §13.2.2 decides, before the method is performed. */
export type Precondition =
  | {
      readonly kind: 'proceed';
      /**
       * The Range field value to apply (step 5: a GET with Range, and If-Range absent or
       * true), or undefined when the whole representation is sent.
       */
      readonly range: string | undefined;
    }
  /** 304: the field whose condition was false (GET and HEAD only). */
  | { readonly kind: 'not-modified'; readonly field: 'If-None-Match' | 'If-Modified-Since' }
  /** 412: the field whose condition was false. */
  | {
      readonly kind: 'failed';
      readonly field: 'If-Match' | 'If-Unmodified-Since' | 'If-None-Match';
    };

/**
 * Parses one entity-tag, exactly, with no whitespace around it: `"xyzzy"`, `W/"xyzzy"`,
 * `""`. `W/` is case-sensitive; between the quotes only etagc (RFC 9110 §8.8.3: %x21,
 * %x23-7E, obs-text %x80-FF): no space, no DQUOTE. Anything else is undefined.
 */
export function parseEntityTag(text: string): EntityTag | undefined {
  throw new KataTodo('parseEntityTag');
}

/** Writes an entity-tag back: `W/` for a weak one, then the opaque-tag in quotes. */
export function formatEntityTag(tag: EntityTag): string {
  throw new KataTodo('formatEntityTag');
}

/**
 * Parses the value of If-Match or If-None-Match (as kata 18 gives it, without OWS around
 * it): "*" is `any`; a list of entity tags with optional whitespace and empty elements between commas
 * (RFC 9110 §5.6.1) is `tags`, in order (an empty value is an empty list). A comma is an
 * etagc too, so a list is read tag by tag, never split on ",". Anything else, a "*" among
 * tags included (§13.1.1: "syntactically invalid"), is `invalid`.
 */
export function parseEntityTagList(value: string): EntityTagList {
  throw new KataTodo('parseEntityTagList');
}

/**
 * RFC 9110 §8.8.3.2: "Strong comparison: two entity tags are equivalent if both are not
 * weak and their opaque-tags match character-by-character. Weak comparison: two entity
 * tags are equivalent if their opaque-tags match character-by-character, regardless of
 * either or both being tagged as "weak"."
 */
export function entityTagsMatch(a: EntityTag, b: EntityTag, comparison: Comparison): boolean {
  throw new KataTodo('entityTagsMatch');
}

/**
 * Reads an HTTP-date in any of its three formats (RFC 9110 §5.6.7: "A recipient that
 * parses a timestamp value in an HTTP field MUST accept all three HTTP-date formats"),
 * or gives undefined for anything else: another format, a list of dates, a day that
 * month does not have, a time past 23:59:60. The day name is checked for its spelling,
 * not against the date. A two-digit rfc850 year is a year of `now`'s century, or of the
 * century before when that instant would be more than 50 years after `now`.
 */
export function parseHttpDate(value: string, now: Date = new Date()): Date | undefined {
  throw new KataTodo('parseHttpDate');
}

/**
 * The validators of a file from its stat, for a response made at `now`.
 *
 * - the ETag is strong: its opaque-tag is the size and the modification time in
 *   nanoseconds, both in lowercase hex, joined by "-" (RFC 9110 §8.8.3.1: "a combination
 *   of various file attributes, or a modification timestamp that has sub-second resolution");
 * - Last-Modified is the modification time in whole seconds, since an HTTP-date has no
 *   fraction, and never later than `now` (§8.8.2.1: "the origin server MUST replace that
 *   value with the message origination date").
 */
export function validatorsFor(stamp: FileStamp, now: Date): Validators {
  throw new KataTodo('validatorsFor');
}

/**
 * Evaluates the preconditions of a request for a representation that exists, with these
 * validators, in the order of RFC 9110 §13.2.2:
 *
 * 1. If-Match, if present: false is `failed` (412);
 * 2. else If-Unmodified-Since, if a valid date: modified after it is `failed` (412);
 * 3. If-None-Match, if present: false is `not-modified` (304) for GET and HEAD,
 *    `failed` for any other method (the field named is If-None-Match either way);
 * 4. else, for GET and HEAD, If-Modified-Since, if a valid date: not modified after it
 *    is `not-modified` (304);
 * 5. for GET with Range: `proceed` with the Range value, unless If-Range is present and
 *    false, which leaves the Range out;
 * 6. otherwise `proceed` with no range.
 *
 * A date that is not a valid HTTP-date is ignored (§13.1.3, §13.1.4); an If-Match or
 * If-None-Match that is neither "*" nor a list of entity tags takes the "Otherwise" of its
 * section (§13.1.1: false, §13.1.2: true). An If-Range date is never true: a file server
 * cannot know a file did not change twice in that second (§13.1.5, §8.8.2.2).
 */
export function evaluatePreconditions(
  request: ConditionalRequest,
  validators: Validators,
): Precondition {
  throw new KataTodo('evaluatePreconditions');
}
