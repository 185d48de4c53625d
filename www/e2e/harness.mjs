// Shared set-up for the end-to-end tests: serve a built dist/ with Python's static server
// under a sub-path (proving the build uses relative URLs) and drive Debian's Chromium with
// playwright-core. Nothing here downloads a browser.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const distDir = resolve(process.env.WARREN_DIST ?? join(repoRoot, 'dist'));
export const outDir = resolve(process.env.WARREN_E2E_OUT ?? join(repoRoot, 'target', 'e2e'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The flags keep a headless Chromium from reaching for the network on a closed machine.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitForHttp(url, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`server at ${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the static server and the browser; returns { url, context, close() }. */
export async function start() {
  const siteRoot = mkdtempSync(join(tmpdir(), 'warren-site-'));
  const subPath = 'courses/amqp/warren';
  mkdirSync(join(siteRoot, subPath), { recursive: true });
  cpSync(distDir, join(siteRoot, subPath), { recursive: true });
  // The README's embedding snippet, verbatim in spirit: dist/ copied as warren/ next to the page.
  writeFileSync(
    join(siteRoot, subPath, '..', 'embed.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Course page</title><link rel="icon" href="data:,"></head>
<body><h1>Week 3: message brokers</h1>
<iframe src="warren/index.html" title="warren: RabbitMQ simulator"
        width="100%" height="640" style="border: 0" loading="lazy"></iframe></body></html>`,
  );
  const port = await freePort();
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', siteRoot], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/${subPath}/`;
  const embedUrl = `http://127.0.0.1:${port}/${subPath}/../embed.html`.replace('/warren/../', '/');
  const profile = mkdtempSync(join(tmpdir(), 'warren-chromium-'));
  let context;
  try {
    await waitForHttp(url, 15000);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      viewport: { width: 1280, height: 720 },
    });
  } catch (e) {
    server.kill();
    throw e;
  }
  mkdirSync(outDir, { recursive: true });
  return {
    url,
    embedUrl,
    context,
    async close() {
      await context.close();
      server.kill();
      rmSync(profile, { recursive: true, force: true });
      rmSync(siteRoot, { recursive: true, force: true });
    },
  };
}

/** Opens a page that records every console error and uncaught page error. */
export async function openPage(context, url, viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  await page.goto(url);
  await page.getByRole('button', { name: /^queue hello/ }).waitFor({ timeout: 20000 });
  return { page, problems };
}

/** A page on the app at `hash` with the saved work cleared first, collecting console and page
 * errors (a test asserts `problems` is empty). */
export async function freshPage(env, hash = '', viewport) {
  const page = await env.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(env.url);
  await page.waitForSelector('.canvas-svg');
  await page.evaluate(() => localStorage.clear());
  await page.goto(env.url + hash);
  await page.waitForSelector('.canvas-svg');
  return { page, problems };
}
