import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'compress.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: "the defaults of `[name = '']` and `?? ''`: split always gives a first part, and a q that is not found fails QVALUE whatever the stand-in text",
  },
  {
    verdict: 'equivalent',
    file: 'compress.ts',
    mutator: 'ArrayDeclaration',
    original: '[]',
    replacement: '["Stryker was here"]',
    why: 'the first value of `written`: startResponse empties it before it hands out the write() that fills it, and nothing reads it before',
  },
  {
    verdict: 'equivalent',
    file: 'middleware.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: "the `text` of the origin-form target handed to kata 28's resolveTarget, which reads only its path",
  },
] satisfies readonly Judgement[];
