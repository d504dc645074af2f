import { describe, expect, test } from 'vitest';
import type { Judgement } from './judgement.ts';
import { type Mutant, standing } from './score.ts';

const mutant = (over: Partial<Mutant>): Mutant => ({
  file: 'a.ts',
  line: 1,
  mutator: 'ConditionalExpression',
  original: 'x > 0',
  replacement: 'true',
  status: 'Survived',
  ...over,
});

const equivalent: Judgement = {
  verdict: 'equivalent',
  file: 'a.ts',
  mutator: 'ConditionalExpression',
  original: 'x > 0',
  replacement: 'true',
  why: 'x is always positive here',
};

describe('a kata standing: killed / (killed + survived), judged mutants set aside', () => {
  test('killed and timed-out mutants are detected; invalid ones are not counted', () => {
    const s = standing(
      [
        mutant({ status: 'Killed' }),
        mutant({ status: 'Timeout' }),
        mutant({ status: 'CompileError' }),
      ],
      [],
    );
    expect([s.killed, s.survived.length, s.errors, s.score]).toEqual([2, 0, 1, 100]);
  });

  test('an equivalent judgement matches file, mutator, original and replacement exactly', () => {
    const s = standing(
      [mutant({ status: 'Killed' }), mutant({}), mutant({ replacement: 'false' })],
      [equivalent],
    );
    expect(s.equivalent.map((e) => e.mutant.replacement)).toEqual(['true']);
    expect(s.survived.map((m) => m.replacement)).toEqual(['false']);
    expect(s.score).toBe(50);
  });

  test('not measurable covers only the uncovered mutants of its file', () => {
    const judgement: Judgement = { verdict: 'not measurable', file: 'w.ts', why: 'worker code' };
    const s = standing(
      [mutant({ file: 'w.ts', status: 'NoCoverage' }), mutant({ file: 'w.ts' })],
      [judgement],
    );
    expect([s.notMeasurable.length, s.survived.length, s.mutants]).toEqual([1, 1, 2]);
  });

  test('a judgement that matches nothing is reported stale', () => {
    expect(standing([mutant({ status: 'Killed' })], [equivalent]).stale).toEqual([equivalent]);
  });
});
