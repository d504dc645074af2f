import type { Judgement } from '../judgement.ts';

const ONE_CHARACTER =
  'the argument is always one character of the input (one UTF-16 code unit) or EOF, the empty string: one anchor is enough to match it whole';

export default [
  {
    verdict: 'equivalent',
    file: 'html-tokenizer.ts',
    mutator: 'Regex',
    original: '/^[A-Za-z]$/',
    replacement: '/[A-Za-z]$/',
    why: ONE_CHARACTER,
  },
  {
    verdict: 'equivalent',
    file: 'html-tokenizer.ts',
    mutator: 'Regex',
    original: '/^[A-Za-z]$/',
    replacement: '/^[A-Za-z]/',
    why: ONE_CHARACTER,
  },
  {
    verdict: 'equivalent',
    file: 'html-tokenizer.ts',
    mutator: 'Regex',
    original: '/^[A-Za-z0-9]$/',
    replacement: '/[A-Za-z0-9]$/',
    why: ONE_CHARACTER,
  },
  {
    verdict: 'equivalent',
    file: 'html-tokenizer.ts',
    mutator: 'Regex',
    original: '/^[A-Za-z0-9]$/',
    replacement: '/^[A-Za-z0-9]/',
    why: ONE_CHARACTER,
  },
  {
    verdict: 'equivalent',
    file: 'html-tokenizer.ts',
    mutator: 'ConditionalExpression',
    original: 'c === EOF',
    replacement: 'false',
    why: 'the before attribute name state: EOF then starts an empty attribute, whose attribute name state sends the EOF on to the after attribute name state, which drops the tag as the direct way does',
  },
  {
    verdict: 'equivalent',
    file: 'extract.ts',
    mutator: 'OptionalChaining',
    original: 'table.row?.push',
    replacement: 'table.row.push',
    why: 'a cell is only ever opened in a row (tableStart opens the row first), so the row is there whenever a cell is closed',
  },
] satisfies readonly Judgement[];
