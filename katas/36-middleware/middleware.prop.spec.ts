import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { chunked } from '../../support/harness/index.ts';
import { call, environ } from '../33-gateway-apps/fixtures/gateway.ts';
import type { App } from '../33-gateway-apps/gateway.ts';
import {
  compose,
  ERROR_PAGE,
  ERROR_STATUS,
  errors,
  logger,
  type Middleware,
} from './middleware.ts';

const encoder = new TextEncoder();

describe('PEP 3333 middleware: compose(m1, …, mn)(app) is m1(…(mn(app)))', () => {
  test.prop([fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 6 })], {
    numRuns: 100,
  })(
    'requests pass the middleware in the order listed, responses in the reverse order',
    async (names) => {
      const trace: string[] = [];
      const traced =
        (name: string): Middleware =>
        (app) =>
        (env, startResponse) => {
          trace.push(`> ${name}`);
          return app(env, (status, headers, excInfo) => {
            trace.push(`< ${name}`);
            return startResponse(status, headers, excInfo);
          });
        };
      const app: App = (_env, startResponse) => {
        startResponse('200 OK', []);
        return [];
      };
      await call(compose(...names.map(traced))(app), environ());
      expect(trace).toEqual([
        ...names.map((n) => `> ${n}`),
        ...[...names].reverse().map((n) => `< ${n}`),
      ]);
    },
  );
});

describe('logger(): BYTES is every octet of the body, however it is cut', () => {
  test.prop([chunked(fc.uint8Array({ maxLength: 300 }))], { numRuns: 60 })(
    'the count equals the length of the body the client gets',
    async ({ bytes, chunks }) => {
      const lines: string[] = [];
      const app: App = (_env, startResponse) => {
        startResponse('200 OK', []);
        return chunks;
      };
      const response = await call(
        logger({ write: (l) => lines.push(l), now: () => 0 })(app),
        environ(),
      );
      expect(response.body.length).toBe(bytes.length);
      expect(lines).toEqual([`GET / 200 ${bytes.length} 0ms\n`]);
    },
  );
});

describe('errors(): a 500 exactly while no octet of the body has gone', () => {
  test.prop([fc.array(fc.nat({ max: 3 }), { maxLength: 5 })], { numRuns: 60 })(
    'chunks of these lengths, then a throw: 500 if all were empty, else the error goes on',
    async (lengths) => {
      const failure = new Error('late');
      const app: App = (_env, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return (function* () {
          for (const length of lengths) yield encoder.encode('x'.repeat(length));
          throw failure;
        })();
      };
      const pending = call(errors()(app), environ());
      if (lengths.every((length) => length === 0)) {
        const response = await pending;
        expect(response.status).toBe(ERROR_STATUS);
        expect(response.text).toBe(ERROR_PAGE);
      } else {
        await expect(pending).rejects.toBe(failure);
      }
    },
  );
});
