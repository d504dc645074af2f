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
] satisfies readonly Judgement[];
