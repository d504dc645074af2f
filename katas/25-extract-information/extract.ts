/**
 * What a crawler and a form filler want from a page: its title, links, meta tags, tables
 * and forms, read from the token stream of ./html-tokenizer.ts. The definitions are the
 * HTML Standard's (document.title, hyperlinks, the form submission attributes, "constructing
 * the entry list"); the tree construction stage is not run, and ./README.md says where
 * that makes a difference. Build it on your `tokenize` (./html-tokenizer.ts) and kata 16's
 * `resolveReference` (../16-parse-a-url/uri-reference.ts).
 */

import { KataTodo } from '../../support/kata-todo.ts';

/** An `a` element with an `href`. */
export interface HtmlLink {
  /** Resolved against the document base URL (a `<base href>`, else the page's URL). */
  readonly href: string;
  /** All the text inside the element, whitespace stripped and collapsed. */
  readonly text: string;
}

/** A `meta` element's attributes, by (lowercase) name. */
export type HtmlMeta = Readonly<Record<string, string>>;

/** A table's rows, each the text of its cells (`td` and `th`), in order. */
export type HtmlTable = readonly (readonly string[])[];

/** §4.10.19.6: the method keywords that submit (the third, `dialog`, closes a dialog). */
export type FormMethod = 'get' | 'post';

/** §4.10.19.6: the enctype keywords. */
export const ENCTYPES = [
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
] as const;
export type Enctype = (typeof ENCTYPES)[number];

/** §4.10.5: the keywords of the input element's type attribute. */
export const INPUT_TYPES = [
  'hidden',
  'text',
  'search',
  'tel',
  'url',
  'email',
  'password',
  'date',
  'month',
  'week',
  'time',
  'datetime-local',
  'number',
  'range',
  'color',
  'checkbox',
  'radio',
  'file',
  'submit',
  'image',
  'reset',
  'button',
] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** The buttons: a form submitted without a submitter sends none of them. */
type ButtonType = 'submit' | 'image' | 'reset' | 'button';

/** A field's `type`, as the control's `type` IDL attribute gives it. */
export type FieldType =
  | Exclude<InputType, ButtonType>
  | 'select-one'
  | 'select-multiple'
  | 'textarea';

/** One entry of the form's entry list: a name, a value, and the control it came from. */
export interface HtmlField {
  readonly name: string;
  readonly value: string;
  readonly type: FieldType;
}

/** A form, as it would be submitted without a submitter and without user input. */
export interface HtmlForm {
  /** The URL the form is submitted to: `baseUrl` itself when the action is missing or empty. */
  readonly action: string;
  readonly method: FormMethod;
  readonly enctype: Enctype;
  /** §4.10.22.4 "Constructing the entry list", in document order. */
  readonly fields: readonly HtmlField[];
}

export interface HtmlDocument {
  /** The first `title` element's text, whitespace stripped and collapsed; `undefined` without one. */
  readonly title: string | undefined;
  /** Every `a` element with an `href`, in document order. */
  readonly links: readonly HtmlLink[];
  /** Every `meta` element, in document order. */
  readonly meta: readonly HtmlMeta[];
  /** Every `table`, in the order of their start tags: a nested table after its outer one. */
  readonly tables: readonly HtmlTable[];
  /** Every form that submits (not `method=dialog`), in document order. */
  readonly forms: readonly HtmlForm[];
}

/**
 * Reads a document: its title, links, meta tags, tables and forms. `baseUrl` is the
 * document's own URL (where it was fetched from); a `<base href>` in the document
 * changes the base its links are resolved against. Never throws on any `html`.
 *
 * @throws InvalidUrl (kata 16) when `baseUrl` has no scheme
 */
export function extract(html: string, baseUrl: string): HtmlDocument {
  throw new KataTodo('extract');
}
