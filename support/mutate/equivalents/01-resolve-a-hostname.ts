import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'hosts.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'a default for a missing address field or missing hosts text: "Stryker was here!" is no address either, so the line still gives no entry',
  },
  {
    verdict: 'equivalent',
    file: 'hosts.ts',
    mutator: 'Regex',
    original: '/[ \\t\\v\\f\\r]+/',
    replacement: '/[ \\t\\v\\f\\r]/',
    why: 'splitting on each blank instead of each run only adds empty fields, which the next step drops',
  },
  {
    verdict: 'equivalent',
    file: 'hosts.ts',
    mutator: 'ConditionalExpression',
    original: "error instanceof Error && 'code' in error",
    replacement: 'true',
    why: 'dns.lookup rejects only with Error objects that carry a code; for them the guard is always true',
  },
  {
    verdict: 'equivalent',
    file: 'hosts.ts',
    mutator: 'LogicalOperator',
    original: "error instanceof Error && 'code' in error",
    replacement: "error instanceof Error || 'code' in error",
    why: 'dns.lookup rejects only with Error objects that carry a code; for them both guards are true',
  },
] satisfies readonly Judgement[];
