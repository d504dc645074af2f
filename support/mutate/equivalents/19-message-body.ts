import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'message-body.ts',
    mutator: 'ConditionalExpression',
    original: 'length === undefined',
    replacement: 'false',
    why: 'only there for the type checker: lengths has at least one value at that point, so length is defined',
  },
  {
    verdict: 'equivalent',
    file: 'message-body.ts',
    mutator: 'ConditionalExpression',
    original:
      "case 'none':\n      return { push: (bytes) => ({ done: true, data: EMPTY, rest: bytes, trailers: [] }) };",
    replacement: "case 'none':",
    why: 'falling through gives a length decoder of undefined octets: NaN takes nothing and is not > 0, so it is done at once with every byte as rest, as none is',
  },
  {
    verdict: 'equivalent',
    file: 'message-body.ts',
    mutator: 'StringLiteral',
    original: "'trailer'",
    replacement: '""',
    why: "a state that is neither size-line, data nor data-end is handled by the trailer branch, so '' behaves as 'trailer'",
  },
  {
    verdict: 'equivalent',
    file: 'message-body.ts',
    mutator: 'ObjectLiteral',
    original: "{ version: 'HTTP/1.0' }",
    replacement: '{}',
    why: 'kata 18 demands a Host only when the version is HTTP/1.1; any other version, or none, reads a trailer section the same way',
  },
  {
    verdict: 'equivalent',
    file: 'message-body.ts',
    mutator: 'StringLiteral',
    original: "'HTTP/1.0'",
    replacement: '""',
    why: 'kata 18 demands a Host only when the version is HTTP/1.1; any other version reads a trailer section the same way',
  },
] satisfies readonly Judgement[];
