import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'header-fields.ts',
    mutator: 'BlockStatement',
    original: '{\n    return false;\n  }',
    replacement: '{}',
    why: 'the function then returns undefined, which its only caller reads as false too',
  },
] satisfies readonly Judgement[];
