// warren's service worker: after the first visit the app works offline (classroom networks are
// poor). Registered by index.html only over http(s).
//
// Cache-first for the app's files: the wasm, JS and CSS carry a content hash in their names
// (Trunk's filehash), so a cached copy is never stale. The page itself (index.html, the embed
// example) is network-first so a new build's hashed file names are picked up when online, and
// comes from the cache when offline. Bump VERSION to drop every older cache.
// The translations (i18n/, fetched by the app when a language is chosen) have no hash in their
// names either, so they are treated like pages: network-first, cached for offline.
const VERSION = 'warren-v2';
const TEXTS = ['./i18n/zh-CN.json', './i18n/lessons.zh-CN.json'];
const PAGES = ['./', './index.html', './embed-example.html', './manifest.webmanifest', './icon.svg', './icon-maskable.svg', ...TEXTS];

// The hashed file names are only known from the built index.html: read them from it.
async function precache() {
  const cache = await caches.open(VERSION);
  const res = await fetch('./', { cache: 'no-cache' });
  if (!res.ok) throw new Error(`index.html: HTTP ${res.status}`);
  const html = await res.clone().text();
  await cache.put('./', res);
  const assets = new Set(PAGES.slice(1));
  // Release builds minify index.html, which drops the quotes around attribute values.
  for (const m of html.matchAll(/(?:href|src)=(?:"([^"#?]+)"|([^\s"'>#?]+))/g)) {
    const url = new URL(m[1] ?? m[2], self.registration.scope);
    if (url.origin === self.location.origin && url.href.startsWith(self.registration.scope)) assets.add(url.href);
  }
  await Promise.all([...assets].map(async (a) => {
    try {
      const r = await fetch(a, { cache: 'no-cache' });
      if (r.ok) await cache.put(a, r);
    } catch (e) {
      // One missing optional file (e.g. the example page) must not stop the app from installing.
    }
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('warren-') && key !== VERSION) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

function isPage(request) {
  return request.mode === 'navigate' || request.destination === 'document' || request.destination === 'iframe';
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(self.registration.scope)) return;
  // The query (?embed…) and fragment do not change the file.
  const key = url.origin + url.pathname;
  const page = isPage(request);
  if (page || url.pathname.includes('/i18n/')) {
    event.respondWith((async () => {
      const cache = await caches.open(VERSION);
      try {
        const res = await fetch(request);
        if (res.ok) await cache.put(key, res.clone());
        return res;
      } catch (e) {
        const cached = (await cache.match(key)) || (page && ((key.endsWith('/') ? await cache.match(key + 'index.html') : undefined) ||
          (await cache.match(new URL('./', self.registration.scope).href))));
        if (cached) return cached;
        throw e;
      }
    })());
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(VERSION);
    const cached = await cache.match(key);
    if (cached) return cached;
    const res = await fetch(request);
    if (res.ok && res.type === 'basic') await cache.put(key, res.clone());
    return res;
  })());
});
