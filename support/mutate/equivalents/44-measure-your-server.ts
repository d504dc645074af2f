import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'load-test.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: "the fallbacks `value = ''` (a field-line match always has its value group, empty or not) and `DIGITS.test(contentLength ?? '')` (no Content-Length and a non-digit text are both no length): never a different outcome",
  },
  {
    verdict: 'equivalent',
    file: 'load-test.ts',
    mutator: 'OptionalChaining',
    original: 'name?.toLowerCase',
    replacement: 'name.toLowerCase',
    why: 'the name group of FRAMING_FIELD always matches when the expression does: `name` is never undefined, the `?.` is for the type checker',
  },
  {
    verdict: 'equivalent',
    file: 'load-test.ts',
    mutator: 'EqualityOperator',
    original: 'value < SUB_BUCKETS',
    replacement: 'value <= SUB_BUCKETS',
    why: 'the value SUB_BUCKETS itself: the log-linear formula gives it bucket SUB_BUCKETS, as the exact rule does (from 128 to 255 the buckets are one wide); a run under load can kill it by a timeout, and then this judgement shows as stale',
  },
  {
    verdict: 'equivalent',
    file: 'load-test.ts',
    mutator: 'EqualityOperator',
    original: 'index < SUB_BUCKETS',
    replacement: 'index <= SUB_BUCKETS',
    why: 'bucket SUB_BUCKETS holds the one value SUB_BUCKETS: the formula gives it as its highest value, as the exact rule does',
  },
  {
    verdict: 'equivalent',
    file: 'load-test.ts',
    mutator: 'BooleanLiteral',
    original: 'true',
    replacement: 'false',
    why: '`noDelay: true` only turns Nagle off, so that a pipelined second request is not held for the ACK of the first: on loopback the ACK comes at once, a latency no spec can measure reliably (the `true`s of positive() are killed by the option properties)',
  },
] satisfies readonly Judgement[];
