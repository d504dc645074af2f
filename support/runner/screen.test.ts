import { describe, expect, test } from 'vitest';
import { KATA_TODO } from '../kata-todo.ts';
import { folderOf, KATAS } from '../katas.ts';
import { classify } from './failures.ts';
import { MESSAGES } from './messages.ts';
import { ROOT } from './paths.ts';
import { render, renderList, type View } from './screen.ts';
import { type KataRun, passed, type SpecResult } from './session.ts';

const kata = KATAS[0];
if (!kata) throw new Error('no kata');

const spec = (name: string, failures: SpecResult['failures'] = []): SpecResult => ({
  name,
  title: name,
  file: 'katas/x.spec.ts',
  state: failures.length ? 'failed' : 'passed',
  failures,
});
const view = (run: KataRun, more: Partial<View> = {}): View => ({
  kata,
  done: 2,
  total: KATAS.length,
  pane: { kind: 'result', run },
  hints: ['nudge', 'rule'],
  hintsShown: 0,
  notices: [],
  keys: true,
  color: false,
  ...more,
});

const todo = classify({
  name: KATA_TODO,
  message: 'parseHosts() is not written yet: this is your part.',
  stacks: [
    {
      file: '/repo/katas/01-resolve-a-hostname/hosts.ts',
      line: 12,
      column: 9,
      method: 'parseHosts',
    },
  ],
});

describe('the watch screen', () => {
  test('a stub says which function to write, where, and points at the lesson', () => {
    const screen = render(
      view({ kata, specs: [spec('a', [todo]), spec('b', [todo])], errors: [] }),
    );
    expect(screen).toContain('2 of 2 specs fail');
    expect(screen).toMatch(/Write parseHosts\(\) in .*katas\/01-resolve-a-hostname\/hosts\.ts/);
    expect(screen).toContain('README.md');
  });

  test('a spec skipped on this machine (no curl) does not stop a pass, and is counted apart', () => {
    const absent: SpecResult = { ...spec('curl reads it'), state: 'skipped' };
    const run = { kata, specs: [spec('a'), spec('b'), absent], errors: [] };
    expect(passed(run)).toBe(true);
    expect(render(view(run))).toContain(`✓ ${MESSAGES.allPass(2, 1)}`);
    expect(MESSAGES.allPass(2, 1)).toMatch(/^all 2 specs pass \(1 skipped/);
  });

  test('specs that were all skipped are no pass: one must run', () => {
    const absent: SpecResult = { ...spec('curl reads it'), state: 'skipped' };
    expect(passed({ kata, specs: [absent], errors: [] })).toBe(false);
  });

  test("an earlier kata's unwritten function points at that kata's lesson", () => {
    const [earlier, later] = KATAS;
    if (!earlier || !later) throw new Error('two katas needed');
    const unwritten = classify({
      name: KATA_TODO,
      message: 'parseHosts() is not written yet: this is your part.',
      stacks: [
        { file: `${ROOT}/katas/${folderOf(earlier)}/hosts.ts`, line: 3, column: 9, method: 'x' },
      ],
    });
    const screen = render(
      view({ kata: later, specs: [spec('a', [unwritten])], errors: [] }, { kata: later }),
    );
    expect(screen).toContain(MESSAGES.builtOn(earlier));
    expect(screen).toContain(MESSAGES.startWithLesson(`katas/${folderOf(earlier)}/README.md`));
  });

  test('the first failing spec in full, the others one line each', () => {
    const failure = classify({
      message: 'expected 1 to be 2',
      diff: '- Expected\n+ Received\n\n- 2\n+ 1',
    });
    const screen = render(
      view({
        kata,
        specs: [spec('first', [failure]), spec('second', [failure]), spec('third')],
        errors: [],
      }),
    );
    expect(screen).toContain('✗ first');
    expect(screen).toContain('+ Received');
    expect(screen.match(/\+ Received/g)).toHaveLength(1);
    expect(screen).toContain('✗ second  expected 1 to be 2');
    expect(screen).toContain('✓ 1 passed');
  });

  test('a failing property shows its counterexample and how to replay it', () => {
    const failure = classify({
      message:
        'Property failed after 3 tests\n{ seed: -1234, path: "2:0", endOnFailure: true }\nCounterexample: [bytes("a\\r\\n")]',
    });
    const screen = render(view({ kata, specs: [spec('prop', [failure])], errors: [] }));
    expect(screen).toContain('Counterexample: [bytes("a\\r\\n")]');
    expect(screen).toContain(MESSAGES.replay('-1234', '2:0'));
  });

  test('a pass offers the next kata and the solution; a failure does not', () => {
    expect(render(view({ kata, specs: [spec('ok')], errors: [] }))).toContain(MESSAGES.keys.next);
    expect(render(view({ kata, specs: [spec('no', [todo])], errors: [] }))).not.toContain(
      MESSAGES.keys.next,
    );
  });

  test('hints appear one rung at a time', () => {
    const run: KataRun = { kata, specs: [spec('no', [todo])], errors: [] };
    expect(render(view(run, { hintsShown: 1 }))).toContain(
      `${MESSAGES.hintHeading(1, 2)}\n  nudge`,
    );
    expect(render(view(run, { hintsShown: 1 }))).not.toContain('rule');
    expect(render(view(run, { hintsShown: 3 }))).toContain(MESSAGES.noMoreHints);
  });

  test('a hung run says what did not happen, and within what time', () => {
    const hung = (specs: string[]) =>
      render({
        ...view({ kata, specs: [], errors: [] }),
        pane: { kind: 'hung', seconds: 10, specs },
      });
    expect(hung([])).toContain(MESSAGES.hung(10));
    expect(hung(['echo > answers'])).toContain('No verdict for 10 s from: "echo > answers"');
  });

  test('while a run goes on, the verdicts so far are shown, the first failure in full', () => {
    const failure = classify({ message: 'expected 1 to be 2', diff: '- Expected\n+ Received' });
    const run = { kata, specs: [spec('fails', [failure]), spec('passes')], errors: [] };
    const screen = render({ ...view(run), pane: { kind: 'running', run } });
    expect(screen).toContain(MESSAGES.soFar(2));
    expect(screen).toContain('✗ fails');
    expect(screen).toContain('expected 1 to be 2');
  });

  test('the screen fits the terminal: one-liners cut to its width, the list cut to its height', () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      spec(`spec number ${i} ${'x'.repeat(200)}`, [todo]),
    );
    const screen = render(view({ kata, specs: many, errors: [] }, { rows: 30, columns: 80 }));
    const lines = screen.trimEnd().split('\n');
    const rows = lines.reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / 80)), 0);
    expect(rows).toBeLessThanOrEqual(30);
    const oneLiners = lines.filter(
      (line) => line.startsWith('✗ ') && !line.startsWith('✗ spec number 0 '),
    );
    expect(oneLiners.length).toBeGreaterThan(0);
    expect(oneLiners.every((line) => line.length <= 80)).toBe(true);
    expect(screen).toMatch(/… and \d+ more/);
    expect(screen).toContain(MESSAGES.keys.quit);
  });

  test('the progress bar counts katas done', () => {
    expect(render(view({ kata, specs: [], errors: [] }))).toContain(
      `2 of ${KATAS.length} katas done`,
    );
  });

  test('a raw CR, TAB or NUL is shown as \\r, \\t, \\x00, in diffs, titles and summaries', () => {
    const failure = classify({
      message: "expected 'a\r\n' to be 'a\n'",
      diff: '- Expected\n+ Received\n\n- a\n+ a\r',
    });
    const run = {
      kata,
      specs: [spec('one\ttab', [failure]), spec('two\x00', [failure])],
      errors: [],
    };
    const screen = render(view(run));
    for (const control of ['\r', '\t', '\x00']) expect(screen).not.toContain(control);
    expect(screen).toContain('+ a\\r');
    expect(screen).toContain('one\\ttab');
    expect(screen).toContain('two\\x00');
  });

  test('a long title wraps at words, not inside one', () => {
    const failure = classify({ message: 'expected 1 to be 2' });
    const title = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const screen = render(
      view({ kata, specs: [spec(title, [failure])], errors: [] }, { columns: 40 }),
    );
    const rows = screen.split('\n').filter((row) => row.includes('word'));
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.trim()).toMatch(/^(✗ )?(word\d+ ?)+$/);
  });

  test('a one-line summary of an abbreviated deep equality says what differs', () => {
    const failure = classify({
      message: 'expected [ …(2) ] to deeply equal [ …(3) ]',
      diff: '- Expected\n+ Received\n\n  [\n-   "b",\n+   "c",\n  ]',
    });
    const run = { kata, specs: [spec('first', [failure]), spec('second', [failure])], errors: [] };
    expect(render(view(run))).toContain('✗ second  expected "b", got "c"');
  });

  test('a summary after a transcript starts at the assertion', () => {
    const failure = classify({ message: 'C: ADD 1 2\\r\\n S: 4\\r\\n: expected "4" to be "3"' });
    const run = { kata, specs: [spec('first', [failure]), spec('second', [failure])], errors: [] };
    expect(render(view(run))).toContain('✗ second  expected "4" to be "3"');
  });

  test('a syntax error that fails every spec file is shown once', () => {
    const syntax = classify({ name: 'SyntaxError', message: 'Unexpected token (3:1)' });
    const screen = render(view({ kata, specs: [], errors: [syntax, syntax] }));
    expect(screen.match(/Unexpected token/g)).toHaveLength(1);
  });

  test('a hint shows its latest rung only, wrapped at words and cut to a third of the screen', () => {
    const long = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ');
    const run = { kata, specs: [spec('a', [todo])], errors: [] };
    const screen = render(
      view(run, { hints: ['nudge', long], hintsShown: 2, rows: 24, columns: 80 }),
    );
    expect(screen).toContain('Hint 2 of 2');
    expect(screen).not.toContain('nudge');
    expect(screen.split('\n').length).toBeLessThanOrEqual(24);
    expect(screen).toContain('more lines');
    expect(screen).toContain('2 of 20 katas done'.replace('20', String(KATAS.length)));
  });

  test('the list shows every kata with its standing, the cursor, and the one open', () => {
    const labels = new Map(
      KATAS.map((k) => [k.number, k.number === 1 ? 'done' : 'locked'] as const),
    );
    const screen = renderList({
      labels,
      cursor: 2,
      current: 1,
      done: 1,
      notices: [],
      color: false,
    });
    for (const k of KATAS) expect(screen).toContain(k.title);
    expect(screen).toMatch(/▶ 02 .*locked/);
    expect(screen).toMatch(/ {2}01 .*done.*\(open\)/);
    const short = renderList({
      labels,
      cursor: 15,
      current: 1,
      done: 1,
      notices: [],
      color: false,
      rows: 12,
    });
    expect(short.split('\n').length).toBeLessThanOrEqual(12);
    expect(short).toContain('▶ 15');
  });

  test('a hint written over several lines is one paragraph on screen; code keeps its lines', () => {
    const hint = 'one two\nthree four\n\n```\nconst a = 1;\nconst b = 2;\n```';
    const run = { kata, specs: [spec('a', [todo])], errors: [] };
    const screen = render(view(run, { hints: [hint], hintsShown: 1, columns: 80 }));
    expect(screen).toContain('one two three four');
    expect(screen).toContain('  const a = 1;\n  const b = 2;');
  });

  test('on a short terminal the header and the keys stay: the pane is cut', () => {
    const failure = classify({ message: 'expected 1 to be 2' });
    const specs = Array.from({ length: 30 }, (_, i) => spec(`spec ${i}`, [failure]));
    const long = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    const screen = render(
      view({ kata, specs, errors: [] }, { hints: [long], hintsShown: 1, rows: 24, columns: 80 }),
    );
    expect(screen.split('\n').length).toBeLessThanOrEqual(24);
    expect(screen).toContain('HTTP bottom up');
    expect(screen).toContain(MESSAGES.keys.quit);
  });

  test('while a run goes on with no failure yet, it never says that all specs pass', () => {
    const run = { kata, specs: [spec('passes')], errors: [] };
    const screen = render({ ...view(run), pane: { kind: 'running', run } });
    expect(screen).toContain('✓ 1 passed');
    expect(screen).not.toContain('specs pass');
  });
});
