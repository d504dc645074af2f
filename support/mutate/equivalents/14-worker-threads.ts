import type { Judgement } from '../judgement.ts';

export default [
  // Listed before 'not measurable', which takes every other uncovered mutant of the file.
  {
    verdict: 'equivalent',
    file: 'hash-server.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: "defaults in parse() that never apply: line.split(' ') always has a first element, and rounds and text are read only once the count of arguments is known to be two",
  },
  {
    verdict: 'equivalent',
    file: 'hash-server.ts',
    mutator: 'OptionalChaining',
    original: 'this.busy.get(worker)?.settle',
    replacement: 'this.busy.get(worker).settle',
    why: "a worker posts only in answer to a job, so on 'message' it is always in busy",
  },
  {
    verdict: 'equivalent',
    file: 'hash-server.ts',
    mutator: 'ObjectLiteral',
    original: "{ kind: 'failed' }",
    replacement: '{}',
    why: "the answer tests kind === 'digest' only: any other outcome is the worker-failed reply",
  },
  {
    verdict: 'equivalent',
    file: 'hash-server.ts',
    mutator: 'StringLiteral',
    original: "'failed'",
    replacement: '""',
    why: "the answer tests kind === 'digest' only: any other outcome is the worker-failed reply",
  },
  {
    verdict: 'equivalent',
    file: 'hash-server.ts',
    mutator: 'ObjectLiteral',
    original: '{ once: true }',
    replacement: '{}',
    why: "an AbortSignal dispatches 'abort' at most once, and settle() removes the listener anyway",
  },
  {
    verdict: 'equivalent',
    file: 'hash-server.ts',
    mutator: 'BooleanLiteral',
    original: 'true',
    replacement: 'false',
    why: "{ once: true } or closed = true: 'abort' fires at most once; and the server emits 'close' a tick after its last connection closed, when every queued job was already aborted, so no dispatch after close() ever finds a job to start a worker for",
  },
  {
    verdict: 'equivalent',
    file: 'hash-server.ts',
    mutator: 'MethodExpression',
    original: 'Math.max(1, availableParallelism() - 1)',
    replacement: 'Math.min(1, availableParallelism() - 1)',
    why: 'on this 2-core machine both give 1; the spec of the default pool kills it on 3 cores or more',
  },
  {
    verdict: 'not measurable',
    file: 'hash-server.ts',
    why: "sha256Rounds() and hashWorker()'s body run only in the worker threads, which load the file from disk through tsx, outside Stryker's instrumented module and its coverage: no mutant there is ever active (the specs check the digests against node:crypto)",
  },
] satisfies readonly Judgement[];
