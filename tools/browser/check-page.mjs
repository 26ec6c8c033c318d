// Usage: node check-page.mjs <url> <screenshot.png> [width] [height]
// Opens the page in headless Chromium (CHROMIUM or /usr/bin/chromium), waits for it to load, saves a full-page
// screenshot and prints {"errors": [...], "images": n, "brokenImages": n, "title": "..."}. Exits 1 when the page
// logged a console error, threw, or has an image that did not decode.
import { launchChromium } from './chromium.mjs';

const [url, screenshot, width = '1280', height = '900'] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node check-page.mjs <url> <screenshot.png> [width] [height]');
  process.exit(2);
}
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url, { waitUntil: 'load' });
  const images = await page.$$eval('img', (all) => all.map((img) => img.complete && img.naturalWidth > 0));
  await page.screenshot({ path: screenshot, fullPage: true });
  const result = { errors, images: images.length, brokenImages: images.filter((ok) => !ok).length, title: await page.title() };
  console.log(JSON.stringify(result));
  process.exitCode = errors.length > 0 || result.brokenImages > 0 ? 1 : 0;
} finally {
  await browser.close();
}
