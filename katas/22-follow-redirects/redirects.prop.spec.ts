import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { chunkings, shown, within } from '../../support/harness/index.ts';
import type { HeaderField, RequestMethod } from '../21-http-get/http-get.ts';
import { fields } from './fixtures/field-section.ts';
import { fetchFollowing, redirect, type Seen, serveRaw, serveSite } from './fixtures/servers.ts';
import {
  type ChainRequest,
  REDIRECT_STATUSES,
  RedirectError,
  type RedirectStatus,
  redirectRequest,
  request,
} from './redirects.ts';

const METHODS: readonly RequestMethod[] = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
];
/** RFC 9110 §15.4 step 5's content-specific fields, less Content-Length (send's own). */
const CONTENT = [
  'content-type',
  'content-language',
  'content-encoding',
  'content-location',
  'digest',
  'last-modified',
];
/** RFC 9110 §15.4 step 3's credentials, and Proxy-Authorization as undici drops it too. */
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];
/** Fields that no rule touches. */
const OTHERS = ['accept', 'x-trace', 'content-disposition'];

/** `name` with the letters whose bit is set in `mask` in uppercase: names are case-insensitive (RFC 9110 §5.1). */
const cased = (name: string, mask: number) =>
  [...name].map((c, i) => ((mask >> i) & 1 ? c.toUpperCase() : c)).join('');

/** Some of these fields, each once, in any order and case, each with a value. */
const someFields = (names: readonly string[]): fc.Arbitrary<HeaderField[]> =>
  fc
    .uniqueArray(
      fc.tuple(fc.constantFrom(...names), fc.nat(), fc.stringMatching(/^[a-z0-9=]{1,8}$/)),
      {
        selector: ([name]) => name,
        maxLength: names.length,
      },
    )
    .map((lines) => lines.map(([name, mask, value]): HeaderField => [cased(name, mask), value]));

const status = fc.constantFrom(...REDIRECT_STATUSES);
const method = fc.constantFrom(...METHODS);
const content = fc.option(
  fc.uint8Array({ maxLength: 64 }).map((b) => shown(Buffer.from(b))),
  {
    nil: undefined,
  },
);

/** RFC 9110 §15.4: what the next request is, by the rule, status by status. */
describe('RFC 9110 §15.4: the next request, for any method, status, fields and content', () => {
  test.prop(
    [method, status, someFields([...CONTENT, ...CREDENTIALS, ...OTHERS]), content, fc.boolean()],
    { numRuns: 300 },
  )(
    'the method changes to GET only for 301/302 after POST and 303 after anything but GET and HEAD; the content and its fields go with it; credentials stay within the origin',
    (method, status, headers, body, leave) => {
      const current: ChainRequest = { url: 'http://a.test/x', method, headers, body };
      const step = redirectRequest(current, {
        status,
        headers: fields(['Location', leave ? 'http://b.test/y' : '/y']),
      });
      const toGet =
        ((status === 301 || status === 302) && method === 'POST') ||
        (status === 303 && method !== 'GET' && method !== 'HEAD');
      const kept = headers.filter(([name]) => {
        const lower = name.toLowerCase();
        if (toGet && CONTENT.includes(lower)) return false;
        return !(leave && CREDENTIALS.includes(lower));
      });
      expect(step).toEqual({
        kind: 'redirect',
        request: {
          url: leave ? 'http://b.test/y' : 'http://a.test/y',
          method: toGet ? 'GET' : method,
          headers: kept,
          ...(toGet ? {} : { body }),
        },
      });
    },
  );
});

/* ---- generated references, where RFC 3986 and WHATWG URL (fetch's parser) agree ---- */

/**
 * A path segment: pchar (RFC 3986 §3.3) without "h" (the servers route on "h<n>"), without
 * ":" (not allowed in a relative reference's first segment) and without "%2e" (a dot to
 * WHATWG URL, a plain octet to RFC 3986); "." and ".." often. No other segment starts with
 * ".": Node 20's URL parser (ada 2.9) leaves the "./" of "/b/.c/./d" in place, against
 * WHATWG URL and RFC 3986 §5.2.4 alike, and fetch would send it so.
 */
const segment = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('.', '..') },
  { weight: 1, arbitrary: fc.constantFrom('%41', '%7e', '%C3%A9', '%2F') },
  {
    weight: 4,
    arbitrary: fc.stringMatching(/^[a-gi-z0-9\-_~!$&'()*+,;=@][a-gi-z0-9\-._~!$&'()*+,;=@]{0,4}$/),
  },
);
/**
 * A query: no "h", no "'" (WHATWG URL percent-encodes it in the query of http URLs), never
 * empty: undici sends "/x?" as "/x" (RFC 3986 §6.2.3: an empty query's "?" is not to be
 * dropped), a difference of kata 21's, not of redirects.
 */
const query = fc.option(fc.stringMatching(/^[a-gi-z0-9\-._~!$&()*+,;=:@/?]{1,6}$/), {
  nil: undefined,
});
const fragment = fc.option(fc.stringMatching(/^[a-z0-9\-._~!$&'()*+,;=:@/?]{0,5}$/), {
  nil: undefined,
});
const FORMS = ['absolute', 'protocol-relative', 'path-absolute', 'relative', 'query'] as const;
type Form = (typeof FORMS)[number];

/** One redirect of a chain: its status and the shape of its Location. */
interface Hop {
  readonly status: RedirectStatus;
  readonly form: Form;
  /** For the absolute forms: which server the Location names. */
  readonly server: 0 | 1;
  readonly segments: readonly string[];
  readonly query: string | undefined;
  readonly fragment: string | undefined;
}

const hop: fc.Arbitrary<Hop> = fc.record({
  status,
  form: fc.constantFrom(...FORMS),
  server: fc.constantFrom(0 as const, 1 as const),
  segments: fc.array(segment, { maxLength: 3 }),
  query,
  fragment,
});

/** The Location of `hop`, leading to the request the servers route as number `n`. */
function locationOf(hop: Hop, n: number, origins: readonly string[]): string {
  const path = [...hop.segments, `h${n}`].join('/');
  const rest = `${hop.query === undefined ? '' : `?${hop.query}`}${hop.fragment === undefined ? '' : `#${hop.fragment}`}`;
  const origin = origins[hop.server] ?? '';
  switch (hop.form) {
    case 'absolute':
      return `${origin}/${path}${rest}`;
    case 'protocol-relative':
      return `${origin.slice('http:'.length)}/${path}${rest}`;
    case 'path-absolute':
      return `/${path}${rest}`;
    case 'relative':
      return `${path}${rest}`;
    case 'query':
      return `?h${n}${hop.query === undefined ? '' : `&${hop.query}`}${hop.fragment === undefined ? '' : `#${hop.fragment}`}`;
  }
}

/** The request number a target routes to: its last "h<n>". */
function routed(target: string): number {
  const last = [...target.matchAll(/h(\d+)/g)].at(-1);
  return Number(last?.[1] ?? Number.NaN);
}

describe('RFC 9110 §10.2.2: the next URL, for generated Locations', () => {
  const ORIGINS = ['http://a.test', 'http://b.test:8080'];
  const base = fc
    .tuple(fc.array(segment, { maxLength: 3 }), query, fragment)
    .map(
      ([segments, q, f]) =>
        `http://a.test/${[...segments, 'h0'].join('/')}${q === undefined ? '' : `?${q}`}${f === undefined ? '' : `#${f}`}`,
    );

  test.prop([base, hop], { numRuns: 300 })(
    "the URL is where WHATWG URL resolves the Location too; its fragment is the Location's own, else the current URL's",
    (current, hop) => {
      const location = locationOf(hop, 1, ORIGINS);
      const step = redirectRequest(
        { url: current, method: 'GET', headers: [] },
        { status: hop.status, headers: fields(['Location', location]) },
      );
      if (step.kind !== 'redirect') throw new Error('a redirect taken as final');
      const { url } = step.request;
      const peer = new URL(location, current);
      const mine = new URL(url);
      peer.hash = '';
      mine.hash = '';
      expect(mine.href).toBe(peer.href);
      const fragmentOf = (text: string) =>
        text.includes('#') ? text.slice(text.indexOf('#') + 1) : undefined;
      expect(fragmentOf(url)).toBe(fragmentOf(location) ?? fragmentOf(current));
    },
  );
});

/* ---- generated chains, served by node:http, followed by request() and by fetch ---- */

/** How the chain ends, after its redirects. */
type End =
  | { readonly kind: 'page'; readonly status: 200 | 201 | 404; readonly body: string }
  | { readonly kind: 'no-location'; readonly status: RedirectStatus | 300 }
  | { readonly kind: 'multiple-choices' }
  | { readonly kind: 'back'; readonly status: RedirectStatus; readonly to: number };

const end: fc.Arbitrary<End> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('page' as const),
      status: fc.constantFrom(200 as const, 201 as const, 404 as const),
      body: fc.stringMatching(/^[ -~]{0,20}$/),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('no-location' as const),
      status: fc.constantFrom(...REDIRECT_STATUSES, 300 as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'multiple-choices' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('back' as const), status, to: fc.nat({ max: 5 }) }),
  },
);

interface Chain {
  readonly method: RequestMethod;
  readonly headers: HeaderField[];
  readonly body: Buffer | undefined;
  readonly start: { readonly segments: readonly string[]; readonly fragment: string | undefined };
  readonly hops: readonly Hop[];
  readonly end: End;
}

const chain: fc.Arbitrary<Chain> = fc.record({
  method,
  headers: someFields([
    'authorization',
    'cookie',
    'proxy-authorization',
    'content-type',
    'content-language',
    'x-trace',
  ]),
  body: content,
  // no dot segments in the URL given: fetch removes them (WHATWG URL), kata 21's send
  // keeps them as written, as RFC 3986 leaves dot segments to reference resolution
  start: fc.record({
    segments: fc.array(
      segment.filter((s) => s !== '.' && s !== '..'),
      { maxLength: 2 },
    ),
    fragment,
  }),
  hops: fc.array(hop, { maxLength: 5 }),
  end,
});

/** The servers' answer to request number `n` of `chain`. */
function answer(chain: Chain, origins: readonly string[]) {
  return (seen: Seen, response: import('node:http').ServerResponse) => {
    const n = routed(seen.target);
    const step = chain.hops[n];
    if (step !== undefined)
      return redirect(response, step.status, locationOf(step, n + 1, origins));
    const last = chain.end;
    if (last.kind === 'page') {
      response.writeHead(last.status, { 'Content-Type': 'text/plain' });
      return response.end(last.body);
    }
    if (last.kind === 'back') return redirect(response, last.status, `/loop/h${last.to % (n + 1)}`);
    response.writeHead(last.kind === 'multiple-choices' ? 300 : last.status, {
      ...(last.kind === 'multiple-choices' ? { Location: '/other/h0' } : {}),
    });
    return response.end('final');
  };
}

/** What a server read of each request: where, how, what content, which of the chain's fields. */
function observed(seen: readonly Seen[], chain: Chain) {
  return seen.map((s) => ({
    server: s.server,
    method: s.method,
    target: s.target,
    body: s.body.toString('latin1'),
    fields: chain.headers.map(([name]) => s.headers[name.toLowerCase()]),
  }));
}

const fragmentOf = (url: string) =>
  url.includes('#') ? url.slice(url.indexOf('#') + 1) : undefined;

describe('Fetch, HTTP-redirect fetch: request() ends where fetch ends, on generated chains', () => {
  test.prop([chain], { numRuns: 25 })(
    'the same requests reach the same servers (method, target, content, fields kept or dropped), and the same final response and URL',
    async (chain) => {
      const site = await serveSite(2, (seen, response) =>
        answer(chain, site.origins)(seen, response),
      );
      const bodyless = chain.method === 'GET' || chain.method === 'HEAD';
      const init = {
        method: chain.method,
        headers: chain.headers,
        body: bodyless ? undefined : chain.body,
      };
      const path = [...chain.start.segments, 'h0'].join('/');
      const start = `${site.origins[0]}/start/${path}${chain.start.fragment === undefined ? '' : `#${chain.start.fragment}`}`;
      const mine = await within(
        request(start, init).then(
          (response) => ({ ok: true as const, response }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
        'request() never ended the chain',
      );
      const ours = observed(site.seen, chain);
      site.seen.length = 0;
      const peer = await fetchFollowing(start, init);
      const theirs = observed(site.seen, chain);
      if (!peer.ok) {
        // a loop: fetch runs into its limit; request() stops at the first repeated request,
        // having sent what fetch sent until then
        expect(mine.ok).toBe(false);
        if (!mine.ok) expect(mine.error).toBeInstanceOf(RedirectError);
        expect(theirs.slice(0, ours.length)).toEqual(ours);
        return;
      }
      if (!mine.ok) throw mine.error;
      const { response } = mine;
      expect(ours).toEqual(theirs);
      expect(response.status).toBe(peer.status);
      expect(Buffer.from(response.body)).toEqual(peer.body);
      const url = new URL(response.url);
      url.hash = '';
      expect(url.href).toBe(peer.url);
      expect(response.urlList).toHaveLength(ours.length);
      // RFC 9110 §10.2.2 (fetch's response.url drops the fragment, so this is the rule's)
      const fragments = [chain.start.fragment, ...chain.hops.map((h) => h.fragment)];
      expect(fragmentOf(response.url)).toBe(fragments.findLast((f) => f !== undefined));
    },
  );
});

describe('RFC 9112 §6.3: redirect responses cut anywhere, as TCP may deliver them', () => {
  /** A chain of GET redirects with path-absolute and relative Locations, then a page. */
  const hops = fc.array(
    fc.record({ status, relative: fc.boolean(), segments: fc.array(segment, { maxLength: 2 }) }),
    { minLength: 1, maxLength: 4 },
  );
  const page = fc.uint8Array({ maxLength: 40 }).map((b) => shown(Buffer.from(b)));

  /** The bytes of each response: the redirects, then the page. */
  function responses(
    chainHops: readonly { status: number; relative: boolean; segments: readonly string[] }[],
    body: Buffer,
  ) {
    const redirects = chainHops.map(({ status, relative, segments }, n) => {
      const path = [...segments, `h${n + 1}`].join('/');
      const location = relative ? path : `/${path}`;
      return Buffer.from(
        `HTTP/1.1 ${status} Redirect\r\nLocation: ${location}\r\nContent-Length: 2\r\n\r\nok`,
        'latin1',
      );
    });
    const final = Buffer.concat([
      Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'),
      body,
    ]);
    return [...redirects, final].map((bytes) => shown(bytes));
  }

  const cut = fc
    .tuple(hops, page)
    .chain(([chainHops, body]) =>
      fc.tuple(
        fc.constant(chainHops),
        fc.constant(body),
        fc.tuple(...responses(chainHops, body).map((bytes) => chunkings(bytes))),
      ),
    );

  test.prop([cut], { numRuns: 15 })(
    'each redirect is followed, and the page read, however the responses are cut',
    async ([chainHops, body, pieces]) => {
      const server = await serveRaw((target) => pieces[routed(target)] ?? []);
      const start = `${server.origin}/h0`;
      const response = await within(request(start), 'request() never ended the chain');
      expect(Buffer.from(response.body)).toEqual(body);
      // where each Location leads, by WHATWG URL (the peer)
      let url = start;
      const targets = [new URL(url).pathname];
      for (const [n, { relative, segments }] of chainHops.entries()) {
        const path = [...segments, `h${n + 1}`].join('/');
        url = new URL(relative ? path : `/${path}`, url).href;
        targets.push(new URL(url).pathname);
      }
      expect(server.targets).toEqual(targets);
      expect(response.url).toBe(url);
    },
  );
});
