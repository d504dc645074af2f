import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'prefork.ts',
    mutator: 'ArrayDeclaration',
    original: "['--import', 'tsx']",
    replacement: '[]',
    why: 'only under npm run mutate, whose NODE_OPTIONS already holds --import tsx for every child; in a plain vitest run the children fail with ERR_UNKNOWN_FILE_EXTENSION and every spec fails (checked)',
  },
  {
    verdict: 'equivalent',
    file: 'prefork.ts',
    mutator: 'BooleanLiteral',
    original: 'false',
    replacement: 'true',
    why: "silent only pipes the children's stdout and stderr to the primary instead of inheriting them: nothing a client or the primary's API can see",
  },
  {
    verdict: 'equivalent',
    file: 'prefork.ts',
    mutator: 'ConditionalExpression',
    original: 'worker.process.pid === undefined',
    replacement: 'false',
    why: 'a forked child has no pid only when spawning node itself failed, which cluster.fork() cannot make happen here; every worker in the set has a pid',
  },
  {
    verdict: 'equivalent',
    file: 'prefork.ts',
    mutator: 'ArrayDeclaration',
    original: '[]',
    replacement: '["Stryker was here"]',
    why: 'the branch for a worker without a pid, which never runs (see the ConditionalExpression above)',
  },
] satisfies readonly Judgement[];
