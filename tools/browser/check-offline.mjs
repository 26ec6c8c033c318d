// Usage: node check-offline.mjs <app url>
// Loads the app in headless Chromium until its service worker controls the page, requests pages that are not part of
// the app shell (one missing, one from the API, one with a query), then lists what the worker cached and reloads the
// page offline. Prints {"caches": {name: [paths]}, "offlineShell": bool, "errors": [...]}; exits 1 unless only the
// shell's files are cached, in one cache, and the app still opens offline.
import { launchChromium } from './chromium.mjs';

const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: node check-offline.mjs <url>');
  process.exit(2);
}
const SHELL = ['/', '/app.css', '/app.js', '/icon.svg', '/manifest.webmanifest'];
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  const statuses = await page.evaluate(async () => {
    const paths = ['/no-such-page', '/api/v1/fruits', '/?utm=1', '/app.js'];
    return Promise.all(paths.map((path) => fetch(path).then((r) => r.status)));
  });
  await page.waitForTimeout(500);
  const cached = await page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      out[name] = (await cache.keys()).map((request) => { const u = new URL(request.url); return u.pathname + u.search; });
    }
    return out;
  });
  await context.setOffline(true);
  await page.reload({ waitUntil: 'load' });
  const offlineShell = (await page.$('#photo')) !== null;
  console.log(JSON.stringify({ statuses, caches: cached, offlineShell, errors }));
  const names = Object.keys(cached);
  const ok = names.length === 1 && cached[names[0]].every((path) => SHELL.includes(path))
    && cached[names[0]].length === SHELL.length && offlineShell && errors.length === 0;
  process.exitCode = ok ? 0 : 1;
} finally {
  await browser.close();
}
