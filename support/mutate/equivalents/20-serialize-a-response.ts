import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'response.ts',
    mutator: 'ConditionalExpression',
    original: 'status >= 200',
    replacement: 'true',
    why: 'a 1xx to CONNECT counted as a tunnel changes nothing: every 1xx has no content already',
  },
  {
    verdict: 'equivalent',
    file: 'response.ts',
    mutator: 'ArithmeticOperator',
    original: 'date.getTime() / 1000',
    replacement: 'date.getTime() * 1000',
    why: 'the Date cache keyed by the microsecond instead of the second: written more often, never a different text',
  },
  {
    verdict: 'equivalent',
    file: 'response.ts',
    mutator: 'ConditionalExpression',
    original: 'second !== dateCache?.second',
    replacement: 'true',
    why: 'the Date field written afresh for every response: slower, the same text',
  },
] satisfies readonly Judgement[];
