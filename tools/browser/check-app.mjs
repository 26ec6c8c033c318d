// Usage: node check-app.mjs <app url> <photo> <expected common name> <screenshot.png>
// Opens the Fruits! app in headless Chromium at a phone's viewport, uploads the photo through the page's file input,
// waits for the answer and checks that the expected fruit and its card (with handling advice) appear, with no console
// error. Saves a screenshot and prints {"answer": ..., "card": ..., "guesses": n, "errors": [...]}; exits 1 on failure.
import { launchChromium } from './chromium.mjs';

const [url, photo, expected, screenshot] = process.argv.slice(2);
if (!url || !photo || !expected || !screenshot) {
  console.error('usage: node check-app.mjs <url> <photo> <expected common name> <screenshot.png>');
  process.exit(2);
}
const browser = await launchChromium();
try {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));

  await page.goto(url, { waitUntil: 'load' });
  await page.setInputFiles('#photo', photo);
  await page.waitForSelector('#card:not([hidden])', { timeout: 30000 });
  const answer = (await page.textContent('[data-testid=answer]')).trim();
  const card = (await page.textContent('#card-title')).trim();
  const handling = (await page.textContent('[data-testid=handling]')).trim();
  const guesses = await page.$$eval('#guesses li', (items) => items.length);
  const previewShown = await page.$eval('#preview', (img) => img.complete && img.naturalWidth > 0);
  const overflows = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  await page.screenshot({ path: screenshot, fullPage: true });
  const result = { answer, card, handling: handling.length, guesses, previewShown, overflows, errors };
  console.log(JSON.stringify(result));
  const ok = answer === expected && card === expected && handling.length > 0 && guesses === 3 && previewShown
    && !overflows && errors.length === 0;
  process.exitCode = ok ? 0 : 1;
} finally {
  await browser.close();
}
