import type { Judgement } from '../judgement.ts';

const afterEnd =
  'after socket.end() Node refuses every later write (ERR_STREAM_WRITE_AFTER_END, swallowed by the error listener): lines after the last reply reach no client either way';

export default [
  {
    verdict: 'equivalent',
    file: 'line-protocol.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'destructuring defaults that split() and the arity check never leave unused, and the buffer cleared after the connection is closed, which is never read again',
  },
  {
    verdict: 'equivalent',
    file: 'line-protocol.ts',
    mutator: 'ConditionalExpression',
    original: "reply.kind === 'error'",
    replacement: 'true',
    why: "a type guard: a reply of another kind has no reason, so reason === 'lineTooLong' is false for it anyway",
  },
  {
    verdict: 'equivalent',
    file: 'line-protocol.ts',
    mutator: 'BooleanLiteral',
    original: 'false',
    replacement: 'true',
    why: afterEnd,
  },
  {
    verdict: 'equivalent',
    file: 'line-protocol.ts',
    mutator: 'ConditionalExpression',
    original: '!open',
    replacement: 'false',
    why: afterEnd,
  },
] satisfies readonly Judgement[];
