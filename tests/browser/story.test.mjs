// Browser test of the newsgraph web UI: opens the front page and the biggest
// story's page in Debian's headless Chromium (driven by playwright-core) and
// asserts that the timeline and both languages (de, nb) are shown; saves a
// screenshot. Usage: node story.test.mjs BASE_URL SCREENSHOT.png
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.argv[2];
const shot = process.argv[3] || 'story.png';
if (!base || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(base)) {
  console.error('usage: node story.test.mjs http://127.0.0.1:PORT SCREENSHOT.png (loopback only)');
  process.exit(2);
}

const results = [];
function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? 'ok' : 'FAILED'} - ${name}${detail ? ': ' + detail : ''}`);
}

const profile = mkdtempSync(join(tmpdir(), 'ng-chromium-'));
// A fresh, empty profile directory (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 1000 },
  javaScriptEnabled: false,
});
try {
  const page = await browser.newPage();
  // Front page lists stories; pick the one with both languages.
  const front = await page.goto(base + '/');
  check('front page answers 200', front.status() === 200, String(front.status()));
  const api = await (await page.request.get(base + '/api/stories?sort=size&limit=50')).json();
  const story = api.items.find((s) => s.languages.includes('de') && s.languages.includes('nb'));
  check('a story has German and Norwegian articles', !!story, JSON.stringify(api.items.map((s) => s.languages)));
  if (story) {
    const link = await page.locator(`a[href="/stories/${story.id}"]`).count();
    check('front page links the story', link > 0);
    const res = await page.goto(`${base}/stories/${story.id}`);
    check('story page answers 200', res.status() === 200, String(res.status()));
    const timeline = page.locator('#timeline table.timeline');
    check('timeline is shown', (await timeline.count()) === 1);
    const rows = await page.locator('#timeline table.timeline tbody tr').count();
    check('timeline has dated rows', rows > 0, `${rows} rows`);
    const heads = await page.locator('#timeline thead th').allInnerTexts();
    const langs = heads.map((h) => h.trim().toLowerCase());
    check('timeline has a German column', langs.includes('de'), heads.join('|'));
    check('timeline has a Norwegian column', langs.includes('nb'), heads.join('|'));
    const cols = await page.locator('#articles .col').evaluateAll((els) => els.map((e) => e.getAttribute('lang')));
    check('articles are listed per language (de and nb)', cols.includes('de') && cols.includes('nb'), cols.join(','));
    await page.screenshot({ path: shot, fullPage: true });
    check('screenshot saved', true, shot);
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
