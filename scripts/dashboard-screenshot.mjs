// Regenerates docs/dashboard.png, the README's picture of the dashboard: the
// demo's sample built in a temporary directory, its page opened in the
// system's Chromium (AIPROV_CHROMIUM names another), the top of it captured.
// Run with `npm run screenshot` (which builds first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'docs', 'dashboard.png');
const executablePath = process.env.AIPROV_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (!executablePath) {
  console.error("no Chromium: install Debian's (apt-get install chromium) or set AIPROV_CHROMIUM");
  process.exit(2);
}
const work = mkdtempSync(path.join(os.tmpdir(), 'aiprov-screenshot-'));
try {
  const dir = path.join(work, 'aiprov-demo');
  const demo = spawnSync(process.execPath, [path.join(root, 'bin', 'aiprov.js'), 'demo', '--dir', dir, '--quiet', '--output', path.join(work, 'demo.txt')], {
    encoding: 'utf8',
  });
  if (demo.status !== 0) throw new Error(`aiprov demo failed: ${demo.stderr}`);
  const browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 1400 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await page.goto(pathToFileURL(path.join(dir, 'aiprov-dashboard.html')).href, { waitUntil: 'load' });
    await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1100, height: 1400 } });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${path.relative(root, out)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
