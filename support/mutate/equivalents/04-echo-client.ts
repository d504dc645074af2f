import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'echo-client.ts',
    mutator: 'BooleanLiteral',
    original: 'true',
    replacement: 'false',
    why: 'noDelay: each round trip is one write sent only after the whole previous echo (which acknowledges it) is back, so Nagle never has unacknowledged data to wait for',
  },
] satisfies readonly Judgement[];
