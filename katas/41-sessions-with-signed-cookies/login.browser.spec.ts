/**
 * The end-to-end check: the login site of fixtures/login.ts, built from your katas 29, 34, 36,
 * 37, 39, 40 and 41, served on 127.0.0.1 and driven by a real headless Chromium through
 * playwright-core. Where no Chromium is found, the tests are skipped and their names say so:
 * the self-check counts a skip as a failure, so no run passes without the browser.
 */
import type net from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { browserTest, CHROMIUM, launchChromium } from '../../support/harness/browser.ts';
import { within } from '../../support/harness/index.ts';
import { serveGateway } from '../34-implement-the-gateway-interface/gateway-server.ts';
import { loginApp, SIGN_IN } from './fixtures/login.ts';
import { DEFAULT_COOKIE_NAME } from './sessions.ts';

/** Every wait of the browser is bounded: a learner's server that never answers fails fast. */
const WAIT_MS = 2_000;
const PASSWORD = 'correct horse battery staple';
/** A name that is HTML: shown escaped, it is text; unescaped, an element. */
const USER = '<img src=x id=injected>Ada & "Lovelace"';

interface Visit {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly origin: string;
}

let launched: Promise<Browser> | undefined;
const servers: net.Server[] = [];
const contexts: BrowserContext[] = [];

/** One browser for the file, started by the first test that needs it. */
const browser = () => {
  launched ??= within(launchChromium(), 'Chromium never started', 5_000);
  return launched;
};

afterAll(async () => {
  for (const context of contexts) await context.close();
  await (await launched)?.close();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
});

/**
 * The site on 127.0.0.1 and a fresh browser context (its own cookie jar) with a page in it,
 * all closed after the file. The site is built first: with a kata not written yet, the test
 * fails at once, before a browser starts.
 */
async function visit(): Promise<Visit> {
  const app = loginApp({ secrets: ['the newest secret', 'an older secret'], password: PASSWORD });
  const server = serveGateway(app);
  servers.push(server);
  await within(
    new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    'the server never listened',
  );
  const port = (server.address() as net.AddressInfo).port;
  const context = await (await browser()).newContext();
  contexts.push(context);
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  return { page: await context.newPage(), context, origin: `http://127.0.0.1:${port}` };
}

/** Signs in through the form, as a person would: the visit, the POST's response, the GET's after. */
async function signIn() {
  const visited = await visit();
  const { page, origin } = visited;
  await page.goto(`${origin}/`);
  await page.fill('#name', USER);
  await page.fill('#password', PASSWORD);
  const [posted, followed] = await Promise.all([
    page.waitForResponse((response) => response.url() === `${origin}/login`),
    page.waitForResponse(
      (response) => response.url() === `${origin}/` && response.request().method() === 'GET',
    ),
    page.click('#submit'),
  ]);
  // the page the GET brought, not the form it replaced
  await page.waitForSelector('#user, #submit');
  return { ...visited, posted, followed };
}

let first: ReturnType<typeof signIn> | undefined;
/** The sign-in the first three tests look at from three sides, and the last one ends. */
const signedIn = () => {
  first ??= signIn();
  return first;
};

const sessionCookie = async ({ context, origin }: Visit) =>
  (await context.cookies(origin)).find((cookie) => cookie.name === DEFAULT_COOKIE_NAME);

describe.skipIf(CHROMIUM === undefined)(
  'a login site in a real browser (headless Chromium)',
  () => {
    test(
      browserTest(
        'RFC 9110 §15.4.4: the form POST is answered 303 See Other, and the browser GETs /',
      ),
      async () => {
        const { posted, followed, page } = await signedIn();
        expect([posted.request().method(), posted.status()]).toEqual(['POST', 303]);
        expect(followed.status()).toBe(200);
        expect(new URL(page.url()).pathname).toBe('/');
      },
    );

    test(
      browserTest('RFC 6265 §4.1.2: the session cookie is HttpOnly, SameSite=Lax, Path=/'),
      async () => {
        const visited = await signedIn();
        const cookie = await sessionCookie(visited);
        expect(cookie, 'the browser kept no session cookie').toBeDefined();
        expect(cookie?.httpOnly).toBe(true);
        expect(cookie?.sameSite).toBe('Lax');
        expect(cookie?.path).toBe('/');
        // HttpOnly: the page's own scripts cannot read it
        expect(await visited.page.evaluate('document.cookie')).not.toContain(DEFAULT_COOKIE_NAME);
      },
    );

    test(
      browserTest('the page shows the user signed in, the name as text: no element from it'),
      async () => {
        const { page } = await signedIn();
        expect(await page.textContent('#user b')).toBe(USER);
        expect(await page.locator('#injected').count()).toBe(0);
      },
    );

    test(
      browserTest('a session cookie changed by one character signs the browser out'),
      async () => {
        const visited = await signIn();
        const { page, context } = visited;
        const cookie = await sessionCookie(visited);
        expect(cookie, 'the browser kept no session cookie').toBeDefined();
        const value = (cookie?.value ?? '').split('');
        // the first character of the signed payload, another one of base64url's alphabet
        value[0] = value[0] === 'A' ? 'B' : 'A';
        await context.addCookies([
          { ...(cookie as NonNullable<typeof cookie>), value: value.join('') },
        ]);
        await page.reload();
        expect(await page.textContent('#submit')).toBe(SIGN_IN);
        expect(await page.locator('#user').count()).toBe(0);
        // the server deleted the cookie it could not verify
        expect(await sessionCookie(visited)).toBeUndefined();
      },
    );

    test(
      browserTest('signing out deletes the cookie and shows the sign-in form again'),
      async () => {
        // the first sign-in, once the tests before it have looked at it: one browser round less
        const visited = await signedIn();
        const { page, origin } = visited;
        await Promise.all([
          page.waitForResponse(
            (response) => response.url() === `${origin}/` && response.request().method() === 'GET',
          ),
          page.click('#logout'),
        ]);
        await page.waitForSelector('#submit');
        expect(await sessionCookie(visited)).toBeUndefined();
        expect(await page.textContent('#submit')).toBe(SIGN_IN);
      },
    );
  },
);
