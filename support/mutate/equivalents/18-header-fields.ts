import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'header-fields.ts',
    mutator: 'ConditionalExpression',
    original: 'text === lastValidHost',
    replacement: 'false',
    why: 'the one-entry cache of the last valid Host never hit: every Host is read again by splitUrl, with the same verdict; only slower',
  },
] satisfies readonly Judgement[];
