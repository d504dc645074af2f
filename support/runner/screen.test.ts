import { describe, expect, test } from 'vitest';
import { KATA_TODO } from '../kata-todo.ts';
import { KATAS } from '../katas.ts';
import { classify } from './failures.ts';
import { MESSAGES } from './messages.ts';
import { render, type View } from './screen.ts';
import type { KataRun, SpecResult } from './session.ts';

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
    expect(render(view(run, { hintsShown: 1 }))).toContain('Hint 1 of 2:\n  nudge');
    expect(render(view(run, { hintsShown: 1 }))).not.toContain('rule');
    expect(render(view(run, { hintsShown: 3 }))).toContain(MESSAGES.noMoreHints);
  });

  test('a hung run says what did not happen, and within what time', () => {
    expect(
      render({ ...view({ kata, specs: [], errors: [] }), pane: { kind: 'hung', seconds: 10 } }),
    ).toContain(MESSAGES.hung(10));
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
});
