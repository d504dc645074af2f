import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'redirects.ts',
    mutator: 'ConditionalExpression',
    original: '!(error instanceof InvalidUrl)',
    replacement: 'false',
    why: "kata 16's splitUrl throws nothing but InvalidUrl, so the rethrow of any other error is there for the type checker only",
  },
] satisfies readonly Judgement[];
