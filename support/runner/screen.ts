/**
 * The one focused screen of watch mode (and the report of --once): progress,
 * the kata and its lesson, the first failing spec in full, the others one line
 * each, hints asked for, and the keys. A pure function of what it is shown.
 */
import { styleText } from 'node:util';
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
  readonly rows?: number;
}

type Style = Parameters<typeof styleText>[0];
const BAR_WIDTH = 20;
const DETAIL_LINES = 24;

export function render(view: View): string {
  const paint = (style: Style, text: string) => (view.color ? styleText(style, text) : text);
  const lines: string[] = [];
  const filled = Math.round((view.done / Math.max(view.total, 1)) * BAR_WIDTH);
  lines.push(
    `${paint('bold', 'HTTP bottom up')}  ${paint('green', '■'.repeat(filled))}${paint('gray', '□'.repeat(BAR_WIDTH - filled))}  ${view.done} of ${view.total} katas done`,
    '',
    paint('bold', `${folderOf(view.kata).slice(0, 2)} · ${view.kata.title}`),
    `lesson: ${shown(lessonPath(view.kata))}`,
    '',
  );
  lines.push(...pane(view, paint));
  if (view.hintsShown > 0) {
    lines.push('');
    if (view.hints.length === 0) lines.push(MESSAGES.noHints);
    view.hints.slice(0, view.hintsShown).forEach((hint, i) => {
      lines.push(paint('yellow', `Hint ${i + 1} of ${view.hints.length}:`), indent(hint));
    });
    if (view.hintsShown > view.hints.length && view.hints.length > 0)
      lines.push(MESSAGES.noMoreHints);
  }
  if (view.notices.length > 0) lines.push('', ...view.notices.map((n) => paint('cyan', n)));
  if (view.keys) lines.push('', paint('gray', keys(view)));
  return `${lines.join('\n')}\n`;
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

function pane(view: View, paint: (s: Style, t: string) => string): string[] {
  const { pane } = view;
  if (pane.kind === 'running') return [paint('gray', 'running…')];
  if (pane.kind === 'hung') return [paint('red', MESSAGES.hung(pane.seconds))];
  const { run } = pane;
  const failing = run.specs.filter((s) => s.state === 'failed');
  if (passed(run)) return [paint('green', `✓ all ${run.specs.length} specs pass`)];
  const lines: string[] = [];
  if (run.errors.length > 0) {
    for (const failure of run.errors)
      lines.push(paint('red', '✗ the specs could not run'), indent(explain(failure, view.kata)));
    return lines;
  }
  if (run.specs.length === 0) return [paint('red', MESSAGES.noSpecs)];
  lines.push(paint('red', `✗ ${failing.length} of ${run.specs.length} specs fail`), '');
  const [first, ...others] = failing;
  if (first) {
    lines.push(paint('red', `✗ ${first.name}`), indent(details(first, view.kata)));
  }
  const room = Math.max(3, (view.rows ?? 40) - lines.length - 16);
  for (const spec of others.slice(0, room))
    lines.push(paint('red', `✗ ${spec.name}`) + paint('gray', summary(spec)));
  if (others.length > room) lines.push(paint('gray', `  … and ${others.length - room} more`));
  const passing = run.specs.filter((s) => s.state === 'passed').length;
  if (passing > 0) lines.push(paint('green', `✓ ${passing} passed`));
  return lines;
}

function summary(spec: SpecResult): string {
  const failure = spec.failures[0];
  if (!failure) return '';
  if (failure.kind === 'todo') return `  (${failure.functionName}() not written yet)`;
  const firstLine = (failure.message.split('\n')[0] ?? '').slice(0, 80);
  return `  ${firstLine}`;
}

function details(spec: SpecResult, kata: Kata): string {
  return spec.failures.map((failure) => explain(failure, kata)).join('\n');
}

export function explain(failure: Failure, kata: Kata): string {
  const at = failure.where ? [`at ${failure.where}`] : [];
  switch (failure.kind) {
    case 'todo':
      return [
        MESSAGES.writeIt(
          failure.functionName,
          failure.where?.replace(/:\d+$/, '') ?? `katas/${folderOf(kata)}/`,
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
