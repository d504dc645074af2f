/**
 * What a crawler and a form filler want from a page: its title, links, meta tags, tables
 * and forms, read from the token stream of ./html-tokenizer.ts. The definitions are the
 * HTML Standard's (document.title, hyperlinks, the form submission attributes, "constructing
 * the entry list"); the tree construction stage is not run, and ./README.md says where
 * that makes a difference.
 */

import { resolveReference } from '../16-parse-a-url/uri-reference.ts';
import { type HtmlAttribute, type HtmlToken, tokenize } from './html-tokenizer.ts';

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

/** Infra: "strip and collapse ASCII whitespace". */
const collapse = (text: string) => text.replace(/[\t\n\f\r ]+/g, ' ').replace(/^ | $/g, '');

/**
 * URL Standard §4.4, the basic URL parser: "Remove any leading and trailing C0 control or
 * space from input", then "Remove all ASCII tab or newline from input". RFC 3986's
 * resolution (kata 16) does neither, so they come first.
 */
const cleanUrl = (url: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the URL Standard strips exactly the C0 controls
  url.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');

/** In body: "Newlines at the start of pre blocks are ignored", and of textarea elements. */
const SKIPS_FIRST_NEWLINE = new Set(['pre', 'listing', 'textarea']);

const attributeValue = (attributes: readonly HtmlAttribute[], name: string) =>
  attributes.find((attribute) => attribute.name === name)?.value;
const has = (attributes: readonly HtmlAttribute[], name: string) =>
  attributes.some((attribute) => attribute.name === name);
/** Enumerated attributes are ASCII case-insensitive. */
const keyword = (value: string | undefined) => value?.replace(/[A-Z]/g, (c) => c.toLowerCase());

interface FormBuilder {
  readonly action: string | undefined;
  readonly method: FormMethod | 'dialog';
  readonly enctype: Enctype;
  /** One list per control, in document order: a select or a textarea fills its own at its end. */
  readonly controls: HtmlField[][];
}

interface OptionBuilder {
  readonly value: string | undefined;
  readonly selected: boolean;
  readonly disabled: boolean;
  text: string;
}

interface SelectBuilder {
  /** Undefined when the select adds no entry (no name, or disabled). */
  readonly name: string | undefined;
  readonly multiple: boolean;
  readonly entries: HtmlField[];
  readonly options: OptionBuilder[];
  option: OptionBuilder | undefined;
  optgroupDisabled: boolean;
}

interface TextareaBuilder {
  readonly name: string | undefined;
  readonly entries: HtmlField[];
  text: string;
}

interface TableBuilder {
  readonly rows: string[][];
  row: string[] | undefined;
  cell: string | undefined;
}

/** §4.10.22.4: a control without a name, or a disabled one, adds no entry. */
function submittedName(attributes: readonly HtmlAttribute[]): string | undefined {
  const name = attributeValue(attributes, 'name');
  return name === '' || has(attributes, 'disabled') ? undefined : name;
}

/** The selectedness setting algorithm (§4.10.7), then the selected options that are not disabled. */
function submittedOptions(select: SelectBuilder): readonly OptionBuilder[] {
  const selected = select.options.filter((option) => option.selected);
  // without `multiple` (and a display size of 1): "all but the last" selected option are
  // unselected, and with none, "the first option element … that is not disabled" is selected
  const chosen = select.multiple
    ? selected
    : selected.length > 0
      ? selected.slice(-1)
      : select.options.filter((option) => !option.disabled).slice(0, 1);
  return chosen.filter((option) => !option.disabled);
}

/** §4.10.5: "The attribute's missing value default and invalid value default are both the Text state." */
function inputType(attributes: readonly HtmlAttribute[]): InputType {
  const written = keyword(attributeValue(attributes, 'type'));
  return INPUT_TYPES.find((keyword) => keyword === written) ?? 'text';
}

/** The field an input element adds to its form's entry list, if any (§4.10.22.4). */
function inputField(attributes: readonly HtmlAttribute[]): HtmlField | undefined {
  const name = submittedName(attributes);
  const type = inputType(attributes);
  if (name === undefined) return undefined;
  // "field is a button but it is not submitter": no submitter here
  if (type === 'submit' || type === 'image' || type === 'reset' || type === 'button')
    return undefined;
  const value = attributeValue(attributes, 'value');
  if (type === 'checkbox' || type === 'radio') {
    // an unchecked one adds nothing; a checked one its value, or "the string "on""
    return has(attributes, 'checked') ? { name, value: value ?? 'on', type } : undefined;
  }
  // with no file selected, a file input adds an entry with an empty file
  return { name, value: type === 'file' ? '' : (value ?? ''), type };
}

/**
 * Reads a document: its title, links, meta tags, tables and forms. `baseUrl` is the
 * document's own URL (where it was fetched from); a `<base href>` in the document
 * changes the base its links are resolved against. Never throws on any `html`.
 *
 * @throws InvalidUrl (kata 16) when `baseUrl` has no scheme
 */
export function extract(html: string, baseUrl: string): HtmlDocument {
  let title: string | undefined;
  let inTitle = false;
  let baseHref: string | undefined;
  const links: { href: string; text: string }[] = [];
  let link: { href: string; text: string } | undefined;
  const meta: HtmlMeta[] = [];
  const tables: string[][][] = [];
  const openTables: TableBuilder[] = [];
  const forms: FormBuilder[] = [];
  // the form element pointer (§13.2.4.4): "the last form element that was opened and
  // whose end tag has not yet been seen"
  let form: FormBuilder | undefined;
  let select: SelectBuilder | undefined;
  let textarea: TextareaBuilder | undefined;

  const closeCell = (table: TableBuilder) => {
    if (table.cell !== undefined) table.row?.push(collapse(table.cell));
    table.cell = undefined;
  };
  const closeRow = (table: TableBuilder) => {
    closeCell(table);
    table.row = undefined;
  };
  const closeTextarea = () => {
    // its value is the API value: "normalized so that line breaks use U+000A LINE FEED (LF) characters"
    if (textarea?.name !== undefined) {
      const value = textarea.text.replace(/\r\n?/g, '\n');
      textarea.entries.push({ name: textarea.name, value, type: 'textarea' });
    }
    textarea = undefined;
  };
  const closeSelect = () => {
    if (select?.name !== undefined) {
      const { name, multiple, entries } = select;
      const type = multiple ? 'select-multiple' : 'select-one';
      for (const option of submittedOptions(select)) {
        // "the value of the value content attribute, if there is one", else its text
        entries.push({ name, value: option.value ?? collapse(option.text), type });
      }
    }
    select = undefined;
  };

  const formControl = (name: string, attributes: readonly HtmlAttribute[]) => {
    if (form === undefined) return;
    const entries: HtmlField[] = [];
    if (name === 'textarea') {
      textarea = { name: submittedName(attributes), entries, text: '' };
    } else if (name === 'select') {
      closeSelect();
      select = {
        name: submittedName(attributes),
        multiple: has(attributes, 'multiple'),
        entries,
        options: [],
        option: undefined,
        optgroupDisabled: false,
      };
    } else {
      // a checked radio button unchecks the others of its group: same form, same name
      // ("their name attributes are not empty"), disabled or not
      const group = attributeValue(attributes, 'name');
      if (inputType(attributes) === 'radio' && has(attributes, 'checked') && group) {
        for (const other of form.controls) {
          const at = other.findIndex((f) => f.type === 'radio' && f.name === group);
          if (at !== -1) other.splice(at, 1);
        }
      }
      const field = inputField(attributes);
      if (field === undefined) return;
      entries.push(field);
    }
    form.controls.push(entries);
  };

  const option = (name: 'option' | 'optgroup', attributes: readonly HtmlAttribute[]) => {
    if (select === undefined) return;
    select.option = undefined;
    if (name === 'optgroup') {
      select.optgroupDisabled = has(attributes, 'disabled');
      return;
    }
    select.option = {
      value: attributeValue(attributes, 'value'),
      selected: has(attributes, 'selected'),
      // "If option's disabled attribute is present", or its optgroup's
      disabled: has(attributes, 'disabled') || select.optgroupDisabled,
      text: '',
    };
    select.options.push(select.option);
  };

  const tableStart = (name: string) => {
    const table = openTables.at(-1);
    if (table === undefined) return;
    if (name === 'caption' || name === 'thead' || name === 'tbody' || name === 'tfoot') {
      closeRow(table);
      return;
    }
    closeCell(table);
    // a cell without a row opens one, as the tree builder inserts an implied tr
    if (name === 'tr' || table.row === undefined) {
      table.row = [];
      table.rows.push(table.row);
    }
    if (name !== 'tr') table.cell = '';
  };

  const start = (name: string, attributes: readonly HtmlAttribute[]) => {
    switch (name) {
      case 'title':
        // "the first title element in the document (in tree order)"
        inTitle = title === undefined;
        if (inTitle) title = '';
        break;
      case 'base':
        // "the first base element in the Document that has an href attribute"
        baseHref ??= attributeValue(attributes, 'href');
        break;
      case 'meta':
        meta.push(Object.fromEntries(attributes.map(({ name, value }) => [name, value])));
        break;
      case 'a': {
        // an `a` start tag ends an `a` that is still open (the adoption agency algorithm)
        const href = attributeValue(attributes, 'href');
        link = href === undefined ? undefined : { href, text: '' };
        if (link) links.push(link);
        break;
      }
      case 'table': {
        const table: TableBuilder = { rows: [], row: undefined, cell: undefined };
        tables.push(table.rows);
        openTables.push(table);
        break;
      }
      case 'form':
        // "If the form element pointer is not null …, then this is a parse error; ignore the token."
        if (form === undefined) {
          const method = keyword(attributeValue(attributes, 'method'));
          const enctype = keyword(attributeValue(attributes, 'enctype'));
          form = {
            action: attributeValue(attributes, 'action'),
            // "The method attribute's missing value default and invalid value default are both the GET state."
            method: method === 'post' || method === 'dialog' ? method : 'get',
            enctype: ENCTYPES.find((e) => e === enctype) ?? 'application/x-www-form-urlencoded',
            controls: [],
          };
          forms.push(form);
        }
        break;
      case 'input':
      case 'select':
      case 'textarea':
        formControl(name, attributes);
        break;
      case 'option':
      case 'optgroup':
        option(name, attributes);
        break;
      case 'tr':
      case 'td':
      case 'th':
      case 'caption':
      case 'thead':
      case 'tbody':
      case 'tfoot':
        tableStart(name);
        break;
    }
  };

  const end = (name: string) => {
    const table = openTables.at(-1);
    switch (name) {
      case 'a':
        link = undefined;
        break;
      case 'form':
        form = undefined;
        break;
      case 'select':
        closeSelect();
        break;
      case 'option':
      case 'optgroup':
        if (select === undefined) break;
        select.option = undefined;
        if (name === 'optgroup') select.optgroupDisabled = false;
        break;
      case 'td':
      case 'th':
        if (table) closeCell(table);
        break;
      case 'tr':
      case 'thead':
      case 'tbody':
      case 'tfoot':
        if (table) closeRow(table);
        break;
      case 'table':
        if (table) closeRow(table);
        openTables.pop();
        break;
    }
  };

  const text = (data: string) => {
    if (inTitle) title += data;
    if (link) link.text += data;
    // a cell's text is all the text inside it, a nested table's too
    for (const table of openTables) if (table.cell !== undefined) table.cell += data;
    if (select?.option) select.option.text += data;
    if (textarea) textarea.text += data;
  };

  let previous: HtmlToken | undefined;
  for (const token of tokenize(html)) {
    if (token.type === 'text') {
      // "Newlines at the start of pre blocks are ignored as an authoring convenience",
      // and at the start of textarea elements
      const skip = previous?.type === 'start' && SKIPS_FIRST_NEWLINE.has(previous.name);
      text(skip && token.data.startsWith('\n') ? token.data.slice(1) : token.data);
    } else {
      // title and textarea hold text only (RCDATA): the next tag is their end tag
      inTitle = false;
      closeTextarea();
      if (token.type === 'start') start(token.name, token.attributes);
      if (token.type === 'end') end(token.name);
    }
    previous = token;
  }
  closeTextarea();
  closeSelect();
  for (const table of openTables) closeRow(table);

  const documentBase =
    baseHref === undefined ? baseUrl : resolveReference(baseUrl, cleanUrl(baseHref));
  return {
    title: title === undefined ? undefined : collapse(title),
    links: links.map(({ href, text }) => ({
      href: resolveReference(documentBase, cleanUrl(href)),
      text: collapse(text),
    })),
    meta,
    tables,
    // a dialog form "is intended to close the dialog box in which the form finds itself,
    // if any, and otherwise not submit": no request, so not listed
    forms: forms.flatMap(({ action, method, enctype, controls }) =>
      method === 'dialog'
        ? []
        : {
            // "If action is the empty string, let action be the URL of the form document."
            action:
              action === undefined || action === ''
                ? baseUrl
                : resolveReference(documentBase, cleanUrl(action)),
            method,
            enctype,
            fields: controls.flat(),
          },
    ),
  };
}
