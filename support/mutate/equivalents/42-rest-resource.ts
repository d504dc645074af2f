import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'rest.ts',
    mutator: 'EqualityOperator',
    original: 'Number(q) > weight',
    replacement: 'Number(q) >= weight',
    why: 'of two equally specific ranges with the same weight, taking the later one keeps the same rank and the same weight',
  },
] satisfies readonly Judgement[];
