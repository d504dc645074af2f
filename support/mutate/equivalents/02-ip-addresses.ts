import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'ip-address.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: "the default of the first part of text.split('::'), which always has a first part: the default is never used",
  },
] satisfies readonly Judgement[];
