/**
 * The board in a real browser: headless Chromium through playwright-core opens the page, two
 * runners post through the runner's own posting module, and the page shows both rows and
 * follows their changes without a reload. Screenshots go to the system's temporary folder.
 * Where no Chromium is found, the test is skipped and its name says why.
 */
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { browserTest, CHROMIUM, launchChromium } from '../harness/browser.ts';
import { within } from '../harness/index.ts';
import { type BoardClient, createBoardClient } from './client.ts';
import { CODE, closeAll, RUNNER_STANDING, startBoard } from './testing.ts';

const WAIT_MS = 3_000;
/** A name that is HTML: shown as text it is harmless; parsed, it would be an element. */
const MARKUP = '<img src=x id=injected>Ada & "Linus"';

let launched: Promise<Browser> | undefined;
const clients: BoardClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await closeAll();
});
afterAll(async () => {
  await (await launched)?.close();
});

/** A screenshot of the page, in the temporary folder; its path. */
const SHOT = (name: string) => path.join(os.tmpdir(), `board-${name}.png`);

describe.skipIf(CHROMIUM === undefined)('the board in headless Chromium', () => {
  test(browserTest(
    'two runners post: both rows shown, markup as text, changes live without a reload',
  ), async () => {
    launched = within(launchChromium(), 'Chromium never started', 5_000);
    const { origin } = await startBoard({ heartbeatMs: 1_000 });
    const context = await (await launched).newContext({ viewport: { width: 1200, height: 700 } });
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });
    await page.goto(`${origin}/`);
    await page.waitForSelector('#live.on');
    await page.screenshot({ path: SHOT('empty') });

    const client = (name: string, runner: string) => {
      const made = createBoardClient({ url: origin, code: CODE, name, runner });
      clients.push(made);
      return made;
    };
    const ada = client(MARKUP, 'ada');
    const grace = client('Grace & Edsger', 'grace');
    ada.post(RUNNER_STANDING);
    grace.post({
      ...RUNNER_STANDING,
      kata: { number: 21, slug: 'http-get' },
      passed: 9,
      failed: 0,
      firstFailing: null,
    });
    await page.locator('#rows tr').nth(1).waitFor();
    expect(await page.locator('#rows tr').count()).toBe(2);
    const names = await page.$$eval('#rows td.name', (cells) => cells.map((c) => c.textContent));
    expect(names.sort()).toEqual([MARKUP, 'Grace & Edsger'].sort());
    expect(await page.$('#injected')).toBeNull();
    expect(await page.$$eval('#bars .bar', (bars) => bars.map((b) => b.textContent))).toEqual([
      '17 parse-a-request-line1 pair',
      '21 http-get1 pair',
    ]);
    await page.screenshot({ path: SHOT('two-pairs') });

    // Ada's pair saves four more times on the same failing spec, five in all: stuck, live
    for (let i = 1; i <= 4; i++) {
      ada.post({ ...RUNNER_STANDING, secondsOnKata: 360 + i * 30 });
      await within(ada.idle(), 'a post of the stuck pair never ended');
    }
    await page.waitForSelector('#rows tr.stuck td.name');
    expect(await page.textContent('#rows tr.stuck td.name')).toBe(MARKUP);
    expect(await page.textContent('#rows tr.stuck td.status')).toBe(
      'stuck: the same first failing spec across 5 saves',
    );
    // Grace's pair moves on: the row follows
    grace.post({ ...RUNNER_STANDING, kata: { number: 22, slug: 'follow-redirects' }, passed: 2 });
    await page.locator('#rows td.kata', { hasText: /^22 follow-redirects$/ }).waitFor();
    await page.screenshot({ path: SHOT('stuck'), fullPage: true });
    expect(navigations).toBe(1);
    await context.close();
  }, 15_000);
});
