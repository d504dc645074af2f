import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'request-line.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'the defaults of `const [method, text, version] = parts`: the line has just been checked to split into exactly three non-empty parts',
  },
  {
    verdict: 'equivalent',
    file: 'request-line.ts',
    mutator: 'StringLiteral',
    original: "'/'",
    replacement: '""',
    why: 'the fallback for origin-form\'s path group, which is 1*( "/" segment ) and always takes part in a match',
  },
  {
    verdict: 'equivalent',
    file: 'request-line.ts',
    mutator: 'ConditionalExpression',
    original: 'ABSOLUTE_FORM.test(text)',
    replacement: 'true',
    why: "the scheme check only saves a call: kata 16's splitUrl refuses a text without a valid scheme itself, and both ways end in bad-target",
  },
  {
    verdict: 'equivalent',
    file: 'request-line.ts',
    mutator: 'Regex',
    original: '/^[A-Za-z][A-Za-z0-9+.-]*:/',
    replacement: '/[A-Za-z][A-Za-z0-9+.-]*:/',
    why: "the scheme check only saves a call: kata 16's splitUrl refuses a text that does not start with a valid scheme, and both ways end in bad-target",
  },
] satisfies readonly Judgement[];
