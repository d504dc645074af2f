import type { Judgement } from '../judgement.ts';

const why =
  "with Node's default allowHalfOpen: false, Node ends the writable side after 'end', once queued writes are flushed, as pipe() does: every byte of an echo is queued before 'end', so nothing on the wire differs (the lesson says so)";

export default [
  {
    verdict: 'equivalent',
    file: 'echo-server.ts',
    mutator: 'ObjectLiteral',
    original: '{ allowHalfOpen: true }',
    replacement: '{}',
    why,
  },
  {
    verdict: 'equivalent',
    file: 'echo-server.ts',
    mutator: 'BooleanLiteral',
    original: 'true',
    replacement: 'false',
    why,
  },
] satisfies readonly Judgement[];
