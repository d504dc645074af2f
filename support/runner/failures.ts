/**
 * What went wrong in one spec, in a shape the screen can explain: a stub not yet
 * written, a property with its counterexample and seed, an assertion with its
 * diff, a wait that never ended, or any other error.
 */
import { stripVTControlCharacters } from 'node:util';
import type { TestResultFailed } from 'vitest/node';
import { KATA_TODO } from '../kata-todo.ts';
import { shown } from './paths.ts';

type TestError = TestResultFailed['errors'][number];

export type Failure =
  | { readonly kind: 'todo'; readonly functionName: string; readonly where?: string }
  | {
      readonly kind: 'property';
      readonly message: string;
      readonly seed?: string;
      readonly path?: string;
      readonly where?: string;
    }
  | {
      readonly kind: 'assertion';
      readonly message: string;
      readonly diff?: string;
      readonly where?: string;
    }
  | { readonly kind: 'timeout'; readonly message: string; readonly where?: string }
  | { readonly kind: 'error'; readonly message: string; readonly where?: string };

const TODO_FUNCTION = /^(\S+)\(\) is not written yet/;
const QUOTED_TODO = new RegExp(`${KATA_TODO}: (\\S+)\\(\\) is not written yet`);
const PROPERTY = /Property failed after/;
/** fast-check's own advice about its verbose mode: noise on a learner's screen. */
const FAST_CHECK_NOISE = /^Hint: Enable verbose mode/;
const SEED = /seed: (-?\d+), path: "([^"]*)"/;
const VITEST_TIMEOUT = /^Test timed out in \d+ms/;

/** The first stack frame in the repository's katas or solutions: where the learner should look. */
function whereOf(error: TestError): string | undefined {
  const frame = error.stacks?.find((s) => /[\\/](katas|solutions)[\\/]/.test(s.file));
  return frame ? `${shown(frame.file)}:${frame.line}` : undefined;
}

const stripAnsi = stripVTControlCharacters;

export function classify(error: TestError): Failure {
  const where = whereOf(error);
  const message = stripAnsi(error.message ?? String(error));
  // fast-check keeps what the predicate threw as the cause: a property over an unwritten function is a todo too.
  const thrown = PROPERTY.test(message) && error.cause ? error.cause : error;
  const todo =
    thrown.name === KATA_TODO ? TODO_FUNCTION.exec(stripAnsi(thrown.message ?? '')) : null;
  if (todo?.[1]) return { kind: 'todo', functionName: todo[1], where: whereOf(thrown) ?? where };
  // An assertion about what the stub returned or threw (`.resolves`, `.rejects.toThrow(X)`) quotes the KataTodo.
  const quoted = QUOTED_TODO.exec(message);
  if (quoted?.[1]) return { kind: 'todo', functionName: quoted[1] };
  if (PROPERTY.test(message)) {
    const seed = SEED.exec(message);
    const report = message.split('\n').filter((line) => !FAST_CHECK_NOISE.test(line));
    const cause = thrown === error ? [] : ['Got:', stripAnsi(thrown.message ?? '')];
    return {
      kind: 'property',
      message: [...report, ...cause].join('\n').trim(),
      seed: seed?.[1],
      path: seed?.[2],
      where,
    };
  }
  if (VITEST_TIMEOUT.test(message) || error.name === 'NeverHappened') {
    return { kind: 'timeout', message, where };
  }
  if (error.diff !== undefined) {
    return { kind: 'assertion', message, diff: stripAnsi(error.diff), where };
  }
  return {
    kind: 'error',
    message: error.name && error.name !== 'Error' ? `${error.name}: ${message}` : message,
    where,
  };
}
