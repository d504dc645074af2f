/**
 * The one focused screen of watch mode (and the report of --once): progress,
 * the kata and its lesson, the first failing spec in full, the others one line
 * each, hints asked for, and the keys. A pure function of what it is shown.
 */
import { stripVTControlCharacters, styleText } from 'node:util';
import { folderOf, KATAS, type Kata } from '../katas.ts';
import type { Failure } from './failures.ts';
import type { Label } from './ledger.ts';
import { MESSAGES } from './messages.ts';
import { lessonPath, shown } from './paths.ts';
import { STANDING_LABELS } from './progress.ts';
import { type KataRun, passed, passedCount, type SpecResult, skipped } from './session.ts';

export type Pane =
  /** A run going on, with the verdicts so far once there are any. */
  | { readonly kind: 'running'; readonly run?: KataRun }
  | { readonly kind: 'result'; readonly run: KataRun }
  /** No spec gave a verdict for `seconds`; `specs` were running then. */
  | { readonly kind: 'hung'; readonly seconds: number; readonly specs: readonly string[] };

export interface View {
  readonly kata: Kata;
  readonly done: number;
  readonly total: number;
  readonly pane: Pane;
  readonly hints: readonly string[];
  readonly hintsShown: number;
  readonly notices: readonly string[];
  /** Keys are drawn in watch mode only. */
  readonly keys: boolean;
  readonly color: boolean;
  /** A standing line under the title, such as pair mode being on. */
  readonly status?: string;
  /** The terminal's size, in watch mode: the screen is fitted to it. */
  readonly rows?: number;
  readonly columns?: number;
}

type Style = Parameters<typeof styleText>[0];
const BAR_WIDTH = 20;
const DETAIL_LINES = 24;
const MIN_DETAIL_ROWS = 4;
const MIN_OTHER_ROWS = 3;
/** Where one-liners are cut when the width is not known (--once into a pipe). */
const DEFAULT_COLUMNS = 160;
const ASSERTION_LINE = /expected|Error|never/;
/** Where the assertion starts in a line that a transcript comes before ("C: …: expected …"). */
const ASSERTION_START = /\b(expected|the \w+ never)\b/;
/** vitest abbreviates deep values in its message: "expected [ …(2) ] to deeply equal [ …(3) ]". */
const ABBREVIATED = /…\(\d+\)|\[Object\]|\[Array\]/;
const NAMED_CONTROLS: Readonly<Record<string, string>> = { '\r': '\\r', '\t': '\\t' };

/** A C0 control but LF, or DEL: a raw CR would send the cursor back and garble the screen. */
const isControl = (code: number) => (code < 0x20 && code !== 0x0a) || code === 0x7f;

/** Every control character made visible, as the transcripts show them: \r, \t, \x00. */
export function visible(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += isControl(code) ? (NAMED_CONTROLS[c] ?? `\\x${code.toString(16).padStart(2, '0')}`) : c;
  }
  return out;
}

/** A Markdown line that must keep its own line: a list item, a fence, code, a table row. */
const OWN_LINE = /^\s*([-*+]\s|\d+\.\s|```|\||\s{2})/;

/**
 * The lesson's hard-wrapped lines joined back into paragraphs, so that the screen can wrap
 * them to its own width; lists, code and tables keep their lines.
 */
function reflow(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    const last = out.length - 1;
    const previous = out[last] ?? '';
    const joins =
      !inFence &&
      last >= 0 &&
      line.trim() !== '' &&
      previous.trim() !== '' &&
      !OWN_LINE.test(line) &&
      !OWN_LINE.test(previous);
    if (line.trimStart().startsWith('```')) inFence = !inFence;
    if (joins) out[last] = `${previous} ${line.trim()}`;
    else out.push(line);
  }
  return out.join('\n');
}

/** A long line folded at spaces to the terminal's width; the rows after the first indented. */
function wrapWords(text: string, fit: Fit, by = '  '): string {
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(' ')) {
    const next = row === '' ? word : `${row} ${word}`;
    if (next.length > fit.columns && row !== '') {
      rows.push(row);
      row = by + word;
    } else row = next;
  }
  rows.push(row);
  return rows.join('\n');
}

export function render(view: View): string {
  const paint = (style: Style, text: string) => (view.color ? styleText(style, text) : text);
  const filled = Math.round((view.done / Math.max(view.total, 1)) * BAR_WIDTH);
  const head = [
    `${paint('bold', 'HTTP bottom up')}  ${paint('green', '■'.repeat(filled))}${paint('gray', '□'.repeat(BAR_WIDTH - filled))}  ${view.done} of ${view.total} katas done`,
    '',
    paint('bold', `${folderOf(view.kata).slice(0, 2)} · ${view.kata.title}`),
    `lesson: ${shown(lessonPath(view.kata))}`,
    ...(view.status ? [paint('cyan', view.status)] : []),
    '',
  ];
  const tail: string[] = [];
  if (view.hintsShown > 0) tail.push('', ...hintLines(view, paint));
  if (view.notices.length > 0) tail.push('', ...view.notices.map((n) => paint('cyan', n)));
  if (view.keys) tail.push('', paint('gray', keys(view)));
  const fit: Fit = { columns: view.columns ?? DEFAULT_COLUMNS };
  const budget = (view.rows ?? Number.POSITIVE_INFINITY) - 1 - rowsOf([...head, ...tail], fit);
  const body = fitRows(pane(view, paint, budget, fit), Math.max(1, budget), fit, view.color);
  return `${[...head, ...body, ...tail].join('\n')}\n`;
}

/**
 * The pane cut to the rows left, from its end: the header, the hint and the keys always
 * stay on screen, and the pane's first line (the count of failing specs) too.
 */
function fitRows(lines: readonly string[], rows: number, fit: Fit, color: boolean): string[] {
  const kept = lines.flatMap((line) => line.split('\n'));
  if (rowsOf(kept, fit) <= rows) return kept;
  while (kept.length > 1 && rowsOf(kept, fit) > rows - 1) kept.pop();
  // A style painted over several rows may have lost its end with the rows cut.
  return [...kept, `${color ? RESET : ''}  …`];
}

interface Fit {
  readonly columns: number;
}

/** At most this share of the terminal's rows goes to a hint: the result stays in view. */
const HINT_SHARE = 1 / 3;
const RESET = '\x1b[0m';
const MIN_HINT_ROWS = 3;

/**
 * The latest rung only, each rung being more specific than the one before: wrapped at
 * words and cut to its share of the screen, so hints never push the result off it.
 */
function hintLines(view: View, paint: (s: Style, t: string) => string): string[] {
  if (view.hints.length === 0) return [MESSAGES.noHints];
  const shown = Math.min(view.hintsShown, view.hints.length);
  const fit: Fit = { columns: (view.columns ?? DEFAULT_COLUMNS) - 2 };
  const text = reflow(view.hints[shown - 1] ?? '')
    .split('\n')
    .map((line) => wrapWords(line, fit, ''))
    .join('\n');
  const rows = Math.max(
    MIN_HINT_ROWS,
    Math.floor((view.rows ?? Number.POSITIVE_INFINITY) * HINT_SHARE),
  );
  return [
    paint('yellow', MESSAGES.hintHeading(shown, view.hints.length)),
    indent(clipRows(text, rows, fit)),
    ...(view.hintsShown > view.hints.length ? [MESSAGES.noMoreHints] : []),
  ];
}

/** How many terminal rows the lines take once the terminal wraps them. */
function rowsOf(lines: readonly string[], fit: Fit): number {
  return lines
    .flatMap((line) => line.split('\n'))
    .reduce(
      (sum, line) =>
        sum + Math.max(1, Math.ceil(stripVTControlCharacters(line).length / fit.columns)),
      0,
    );
}

/** One line, cut to the terminal's width. */
function oneLine(text: string, fit: Fit): string {
  return text.length <= fit.columns ? text : `${text.slice(0, Math.max(1, fit.columns - 1))}…`;
}

/** At most `rows` terminal rows of the text, saying how much was left out. */
function clipRows(text: string, rows: number, fit: Fit): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (rowsOf([...kept, line], fit) > rows - 1 && kept.length < lines.length - 1) {
      kept.push(`… (${lines.length - kept.length} more lines)`);
      break;
    }
    kept.push(line);
  }
  return kept.join('\n');
}

function keys(view: View): string {
  const done = view.pane.kind === 'result' && passed(view.pane.run);
  const all = [
    MESSAGES.keys.hint,
    ...(view.hintsShown > 0 ? [MESSAGES.keys.hide] : []),
    MESSAGES.keys.rerun,
    MESSAGES.keys.list,
    ...(done ? [MESSAGES.keys.next, MESSAGES.keys.solution] : []),
    MESSAGES.keys.quit,
  ];
  return all.join('  ');
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}

function pane(
  view: View,
  paint: (s: Style, t: string) => string,
  budget: number,
  fit: Fit,
): string[] {
  const { pane } = view;
  if (pane.kind === 'hung') return [paint('red', MESSAGES.hung(pane.seconds, pane.specs))];
  const { run } = pane;
  if (!run) return [paint('gray', 'running…')];
  if (pane.kind === 'running') {
    const sofar = paint('gray', MESSAGES.soFar(run.specs.length));
    // Not "all pass" yet: the specs still to come may fail.
    if (run.specs.every((s) => s.state === 'passed'))
      return [sofar, paint('green', `✓ ${run.specs.length} passed`)];
    return [sofar, ...verdicts(view, run, paint, budget - 1, fit)];
  }
  return verdicts(view, run, paint, budget, fit);
}

function verdicts(
  view: View,
  run: KataRun,
  paint: (s: Style, t: string) => string,
  budget: number,
  fit: Fit,
): string[] {
  const failing = run.specs.filter((s) => s.state === 'failed');
  if (passed(run)) {
    const left = skipped(run);
    return [paint('green', `✓ ${MESSAGES.allPass(run.specs.length - left, left)}`)];
  }
  if (run.errors.length > 0) {
    // One syntax error in the learner's module fails every spec file that imports it: show it once.
    const explained = [
      ...new Set(run.errors.map((failure) => visible(explain(failure, view.kata)))),
    ];
    return explained.flatMap((text) => [
      paint('red', '✗ the specs could not run'),
      indent(clipRows(text, Math.max(MIN_DETAIL_ROWS, budget - 1), fit)),
    ]);
  }
  if (run.specs.length === 0) return [paint('red', MESSAGES.noSpecs)];
  const lines = [paint('red', `✗ ${failing.length} of ${run.specs.length} specs fail`), ''];
  const [first, ...others] = failing;
  const passing = passedCount(run);
  // Rows for everything but the first spec's details: its name, the others, "… more", "✓ passed".
  const otherRows = Math.min(others.length, MIN_OTHER_ROWS) + 2;
  if (first) {
    const detailRows = Math.max(
      MIN_DETAIL_ROWS,
      Math.min(DETAIL_LINES, budget - lines.length - 1 - otherRows),
    );
    lines.push(
      paint('red', wrapWords(`✗ ${visible(first.name)}`, fit)),
      indent(clipRows(details(first, view.kata), detailRows, fit)),
    );
  }
  const room = Math.max(MIN_OTHER_ROWS, budget - rowsOf(lines, fit) - 2);
  const shownOthers = others.length > room ? others.slice(0, room - 1) : others;
  for (const spec of shownOthers)
    lines.push(paint('red', oneLine(`✗ ${visible(spec.title)}${summary(spec)}`, fit)));
  if (shownOthers.length < others.length)
    lines.push(paint('gray', `  … and ${others.length - shownOthers.length} more`));
  if (passing > 0) lines.push(paint('green', `✓ ${passing} passed`));
  return lines;
}

function summary(spec: SpecResult): string {
  const failure = spec.failures[0];
  if (!failure) return '';
  if (failure.kind === 'todo') return `  (${failure.functionName}() not written yet)`;
  // A spec may put a transcript before the assertion ("C: …\nS: …: expected …"): show the assertion.
  const lines = failure.message.split('\n');
  const line = lines.find((l) => ASSERTION_LINE.test(l)) ?? lines[0] ?? '';
  const at = line.search(ASSERTION_START);
  const assertion = at > 0 ? line.slice(at) : line;
  const change =
    failure.kind === 'assertion' && failure.diff ? firstChange(failure.diff) : undefined;
  return `  ${visible(ABBREVIATED.test(assertion) && change ? change : assertion)}`;
}

/** The first line each side of a diff differs on: "expected "b", got "c"". */
function firstChange(diff: string): string | undefined {
  const changed = diff.split('\n').slice(2);
  const expected = changed
    .find((l) => l.startsWith('-'))
    ?.slice(1)
    .trim();
  const received = changed
    .find((l) => l.startsWith('+'))
    ?.slice(1)
    .trim();
  if (expected === undefined || received === undefined) return undefined;
  return `expected ${expected.replace(/,$/, '')}, got ${received.replace(/,$/, '')}`;
}

function details(spec: SpecResult, kata: Kata): string {
  return visible(spec.failures.map((failure) => explain(failure, kata)).join('\n'));
}

/** Where an unwritten function lives when no stack frame says: the kata's module, or its folder. */
function moduleOf(kata: Kata): string {
  const folder = `katas/${folderOf(kata)}`;
  return kata.modules.length === 1 ? `${folder}/${kata.modules[0]}` : `${folder}/`;
}

export function explain(failure: Failure, kata: Kata): string {
  const at = failure.where ? [`at ${failure.where}`] : [];
  switch (failure.kind) {
    case 'todo': {
      const file = failure.where?.replace(/:\d+$/, '') ?? moduleOf(kata);
      // An unwritten function of an earlier kata this one builds on: its own lesson teaches it.
      const owner = KATAS.find((k) => file.startsWith(`katas/${folderOf(k)}/`)) ?? kata;
      return [
        MESSAGES.writeIt(failure.functionName, file),
        ...(owner === kata ? [] : [MESSAGES.builtOn(owner)]),
        MESSAGES.startWithLesson(shown(lessonPath(owner))),
      ].join('\n');
    }
    case 'property':
      return [
        clip(failure.message),
        ...(failure.seed ? [MESSAGES.replay(failure.seed, failure.path)] : []),
        ...at,
      ].join('\n');
    case 'assertion':
      return [clip(failure.message), ...(failure.diff ? [clip(failure.diff)] : []), ...at].join(
        '\n',
      );
    case 'timeout':
    case 'error':
      return [clip(failure.message), ...at].join('\n');
  }
}

function clip(text: string, max = DETAIL_LINES): string {
  const lines = text.split('\n');
  return lines.length <= max
    ? text
    : [...lines.slice(0, max), `… (${lines.length - max} more lines)`].join('\n');
}

export interface ListView {
  readonly labels: ReadonlyMap<number, Label>;
  /** The kata under the cursor, and the one watch mode has open. */
  readonly cursor: number;
  readonly current: number;
  readonly done: number;
  readonly notices: readonly string[];
  readonly color: boolean;
  readonly rows?: number;
}

/** The list mode of watch mode (rustlings' `l`): every kata with its standing, a cursor. */
export function renderList(view: ListView): string {
  const paint = (style: Style, text: string) => (view.color ? styleText(style, text) : text);
  const head = [
    paint('bold', `HTTP bottom up: every kata  (${view.done} of ${KATAS.length} done)`),
    '',
  ];
  const tail = [
    ...(view.notices.length > 0 ? ['', ...view.notices.map((n) => paint('cyan', n))] : []),
    '',
    paint('gray', Object.values(MESSAGES.listKeys).join('  ')),
  ];
  const room = Math.max(3, (view.rows ?? Number.POSITIVE_INFINITY) - 1 - head.length - tail.length);
  const at = KATAS.findIndex((kata) => kata.number === view.cursor);
  const from = Math.max(0, Math.min(at - Math.floor(room / 2), KATAS.length - room));
  const rows = KATAS.slice(from, from + room).map((kata) => {
    const label = STANDING_LABELS[view.labels.get(kata.number) ?? 'not-run'];
    const mark = kata.number === view.cursor ? '▶' : ' ';
    const open = kata.number === view.current ? '  (open)' : '';
    const line = `${mark} ${folderOf(kata).slice(0, 2)} ${kata.title.padEnd(28)} ${label}${open}`;
    return kata.number === view.cursor ? paint('inverse', line) : line;
  });
  return `${[...head, ...rows, ...tail].join('\n')}\n`;
}
