/**
 * A headless Chromium for the browser checks (kata 41's login, the board), driven through
 * playwright-core, which brings no browser of its own: Debian's, or the one at
 * $CHROMIUM_PATH. Not in index.ts: only the browser specs load playwright-core.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium found, or undefined: the browser specs are then skipped, and say why. */
export const CHROMIUM = CANDIDATES.find(
  (file) => file !== undefined && file !== '' && existsSync(file),
);

const NO_BROWSER =
  'skipped: no Chromium at $CHROMIUM_PATH, /usr/bin/chromium or /usr/bin/chromium-browser (apt-get install chromium)';

/** A test's name, with the reason it is skipped when there is no browser. */
export const browserTest = (name: string): string =>
  CHROMIUM === undefined ? `${name} (${NO_BROWSER})` : name;

/** Headless, sandbox off (containers), nothing fetched behind the test's back. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts the Chromium found (call it only where CHROMIUM is set), within 5 s. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 5_000 });
}
