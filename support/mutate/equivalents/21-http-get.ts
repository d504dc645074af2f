import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'http-get.ts',
    mutator: 'StringLiteral',
    original: "'HTTP/1.0'",
    replacement: '""',
    why: 'kata 18 demands a Host only when the version is HTTP/1.1; any other version, or none, reads a response head the same way',
  },
  {
    verdict: 'equivalent',
    file: 'http-get.ts',
    mutator: 'Regex',
    original: '/^[ \\t]+/',
    replacement: '/[ \\t]+/',
    why: 'it is only applied to a folded line, which starts with SP or HTAB: the first run of whitespace is always at the start',
  },
  {
    verdict: 'equivalent',
    file: 'http-get.ts',
    mutator: 'ConditionalExpression',
    original: '!(error instanceof BodyError)',
    replacement: 'false',
    why: "kata 19's messageFraming and decoders throw BodyError and nothing else, so the check never lets anything through",
  },
] satisfies readonly Judgement[];
