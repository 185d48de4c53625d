// End-to-end checks of the shell's features in Debian's Chromium: lessons, share links, embeds
// and their postMessage API, file save/open, bad links and files, languages, offline reload.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { distDir, freshPage, outDir, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const PRESETS = {
  'hello-world': 'Hello World', 'work-queues': 'Work queues', 'publish-subscribe': 'Publish/Subscribe',
  routing: 'Routing', topics: 'Topics', rpc: 'RPC', 'publisher-confirms': 'Publisher confirms',
  'dead-lettering': 'Dead-lettering: reject and TTL', 'delayed-retry': 'Delayed retry with TTL and DLX',
  'max-length': 'Max length and overflow modes', 'priority-queue': 'Priority queue',
  'alternate-exchange': 'Alternate exchange', 'headers-exchange': 'Headers exchange',
  'exchange-to-exchange': 'Exchange-to-exchange routing',
  'challenge-pager': 'Challenge: page only critical alerts', 'challenge-retry': 'Challenge: retry failed orders',
  'challenge-fair-dispatch': 'Challenge: fair dispatch',
};

const diagramLabel = (page) => page.locator('.canvas-svg').getAttribute('aria-label');
const saved = (page) => page.evaluate(() => localStorage.getItem('warren.scenario'));
const savedTitle = async (page) => JSON.parse((await saved(page)) ?? '{}').title;

async function waitForTitle(page, title) {
  await page.waitForFunction(
    (t) => {
      // The diagram's accessible name is translated: "Diagram of T: …" / "T 的图：…".
      const label = document.querySelector('.canvas-svg')?.getAttribute('aria-label') ?? '';
      return label.startsWith(`Diagram of ${t}:`) || label.startsWith(`${t} 的图：`);
    },
    title,
    { timeout: 10000 },
  );
}

/** A fresh page on the app with the given fragment, storage cleared first. */
function fresh(hash = '') {
  return freshPage(env, hash);
}

describe('warren shell', () => {
  test('every preset opens from the Lessons dialog with its lesson in the side panel', async () => {
    const { page, problems } = await fresh();
    for (const [id, title] of Object.entries(PRESETS)) {
      await page.getByRole('button', { name: 'Lessons: open a preset scenario' }).click();
      const dialog = page.getByRole('dialog', { name: 'Lessons' });
      await dialog.waitFor();
      assert.equal(await dialog.locator('.preset-item').count(), Object.keys(PRESETS).length);
      await dialog.locator(`[data-preset="${id}"]`).click();
      await waitForTitle(page, title);
      assert.equal(await page.getByRole('dialog').count(), 0, 'dialog closed');
      assert.ok((await page.locator('.nodes [role=button]').count()) >= 2, `${id} draws nodes`);
      const panel = await page.locator('.side-panel').innerText();
      assert.match(panel, /watch for/i, `${id} shows what to watch for`);
      assert.match(panel, /try this/i, `${id} shows suggestions`);
    }
    // The last one opened is what the autosave holds.
    assert.equal(await savedTitle(page), 'Challenge: fair dispatch');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('share link round-trip: short for an unchanged preset, the whole scenario once edited', async () => {
    const { page, problems } = await fresh('#preset=rpc');
    await waitForTitle(page, 'RPC');
    assert.equal(new URL(page.url()).hash, '', 'the fragment is cleared once opened');
    await page.getByRole('button', { name: 'Share a link to this diagram' }).click();
    let link = await page.getByRole('dialog', { name: 'Share' }).locator('textarea').inputValue();
    assert.equal(link, `${env.url}#preset=rpc`);
    await page.keyboard.press('Escape');

    // An edit (one more queue) makes the link carry the whole scenario.
    const before = await page.locator('.nodes [role=button]').count();
    await page.getByRole('button', { name: 'Add queue' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('.nodes [role=button]').length === n + 1, before);
    await page.getByRole('button', { name: 'Share a link to this diagram' }).click();
    link = await page.getByRole('dialog', { name: 'Share' }).locator('textarea').inputValue();
    assert.match(link, /#s=[A-Za-z0-9_-]+$/);
    await page.keyboard.press('Escape');
    const nodes = await page.locator('.nodes [role=button]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));

    const other = await env.context.newPage();
    await other.goto(env.url);
    await other.evaluate(() => localStorage.clear());
    await other.goto(link);
    await waitForTitle(other, 'RPC');
    const opened = await other.locator('.nodes [role=button]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert.deepEqual(opened, nodes);
    assert.match(await other.getByRole('status').filter({ hasText: 'from the link' }).innerText(), /Opened “RPC” from the link/);
    assert.deepEqual(problems, []);
    await other.close();
    await page.close();
  });

  test('a corrupt link says what is wrong and leaves the autosaved work alone', async () => {
    const { page, problems } = await fresh('#preset=routing');
    await waitForTitle(page, 'Routing');
    const before = await saved(page);
    assert.equal(JSON.parse(before).title, 'Routing');
    for (const bad of ['#s=AAAA!!!!', '#preset=no-such-lesson', '#s=' + 'q'.repeat(40)]) {
      await page.goto(env.url + bad);
      await page.reload();
      const alert = page.getByRole('alert').filter({ hasText: 'could not be opened' });
      await alert.waitFor();
      assert.match(await alert.innerText(), /This link could not be opened: .+Your own diagram was not changed/);
      await waitForTitle(page, 'Routing');
      assert.equal(await saved(page), before, `autosave untouched by ${bad}`);
    }
    await page.goto(env.url);
    await page.reload();
    await waitForTitle(page, 'Routing');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('save to a file and open it again; a corrupt file is reported with its JSON path', async () => {
    const { page, problems } = await fresh('#preset=topics');
    await waitForTitle(page, 'Topics');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save as a scenario file' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'topics.warren.json');
    const text = readFileSync(await download.path(), 'utf8');
    const json = JSON.parse(text);
    assert.equal(json.warren, 1);
    assert.equal(json.title, 'Topics');

    await page.getByRole('button', { name: 'Add exchange' }).click(); // some unsaved work
    const autosaved = await saved(page);

    // A corrupt file: nothing changes, the message names the JSON path.
    json.producers[0].rate = { kind: 'every', every_ms: 0 };
    await page.locator('input[type=file]').setInputFiles({
      name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)),
    });
    const alert = page.getByRole('alert').filter({ hasText: 'broken.json' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /broken\.json could not be opened: producers\[0\]\.rate\.every_ms: .*Nothing was changed/);
    assert.equal(await saved(page), autosaved);
    await page.locator('input[type=file]').setInputFiles({
      name: 'garbage.json', mimeType: 'application/json', buffer: Buffer.from('{"warren": 1, oops'),
    });
    await page.getByRole('alert').filter({ hasText: 'garbage.json' }).waitFor();
    assert.equal(await saved(page), autosaved);

    // The saved file, renamed, opens.
    const renamed = JSON.parse(text);
    renamed.title = 'Topics from a file';
    await page.locator('input[type=file]').setInputFiles({
      name: 'topics.warren.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(renamed)),
    });
    await waitForTitle(page, 'Topics from a file');
    assert.equal(await savedTitle(page), 'Topics from a file');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('export SVG and PNG', async () => {
    const { page, problems } = await fresh('#preset=hello-world');
    await waitForTitle(page, 'Hello World');
    await page.getByRole('button', { name: 'Export the diagram as a picture' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export picture' });
    const [svg] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download SVG' }).click()]);
    assert.equal(svg.suggestedFilename(), 'hello-world.svg');
    const svgText = readFileSync(await svg.path(), 'utf8');
    assert.match(svgText, /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svgText, />hello</);
    assert.match(svgText, /style="[^"]*fill:/, 'styles are inline');
    const [png] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download PNG' }).click()]);
    assert.equal(png.suggestedFilename(), 'hello-world.png');
    const bytes = readFileSync(await png.path());
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.ok(bytes.length > 5000, `png is ${bytes.length} bytes`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('switching language re-renders in place and is remembered', async () => {
    const { page, problems } = await fresh('#preset=topics');
    await waitForTitle(page, 'Topics');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    const zoom = await page.locator('output.zoom-level').innerText();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await page.getByRole('combobox', { name: '语言' }).waitFor();
    assert.equal(await page.locator('.tagline').innerText(), '看清 RabbitMQ 如何处理每一条消息');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.match(await page.locator('.side-panel').innerText(), /注意观察[\s\S]*lazy\.pink\.rabbit 同时匹配/);
    assert.equal(await page.locator('output.zoom-level').innerText(), zoom, 'view kept');
    await page.getByRole('button', { name: '课程：打开预设场景' }).click();
    assert.match(await page.getByRole('dialog', { name: '课程' }).innerText(), /死信：拒绝与 TTL/);
    await page.keyboard.press('Escape');
    await page.reload();
    await page.getByRole('combobox', { name: '语言' }).waitFor();
    await waitForTitle(page, 'Topics');
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    await page.getByRole('combobox', { name: 'Language' }).waitFor();
    assert.match(await page.locator('.side-panel').innerText(), /watch for/i);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('embed example page: two embeds, the postMessage API, the autosave untouched', async () => {
    const { page: app } = await fresh('#preset=max-length');
    await waitForTitle(app, 'Max length and overflow modes');
    const autosaved = await saved(app);
    await app.close();

    const page = await env.context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(env.url + 'embed-example.html');
    const frames = page.locator('iframe');
    assert.equal(await frames.count(), 2);
    const one = page.frameLocator('#topics');
    const two = page.frameLocator('#work');
    await one.locator('.canvas-svg[aria-label^="Diagram of Topics:"]').waitFor({ timeout: 20000 });
    await two.locator('.canvas-svg[aria-label^="Diagram of Work queues:"]').waitFor({ timeout: 20000 });
    // Only the diagram: no header, toolbar or panels.
    assert.equal(await one.locator('.brand').isVisible(), false);
    assert.equal(await one.locator('.side-panel').isVisible(), false);
    assert.equal(await one.locator('.palette').isVisible(), false);
    assert.ok((await one.locator('.nodes [role=button]').count()) >= 5);
    assert.equal(await one.locator('.embed-open').isVisible(), true);

    const events = page.locator('#events');
    await page.waitForFunction(() => document.getElementById('events').textContent.includes('"ready"'));
    await page.getByRole('button', { name: 'Load a direct-exchange scenario' }).click();
    await one.locator('.canvas-svg[aria-label^="Diagram of Severities:"]').waitFor();
    await page.waitForFunction(() => document.getElementById('events').textContent.includes('"loaded"'));
    await page.getByRole('button', { name: 'Step' }).click();
    await page.waitForFunction(() => /"(step|unavailable)"/.test(document.getElementById('events').textContent));
    // The step is forwarded as a simulation event with its index, time and explanation.
    const first = page.locator('#sim-events li').first();
    await first.waitFor();
    assert.match(await first.innerText(), /^#0 · 0 ms\s+consumer alerts subscribed to errors/);
    await page.getByRole('button', { name: 'Step' }).click();
    await page.locator('#sim-events li').nth(1).waitFor();
    assert.match(await page.locator('#sim-events li').nth(1).innerText(), /^#1 · 0 ms/);
    assert.equal(await page.locator('#sim-events li').count(), 2, 'one event per step');
    // Run to idle is forwarded too: the run's last events (capped), then one run_to_idle summary.
    await one.getByRole('button', { name: 'Run to idle' }).click();
    await page.waitForFunction(() => document.getElementById('events').textContent.includes('"run_to_idle"'));
    const summary = JSON.parse((await events.innerText()).split('\n').find((l) => l.includes('"run_to_idle"')));
    const forwarded = (await page.locator('#sim-events li').count()) - 2;
    assert.ok(summary.events > 0 && forwarded === Math.min(summary.events, 100), `${forwarded} of ${JSON.stringify(summary)}`);
    const firstIndex = 2 + summary.events - forwarded;
    assert.match(await page.locator('#sim-events li').nth(2).innerText(), new RegExp(`^#${firstIndex} · `));

    // Malformed and unknown messages are ignored; a bad scenario is answered with an error event.
    await page.evaluate(() => {
      const w = document.getElementById('topics').contentWindow;
      for (const m of [null, 42, 'warren:play', [], {}, { type: 'warren:explode' }, { type: 'warren:load' },
        { type: 'warren:load', scenario: 7 }, { type: 'warren:load', scenario: { warren: 1, seed: -1 } }]) {
        w.postMessage(m, '*');
      }
    });
    await page.waitForFunction(() => document.getElementById('events').textContent.includes('"error"'));
    assert.match(await events.innerText(), /"kind":"error","message":"seed:/);
    await one.locator('.canvas-svg[aria-label^="Diagram of Severities:"]').waitFor();
    // The second embed was not affected, and neither embed wrote the user's autosave.
    await two.locator('.canvas-svg[aria-label^="Diagram of Work queues:"]').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('warren.scenario')), autosaved);
    await page.screenshot({ path: join(outDir, 'embed-example.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the Embed dialog gives an iframe snippet that works', async () => {
    const { page, problems } = await fresh('#preset=publish-subscribe');
    await waitForTitle(page, 'Publish/Subscribe');
    await page.getByRole('button', { name: 'Embed this diagram in a web page' }).click();
    const dialog = page.getByRole('dialog', { name: 'Embed' });
    await dialog.getByLabel('Read-only (no editing)').check();
    const snippet = await dialog.locator('textarea').inputValue();
    assert.match(snippet, /^<iframe src="[^"]*\?embed&amp;readonly#preset=publish-subscribe"/);
    const src = snippet.match(/src="([^"]*)"/)[1].replaceAll('&amp;', '&');
    await page.goto(src);
    await waitForTitle(page, 'Publish/Subscribe');
    assert.equal(await page.locator('html').getAttribute('class'), 'embed embed-readonly');
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('offline', () => {
  test('after one visit the app reloads with the server gone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'warren-offline-'));
    cpSync(distDir, root, { recursive: true });
    const port = 20000 + Math.floor(Math.random() * 20000);
    let server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], { stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}/`;
    try {
      for (let i = 0; ; i++) {
        try { if ((await fetch(url)).ok) break; } catch { /* not up yet */ }
        if (i > 100) throw new Error('server did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const page = await env.context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(url + '#preset=topics');
      await waitForTitle(page, 'Topics');
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller) {
          await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
        }
      });
      server.kill();
      await new Promise((r) => server.once('exit', r));
      server = null;
      await page.reload();
      await waitForTitle(page, 'Topics');
      assert.ok((await page.locator('.nodes [role=button]').count()) >= 5);
      // The Chinese texts are fetched on demand; the service worker kept them for offline use.
      await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
      await page.getByRole('combobox', { name: '语言' }).waitFor();
      assert.match(await page.locator('.side-panel').innerText(), /注意观察/);
      await page.getByRole('combobox', { name: '语言' }).selectOption('en');
      await page.getByRole('combobox', { name: 'Language' }).waitFor();
      // A fresh navigation (no reload cache) works too, and the example page was cached.
      await page.goto(url + 'embed-example.html');
      await page.frameLocator('#topics').locator('.canvas-svg').waitFor({ timeout: 20000 });
      assert.deepEqual(problems, []);
      await page.close();
    } finally {
      server?.kill();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
