import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'query.ts',
    mutator: 'StringLiteral',
    original: "'latin1'",
    replacement: '""',
    why: 'non-ASCII names are refused before this line, and for ASCII labels the default encoding (UTF-8) writes the same octets as Latin-1',
  },
] satisfies readonly Judgement[];
