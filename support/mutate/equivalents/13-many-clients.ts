import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'slow-server.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'the defaults of ms and message apply only when fewer than two arguments came, and those lines are refused first; and pending is never read again after refuse() has ended the connection',
  },
  {
    verdict: 'equivalent',
    file: 'slow-server.ts',
    mutator: 'StringLiteral',
    original: "'delay'",
    replacement: '""',
    why: "the answer tests kind === 'error' only: every other request is a delay",
  },
  {
    verdict: 'equivalent',
    file: 'slow-server.ts',
    mutator: 'ConditionalExpression',
    original: '!socket.writable',
    replacement: 'false',
    why: "an answer resolves only while the socket is open: the server ends its side only when no answer is pending, and a reset aborts the answer, which then rejects; a write after all would only raise an 'error' that the listener takes",
  },
  {
    verdict: 'equivalent',
    file: 'slow-server.ts',
    mutator: 'ArrowFunction',
    original: '() => socket.destroy()',
    replacement: '() => undefined',
    why: "the delay answer rejects only when its signal aborts, on the socket's 'close': the socket is already destroyed",
  },
] satisfies readonly Judgement[];
