/**
 * The one focused screen of watch mode (and the report of --once): progress,
 * the kata and its lesson, the first failing spec in full, the others one line
 * each, hints asked for, and the keys. A pure function of what it is shown.
 */
import { stripVTControlCharacters, styleText } from 'node:util';
import { folderOf, type Kata } from '../katas.ts';
import type { Failure } from './failures.ts';
import { MESSAGES } from './messages.ts';
import { lessonPath, shown } from './paths.ts';
import { type KataRun, passed, type SpecResult } from './session.ts';

export type Pane =
  | { readonly kind: 'running' }
  | { readonly kind: 'result'; readonly run: KataRun }
  | { readonly kind: 'hung'; readonly seconds: number };

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

export function render(view: View): string {
  const paint = (style: Style, text: string) => (view.color ? styleText(style, text) : text);
  const filled = Math.round((view.done / Math.max(view.total, 1)) * BAR_WIDTH);
  const head = [
    `${paint('bold', 'HTTP bottom up')}  ${paint('green', '■'.repeat(filled))}${paint('gray', '□'.repeat(BAR_WIDTH - filled))}  ${view.done} of ${view.total} katas done`,
    '',
    paint('bold', `${folderOf(view.kata).slice(0, 2)} · ${view.kata.title}`),
    `lesson: ${shown(lessonPath(view.kata))}`,
    '',
  ];
  const tail: string[] = [];
  if (view.hintsShown > 0) {
    tail.push('');
    if (view.hints.length === 0) tail.push(MESSAGES.noHints);
    view.hints.slice(0, view.hintsShown).forEach((hint, i) => {
      tail.push(paint('yellow', `Hint ${i + 1} of ${view.hints.length}:`), indent(hint));
    });
    if (view.hintsShown > view.hints.length && view.hints.length > 0)
      tail.push(MESSAGES.noMoreHints);
  }
  if (view.notices.length > 0) tail.push('', ...view.notices.map((n) => paint('cyan', n)));
  if (view.keys) tail.push('', paint('gray', keys(view)));
  const fit: Fit = { columns: view.columns ?? DEFAULT_COLUMNS };
  const budget = (view.rows ?? Number.POSITIVE_INFINITY) - 1 - rowsOf([...head, ...tail], fit);
  return `${[...head, ...pane(view, paint, budget, fit), ...tail].join('\n')}\n`;
}

interface Fit {
  readonly columns: number;
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
    MESSAGES.keys.rerun,
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
  if (pane.kind === 'running') return [paint('gray', 'running…')];
  if (pane.kind === 'hung') return [paint('red', MESSAGES.hung(pane.seconds))];
  const { run } = pane;
  const failing = run.specs.filter((s) => s.state === 'failed');
  if (passed(run)) return [paint('green', `✓ all ${run.specs.length} specs pass`)];
  if (run.errors.length > 0) {
    return run.errors.flatMap((failure) => [
      paint('red', '✗ the specs could not run'),
      indent(clipRows(explain(failure, view.kata), Math.max(MIN_DETAIL_ROWS, budget - 1), fit)),
    ]);
  }
  if (run.specs.length === 0) return [paint('red', MESSAGES.noSpecs)];
  const lines = [paint('red', `✗ ${failing.length} of ${run.specs.length} specs fail`), ''];
  const [first, ...others] = failing;
  const passing = run.specs.filter((s) => s.state === 'passed').length;
  // Rows for everything but the first spec's details: its name, the others, "… more", "✓ passed".
  const otherRows = Math.min(others.length, MIN_OTHER_ROWS) + 2;
  if (first) {
    const detailRows = Math.max(
      MIN_DETAIL_ROWS,
      Math.min(DETAIL_LINES, budget - lines.length - 1 - otherRows),
    );
    lines.push(
      paint('red', `✗ ${first.name}`),
      indent(clipRows(details(first, view.kata), detailRows, fit)),
    );
  }
  const room = Math.max(MIN_OTHER_ROWS, budget - rowsOf(lines, fit) - 2);
  const shownOthers = others.length > room ? others.slice(0, room - 1) : others;
  for (const spec of shownOthers)
    lines.push(paint('red', oneLine(`✗ ${spec.title}${summary(spec)}`, fit)));
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
  return `  ${lines.find((line) => ASSERTION_LINE.test(line)) ?? lines[0] ?? ''}`;
}

function details(spec: SpecResult, kata: Kata): string {
  return spec.failures.map((failure) => explain(failure, kata)).join('\n');
}

/** Where an unwritten function lives when no stack frame says: the kata's module, or its folder. */
function moduleOf(kata: Kata): string {
  const folder = `katas/${folderOf(kata)}`;
  return kata.modules.length === 1 ? `${folder}/${kata.modules[0]}` : `${folder}/`;
}

export function explain(failure: Failure, kata: Kata): string {
  const at = failure.where ? [`at ${failure.where}`] : [];
  switch (failure.kind) {
    case 'todo':
      return [
        MESSAGES.writeIt(
          failure.functionName,
          failure.where?.replace(/:\d+$/, '') ?? moduleOf(kata),
        ),
        MESSAGES.startWithLesson(shown(lessonPath(kata))),
      ].join('\n');
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
