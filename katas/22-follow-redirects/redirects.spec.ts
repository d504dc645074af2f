import { describe, expect, test } from 'vitest';
import { within } from '../../support/harness/index.ts';
import { InvalidUrl } from '../16-parse-a-url/uri-reference.ts';
import type { HeaderField } from '../21-http-get/http-get.ts';
import { HttpClientError } from '../21-http-get/http-get.ts';
import { fields } from './fixtures/field-section.ts';
import { fetchFollowing, redirect, type Seen, serveSite } from './fixtures/servers.ts';
import {
  type ChainRequest,
  DEFAULT_MAX_REDIRECTS,
  RedirectError,
  type RedirectErrorReason,
  redirectRequest,
  request,
  sameOrigin,
} from './redirects.ts';

/** A GET of `url` with no fields: the simplest current request. */
const get = (url: string): ChainRequest => ({ url, method: 'GET', headers: [] });

/** The next request `current` gets from a `status` response with these Location lines. */
function next(current: ChainRequest, status: number, ...locations: string[]): ChainRequest {
  const step = redirectRequest(current, {
    status,
    headers: fields(...locations.map((l) => ['Location', l] as const)),
  });
  if (step.kind !== 'redirect') throw new Error(`a ${status} to ${locations} was taken as final`);
  return step.request;
}

/** What `run` was refused with (its reason), or what it returned. */
function refusal(run: () => unknown): RedirectErrorReason | string {
  try {
    return `accepted: ${JSON.stringify(run())}`;
  } catch (error) {
    if (error instanceof RedirectError) return error.reason;
    throw error;
  }
}

const BODY = 'name=ann&greeting=hello';
const FORM: HeaderField = ['Content-Type', 'application/x-www-form-urlencoded'];
const post = (url: string, headers: readonly HeaderField[] = [FORM]): ChainRequest => ({
  url,
  method: 'POST',
  headers,
  body: BODY,
});

describe('RFC 9110 §4.3.1: an origin is the triple of scheme, host and port', () => {
  test('the same triple: the same origin, whatever the path, query and fragment', () => {
    expect(sameOrigin('http://a.test/x?y#z', 'http://a.test/other')).toBe(true);
  });

  test('scheme and host compared in lowercase', () => {
    expect(sameOrigin('HTTP://A.Test/', 'http://a.test/')).toBe(true);
  });

  test("an elided port is the scheme's default", () => {
    expect(sameOrigin('http://a.test/', 'http://a.test:80/')).toBe(true);
    expect(sameOrigin('https://a.test:443/', 'https://a.test/')).toBe(true);
  });

  test("a URL that is not http(s) is kata 16's InvalidUrl", () => {
    expect(() => sameOrigin('ftp://a.test/', 'http://a.test/')).toThrow(InvalidUrl);
  });

  test.each([
    ['scheme', 'http://a.test/', 'https://a.test/'],
    ['host', 'http://a.test/', 'http://b.test/'],
    ['port', 'http://a.test/', 'http://a.test:8080/'],
    ['default port of the other scheme', 'http://a.test:443/', 'https://a.test/'],
  ])('another %s: another origin', (_, a, b) => {
    expect(sameOrigin(a, b)).toBe(false);
  });
});

describe('RFC 9110 §15.4: a redirect is a 301, 302, 303, 307 or 308 with a Location', () => {
  test.each([301, 302, 303, 307, 308])('%i with a Location: a request to it', (status) => {
    expect(next(get('http://a.test/old'), status, '/new')).toMatchObject({
      url: 'http://a.test/new',
      method: 'GET',
    });
  });

  test.each([301, 302, 303, 307, 308])('%i without a Location is the final response', (status) => {
    expect(redirectRequest(get('http://a.test/'), { status, headers: fields() })).toEqual({
      kind: 'final',
    });
  });

  // RFC 9110 §15.4 lets a user agent follow any 3xx with a Location; fetch follows only
  // these five, and so does this client
  test.each([300, 304, 305, 306, 399, 200, 201, 404])(
    '%i is the final response, Location or not (as fetch)',
    (status) => {
      expect(
        redirectRequest(get('http://a.test/'), { status, headers: fields(['Location', '/x']) }),
      ).toEqual({ kind: 'final' });
    },
  );

  test('the Location field is found whatever the case of its name', () => {
    const step = redirectRequest(get('http://a.test/'), {
      status: 302,
      headers: fields(['location', '/x']),
    });
    expect(step).toMatchObject({ kind: 'redirect', request: { url: 'http://a.test/x' } });
  });
});

/** RFC 3986 §5.4: "Within a representation with a well defined base URI of ..." */
const BASE = 'http://a/b/c/d;p?q';

describe('RFC 9110 §10.2.2: a relative Location is resolved against the target URI (RFC 3986 §5.4.1)', () => {
  test.each([
    ['g', 'http://a/b/c/g'],
    ['./g', 'http://a/b/c/g'],
    ['g/', 'http://a/b/c/g/'],
    ['/g', 'http://a/g'],
    ['//g', 'http://g'],
    ['?y', 'http://a/b/c/d;p?y'],
    ['g?y', 'http://a/b/c/g?y'],
    ['#s', 'http://a/b/c/d;p?q#s'],
    ['g;x?y#s', 'http://a/b/c/g;x?y#s'],
    ['', 'http://a/b/c/d;p?q'],
    ['..', 'http://a/b/'],
    ['../g', 'http://a/b/g'],
    ['../../g', 'http://a/g'],
    ['../../../g', 'http://a/g'],
    ['https://elsewhere.test/x?y', 'https://elsewhere.test/x?y'],
  ])('Location "%s" leads to %s', (location, target) => {
    expect(next(get(BASE), 302, location).url).toBe(target);
  });

  test('a protocol-relative Location keeps the scheme of the current URL', () => {
    expect(next(get('https://a.test/x'), 301, '//b.test:8443/y').url).toBe('https://b.test:8443/y');
  });
});

describe('RFC 9110 §10.2.2: a Location without a fragment inherits the fragment of the URL', () => {
  test("the RFC's example: /People.html#tim from http://www.example.org/~tim", () => {
    expect(next(get('http://www.example.org/~tim'), 303, '/People.html#tim').url).toBe(
      'http://www.example.org/People.html#tim',
    );
  });

  test("the RFC's example: #larry carried over to http://www.example.net/index.html", () => {
    expect(
      next(get('http://www.example.org/index.html#larry'), 301, 'http://www.example.net/index.html')
        .url,
    ).toBe('http://www.example.net/index.html#larry');
  });

  test('a relative Location inherits it too', () => {
    expect(next(get('http://a.test/x/y?q#part-2'), 302, '../z').url).toBe('http://a.test/z#part-2');
  });

  test('a Location with its own fragment keeps its own', () => {
    expect(next(get('http://a.test/x#larry'), 302, '/y#moe').url).toBe('http://a.test/y#moe');
  });

  test('§17.11: an empty fragment in the Location blocks the inheritance', () => {
    expect(next(get('http://a.test/x#secret'), 302, 'http://b.test/y#').url).toBe(
      'http://b.test/y#',
    );
  });

  test('an empty fragment is inherited as empty', () => {
    expect(next(get('http://a.test/x#'), 302, '/y').url).toBe('http://a.test/y#');
  });

  test('no fragment, none inherited', () => {
    expect(next(get('http://a.test/x'), 302, '/y').url).toBe('http://a.test/y');
  });
});

describe('RFC 9110 §15.4.2, §15.4.3: 301 and 302 turn a POST into a GET, and no other method', () => {
  test.each([301, 302])('POST then %i: a GET without the content', (status) => {
    const request = next(post('http://a.test/form'), status, '/done');
    expect(request.method).toBe('GET');
    expect(request.body).toBeUndefined();
  });

  test.each([301, 302])(
    'POST then %i: the content-specific fields go with the content',
    (status) => {
      expect(next(post('http://a.test/form'), status, '/done').headers).toEqual([]);
    },
  );

  test.each([
    [301, 'PUT'],
    [302, 'PUT'],
    [301, 'DELETE'],
    [302, 'PATCH'],
    [302, 'OPTIONS'],
    [301, 'HEAD'],
  ] as const)('%i keeps %s, its content and its fields', (status, method) => {
    const current = { ...post('http://a.test/x'), method };
    expect(next(current, status, '/y')).toEqual({ ...current, url: 'http://a.test/y' });
  });
});

describe('RFC 9110 §15.4.4: 303 turns every method but HEAD into a GET without content', () => {
  test.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const)(
    '%s then 303: GET',
    (method) => {
      const request = next({ ...post('http://a.test/x'), method }, 303, '/y');
      expect(request).toMatchObject({ method: 'GET', headers: [] });
      expect(request.body).toBeUndefined();
    },
  );

  test('HEAD stays HEAD (a retrieval already)', () => {
    expect(next({ url: 'http://a.test/x', method: 'HEAD', headers: [FORM] }, 303, '/y')).toEqual({
      url: 'http://a.test/y',
      method: 'HEAD',
      headers: [FORM],
    });
  });

  test('GET stays GET, its fields untouched: the method did not change (§15.4 step 5)', () => {
    const current = { url: 'http://a.test/x', method: 'GET', headers: [FORM] } as const;
    expect(next(current, 303, '/y')).toEqual({ ...current, url: 'http://a.test/y' });
  });
});

describe('RFC 9110 §15.4.8, §15.4.9: 307 and 308 keep the method and the content', () => {
  test.each([307, 308])('POST then %i: the same POST, same content, same fields', (status) => {
    expect(next(post('http://a.test/form'), status, '/elsewhere')).toEqual({
      ...post('http://a.test/form'),
      url: 'http://a.test/elsewhere',
    });
  });

  test('bytes stay the same bytes', () => {
    const body = new Uint8Array([0, 13, 10, 255]);
    const current = { url: 'http://a.test/up', method: 'PUT', headers: [], body } as const;
    expect(next(current, 308, '/up2').body).toBe(body);
  });
});

describe('RFC 9110 §15.4 step 5: a request turned into a GET loses its content-specific fields', () => {
  // Fetch removes only its "request-body-header names" (Content-Encoding, Content-Language,
  // Content-Location, Content-Type) and keeps Digest and Last-Modified; this client follows
  // the RFC's list. Content-Length is send's own, written only when there is content.
  test.each([
    'Content-Type',
    'content-encoding',
    'Content-Language',
    'CONTENT-LOCATION',
    'Digest',
    'Last-Modified',
  ])('%s is dropped', (name) => {
    const current = post('http://a.test/form', [[name, 'x']]);
    expect(next(current, 303, '/done').headers).toEqual([]);
  });

  test('the other fields stay, in their order', () => {
    const kept: HeaderField[] = [
      ['Accept', 'text/html'],
      ['X-Request-Id', '7'],
      ['Authorization', 'Bearer t'],
      ['Content-Disposition', 'inline'],
    ];
    const current = post('http://a.test/form', [kept[0], FORM, ...kept.slice(1)] as HeaderField[]);
    expect(next(current, 302, '/done').headers).toEqual(kept);
  });
});

describe('RFC 9110 §15.4 step 3 and Fetch: credentials go only to the origin they were given for', () => {
  const CREDENTIALS: HeaderField[] = [
    ['Authorization', 'Basic YW5uOnNlY3JldA=='],
    ['cookie', 'session=abc'],
    ['Proxy-Authorization', 'Basic cHJveHk6cA=='],
  ];
  const OTHER: HeaderField = ['Accept', '*/*'];
  const withCredentials = (url: string): ChainRequest => ({
    url,
    method: 'GET',
    headers: [CREDENTIALS[0], OTHER, ...CREDENTIALS.slice(1)] as HeaderField[],
  });

  test.each([
    ['another port', 'http://a.test:8080/x'],
    ['another host', 'http://b.test/x'],
    ['another scheme', 'https://a.test/x'],
    ['another host, protocol-relative', '//b.test/x'],
  ])('to %s: Authorization, Cookie and Proxy-Authorization are dropped', (_, location) => {
    expect(next(withCredentials('http://a.test/start'), 302, location).headers).toEqual([OTHER]);
  });

  test('within the origin they stay, in their order', () => {
    const current = withCredentials('http://a.test/start');
    expect(next(current, 302, '/elsewhere').headers).toEqual(current.headers);
  });

  test('§4.3.1: the same origin written differently (case, default port) keeps them', () => {
    const current = withCredentials('http://a.test/start');
    expect(next(current, 302, 'HTTP://A.TEST:80/x').headers).toEqual(current.headers);
  });

  test('307 across origins keeps the method and the content, not the credentials', () => {
    const current: ChainRequest = { ...post('http://a.test/x'), headers: [FORM, ...CREDENTIALS] };
    expect(next(current, 307, 'http://b.test/y')).toEqual({
      url: 'http://b.test/y',
      method: 'POST',
      headers: [FORM],
      body: BODY,
    });
  });
});

describe('Fetch: a Location that is not an http(s) URL ends the chain with an error', () => {
  test.each(['ftp://a.test/file', 'mailto:ann@a.test', 'javascript:alert(1)', 'g:h'])(
    'Location %s is not-http',
    (location) => {
      expect(refusal(() => next(get(BASE), 302, location))).toBe('not-http');
    },
  );

  test.each([
    ['a host that is not one', 'http://[::1/'],
    ['an empty host', 'http:///x'],
    ['a port out of range', 'http://a.test:99999/'],
    // fetch sends "/a%20b": RFC 9110 §10.2.2 allows recovering from an invalid Location but
    // defines no way to; this client refuses it
    ['a space (fetch percent-encodes it)', '/a b'],
    // RFC 3986 §5.2.2, strict: "http:g" keeps its scheme and has no authority; fetch (WHATWG
    // URL) reads it as the relative "g"
    ['"http:g" (fetch reads it as "g")', 'http:g'],
    // fetch decodes the octet as UTF-8, gets U+FFFD and requests "/caf%EF%BF%BD"
    ['a raw octet above 0x7f', '/caf\xe9'],
  ])('%s is bad-location', (_, location) => {
    expect(refusal(() => next(get(BASE), 302, location))).toBe('bad-location');
  });

  test('two Location fields are bad-location (fetch joins them with ", " and follows that)', () => {
    expect(refusal(() => next(get(BASE), 302, '/one', '/two'))).toBe('bad-location');
  });

  test('the error for two Location fields names the URL of the response and both values', () => {
    let message = '';
    try {
      next(get('http://a.test/from-here'), 302, '/one', '/two');
    } catch (error) {
      message = String(error);
    }
    for (const part of ['http://a.test/from-here', '/one', '/two']) expect(message).toContain(part);
  });

  test('the error names the URL of the response and the Location', () => {
    const current = get('http://a.test/from-here');
    expect(() => next(current, 302, 'ftp://a.test/file')).toThrow(
      /http:\/\/a\.test\/from-here.*ftp:\/\/a\.test\/file|ftp:\/\/a\.test\/file.*http:\/\/a\.test\/from-here/,
    );
  });

  test('a final response is never checked: no Location, no error', () => {
    expect(
      redirectRequest(get(BASE), { status: 200, headers: fields(['Location', 'ftp://x/']) }),
    ).toEqual({ kind: 'final' });
  });
});

/* ---- request(): over sockets, against node:http, and compared with fetch ---- */

/** What the server read of each request, as the rules see it. */
const summary = (seen: readonly Seen[]) =>
  seen.map(({ server, method, target, body }) => ({ server, method, target, body: String(body) }));

const ours = <T>(promise: Promise<T>, what: string) =>
  within(promise, `request() never settled: ${what}`);

describe('RFC 9110 §15.4: request() follows the chain to the final response, as fetch does', () => {
  test('three 302s, then the page: its status, body, final URL and the URL list', async () => {
    const site = await serveSite(1, (seen, response) => {
      const hop = Number(seen.target.slice(-1));
      if (hop < 3) redirect(response, 302, `/hop${hop + 1}`);
      else response.end('the page');
    });
    const start = `${site.origins[0]}/hop0`;
    const response = await ours(request(start), 'three 302s');
    expect(response.status).toBe(200);
    expect(String(response.body)).toBe('the page');
    expect(response.url).toBe(`${site.origins[0]}/hop3`);
    expect(response.urlList).toEqual([0, 1, 2, 3].map((n) => `${site.origins[0]}/hop${n}`));
    const mine = summary(site.seen);
    site.seen.length = 0;
    const peer = await fetchFollowing(start);
    expect(peer).toMatchObject({ ok: true, status: 200, url: response.url });
    expect(mine).toEqual(summary(site.seen));
  });

  test('no redirect: the response, with the URL given as the only one of the list', async () => {
    const site = await serveSite(1, (_, response) => response.end('here'));
    const url = `${site.origins[0]}/page?x=1`;
    const response = await ours(request(url), 'a plain 200');
    expect(response).toMatchObject({ status: 200, url, urlList: [url] });
  });

  test('a 3xx without a Location is the final response (fetch agrees)', async () => {
    const site = await serveSite(1, (_, response) => {
      response.writeHead(302);
      response.end('nowhere to go');
    });
    const url = `${site.origins[0]}/stuck`;
    const response = await ours(request(url), 'a 302 without Location');
    expect(response).toMatchObject({ status: 302, url, urlList: [url] });
    expect(String(response.body)).toBe('nowhere to go');
    expect(await fetchFollowing(url)).toMatchObject({ ok: true, status: 302 });
  });

  test('POST then 303: the server reads a GET without content (Post/Redirect/Get)', async () => {
    const site = await serveSite(1, (seen, response) => {
      if (seen.target === '/form') redirect(response, 303, '/thanks');
      else response.end('thanks');
    });
    const init = { method: 'POST', headers: [FORM], body: BODY } as const;
    const url = `${site.origins[0]}/form`;
    await ours(request(url, init), 'POST then 303');
    const mine = site.seen.map((s) => ({ ...summary([s])[0], type: s.headers['content-type'] }));
    expect(mine).toEqual([
      { server: 0, method: 'POST', target: '/form', body: BODY, type: FORM[1] },
      { server: 0, method: 'GET', target: '/thanks', body: '', type: undefined },
    ]);
    expect(site.seen[1]?.headers['content-length']).toBeUndefined();
    site.seen.length = 0;
    await fetchFollowing(url, init);
    expect(mine).toEqual(
      site.seen.map((s) => ({ ...summary([s])[0], type: s.headers['content-type'] })),
    );
  });

  test('POST then 307: the server reads the same POST, content and all', async () => {
    const site = await serveSite(1, (seen, response) => {
      if (seen.target === '/old') redirect(response, 307, '/new');
      else response.end('stored');
    });
    const init = { method: 'POST', headers: [FORM], body: BODY } as const;
    const url = `${site.origins[0]}/old`;
    await ours(request(url, init), 'POST then 307');
    const mine = summary(site.seen);
    expect(mine[1]).toEqual({ server: 0, method: 'POST', target: '/new', body: BODY });
    expect(site.seen[1]?.headers['content-type']).toBe(FORM[1]);
    site.seen.length = 0;
    await fetchFollowing(url, init);
    expect(mine).toEqual(summary(site.seen));
  });

  test('relative and protocol-relative Locations reach the same targets as fetch', async () => {
    const site = await serveSite(2, (seen, response) => {
      if (seen.target === '/a/b/c') redirect(response, 301, '../d?e=f');
      else if (seen.target === '/a/d?e=f')
        redirect(response, 302, `${site.origins[1]?.slice(5)}/g/h`);
      else if (seen.target === '/g/h') redirect(response, 308, 'i/./j');
      else response.end(`${seen.server}${seen.target}`);
    });
    const url = `${site.origins[0]}/a/b/c`;
    const response = await ours(request(url), 'relative Locations');
    expect(summary(site.seen).map(({ server, target }) => `${server}${target}`)).toEqual([
      '0/a/b/c',
      '0/a/d?e=f',
      '1/g/h',
      '1/g/i/j',
    ]);
    expect(response.url).toBe(`${site.origins[1]}/g/i/j`);
    const mine = summary(site.seen);
    site.seen.length = 0;
    expect(await fetchFollowing(url)).toMatchObject({ ok: true, url: response.url });
    expect(mine).toEqual(summary(site.seen));
  });

  test('§10.2.2: the final URL keeps the fragment; no server ever reads one', async () => {
    const site = await serveSite(1, (seen, response) => {
      if (seen.target === '/a') redirect(response, 302, '/b');
      else response.end('b');
    });
    const response = await ours(request(`${site.origins[0]}/a#section-2`), 'a fragment');
    expect(response.url).toBe(`${site.origins[0]}/b#section-2`);
    expect(response.urlList[0]).toBe(`${site.origins[0]}/a#section-2`);
    expect(site.seen.map((s) => s.target)).toEqual(['/a', '/b']);
  });
});

describe('RFC 9110 §15.4 step 3: credentials stay with their origin, as fetch keeps them', () => {
  const CREDENTIALS: HeaderField[] = [
    ['Authorization', 'Bearer s3cret'],
    ['Cookie', 'session=abc'],
  ];

  test('to another origin and back: dropped on leaving, and never sent again', async () => {
    const site = await serveSite(2, (seen, response) => {
      if (seen.server === 0 && seen.target === '/start') {
        redirect(response, 302, `${site.origins[1]}/visit`);
      } else if (seen.server === 1) redirect(response, 302, `${site.origins[0]}/back`);
      else response.end('home');
    });
    const url = `${site.origins[0]}/start`;
    await ours(
      request(url, { headers: [...CREDENTIALS, ['Accept', 'text/plain']] }),
      'a round trip',
    );
    const credentials = (seen: readonly Seen[]) =>
      seen.map((s) => [
        s.server,
        s.target,
        s.headers.authorization,
        s.headers.cookie,
        s.headers.accept,
      ]);
    const mine = credentials(site.seen);
    expect(mine).toEqual([
      [0, '/start', 'Bearer s3cret', 'session=abc', 'text/plain'],
      [1, '/visit', undefined, undefined, 'text/plain'],
      [0, '/back', undefined, undefined, 'text/plain'],
    ]);
    site.seen.length = 0;
    await fetchFollowing(url, { headers: [...CREDENTIALS, ['Accept', 'text/plain']] });
    expect(mine).toEqual(credentials(site.seen));
  });

  test('within the origin: every request carries them', async () => {
    const site = await serveSite(1, (seen, response) => {
      if (seen.target === '/a') redirect(response, 301, '/b');
      else response.end('b');
    });
    await ours(request(`${site.origins[0]}/a`, { headers: CREDENTIALS }), 'same origin');
    expect(site.seen.map((s) => s.headers.authorization)).toEqual([
      'Bearer s3cret',
      'Bearer s3cret',
    ]);
  });
});

describe('RFC 9110 §15.4: "A client SHOULD detect and intervene in cyclical redirections"', () => {
  test('A to B to A: redirect-loop before A is asked again, naming the URLs', async () => {
    const site = await serveSite(1, (seen, response) =>
      redirect(response, 302, seen.target === '/a' ? '/b' : '/a'),
    );
    const [a, b] = [`${site.origins[0]}/a`, `${site.origins[0]}/b`];
    const error = await ours(request(a), 'a loop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect(error).toMatchObject({ reason: 'redirect-loop' });
    expect(String((error as Error).message)).toContain(`${a} → ${b} → ${a}`);
    expect(site.seen.map((s) => s.target)).toEqual(['/a', '/b']);
    // fetch has no loop detection: it stops at its limit, with an error too
    expect(await fetchFollowing(a)).toMatchObject({ ok: false });
  });

  test('an empty Location is the URL itself: a loop at once', async () => {
    const site = await serveSite(1, (_, response) => redirect(response, 302, ''));
    await expect(ours(request(`${site.origins[0]}/here`), 'a self loop')).rejects.toMatchObject({
      reason: 'redirect-loop',
    });
    expect(site.seen).toHaveLength(1);
  });

  test('the same URL with another method is another request, not yet a loop', async () => {
    // POST /a, 302: GET /b, 307: GET /a (new), 302: GET /b (already sent): the loop
    const site = await serveSite(1, (seen, response) =>
      redirect(response, seen.target === '/a' ? 302 : 307, seen.target === '/a' ? '/b' : '/a'),
    );
    await expect(
      ours(request(`${site.origins[0]}/a`, { method: 'POST', body: 'x' }), 'a loop after POST'),
    ).rejects.toMatchObject({ reason: 'redirect-loop' });
    expect(site.seen.map((s) => `${s.method} ${s.target}`)).toEqual([
      'POST /a',
      'GET /b',
      'GET /a',
    ]);
  });

  test('the same URL without the credentials dropped on the way is another request', async () => {
    // A (with Authorization) → B (another origin: dropped) → A (without): sent, then a loop
    const site = await serveSite(2, (seen, response) =>
      redirect(response, 302, `${site.origins[1 - seen.server]}/x`),
    );
    await expect(
      ours(request(`${site.origins[0]}/x`, { headers: [['Authorization', 'Bearer t']] }), 'a loop'),
    ).rejects.toMatchObject({ reason: 'redirect-loop' });
    expect(site.seen.map((s) => [s.server, s.headers.authorization])).toEqual([
      [0, 'Bearer t'],
      [1, undefined],
      [0, undefined],
    ]);
  });

  test('a new fragment does not make a new request: /a#1 to /a#2 is a loop', async () => {
    const site = await serveSite(1, (seen, response) => {
      if (seen.target === '/a') redirect(response, 302, `/a#${site.seen.length}`);
      else response.end();
    });
    await expect(ours(request(`${site.origins[0]}/a`), 'a fragment loop')).rejects.toMatchObject({
      reason: 'redirect-loop',
    });
    expect(site.seen).toHaveLength(1);
  });
});

describe('Fetch: "If request\'s redirect count is 20, then return a network error"', () => {
  /** /0 redirects to /1, /1 to /2, … up to `last`, which answers 200. */
  const counting = (last: number) =>
    serveSite(1, (seen, response) => {
      const n = Number(seen.target.slice(1));
      if (n < last) redirect(response, 302, `/${n + 1}`);
      else response.end(`page ${n}`);
    });

  test(`${DEFAULT_MAX_REDIRECTS} redirects are followed, as fetch follows them`, async () => {
    const site = await counting(DEFAULT_MAX_REDIRECTS);
    const url = `${site.origins[0]}/0`;
    const response = await ours(request(url), '20 redirects');
    expect(String(response.body)).toBe(`page ${DEFAULT_MAX_REDIRECTS}`);
    expect(response.urlList).toHaveLength(DEFAULT_MAX_REDIRECTS + 1);
    expect(await fetchFollowing(url)).toMatchObject({ ok: true, url: response.url });
  });

  test('the 21st is too-many-redirects, after as many requests as fetch makes', async () => {
    const site = await counting(Number.POSITIVE_INFINITY);
    const url = `${site.origins[0]}/0`;
    const error = await ours(request(url), 'endless redirects').catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'too-many-redirects' });
    const urls = Array.from({ length: 22 }, (_, n) => `${site.origins[0]}/${n}`);
    expect(String((error as Error).message)).toContain(urls.join(' → '));
    const mine = site.seen.length;
    expect(mine).toBe(DEFAULT_MAX_REDIRECTS + 1);
    site.seen.length = 0;
    expect(await fetchFollowing(url)).toMatchObject({ ok: false });
    expect(site.seen).toHaveLength(mine);
  });

  test('maxRedirects: 2 follows two, and the third is the error', async () => {
    const site = await counting(3);
    await expect(
      ours(request(`${site.origins[0]}/0`, { maxRedirects: 2 }), 'three redirects'),
    ).rejects.toMatchObject({ reason: 'too-many-redirects' });
    expect(site.seen).toHaveLength(3);
  });

  test('maxRedirects: 2 and exactly two redirects: the page', async () => {
    const site = await counting(2);
    const response = await ours(request(`${site.origins[0]}/0`, { maxRedirects: 2 }), 'two');
    expect(String(response.body)).toBe('page 2');
  });

  test('maxRedirects: 0 makes the first redirect the error', async () => {
    const site = await counting(1);
    await expect(
      ours(request(`${site.origins[0]}/0`, { maxRedirects: 0 }), 'one redirect'),
    ).rejects.toMatchObject({ reason: 'too-many-redirects' });
    expect(site.seen).toHaveLength(1);
  });

  test('a bad Location is reported before the limit', async () => {
    const site = await serveSite(1, (_, response) => redirect(response, 302, 'ftp://a.test/'));
    await expect(
      ours(request(`${site.origins[0]}/0`, { maxRedirects: 0 }), 'an ftp Location'),
    ).rejects.toMatchObject({ reason: 'not-http' });
    expect(await fetchFollowing(`${site.origins[0]}/0`)).toMatchObject({ ok: false });
  });
});

describe("kata 21's send carries every request of the chain", () => {
  test("send's options apply to every request: maxBodyBytes to the final one", async () => {
    const site = await serveSite(1, (seen, response) => {
      if (seen.target === '/a') redirect(response, 302, '/b');
      else response.end('0123456789');
    });
    const error = await ours(
      request(`${site.origins[0]}/a`, { maxBodyBytes: 5 }),
      'too large',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpClientError);
    expect(error).toMatchObject({ reason: 'too-large' });
  });

  test("without options: a GET with send's own fields only (Host, User-Agent, Connection)", async () => {
    const site = await serveSite(1, (_, response) => response.end());
    await ours(request(`${site.origins[0]}/plain`), 'a plain GET');
    expect(site.seen.map((s) => [s.method, Object.keys(s.headers).sort()])).toEqual([
      ['GET', ['connection', 'host', 'user-agent']],
    ]);
  });

  test("the method given is the first request's; GET when none is", async () => {
    const site = await serveSite(1, (_, response) => response.end());
    await ours(request(`${site.origins[0]}/x`, { method: 'DELETE' }), 'a DELETE');
    await ours(request(`${site.origins[0]}/x`), 'a GET');
    expect(site.seen.map((s) => s.method)).toEqual(['DELETE', 'GET']);
  });
});
