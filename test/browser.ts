import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Where Debian, Ubuntu and Chrome's own packages put the browser. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

/** Screenshots the browser tests save, for people to look at (ignored by git). */
export const SCREENSHOTS = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'test-output', 'screenshots');

/**
 * The system's Chromium (AIPROV_CHROMIUM names another). There is no
 * fallback and no skip: a run without a browser fails, saying how to get one.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.AIPROV_CHROMIUM;
  if (named !== undefined && named !== '') {
    if (!existsSync(named)) throw new Error(`AIPROV_CHROMIUM=${named}: no such file`);
    return named;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found === undefined)
    throw new Error(
      `no Chromium in ${CANDIDATES.join(', ')}: install Debian's (apt-get install chromium; npm test's set-up, scripts/test-setup.mjs, does) or set AIPROV_CHROMIUM to one; the browser tests fail without it, they do not skip`,
    );
  return found;
}

export function launchBrowser(): Promise<Browser> {
  // Root in a container has no user namespace for the sandbox; the pages opened are our own files.
  return puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
}

export interface OpenedPage {
  page: Page;
  /** Console errors and warnings, page errors, dialogs, and every request that was not the file itself or data: (each blocked). */
  problems: string[];
}

/** Opens `file` from disk with every network request refused and recorded. */
export async function openOffline(browser: Browser, file: string, options: { dark?: boolean; width?: number } = {}): Promise<OpenedPage> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const url = pathToFileURL(file).href;
  await page.setViewport({ width: options.width ?? 1100, height: 900 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: options.dark === true ? 'dark' : 'light' }]);
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const asked = request.url();
    if (asked === url || asked.startsWith('data:')) void request.continue();
    else {
      problems.push(`request: ${asked}`);
      void request.abort();
    }
  });
  page.on('requestfailed', (request) => {
    if (request.url() === url) problems.push(`failed: ${request.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    problems.push(`page error: ${error instanceof Error ? error.message : String(error)}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file: `${string}.png` = `${path.join(SCREENSHOTS, name)}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
