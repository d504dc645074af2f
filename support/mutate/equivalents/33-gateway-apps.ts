import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'apps.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: "the defaults of `[mediaType = '']` and `form.get(…) ?? ''` are never a media type nor an integer: a split always has a first element, and a missing operand fails INTEGER either way",
  },
  {
    verdict: 'equivalent',
    file: 'apps.ts',
    mutator: 'StringLiteral',
    original: "'hello answers GET and HEAD\\n'",
    replacement: '""',
    why: 'HELLO_NOT_ALLOWED is a given constant of the stub: the spec compares the 405 body with the constant itself',
  },
] satisfies readonly Judgement[];
