import { fc, test } from '@fast-check/vitest';
import { Hono } from 'hono';
import { describe, expect } from 'vitest';
import {
  chunkings,
  connect,
  listen,
  readToEnd,
  within,
  writeChunks,
} from '../../support/harness/index.ts';
import { call as callApp, environ, header } from '../33-gateway-apps/fixtures/gateway.ts';
import type { App, Environ } from '../33-gateway-apps/gateway.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import { type Reply, type Resource, type Route, router } from './routing.ts';

/** Kata 33's fixture plays the server; a router that never finishes its answer fails fast. */
const call = (app: App, env: Environ) =>
  within(callApp(app, env), 'the app never finished its response (startResponse, then the body)');

/**
 * The route tables both routers are given. Hono writes a parameter `:name{regex}` and matches
 * a path decoded with decodeURI, which keeps RFC 3986's reserved characters (`%3A`, `%40`, …)
 * encoded; this router keeps only `%2F` and `%25`. The two agree wherever a literal segment
 * holds no reserved character and no parameter's regex matches `%` or a reserved character
 * but through `[^/]`: the tables here keep to that.
 */
const REGEXES = ['[^/]+', '\\d+', '[a-z]+', '[a-z0-9-]+'] as const;
const LITERALS = ['a', 'b', 'users', 'x-1', '_z', '~t', '7'] as const;
/** Hono has no 405: only methods that mean something to both are drawn. */
const TABLE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type TableMethod = (typeof TABLE_METHODS)[number];

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly regex: (typeof REGEXES)[number]; readonly named: boolean };

interface TableRoute {
  readonly segments: readonly Segment[];
  readonly methods: readonly TableMethod[];
}

const segment: fc.Arbitrary<Segment> = fc.oneof(
  fc.constantFrom(...LITERALS).map((text) => ({ kind: 'literal', text }) as const),
  fc
    .record({ regex: fc.constantFrom(...REGEXES), named: fc.boolean() })
    .map((param) => ({ kind: 'param', ...param }) as const),
);

const tableRoute: fc.Arbitrary<TableRoute> = fc.record({
  segments: fc.array(segment, { maxLength: 3 }),
  methods: fc.uniqueArray(fc.constantFrom(...TABLE_METHODS), { minLength: 1, maxLength: 3 }),
});

/** This router's pattern: each parameter a group, named or not (named groups count too). */
function patternOf(route: TableRoute): string {
  const parts = route.segments.map((s, i) => {
    if (s.kind === 'literal') return `/${s.text}`;
    return s.named ? `/(?<p${i}>${s.regex})` : `/(${s.regex})`;
  });
  return parts.join('') || '/';
}

/** Hono's path for the same route. */
function honoPathOf(route: TableRoute): string {
  return `/${route.segments.map((s, i) => (s.kind === 'literal' ? s.text : `:p${i}{${s.regex}}`)).join('/')}`;
}

/** Which route answered, and with which arguments: a header, so that HEAD shows it too. */
const ROUTE_HEADER = 'X-Route';
const routeValue = (index: number | string, args: readonly string[]) =>
  encodeURIComponent(JSON.stringify([index, ...args]));

/** This router's routes for the table; each answers its index (after `tag`, if given). */
function ourRoutes(table: readonly TableRoute[], tag?: string): Route[] {
  return table.map((route, index) => {
    const answer = (_environ: Environ, ...args: string[]): Reply => ({
      headers: [[ROUTE_HEADER, routeValue(tag === undefined ? index : `${tag}${index}`, args)]],
      body: 'routed',
    });
    const resource: Resource = Object.fromEntries(route.methods.map((m) => [m, answer]));
    return [patternOf(route), resource];
  });
}

const ours = (table: readonly TableRoute[]): App => router(ourRoutes(table));

/** Hono with the same table; `anyMethod`: every route for every method (which path matches first). */
function theirs(table: readonly TableRoute[], anyMethod = false, tag?: string, app = new Hono()) {
  table.forEach((route, index) => {
    const names = route.segments.flatMap((s, i) => (s.kind === 'param' ? [`p${i}`] : []));
    const methods = anyMethod ? [...TABLE_METHODS] : [...route.methods];
    app.on(methods, honoPathOf(route), (c) => {
      const id = tag === undefined ? index : `${tag}${index}`;
      c.header(
        ROUTE_HEADER,
        routeValue(
          id,
          names.map((name) => c.req.param(name) ?? ''),
        ),
      );
      return c.text('routed');
    });
  });
  return app;
}

/** A parameter's value as a client sends it: often one the regexes take, sometimes anything. */
const value = fc
  .oneof(
    fc.stringMatching(/^\d{1,3}$/),
    fc.stringMatching(/^[a-z]{1,4}$/),
    fc.stringMatching(/^[a-z0-9-]{1,4}$/),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
  )
  .map(encodeURIComponent)
  // the WHATWG URL parser (Hono's Request) removes dot-segments (RFC 3986 §5.2.4)
  .filter((raw) => raw !== '.' && raw !== '..');

/** A value its regex takes, most of the time. */
const MATCHING = {
  '[^/]+': value,
  '\\d+': fc.stringMatching(/^\d{1,3}$/),
  '[a-z]+': fc.stringMatching(/^[a-z]{1,4}$/),
  '[a-z0-9-]+': fc.stringMatching(/^[a-z0-9-]{1,4}$/),
} as const satisfies Record<(typeof REGEXES)[number], fc.Arbitrary<string>>;
const valueFor = (regex: (typeof REGEXES)[number]) =>
  fc.oneof({ arbitrary: MATCHING[regex], weight: 4 }, { arbitrary: value, weight: 1 });

/** A path made for one route of the table (or for none), some letters percent-encoded. */
function pathFor(table: readonly TableRoute[]): fc.Arbitrary<string> {
  const fromRoute = fc.nat({ max: Math.max(0, table.length - 1) }).chain((index) => {
    const route = table[index] ?? { segments: [], methods: [] };
    return fc
      .tuple(
        ...route.segments.map((s) =>
          s.kind === 'literal' ? fc.constant(s.text) : valueFor(s.regex),
        ),
      )
      .map((raws) => `/${raws.join('/')}`);
  });
  const anyPath = fc
    .array(fc.oneof(fc.constantFrom(...LITERALS), value), { maxLength: 4 })
    .map((raws) => `/${raws.join('/')}`);
  // RFC 3986 §6.2.2.2: %61 is a; both routers decode it before they match (hex escapes are
  // upper case, so no lower-case letter is part of one)
  const encoded = fc.option(fc.constantFrom(...'abdstuxz-_~'), { nil: undefined });
  return fc
    .tuple(
      table.length > 0
        ? fc.oneof({ arbitrary: fromRoute, weight: 3 }, { arbitrary: anyPath, weight: 1 })
        : anyPath,
      encoded,
    )
    .map(([path, letter]) =>
      letter === undefined
        ? path
        : path.replaceAll(letter, `%${letter.charCodeAt(0).toString(16).toUpperCase()}`),
    );
}

const requestOf = (table: readonly TableRoute[]) =>
  fc.record({
    path: pathFor(table),
    method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'),
  });

const tableAndRequest = fc
  .array(tableRoute, { maxLength: 6 })
  .chain((table) => fc.tuple(fc.constant(table), requestOf(table)));

async function honoAnswer(app: Hono, path: string, method: string) {
  const response = await within(
    Promise.resolve(app.request(path, { method })),
    'Hono never answered',
  );
  return { status: response.status, route: response.headers.get(ROUTE_HEADER) };
}

describe('peer: the same route table as a Hono app (app.on(method, path), :name{regex})', () => {
  test.prop([tableAndRequest], { numRuns: 150 })(
    'the first pattern that matches wins with the same arguments; its methods answer, the others 405',
    async ([table, { path, method }]) => {
      const mine = await call(ours(table), environ({ method, target: path }));
      // Hono with every route for every method: the route whose pattern matches first
      const first = await honoAnswer(theirs(table, true), path, 'GET');
      if (first.status === 404) {
        expect(mine.code).toBe(404);
        return;
      }
      const [index] = JSON.parse(decodeURIComponent(first.route ?? '')) as [number];
      const { methods } = table[index] as TableRoute;
      const has = (m: string) =>
        methods.some((own) => own === m || (m === 'HEAD' && own === 'GET'));
      if (has(method)) {
        expect([mine.code, header(mine, ROUTE_HEADER)]).toEqual([200, first.route]);
        // RFC 9110 §9.3.2 in both: HEAD is answered by GET's handler
        const hono = await honoAnswer(theirs(table), path, method);
        expect(hono.route).toBe(first.route);
      } else {
        const allowed = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(has);
        expect([mine.code, header(mine, 'allow')]).toEqual([405, allowed.join(', ')]);
        // Hono has no 405: it goes on to a later route that has the method, or answers 404
        const hono = await honoAnswer(theirs(table), path, method);
        if (hono.status !== 404) {
          const [later] = JSON.parse(decodeURIComponent(hono.route ?? '')) as [number];
          expect(later).toBeGreaterThan(index);
        }
      }
    },
  );
});

/** Routes before a mount, the mount (a literal prefix and a sub-table), routes after it. */
const mountedTable = fc.record({
  before: fc.array(tableRoute, { maxLength: 2 }),
  prefix: fc.array(fc.constantFrom(...LITERALS), { minLength: 1, maxLength: 2 }),
  // Hono's mergePath makes a sub-route '/' the prefix itself: the sub-routes have a segment
  sub: fc.array(
    tableRoute.filter((route) => route.segments.length > 0),
    { minLength: 1, maxLength: 3 },
  ),
  after: fc.array(tableRoute, { maxLength: 2 }),
});
type MountedTable = typeof mountedTable extends fc.Arbitrary<infer T> ? T : never;

/** Every route as one flat table, the sub-routes under their prefix: what paths are made for. */
const flat = (t: MountedTable): TableRoute[] => [
  ...t.before,
  ...t.sub.map((route) => ({
    ...route,
    segments: [...t.prefix.map((text) => ({ kind: 'literal', text }) as const), ...route.segments],
  })),
  ...t.after,
];

const mountedAndRequest = mountedTable.chain((t) => fc.tuple(fc.constant(t), requestOf(flat(t))));

describe("peer: a sub-table mounted on a prefix, and Hono's app.route(prefix, subApp)", () => {
  test.prop([mountedAndRequest], { numRuns: 100 })(
    'the same route with the same arguments; only a mount whose prefix matched keeps a request from later routes',
    async ([t, { path, method }]) => {
      const prefix = `/${t.prefix.join('/')}`;
      const mine = await call(
        router([
          ...ourRoutes(t.before, 'b'),
          [prefix, router(ourRoutes(t.sub, 'm'))],
          ...ourRoutes(t.after, 'a'),
        ]),
        environ({ method, target: path }),
      );
      const hono = (anyMethod: boolean) => {
        const app = theirs(t.before, anyMethod, 'b');
        app.route(prefix, theirs(t.sub, anyMethod, 'm'));
        return theirs(t.after, anyMethod, 'a', app);
      };
      const first = await honoAnswer(hono(true), path, 'GET');
      if (first.status === 404) {
        expect(mine.code).toBe(404);
        return;
      }
      const [id = ''] = JSON.parse(decodeURIComponent(first.route ?? '')) as [string];
      const segments = path.split('/').slice(1).map(decodeURIComponent);
      if (id.startsWith('a') && mine.code === 404) {
        // the mount took the request, and its sub-table had no route for it: PEP 3333's mount
        // is an app of its own, where Hono's route() only adds routes to one table
        expect(t.prefix.every((text, i) => segments[i] === text)).toBe(true);
        return;
      }
      const tables = { b: t.before, m: t.sub, a: t.after } as const;
      const route = tables[id[0] as keyof typeof tables][Number(id.slice(1))] as TableRoute;
      const has = route.methods.some(
        (own) => own === method || (method === 'HEAD' && own === 'GET'),
      );
      expect(mine.code).toBe(has ? 200 : 405);
      if (has) expect(header(mine, ROUTE_HEADER)).toBe(first.route);
    },
  );
});

/** A path segment as a client may send it: any characters, percent-encoded. */
const anySegment = fc.string({ unit: 'binary', minLength: 1, maxLength: 6 });

describe('RFC 3986 §2.2, §2.4: the path is split at its slashes, then each group decoded once', () => {
  test.prop([anySegment], { numRuns: 100 })(
    'a segment sent encoded is one [^/]+ argument, decoded: slashes, % and all',
    async (text) => {
      const app = router([['/x/([^/]+)', { GET: (_env, arg) => arg }]]);
      const response = await call(app, environ({ target: `/x/${encodeURIComponent(text)}` }));
      expect(response.text).toBe(text);
    },
  );

  test.prop([fc.array(anySegment, { minLength: 1, maxLength: 5 }), fc.nat()], { numRuns: 100 })(
    'PEP 3333: a mount moves its decoded prefix to SCRIPT_NAME; the router inside sees the raw rest',
    async (texts, cut) => {
      const raws = texts.map(encodeURIComponent);
      const k = cut % (raws.length + 1);
      let seen: Environ | undefined;
      // the inner router has one route per number of segments: it answers how many it saw
      const inner = router(
        Array.from(
          { length: raws.length + 1 },
          (_, n): Route => [
            '/[^/]+'.repeat(n),
            {
              GET: (env) => {
                seen = env;
                return String(n);
              },
            },
          ],
        ),
      );
      const app = router([[`(?:/[^/]+){${k}}`, inner]]);
      const response = await call(app, environ({ target: `/${raws.join('/')}` }));
      const prefix = texts
        .slice(0, k)
        .map((t) => `/${t}`)
        .join('');
      const rest = texts
        .slice(k)
        .map((t) => `/${t}`)
        .join('');
      expect(response.text).toBe(String(texts.length - k));
      expect([seen?.SCRIPT_NAME, seen?.PATH_INFO]).toEqual([prefix, rest]);
    },
  );
});

/** A reply with any status a handler may give, fields, and a body. */
const reply = fc.record({
  status: fc.constantFrom(200, 201, 202, 203, 206, 299, 301, 400, 404, 410, 418, 500, 503),
  headers: fc.array(
    fc.tuple(fc.stringMatching(/^X-[A-Za-z0-9-]{1,8}$/), fc.stringMatching(/^[\x21-\x7e]{0,12}$/)),
    { maxLength: 3 },
  ),
  body: fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.uint8Array({ maxLength: 40 })),
});

describe('RFC 9110 §9.3.2: HEAD is GET with the same fields and no content', () => {
  test.prop([reply], { numRuns: 100 })(
    'for any reply of GET, HEAD has its status and fields, Content-Length included, and no body',
    async (r) => {
      const app = router([['/', { GET: () => r }]]);
      const get = await call(app, environ({ method: 'GET' }));
      const head = await call(app, environ({ method: 'HEAD' }));
      expect([head.status, head.headers]).toEqual([get.status, get.headers]);
      expect(head.body.byteLength).toBe(0);
      expect(header(get, 'content-length')).toBe(String(get.body.byteLength));
    },
  );
});

describe("through kata 34's server: the request-target as sent reaches the router, cut anywhere", () => {
  test.prop(
    [
      anySegment.chain((text) => {
        const target = `/files/${encodeURIComponent(text)}`;
        const request = `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
        return fc.tuple(fc.constant(text), chunkings(Buffer.from(request)));
      }),
    ],
    { numRuns: 20 },
  )('GET /files/<encoded> answers the name decoded, once', async ([text, chunks]) => {
    const port = await listen(
      serveGateway(router([['/files/([^/]+)', { GET: (_e, name) => name }]])),
    );
    const socket = await connect(port);
    await writeChunks(socket, chunks);
    const reply = await readToEnd(socket, 'the server never answered and closed');
    const [head = '', ...body] = reply.toString('utf8').split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(body.join('\r\n\r\n')).toBe(text);
  });
});
