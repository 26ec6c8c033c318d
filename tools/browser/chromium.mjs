// Debian's Chromium (or $CHROMIUM) headless through playwright-core, with the flags this sandboxed machine needs:
// no sandbox (root), no GPU, and no background network traffic (the network is closed).
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
