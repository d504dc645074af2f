import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'smtp-client.ts',
    mutator: 'StringLiteral',
    original: "'latin1'",
    replacement: '""',
    why: 'an empty encoding is UTF-8 to Buffer.from and to setEncoding: the same for the ASCII "." CRLF of an empty message and for reply lines, which are ASCII (RFC 5321 §4.2 textstring)',
  },
  {
    verdict: 'equivalent',
    file: 'smtp-client.ts',
    mutator: 'StringLiteral',
    original: "'utf8'",
    replacement: '""',
    why: 'Buffer.from(text, "") encodes as UTF-8, which is what "utf8" asks for',
  },
  {
    verdict: 'equivalent',
    file: 'smtp-client.ts',
    mutator: 'BooleanLiteral',
    original: 'true',
    replacement: 'false',
    why: 'setNoDelay only changes when small writes leave (Nagle), never which bytes or in what order; the client writes one command and waits for its reply',
  },
  {
    verdict: 'equivalent',
    file: 'smtp-client.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'fallbacks that never apply: localAddress is set once the greeting has arrived, and the code group of a matched reply line is always there',
  },
  {
    verdict: 'equivalent',
    file: 'smtp-client.ts',
    mutator: 'OptionalChaining',
    original: 'this.lines[0]?.startsWith',
    replacement: 'this.lines[0].startsWith',
    why: 'guarded by this.lines.length > 0 just before it: lines[0] is always defined there',
  },
  {
    verdict: 'equivalent',
    file: 'smtp-client.ts',
    mutator: 'ConditionalExpression',
    original: 'this.failure !== undefined',
    replacement: 'false',
    why: 'every next() follows a reply or a write within the same microtasks, before a close or error event can run, so a failure always finds its next() already waiting and is delivered by fail()',
  },
] satisfies readonly Judgement[];
