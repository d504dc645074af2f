import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'query-string.ts',
    mutator: 'ConditionalExpression',
    original: 'byte >= 0x30',
    replacement: 'true',
    why: 'a byte below 0x30 then gives byte - 0x30, a negative value, which the caller already reads as "no hex digit", the same as -1',
  },
  {
    verdict: 'equivalent',
    file: 'query-string.ts',
    mutator: 'UnaryOperator',
    original: '-1',
    replacement: '+1',
    why: 'the stand-in for a byte past the end of the input: 1, like -1, is no hex digit (below 0x30), so a % near the end is kept either way',
  },
  {
    verdict: 'equivalent',
    file: 'query-string.ts',
    mutator: 'StringLiteral',
    original: "'utf-8'",
    replacement: '""',
    why: "not a survivor in truth: new TextDecoder('') throws a RangeError at import, so query-string.ts cannot load and every spec fails (the RangeError checked by hand); Stryker scores a mutant that breaks the module at load as survived (stryker-js #6150)",
  },
] satisfies readonly Judgement[];
