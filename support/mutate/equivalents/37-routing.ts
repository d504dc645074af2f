import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'routing.ts',
    mutator: 'Regex',
    original: '/\\?.*$/su',
    replacement: '/\\?.*/su',
    why: 'with the s flag, a greedy .* after the ? already runs to the end of the request-target',
  },
  {
    verdict: 'equivalent',
    file: 'routing.ts',
    mutator: 'EqualityOperator',
    original: 'k <= segments.length',
    replacement: 'k < segments.length',
    why: 'the last k leaves an empty rest, which is what the PATH_INFO fallback gives too: the prefix was all of PATH_INFO and PATH_INFO is empty',
  },
  {
    verdict: 'equivalent',
    file: 'routing.ts',
    mutator: 'StringLiteral',
    original: "'routing.params'",
    replacement: '""',
    why: 'the environ key is read only through routeParams, which uses the same constant; any name that no server sets works alike',
  },
] satisfies readonly Judgement[];
