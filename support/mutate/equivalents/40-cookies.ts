import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'cookie.ts',
    mutator: 'EqualityOperator',
    original: 'equals < 0',
    replacement: 'equals <= 0',
    why: 'a piece whose first character is "=" has the empty name, which the next check skips anyway (RFC 6265 §5.2: "If the name string is empty, ignore" it)',
  },
] satisfies readonly Judgement[];
