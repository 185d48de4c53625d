// End-to-end checks of the built app in Debian's Chromium (run with `node --test`).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distDir, openPage, outDir, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const zoomText = (page) => page.locator('output.zoom-level').innerText();
const percent = (s) => Number.parseInt(s, 10);

describe('warren web app', () => {
  test('loads from a sub-path with no console or page errors and draws Hello World', async () => {
    const { page, problems } = await openPage(env.context, env.url);
    await assert.doesNotReject(page.getByRole('heading', { name: 'warren', level: 1 }).waitFor());
    assert.match(await page.locator('.tagline').innerText(), /RabbitMQ/);

    const labels = await page.locator('.nodes [role=button]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('aria-label')),
    );
    assert.equal(labels.length, 4, `four nodes: ${labels}`);
    assert.match(labels[0], /^producer send\.py, publishes to exchange \(AMQP default\) with routing key hello/);
    assert.match(labels[1], /^exchange \(AMQP default\), direct/);
    assert.equal(labels[2], 'queue hello, 0 ready, 0 unacked');
    assert.match(labels[3], /^consumer receive\.py, consumes from queue hello/);

    // Three arrows, each with an arrowhead marker, in flow order left to right at 1280×720.
    const edges = await page.locator('.edges .edge-line').evaluateAll((els) =>
      els.map((e) => ({ marker: e.getAttribute('marker-end'), box: e.getBoundingClientRect().toJSON() })),
    );
    assert.equal(edges.length, 3);
    for (const e of edges) assert.match(e.marker, /^url\(#warren-arrow-/);
    const xs = await page.locator('.nodes [role=button]').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect().x),
    );
    assert.deepEqual([...xs].sort((a, b) => a - b), xs, 'nodes laid out left to right');

    // Labels readable at a projector's size: node names at least 14 CSS px on screen.
    const nameHeight = await page.locator('.node-name').first().evaluate((e) => e.getBoundingClientRect().height);
    assert.ok(nameHeight >= 14, `node name is ${nameHeight}px tall`);
    // Every node is fully inside the drawing area.
    const area = await page.locator('.diagram-area').boundingBox();
    for (const box of await page.locator('.nodes [role=button]').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect().toJSON()),
    )) {
      assert.ok(box.x >= area.x && box.x + box.width <= area.x + area.width + 0.5, `inside horizontally: ${JSON.stringify(box)}`);
      assert.ok(box.y >= area.y && box.y + box.height <= area.y + area.height + 0.5, `inside vertically: ${JSON.stringify(box)}`);
    }
    assert.match(await page.getByRole('log').innerText(), /Opened scenario “Hello World”/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('zoom buttons change the view and Fit restores it', async () => {
    const { page, problems } = await openPage(env.context, env.url);
    const svg = page.locator('svg.canvas-svg');
    const fitted = await zoomText(page);
    const fittedBox = await svg.getAttribute('viewBox');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.waitForFunction((old) => document.querySelector('output.zoom-level').textContent !== old, fitted);
    assert.ok(percent(await zoomText(page)) > percent(fitted));
    assert.notEqual(await svg.getAttribute('viewBox'), fittedBox);
    await page.getByRole('button', { name: 'Zoom out' }).click();
    await page.getByRole('button', { name: 'Zoom out' }).click();
    assert.ok(percent(await zoomText(page)) < percent(fitted));
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    assert.equal(await zoomText(page), fitted);
    assert.equal(await svg.getAttribute('viewBox'), fittedBox);
    // Keyboard shortcut.
    await page.keyboard.press('+');
    assert.ok(percent(await zoomText(page)) > percent(fitted));
    await page.keyboard.press('0');
    assert.equal(await zoomText(page), fitted);
    // Dragging the background with the middle button pans the view (a left drag draws a
    // selection marquee in the editor; one finger pans on touch screens).
    const area = await page.locator('.diagram-area').boundingBox();
    await page.mouse.move(area.x + 30, area.y + 30);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(area.x + 130, area.y + 80, { steps: 5 });
    await page.mouse.up({ button: 'middle' });
    assert.notEqual(await svg.getAttribute('viewBox'), fittedBox);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('selecting a node opens the inspector; Escape closes it', async () => {
    const { page, problems } = await openPage(env.context, env.url);
    const queue = page.getByRole('button', { name: /^queue hello/ });
    await queue.click();
    await assert.doesNotReject(page.getByRole('heading', { name: 'queue hello' }).waitFor());
    assert.equal(await queue.getAttribute('aria-pressed'), 'true');
    const panel = page.getByRole('complementary', { name: 'Inspector' });
    assert.match(await panel.innerText(), /Max length/);
    assert.match(await page.locator('.status-text').innerText(), /Selected: queue hello/);
    assert.match(await page.getByRole('log').innerText(), /Selected queue hello\./);
    await page.keyboard.press('Escape');
    await assert.doesNotReject(page.getByRole('heading', { name: 'Hello World' }).waitFor());
    // Keyboard only: Tab to the exchange and press Enter.
    await page.getByRole('button', { name: /^exchange/ }).focus();
    await page.keyboard.press('Enter');
    await assert.doesNotReject(page.getByRole('heading', { name: 'exchange (AMQP default)' }).waitFor());
    assert.match(await panel.innerText(), /bound to the default exchange by its own name/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('theme follows the system, then the toggle, and the choice survives a reload', async () => {
    const { page, problems } = await openPage(env.context, env.url);
    await page.evaluate(() => localStorage.removeItem('warren.theme'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.getByRole('button', { name: /^queue hello/ }).waitFor();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.getByRole('button', { name: /^queue hello/ }).waitFor();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), lightBg);
    assert.equal(await page.evaluate(() => localStorage.getItem('warren.theme')), 'dark');
    await page.reload();
    await page.getByRole('button', { name: /^queue hello/ }).waitFor();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark', 'explicit choice beats the system');
    await page.screenshot({ path: join(outDir, 'warren-1280x720-dark.png') });
    await page.evaluate(() => localStorage.removeItem('warren.theme'));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('reduced motion turns transitions off', async () => {
    const { page, problems } = await openPage(env.context, env.url);
    const duration = () =>
      page.locator('.tool-button').first().evaluate((e) => parseFloat(getComputedStyle(e).transitionDuration));
    assert.ok((await duration()) >= 0.1);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    assert.ok((await duration()) < 0.001);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('embeds in another page with the README\'s iframe snippet', async () => {
    const page = await env.context.newPage();
    const problems = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    await page.goto(env.embedUrl);
    const frame = page.frameLocator('iframe[title^="warren"]');
    await frame.getByRole('button', { name: /^queue hello/ }).waitFor({ timeout: 20000 });
    assert.equal(await frame.locator('.nodes [role=button]').count(), 4);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('opened from file:// it explains what to do instead of staying blank', async () => {
    const page = await env.context.newPage();
    await page.goto(pathToFileURL(join(distDir, 'index.html')).href);
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 10000 });
    assert.match(await alert.innerText(), /warren could not start[\s\S]*static web server/);
    await page.close();
  });

  test('the start-up failure speaks Chinese to a Chinese reader', async () => {
    const page = await env.context.newPage();
    await page.addInitScript(() => {
      localStorage.setItem('warren.lang', 'zh-CN');
    });
    await page.goto(pathToFileURL(join(distDir, 'index.html')).href);
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 10000 });
    assert.match(await alert.innerText(), /warren 无法启动[\s\S]*静态网页服务器/);
    await page.close();
  });

  test('screenshots at 1280×720 and 390×844; the phone layout fits the width', async () => {
    const desk = await openPage(env.context, env.url, { width: 1280, height: 720 });
    await desk.page.emulateMedia({ colorScheme: 'light' });
    await desk.page.screenshot({ path: join(outDir, 'warren-1280x720.png') });
    assert.deepEqual(desk.problems, []);
    await desk.page.close();

    const phone = await openPage(env.context, env.url, { width: 390, height: 844 });
    await phone.page.emulateMedia({ colorScheme: 'light' });
    const { scrollWidth, clientWidth } = await phone.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    assert.ok(scrollWidth <= clientWidth, `no sideways scrolling: ${scrollWidth} > ${clientWidth}`);
    // On a portrait phone the flow runs top to bottom and every node is on screen.
    const boxes = await phone.page.locator('.nodes [role=button]').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect().toJSON()),
    );
    for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i].y > boxes[i - 1].y, 'stacked top to bottom');
    for (const b of boxes) assert.ok(b.x >= 0 && b.x + b.width <= 390, `node within the phone's width: ${JSON.stringify(b)}`);
    await phone.page.screenshot({ path: join(outDir, 'warren-390x844.png') });
    assert.deepEqual(phone.problems, []);
    await phone.page.close();
  });
});
