import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'static-files.ts',
    mutator: 'MethodExpression',
    original: 'requestPath.split(SEGMENT_SEPARATOR).slice(1)',
    replacement: 'requestPath.split(SEGMENT_SEPARATOR)',
    why: 'the empty name before the first "/" passes every check and joins to nothing: path.join(root, "/a") is path.join(root, "a")',
  },
  {
    verdict: 'equivalent',
    file: 'static-files.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'the stand-in for an error without a code: "Stryker was here!" is no code in NOT_FOUND_CODES either, so the error is rethrown the same',
  },
] satisfies readonly Judgement[];
