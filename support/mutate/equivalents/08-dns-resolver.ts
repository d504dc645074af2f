import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'resolver.ts',
    mutator: 'BlockStatement',
    original:
      '{\n    // Ignored, not thrown: a forger who cannot guess a whole answer must not be able to\n    // end the query with a few bad octets either. No valid reply: the query times out.\n    return undefined;\n  }',
    replacement: '{}',
    why: 'an empty catch block falls through to the end of the function, which returns undefined too',
  },
  {
    verdict: 'equivalent',
    file: 'resolver.ts',
    mutator: 'EqualityOperator',
    original: 'received.length >= 2',
    replacement: 'received.length > 2',
    why: 'only a lone length prefix announcing 0 octets differs: the original drops that empty non-reply at once, the mutant when the next octets arrive; either way it is skipped and the wait goes on',
  },
] satisfies readonly Judgement[];
