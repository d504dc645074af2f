import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'directory-listing.ts',
    mutator: 'BlockStatement',
    original:
      '{\n    // gone, a dangling link, a loop, no permission: nothing this server serves\n    return undefined;\n  }',
    replacement: '{}',
    why: 'an empty catch block falls off the end of kindOf, which returns undefined all the same',
  },
  {
    verdict: 'equivalent',
    file: 'directory-listing.ts',
    mutator: 'ConditionalExpression',
    original: "resolution.kind === 'refused'",
    replacement: 'false',
    why: "a refused resolution has no path: kindOf(realRoot, undefined) fails inside its try and answers undefined, so kata 28's handler gives the same refusal",
  },
  {
    verdict: 'equivalent',
    file: 'directory-listing.ts',
    mutator: 'StringLiteral',
    original: "'refused'",
    replacement: '""',
    why: "as above: the refused resolution goes on to kindOf, which finds no path and answers undefined, so kata 28's handler answers it the same",
  },
  {
    verdict: 'equivalent',
    file: 'directory-listing.ts',
    mutator: 'Regex',
    original: '/^\\/+/',
    replacement: '/\\/+/',
    why: 'every request path starts with "/" (origin-form, and kata 16 makes an empty URL path "/"), so the first run of slashes is the leading one',
  },
] satisfies readonly Judgement[];
