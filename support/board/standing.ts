/**
 * A runner's standing: what a pair's runner posts after each run. Numbers and short texts,
 * never code. Every field is checked before the board keeps any of it; a field the board does
 * not know is refused, so nothing else rides along.
 */

/** The kata a pair is on: its number and its slug, as in the manifest. */
export interface KataRef {
  readonly number: number;
  readonly slug: string;
}

export interface Standing {
  /** The pair's name, as they typed it: any text but control characters, shown as text. */
  readonly name: string;
  /** The track they run (`all`, `workshop`, …). */
  readonly track: string;
  readonly kata: KataRef;
  /** Specs of the kata that pass, and that fail, in the last run. */
  readonly passed: number;
  readonly failed: number;
  /** The title of the first failing spec of the last run, or null when none fails. */
  readonly firstFailing: string | null;
  /** Hint rungs opened on this kata. */
  readonly hintsOpened: number;
  /** Whole seconds on this kata, and since the pair's last change to its files. */
  readonly secondsOnKata: number;
  readonly secondsSinceChange: number;
  /** The runner's own id: two pairs of the same name are two rows. */
  readonly runner: string;
}

/** The bounds of each field. */
export const LIMITS = {
  name: 60,
  track: 40,
  slug: 80,
  firstFailing: 300,
  runner: 64,
  kataNumber: 999,
  specs: 100_000,
  hints: 100,
  seconds: 31 * 24 * 3600,
} as const;

/** Where a runner posts its standing, and the request field that carries the join code. */
export const STANDING_PATH = '/standing';
export const CODE_HEADER = 'X-Board-Code';

/** The one optional field of a posted body that is no part of the standing. */
export const CODE_FIELD = 'code';

/** What a posted body can be: a standing (and the join code it may carry), or a problem. */
export type Parsed =
  | { readonly kind: 'standing'; readonly standing: Standing; readonly code: string | undefined }
  | { readonly kind: 'invalid'; readonly problem: string };

/** The text of each problem, naming the field. */
export const PROBLEMS = {
  notObject: 'The body is not a JSON object.',
  unknown: (field: string) => `The field "${field.slice(0, 40)}" is not part of a standing.`,
  missing: (field: string) => `The field "${field}" is required.`,
  text: (field: string, max: number) =>
    `The field "${field}" must be text of 1 to ${max} characters, without control characters.`,
  textOrNull: (field: string, max: number) =>
    `The field "${field}" must be null or text of 1 to ${max} characters, without control characters.`,
  slug: (field: string, max: number) =>
    `The field "${field}" must be 1 to ${max} of a-z, A-Z, 0-9, "-" and "_".`,
  whole: (field: string, max: number) =>
    `The field "${field}" must be a whole number from 0 to ${max}.`,
  kata: 'The field "kata" must be an object { "number": 1 to 999, "slug": "parse-a-url" }.',
} as const;

const STANDING_FIELDS = [
  'name',
  'track',
  'kata',
  'passed',
  'failed',
  'firstFailing',
  'hintsOpened',
  'secondsOnKata',
  'secondsSinceChange',
  'runner',
] as const;
const KNOWN = new Set<string>([...STANDING_FIELDS, CODE_FIELD]);
/** C0, DEL and C1 controls, and the line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const SLUG = /^[A-Za-z0-9_-]+$/;

class Invalid extends Error {}

type Fields = Readonly<Record<string, unknown>>;

function present(body: Fields, field: string): unknown {
  if (!Object.hasOwn(body, field)) throw new Invalid(PROBLEMS.missing(field));
  return body[field];
}

function text(body: Fields, field: string, max: number): string {
  const value = present(body, field);
  const ok = typeof value === 'string' && isText(value, max);
  if (!ok) throw new Invalid(PROBLEMS.text(field, max));
  return value;
}

/** Why a pair's name would be refused, for a runner to say at its start; undefined when fine. */
export function nameProblem(name: string): string | undefined {
  return isText(name, LIMITS.name) ? undefined : PROBLEMS.text('name', LIMITS.name);
}

/**
 * A spec's title as a standing carries it: each run of control characters and line breaks one
 * space, at most `LIMITS.firstFailing` code points (the last an ellipsis when cut); null when
 * nothing is left.
 */
export function fitTitle(title: string): string | null {
  const flat = title.replace(new RegExp(`${CONTROL.source}+`, 'gu'), ' ').trim();
  const points = [...flat];
  if (points.length === 0) return null;
  if (points.length <= LIMITS.firstFailing) return flat;
  return `${points.slice(0, LIMITS.firstFailing - 1).join('')}…`;
}

/** 1 to max code points, no control character. */
function isText(value: string, max: number): boolean {
  const length = [...value].length;
  return length >= 1 && length <= max && !CONTROL.test(value);
}

function slug(value: unknown, field: string, max: number): string {
  const ok = typeof value === 'string' && value.length <= max && SLUG.test(value);
  if (!ok) throw new Invalid(PROBLEMS.slug(field, max));
  return value;
}

function whole(value: unknown, field: string, max: number): number {
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
  if (!ok) throw new Invalid(PROBLEMS.whole(field, max));
  return value;
}

function kataOf(value: unknown): KataRef {
  const fields = value as Fields;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 2 &&
    Number.isInteger(fields.number) &&
    (fields.number as number) >= 1 &&
    (fields.number as number) <= LIMITS.kataNumber &&
    typeof fields.slug === 'string' &&
    fields.slug.length <= LIMITS.slug &&
    SLUG.test(fields.slug);
  if (!ok) throw new Invalid(PROBLEMS.kata);
  return { number: fields.number as number, slug: fields.slug as string };
}

function firstFailingOf(body: Fields): string | null {
  const value = present(body, 'firstFailing');
  if (value === null) return null;
  if (typeof value === 'string' && isText(value, LIMITS.firstFailing)) return value;
  throw new Invalid(PROBLEMS.textOrNull('firstFailing', LIMITS.firstFailing));
}

/**
 * Checks a parsed JSON body field by field, in the order of `Standing`, and names the first
 * field that is missing, unknown, of the wrong type or out of its bounds.
 */
export function parseStanding(value: unknown): Parsed {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', problem: PROBLEMS.notObject };
  }
  const body = value as Fields;
  try {
    const unknown = Object.keys(body).find((field) => !KNOWN.has(field));
    if (unknown !== undefined) throw new Invalid(PROBLEMS.unknown(unknown));
    const standing: Standing = {
      name: text(body, 'name', LIMITS.name),
      track: slug(present(body, 'track'), 'track', LIMITS.track),
      kata: kataOf(present(body, 'kata')),
      passed: whole(present(body, 'passed'), 'passed', LIMITS.specs),
      failed: whole(present(body, 'failed'), 'failed', LIMITS.specs),
      firstFailing: firstFailingOf(body),
      hintsOpened: whole(present(body, 'hintsOpened'), 'hintsOpened', LIMITS.hints),
      secondsOnKata: whole(present(body, 'secondsOnKata'), 'secondsOnKata', LIMITS.seconds),
      secondsSinceChange: whole(
        present(body, 'secondsSinceChange'),
        'secondsSinceChange',
        LIMITS.seconds,
      ),
      runner: slug(present(body, 'runner'), 'runner', LIMITS.runner),
    };
    const code = body[CODE_FIELD];
    if (code !== undefined && typeof code !== 'string') {
      throw new Invalid(PROBLEMS.text(CODE_FIELD, 20));
    }
    return { kind: 'standing', standing, code };
  } catch (error) {
    if (error instanceof Invalid) return { kind: 'invalid', problem: error.message };
    throw error;
  }
}
