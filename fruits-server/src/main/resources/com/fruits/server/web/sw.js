// Keeps the app shell available offline; predictions always go to the network.
// Only the shell's own files are cached, only when the server answered them successfully, in one cache per release:
// an error page can never replace the shell, and the cache holds at most the shell's few files.
'use strict';
const VERSION = 'v2';
const CACHE = `fruits-shell-${VERSION}`;
const SHELL = ['/', '/app.css', '/app.js', '/icon.svg', '/manifest.webmanifest'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) {
    return;
  }
  const shellPath = event.request.mode === 'navigate' ? '/' : url.pathname;
  if (!SHELL.includes(shellPath) || url.search !== '') {
    return; // not part of the shell: straight to the network, never cached
  }
  // Network first, so a new release shows at once; the cache answers when offline.
  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok && response.type === 'basic') {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(shellPath, copy)));
      }
      return response;
    })
    .catch(() => caches.match(shellPath)));
});
