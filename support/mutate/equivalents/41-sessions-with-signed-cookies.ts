import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'sessions.ts',
    mutator: 'ConditionalExpression',
    original: 'at < 0',
    replacement: 'false',
    why: 'with no ".", the text would have to be the HMAC of its own first characters: every such input is false either way',
  },
  {
    verdict: 'equivalent',
    file: 'sessions.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'the Cookie header used when there is none: any text without "=" holds no cookie, and parseCookie gives {} for both',
  },
  {
    verdict: 'equivalent',
    file: 'sessions.ts',
    mutator: 'StringLiteral',
    original: "'sessions.session'",
    replacement: '""',
    why: 'the environ key is read only through session(), which uses the same constant; any name that no server sets works alike',
  },
] satisfies readonly Judgement[];
