import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'message.ts',
    mutator: 'EqualityOperator',
    original: 'target >= at',
    replacement: 'target > at',
    why: 'a target equal to the pointer’s own offset is refused as pointer-loop on the line before, so only targets above it reach this test',
  },
  {
    verdict: 'equivalent',
    file: 'message.ts',
    mutator: 'EqualityOperator',
    original: 'reader.offset + 2 > end',
    replacement: 'reader.offset + 2 >= end',
    why: 'an MX RDATA of exactly 2 octets has no room for its exchange: the original reads the preference and readName then refuses at RDLENGTH with the same bad-rdata at the same offset',
  },
  {
    verdict: 'equivalent',
    file: 'message.ts',
    mutator: 'ArrowFunction',
    original: '([type, code]) => [code, type as keyof typeof TYPE_CODES]',
    replacement: '() => undefined',
    why: 'not a survivor in truth: new Map([undefined, …]) throws at import, so message.ts cannot load and every spec file fails (checked by hand); Stryker scores a mutant that breaks the module at load as survived (stryker-js #6150)',
  },
] satisfies readonly Judgement[];
