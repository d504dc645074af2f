import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'request.ts',
    mutator: 'EqualityOperator',
    original: 'headEnd < 0',
    replacement: 'headEnd <= 0',
    why: 'the blank line is searched for from the delimiter line on, past the first delimiter, so it is found at an index above 0 or not at all (-1): never at 0',
  },
  {
    verdict: 'equivalent',
    file: 'request.ts',
    mutator: 'EqualityOperator',
    original: 'next < headEnd',
    replacement: 'next <= headEnd',
    why: 'CR LF CR LF and CR LF "--" cannot start at the same index (their third bytes differ), so next never equals headEnd',
  },
  {
    verdict: 'equivalent',
    file: 'request.ts',
    mutator: 'ArithmeticOperator',
    original: 'line + 2',
    replacement: 'line - 2',
    why: 'the head then starts with the two bytes before the CR LF (padding or the end of the boundary) as a line of its own: at most a one-character field name, never Content-Disposition or Content-Type, so no part reads differently',
  },
  {
    verdict: 'equivalent',
    file: 'request.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'the stand-in for a missing Content-Disposition: any text that is not form-data is refused with the same noName 400 as the empty one',
  },
  {
    verdict: 'equivalent',
    file: 'request.ts',
    mutator: 'StringLiteral',
    original: "'utf-8'",
    replacement: '""',
    why: "not a survivor in truth: new TextDecoder('') throws a RangeError at import, so request.ts cannot load and every spec fails; Stryker scores a mutant that breaks the module at load as survived (stryker-js #6150, as in kata 38)",
  },
] satisfies readonly Judgement[];
