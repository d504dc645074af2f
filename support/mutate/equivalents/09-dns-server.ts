import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'dns-server.ts',
    mutator: 'StringLiteral',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
    original: '`an MX preference is a 16-bit integer, not ${preference}`',
    replacement: '``',
    why: 'the RangeError is caught by answerQuery and becomes SERVFAIL; its message is never seen',
  },
  {
    verdict: 'equivalent',
    file: 'dns-server.ts',
    mutator: 'ConditionalExpression',
    original: "held !== ''",
    replacement: 'true',
    why: 'it differs only for a zone that holds the root itself, and then the equality test just above has already returned its records',
  },
  {
    verdict: 'equivalent',
    file: 'dns-server.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'in held !== \'\': a held name is never "Stryker was here!", so the test is true as in the judgement above, which holds for the same reason',
  },
] satisfies readonly Judgement[];
