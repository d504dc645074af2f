import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'server.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: "the default of the request-line in `const [requestLine = '', …] = head.split(CRLF)`: split always returns at least one string, so the default is never used; the two ?? '' of the addresses are the same case (a connected socket always has both addresses)",
  },
  {
    verdict: 'equivalent',
    file: 'server.ts',
    mutator: 'MethodExpression',
    original: 'Math.max(0, scanned - skip)',
    replacement: 'Math.min(0, scanned - skip)',
    why: 'the bare-LF scan then starts at the beginning of the head every time: the same octets are checked again and the same LF is found; only slower',
  },
  {
    verdict: 'equivalent',
    file: 'server.ts',
    mutator: 'EqualityOperator',
    original: 'i < limit',
    replacement: 'i <= limit',
    why: 'the octet at limit is the CR of the final CR LF CR LF, or past the end of the buffer (undefined): neither is a LF',
  },
  {
    verdict: 'equivalent',
    file: 'server.ts',
    mutator: 'ConditionalExpression',
    original:
      'error instanceof RequestLineError ||\n    error instanceof FieldError ||\n    error instanceof BodyError',
    replacement: 'true',
    why: "inside push only katas 17–19 throw their errors, and the reader's own RequestError, rewrapped with its own status, reason and message, is the same error",
  },
  {
    verdict: 'equivalent',
    file: 'server.ts',
    mutator: 'ConditionalExpression',
    original: '!(error instanceof RequestError)',
    replacement: 'false',
    why: 'the reference reader throws only RequestError; the 500 guards against a bug in a learner’s chapter 3 module, which the reference never has',
  },
  {
    verdict: 'equivalent',
    file: 'hello-server.ts',
    mutator: 'ConditionalExpression',
    original: "target.form === 'origin'",
    replacement: 'true',
    why: 'GET and HEAD come in origin-form or absolute-form only (kata 17 refuses authority-form without CONNECT and asterisk-form without OPTIONS), and every other method is 405 first',
  },
  {
    verdict: 'equivalent',
    file: 'hello-server.ts',
    mutator: 'ObjectLiteral',
    original: "{ path: '', query: undefined }",
    replacement: '{}',
    why: 'NO_PATH is only reached by an authority- or asterisk-form target, which a GET or HEAD never has (see above)',
  },
  {
    verdict: 'equivalent',
    file: 'hello-server.ts',
    mutator: 'StringLiteral',
    original: "''",
    replacement: '"Stryker was here!"',
    why: 'the path of NO_PATH, unreachable for GET and HEAD (see above); any path without a leading / would be 404 anyway',
  },
] satisfies readonly Judgement[];
