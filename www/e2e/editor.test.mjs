// End-to-end tests of the diagram editor (issue 4): draw RabbitMQ tutorial 5 ("Topics") from an
// empty canvas with the mouse, with touch, and with the keyboard only; check the model through
// the page's accessible labels; undo back to empty and redo; autosave; a 200-node drag benchmark.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { openPage, outDir, repoRoot, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const TOPICS_BINDINGS = [
  'binding from exchange topic_logs to queue Q1, key *.orange.*',
  'binding from exchange topic_logs to queue Q2, key *.*.rabbit',
  'binding from exchange topic_logs to queue Q2, key lazy.#',
];

const nodeLabels = (page) =>
  page.locator('.nodes [role=button]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
const bindingLabels = (page) =>
  page.locator('.binding-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')).sort());
const node = (page, re) => page.getByRole('button', { name: re });
const centre = async (loc) => {
  const b = await loc.boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};

/** The tutorial-5 model as the page shows it: node labels and binding labels. */
async function assertTopicsModel(page, { ack = 'manual ack' } = {}) {
  const labels = await nodeLabels(page);
  assert.equal(labels.length, 6, `six nodes: ${labels}; bindings: ${await bindingLabels(page)}`);
  assert.ok(labels.some((l) => /^producer P1, publishes to exchange topic_logs/.test(l)), labels.join(' | '));
  assert.ok(labels.includes('exchange topic_logs, topic'), labels.join(' | '));
  assert.ok(labels.includes('queue Q1, 0 ready, 0 unacked'), labels.join(' | '));
  assert.ok(labels.includes('queue Q2, 0 ready, 0 unacked'), labels.join(' | '));
  assert.ok(labels.includes(`consumer C1, consumes from queue Q1, ${ack}`), labels.join(' | '));
  assert.ok(labels.includes(`consumer C2, consumes from queue Q2, ${ack}`), labels.join(' | '));
  assert.deepEqual(await bindingLabels(page), TOPICS_BINDINGS);
}

/** Undo until the canvas is empty (every drawing step undone; "New" itself stays undoable),
 * then redo until there is nothing left to redo. */
async function undoToEmptyAndRedo(page, viaKeyboard) {
  const undo = page.getByRole('button', { name: 'Undo', exact: true });
  const redo = page.getByRole('button', { name: 'Redo', exact: true });
  let steps = 0;
  for (; steps < 200 && (await nodeLabels(page)).length > 0; steps++) {
    if (viaKeyboard) await page.keyboard.press('Control+z');
    else await undo.click();
  }
  assert.equal((await nodeLabels(page)).length, 0, 'undo goes back to the empty canvas');
  assert.ok(steps >= 15, `every step was undoable on its own (${steps} undos)`);
  for (let i = 0; i < 200 && (await redo.isEnabled()); i++) {
    if (viaKeyboard) await page.keyboard.press('Control+Shift+z');
    else await redo.click();
  }
  assert.equal(await redo.isEnabled(), false);
}

/** Opens the app with no autosaved diagram (the tests share one browser profile). */
async function freshPage(viewport) {
  const p = await env.context.newPage();
  await p.goto(env.url);
  // Wait for the app: once started it only saves again after an edit.
  await p.locator('#warren-canvas').waitFor();
  await p.evaluate(() => {
    for (const k of Object.keys(localStorage)) if (k.startsWith('warren.scenario')) localStorage.removeItem(k);
  });
  await p.close();
  return openPage(env.context, env.url, viewport);
}

async function newDiagram(page) {
  await page.getByRole('button', { name: 'New empty diagram' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.nodes [role=button]').length === 0);
}

describe('diagram editor', () => {
  test('draws Topics with the mouse, refuses a binding into a producer, undoes to empty and redoes', async () => {
    const { page, problems } = await freshPage({ width: 1280, height: 720 });
    await newDiagram(page);
    const canvas = await page.locator('#warren-canvas').boundingBox();
    const at = (x, y) => ({ x: canvas.x + x, y: canvas.y + y });
    const dragTo = async (from, to) => {
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 8 });
      await page.mouse.up();
    };
    // Palette: drag the first two onto the canvas, click the rest (free spots).
    await dragTo(await centre(page.getByRole('button', { name: 'Add producer' })), at(120, 200));
    await node(page, /^producer P1/).waitFor();
    await dragTo(await centre(page.getByRole('button', { name: 'Add exchange' })), at(390, 200));
    await node(page, /^exchange ex1/).waitFor();
    await dragTo(await centre(page.getByRole('button', { name: 'Add queue' })), at(660, 100));
    await dragTo(await centre(page.getByRole('button', { name: 'Add queue' })), at(660, 300));
    await dragTo(await centre(page.getByRole('button', { name: 'Add consumer' })), at(900, 100));
    await page.getByRole('button', { name: 'Add consumer' }).click();
    await node(page, /^consumer C2/).waitFor();
    // The clicked consumer landed somewhere free; move it below C1 by dragging.
    await dragTo(await centre(node(page, /^consumer C2/)), at(900, 300));

    // Rename the exchange in place (double-click), pick its type in the inspector.
    await node(page, /^exchange ex1/).dblclick();
    const rename = page.getByRole('textbox', { name: 'Rename exchange ex1' });
    await rename.fill('topic_logs');
    await rename.press('Enter');
    await node(page, /^exchange topic_logs, direct/).waitFor();
    await page.locator('#field-XType').selectOption('topic');
    await node(page, /^exchange topic_logs, topic/).waitFor();

    // Queue names through the inspector, with inline validation on a duplicate name.
    await node(page, /^queue q1/).click();
    await page.locator('#field-QName').fill('Q1');
    await node(page, /^queue q2/).click();
    await page.locator('#field-QName').fill('Q1');
    await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'a second queue named' }).waitFor());
    assert.equal(await page.locator('#field-QName').getAttribute('aria-invalid'), 'true');
    assert.ok((await nodeLabels(page)).some((l) => l.startsWith('queue q2')), 'the invalid name is not applied');
    await page.locator('#field-QName').fill('Q2');
    await node(page, /^queue Q2/).waitFor();
    assert.equal(await page.locator('.field-error').count(), 0);

    // Connect by dragging from a node's handle.
    const handle = (re) => centre(node(page, re).locator('.handle'));
    await dragTo(await handle(/^producer P1/), await centre(node(page, /^exchange topic_logs/)));
    await node(page, /^producer P1, publishes to exchange topic_logs/).waitFor();
    for (const [queue, key] of [[/^queue Q1/, '*.orange.*'], [/^queue Q2/, '*.*.rabbit'], [/^queue Q2/, 'lazy.#']]) {
      await dragTo(await handle(/^exchange topic_logs/), await centre(node(page, queue)));
      await page.locator('#field-BKey').fill(key);
    }
    await dragTo(await handle(/^queue Q1/), await centre(node(page, /^consumer C1/)));
    await dragTo(await handle(/^queue Q2/), await centre(node(page, /^consumer C2/)));

    // An invalid target is refused visibly while hovering and after the drop; nothing changes.
    const before = await nodeLabels(page);
    const from = await handle(/^exchange topic_logs/);
    const producer = await centre(node(page, /^producer P1/));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(producer.x, producer.y, { steps: 6 });
    assert.equal(await page.locator('.wire.refused').count(), 1, 'the target is marked as refused');
    assert.match(await page.locator('.wire-text').textContent(), /producer/);
    await page.mouse.up();
    assert.match(await page.getByRole('alert').filter({ hasText: 'Not connected' }).innerText(), /into a producer/);
    assert.deepEqual(await nodeLabels(page), before);

    await assertTopicsModel(page);
    // Shift-click and marquee select several nodes; the inspector says how many.
    await node(page, /^queue Q1/).click();
    await node(page, /^queue Q2/).click({ modifiers: ['Shift'] });
    await page.getByRole('heading', { name: '2 items selected' }).waitFor();
    await page.mouse.move(canvas.x + 820, canvas.y + 30);
    await page.mouse.down();
    await page.mouse.move(canvas.x + 975, canvas.y + 380, { steps: 5 });
    await page.mouse.up();
    await page.getByRole('heading', { name: '2 items selected' }).waitFor();
    assert.match(await page.locator('.status-text').innerText(), /2 items/);
    await page.keyboard.press('Escape');

    await undoToEmptyAndRedo(page, false);
    await assertTopicsModel(page);

    // Autosave: the diagram survives a reload.
    await page.reload();
    await node(page, /^exchange topic_logs/).waitFor();
    await assertTopicsModel(page);

    // Screenshots of the drawn diagram, auto-laid-out, at a projector's and a phone's size.
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await assertTopicsModel(page);
    await page.screenshot({ path: join(outDir, 'editor-topics-1280x720.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(outDir, 'editor-topics-390x844.png') });
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    assert.ok(scrollWidth <= clientWidth, `no sideways scrolling on a phone: ${scrollWidth} > ${clientWidth}`);
    // Nothing overlaps: node boxes are pairwise disjoint on the phone too.
    const boxes = await page.locator('.nodes [role=button] .shape').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect().toJSON()),
    );
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        assert.ok(apart, `nodes ${i} and ${j} overlap: ${JSON.stringify([a, b])}`);
      }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('draws Topics with touch (pointerType touch), and pinch zooms', async () => {
    const { page, problems } = await freshPage({ width: 1280, height: 720 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    const seen = [];
    await page.exposeFunction('__seenPointer', (t) => seen.push(t));
    await page.evaluate(() =>
      document.addEventListener('pointerdown', (e) => window.__seenPointer(e.pointerType), true),
    );
    const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points });
    const tap = async (loc) => {
      const p = await centre(loc);
      await touch('touchStart', [{ x: p.x, y: p.y }]);
      await touch('touchEnd', []);
    };
    const swipe = async (from, to) => {
      await touch('touchStart', [{ x: from.x, y: from.y }]);
      for (let i = 1; i <= 8; i++) {
        await touch('touchMove', [{ x: from.x + ((to.x - from.x) * i) / 8, y: from.y + ((to.y - from.y) * i) / 8 }]);
      }
      await touch('touchEnd', []);
    };
    await tap(page.getByRole('button', { name: 'New empty diagram' }));
    await page.waitForFunction(() => document.querySelectorAll('.nodes [role=button]').length === 0);
    const canvas = await page.locator('#warren-canvas').boundingBox();
    const at = (x, y) => ({ x: canvas.x + x, y: canvas.y + y });
    const palette = (name) => centre(page.getByRole('button', { name }));
    await swipe(await palette('Add producer'), at(120, 200));
    await swipe(await palette('Add exchange'), at(390, 200));
    await swipe(await palette('Add queue'), at(660, 100));
    await swipe(await palette('Add queue'), at(660, 300));
    await swipe(await palette('Add consumer'), at(900, 100));
    await swipe(await palette('Add consumer'), at(900, 300));
    await node(page, /^consumer C2/).waitFor();

    // Names and the type through the inspector: tap a node, then type.
    const setName = async (re, field, value) => {
      await tap(node(page, re));
      await page.locator(field).fill(value);
    };
    await setName(/^exchange ex1/, '#field-XName', 'topic_logs');
    await page.locator('#field-XType').selectOption('topic');
    await setName(/^queue q1/, '#field-QName', 'Q1');
    await setName(/^queue q2/, '#field-QName', 'Q2');

    const handle = (re) => centre(node(page, re).locator('.handle'));
    await swipe(await handle(/^producer P1/), await centre(node(page, /^exchange topic_logs/)));
    for (const [queue, key] of [[/^queue Q1/, '*.orange.*'], [/^queue Q2/, '*.*.rabbit'], [/^queue Q2/, 'lazy.#']]) {
      await swipe(await handle(/^exchange topic_logs/), await centre(node(page, queue)));
      await page.locator('#field-BKey').fill(key);
    }
    await swipe(await handle(/^queue Q1/), await centre(node(page, /^consumer C1/)));
    await swipe(await handle(/^queue Q2/), await centre(node(page, /^consumer C2/)));
    await assertTopicsModel(page);
    assert.ok(seen.length > 10 && seen.every((t) => t === 'touch'), `touch pointers only: ${[...new Set(seen)]}`);

    // One finger on the background pans; two fingers pinch-zoom.
    const zoom = () => page.locator('output.zoom-level').innerText().then((s) => parseInt(s, 10));
    const box = () => page.locator('#warren-canvas').getAttribute('viewBox');
    const vb = await box();
    // (Background below the nodes; the canvas is shorter since the playback bar.)
    const y = Math.min(400, canvas.height - 30);
    await swipe(at(500, y), at(560, y - 20));
    assert.notEqual(await box(), vb, 'one-finger pan');
    const z0 = await zoom();
    const c = at(500, 220);
    await touch('touchStart', [{ x: c.x - 40, y: c.y, id: 1 }, { x: c.x + 40, y: c.y, id: 2 }]);
    for (let i = 1; i <= 6; i++) {
      await touch('touchMove', [{ x: c.x - 40 - i * 12, y: c.y, id: 1 }, { x: c.x + 40 + i * 12, y: c.y, id: 2 }]);
    }
    await touch('touchEnd', []);
    assert.ok((await zoom()) > z0, `pinch zooms in: ${z0}% -> ${await zoom()}%`);
    await assertTopicsModel(page);

    // Undo with touch taps on the toolbar buttons.
    const undo = page.getByRole('button', { name: 'Undo', exact: true });
    for (let i = 0; i < 200 && (await nodeLabels(page)).length > 0; i++) await tap(undo);
    assert.equal((await nodeLabels(page)).length, 0);
    const redo = page.getByRole('button', { name: 'Redo', exact: true });
    for (let i = 0; i < 200 && (await redo.isEnabled()); i++) await tap(redo);
    await assertTopicsModel(page);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('draws Topics with the keyboard only', async () => {
    const { page, problems } = await freshPage({ width: 1280, height: 720 });
    const active = () =>
      page.evaluate(() => {
        const a = document.activeElement;
        return a ? `${a.id}|${a.getAttribute('aria-label') ?? ''}|${a.textContent?.slice(0, 40) ?? ''}` : '';
      });
    // Presses Tab until the focused element matches (the page is used from the keyboard alone).
    const tabTo = async (re) => {
      for (let i = 0; i < 400; i++) {
        if (re.test(await active())) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${re}; at ${await active()}`);
    };
    const typeInto = async (text) => {
      await page.keyboard.press('Control+a');
      await page.keyboard.type(text);
    };
    await tabTo(/\|New empty diagram\|/);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.nodes [role=button]').length === 0);
    // Each add from the keyboard moves focus to the new node's Name field.
    for (const [button, name] of [
      ['Add producer', null],
      ['Add exchange', 'topic_logs'],
      ['Add queue', 'Q1'],
      ['Add queue', 'Q2'],
      ['Add consumer', null],
      ['Add consumer', null],
    ]) {
      await tabTo(new RegExp(`\\|${button}\\|`));
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id?.endsWith('Name'));
      if (name) await typeInto(name);
      if (name === 'topic_logs') {
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'field-XType');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await node(page, /^exchange topic_logs, topic/).waitFor();
      }
    }
    // Select a node with Tab + Space, then edit it in the inspector.
    const selectNode = async (label) => {
      await tabTo(new RegExp(`\\|${label}`));
      await page.keyboard.press(' ');
    };
    await selectNode('producer P1');
    await tabTo(/^field-PExchange\|/);
    await page.keyboard.press('End');
    await node(page, /^producer P1, publishes to exchange topic_logs/).waitFor();
    for (const [queue, key] of [['queue Q1', '*.orange.*'], ['queue Q2', '*.*.rabbit'], ['queue Q2', 'lazy.#']]) {
      await selectNode(queue);
      await tabTo(/^bind-source\|/);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter'); // "Add binding": focus moves to the new binding's key
      await page.waitForFunction(() => document.activeElement?.id === 'field-BKey');
      await typeInto(key);
    }
    for (const [consumer, downs] of [['consumer C1', 1], ['consumer C2', 2]]) {
      await selectNode(consumer);
      await tabTo(/^field-CQueue\|/);
      for (let i = 0; i < downs; i++) await page.keyboard.press('ArrowDown');
    }
    await assertTopicsModel(page);

    // Arrow keys move the focused node (one undo step each); Enter renames in place.
    await tabTo(/\|queue Q1/);
    const where = () => node(page, /^queue Q1/).getAttribute('transform');
    const t0 = await where();
    await page.keyboard.press('ArrowRight');
    assert.notEqual(await where(), t0);
    await page.keyboard.press('Control+z');
    assert.equal(await where(), t0);
    await page.keyboard.press('Enter');
    const rename = page.getByRole('textbox', { name: /^Rename queue Q1/ });
    await rename.waitFor();
    await page.keyboard.press('Escape');
    await rename.waitFor({ state: 'detached' });
    assert.match(await active(), /\|queue Q1/, 'focus returns to the node');

    await tabTo(/\|Undo\|/);
    await undoToEmptyAndRedo(page, true);
    await assertTopicsModel(page);
    // Delete from the keyboard, then undo it.
    await tabTo(/\|consumer C2/);
    await page.keyboard.press('Delete');
    assert.equal((await nodeLabels(page)).length, 5);
    await page.keyboard.press('Control+z');
    await assertTopicsModel(page);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a too-new or corrupt autosave is reported and kept aside, never dropped', async () => {
    const { page, problems } = await freshPage();
    const newer = '{"warren": 99, "title": "From the future"}';
    await page.evaluate((t) => {
      for (const k of Object.keys(localStorage)) if (k.startsWith('warren.scenario')) localStorage.removeItem(k);
      localStorage.setItem('warren.scenario', t);
    }, newer);
    await page.reload();
    await page.getByRole('button', { name: /^queue hello/ }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'could not be restored' });
    assert.match(await alert.innerText(), /newer warren/);
    assert.equal(await page.evaluate(() => localStorage.getItem('warren.scenario.unreadable.1')), newer);
    await page.evaluate(() => localStorage.setItem('warren.scenario', '{broken'));
    await page.reload();
    await page.getByRole('button', { name: /^queue hello/ }).waitFor();
    assert.match(await page.getByRole('alert').filter({ hasText: 'could not be restored' }).innerText(), /not valid JSON/);
    assert.equal(await page.evaluate(() => localStorage.getItem('warren.scenario.unreadable.2')), '{broken');
    assert.equal(await page.evaluate(() => localStorage.getItem('warren.scenario.unreadable.1')), newer);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('dragging a node in a 200-node, 400-edge diagram: frame times', async () => {
    const { page, problems } = await freshPage({ width: 1280, height: 720 });
    // 20 producers, 40 exchanges, 100 queues, 40 consumers = 200 nodes;
    // 20 publish + 340 bindings + 40 subscriptions = 400 edges.
    const s = { warren: 1, title: 'Perf 200', topology: { exchanges: [], queues: [], bindings: [] }, producers: [], consumers: [], layout: {} };
    for (let i = 0; i < 40; i++) s.topology.exchanges.push({ name: `x${i}`, type: 'topic' });
    for (let i = 0; i < 100; i++) s.topology.queues.push({ name: `q${i}` });
    for (let i = 0; i < 340; i++) s.topology.bindings.push({ source: `x${i % 40}`, destination: `q${(i * 7) % 100}`, routing_key: `k.${i}` });
    for (let i = 0; i < 20; i++) s.producers.push({ id: `p${i}`, exchange: `x${i * 2}` });
    for (let i = 0; i < 40; i++) s.consumers.push({ id: `c${i}`, queue: `q${i * 2}` });
    const col = (key, x, i) => (s.layout[key] = { x, y: i * 90 });
    s.producers.forEach((p, i) => col(`producer:${p.id}`, 0, i * 2));
    s.topology.exchanges.forEach((x, i) => col(`exchange:${x.name}`, 320, i));
    s.topology.queues.forEach((q, i) => col(`queue:${q.name}`, 640 + (i % 2) * 200, Math.floor(i / 2)));
    s.consumers.forEach((c, i) => col(`consumer:${c.id}`, 1180, i));
    await page.evaluate((t) => localStorage.setItem('warren.scenario', t), JSON.stringify(s));
    await page.reload();
    await page.getByRole('button', { name: /^queue q0,/ }).waitFor({ timeout: 30000 });
    assert.equal((await nodeLabels(page)).length, 200);
    assert.equal(await page.locator('.binding-label').count(), 340);
    assert.ok((await page.locator('.edges .edge-line').count()) >= 60);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    const target = node(page, /^exchange x3,/);
    const from = await centre(target);
    await page.evaluate(() => {
      window.__frames = [];
      window.__rec = true;
      const f = (t) => {
        window.__frames.push(t);
        if (window.__rec) requestAnimationFrame(f);
      };
      requestAnimationFrame(f);
    });
    const t0 = Date.now();
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    const steps = 60;
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(from.x + i * 4, from.y + i * 2);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    }
    await page.mouse.up();
    const wall = Date.now() - t0;
    const frames = await page.evaluate(() => {
      window.__rec = false;
      return window.__frames;
    });
    const dts = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
    const pct = (p) => dts[Math.min(dts.length - 1, Math.floor((dts.length * p) / 100))];
    const stats = {
      moves: steps,
      frames: dts.length,
      median_ms: +pct(50).toFixed(1),
      p95_ms: +pct(95).toFixed(1),
      max_ms: +dts[dts.length - 1].toFixed(1),
      wall_ms: wall,
      ms_per_move: +(wall / steps).toFixed(1),
    };
    console.log(`drag frame times (200 nodes, 400 edges): ${JSON.stringify(stats)}`);
    writeFileSync(join(outDir, 'editor-drag-perf.json'), JSON.stringify(stats, null, 2));
    assert.notEqual(await target.getAttribute('transform'), null);
    assert.ok(stats.median_ms < 100, `median frame ${stats.median_ms} ms`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('edits while the simulation runs: declare + bind, step back across it, delete; a refused change restarts', async () => {
    const topics = readFileSync(join(repoRoot, 'www/scenarios/topics.json'), 'utf8');
    const page = await env.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    const problems = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
    await page.addInitScript((json) => localStorage.setItem('warren.scenario', json), topics);
    await page.goto(env.url);
    await node(page, /^queue Q2/).waitFor({ timeout: 20000 });
    const status = () => page.locator('.pb-status').textContent();
    const position = async () => Number(/event (\d+) \//.exec(await status())[1]);
    const logTexts = () => page.locator('.pb-log li .log-text').allTextContents();
    const step = page.getByRole('button', { name: 'Step', exact: true });
    for (let i = 1; i <= 8; i++) {
      await step.click();
      await page.waitForFunction((n) => document.querySelector('.pb-status')?.textContent.includes(`event ${n} /`), i);
    }
    const t = (s) => /t = (\d+) ms/.exec(s)[1];
    const timeBefore = t(await status());

    // Add a queue and bind it while running: declared and bound, the timeline goes on.
    await page.getByRole('button', { name: 'Add queue' }).click();
    await node(page, /^queue q1/).waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.pb-log li .log-text')].some((e) => e.textContent === 'queue q1 declared while running'),
    );
    assert.ok((await position()) >= 9, `the step counter did not reset: ${await status()}`);
    assert.equal(t(await status()), timeBefore, 'virtual time did not reset');
    const canvas = await page.locator('#warren-canvas').boundingBox();
    const dragTo = async (from, to) => {
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 8 });
      await page.mouse.up();
    };
    await dragTo(await centre(node(page, /^exchange topic_logs/).locator('.handle')), await centre(node(page, /^queue q1/)));
    await page.locator('#field-BKey').fill('#.rabbit');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.pb-log li .log-text')].some((e) => e.textContent === 'binding q1 ← topic_logs (#.rabbit) added'),
    );
    assert.ok((await position()) >= 9);
    const afterEdit = await position();
    await page.screenshot({ path: join(outDir, 'editor-runtime-edit-1280x720.png') });
    // On a phone, after tidying up: moving nodes is layout only, the simulation goes on.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await page.waitForTimeout(100);
    assert.equal(await position(), afterEdit, 'a layout change does not touch the simulation');
    await page.screenshot({ path: join(outDir, 'editor-runtime-edit-390x844.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('button', { name: 'Zoom to fit' }).click();

    // Step back across the edit: the queue is drawn dimmed, "not declared yet"; forward again, it is.
    const back = page.getByRole('button', { name: 'Step back' });
    for (let i = 0; i < 4; i++) await back.click();
    await page.waitForFunction((n) => document.querySelector('.pb-status')?.textContent.includes(`event ${n} /`), afterEdit - 4);
    assert.match(await node(page, /^queue q1/).getAttribute('aria-label'), /not declared yet at this point$/);
    assert.equal(await page.locator('.node.undeclared').count(), 1);
    // Its binding too: dimmed, with the same suffix; the tutorial's own bindings are not.
    const unbound = page.locator('.binding-label.undeclared');
    assert.equal(await unbound.count(), 1);
    assert.equal(await unbound.getAttribute('aria-label'), 'binding from exchange topic_logs to queue q1, key #.rabbit, not declared yet at this point');
    assert.equal(await page.locator('.binding-label').count(), 4);
    assert.equal(await page.locator('.edge.undeclared').count(), 1);
    await page.screenshot({ path: join(outDir, 'editor-runtime-stepped-back-1280x720.png') });
    for (let i = 0; i < 4; i++) await step.click();
    await page.waitForFunction((n) => document.querySelector('.pb-status')?.textContent.includes(`event ${n} /`), afterEdit);
    assert.equal(await page.locator('.node.undeclared').count(), 0);
    assert.equal(await page.locator('.binding-label.undeclared, .edge.undeclared').count(), 0);

    // Run on: q1 receives the *.rabbit messages published after the edit.
    await page.getByRole('button', { name: 'Run to idle' }).click();
    await page.waitForFunction(() => document.querySelector('.pb-status')?.textContent.includes('(idle)'));
    const texts = await logTexts();
    const routedToQ1 = texts.filter((l) => /^exchange topic_logs routed m\d+ .* to [^:]*\bq1\b/.test(l)).length;
    assert.ok(routedToQ1 > 0, texts.join('\n'));
    const label = await node(page, /^queue q1/).getAttribute('aria-label');
    assert.equal(label, `queue q1, ${routedToQ1} ready, 0 unacked`);

    // Delete it while running: its messages are discarded, with the reason.
    await node(page, /^queue q1/).click();
    await page.keyboard.press('Delete');
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('.pb-log li .log-text')].some((e) =>
          e.textContent.startsWith(`queue q1 deleted while running: ${n} ready message(s) discarded`),
        ),
      routedToQ1,
    );
    assert.ok((await logTexts()).some((l) => /^dropped m\d+ from queue q1: its queue was deleted/.test(l)));
    assert.ok((await position()) > afterEdit);
    assert.equal(await page.locator('.pb-notice').count(), 0);

    // Changing an existing queue's durability is refused by RabbitMQ (406): start over, say why.
    await node(page, /^queue Q1/).click();
    await page.locator('#field-QDurable').check();
    await page.locator('.pb-notice').waitFor();
    assert.match(await page.locator('.pb-notice').textContent(), /^Restarted from t = 0: queue Q1 changed: .*406 PRECONDITION_FAILED/);
    assert.match(await status(), /event 0 \//);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('in 简体中文 the palette, inspector labels, node and binding labels are Chinese', async () => {
    const topics = readFileSync(join(repoRoot, 'www/scenarios/topics.json'), 'utf8');
    const page = await env.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    const problems = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.addInitScript((json) => localStorage.setItem('warren.scenario', json), topics);
    await page.goto(env.url);
    await node(page, /^queue Q2/).waitFor({ timeout: 20000 });
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await page.getByRole('combobox', { name: '语言' }).waitFor();
    try {
      for (const name of ['添加生产者', '添加交换机', '添加队列', '添加消费者'])
        await page.getByRole('button', { name, exact: true }).waitFor();
      assert.equal(await page.locator('.palette').getAttribute('aria-label'), '添加节点');
      // Node and binding labels start with the kind and name, in Chinese.
      assert.ok((await nodeLabels(page)).includes('交换机 topic_logs，topic'), (await nodeLabels(page)).join(' | '));
      assert.ok((await bindingLabels(page)).includes('绑定：从交换机 topic_logs 到队列 Q2，绑定键 lazy.#'));
      await node(page, /^队列 Q1，0 条就绪，0 条未确认$/).click();
      await page.getByRole('heading', { name: '队列 Q1' }).waitFor();
      const labels = await page.locator('.inspector .field label').allInnerTexts();
      for (const l of ['名称', '持久（durable）', '消息 TTL（毫秒）', '死信交换机', '最大优先级'])
        assert.ok(labels.includes(l), `inspector label ${l}: ${labels.join(' | ')}`);
      assert.ok(!labels.some((l) => /^[A-Za-z ]+$/.test(l)), `no English label left: ${labels.join(' | ')}`);
      await page.locator('.inspector').getByRole('button', { name: '删除', exact: true }).waitFor();
      // Inline validation speaks Chinese too.
      await page.locator('#field-QMaxLength').fill('x');
      assert.equal(await page.locator('.field-error').innerText(), '“x”不是整数');
      await page.locator('#field-QMaxLength').fill('');
      // So do the scenario layer's messages (a reserved name), path kept as written.
      await page.locator('#field-QName').fill('amq.q');
      assert.match(await page.locator('.field-error').innerText(), /以 “amq\.” 开头的名称保留给服务器命名的队列/);
      await page.locator('#field-QName').fill('Q1');
      await page.screenshot({ path: join(outDir, 'editor-zh-CN-1280x720.png') });
    } finally {
      await page.getByRole('combobox', { name: '语言' }).selectOption('en');
      await page.getByRole('combobox', { name: 'Language' }).waitFor();
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('255-byte names: nodes ellipsize with the full name in <title>, nothing widens the page', async () => {
    const long = (stem) => (stem + '_').padEnd(255, 'x');
    const qname = long('Q1_orders_from_the_very_long_named_service');
    const xname = long('topic_logs_of_a_very_long_exchange');
    let text = readFileSync(join(repoRoot, 'www/scenarios/topics.json'), 'utf8');
    text = text.replaceAll('"Q1"', JSON.stringify(qname)).replaceAll('queue:Q1', `queue:${qname}`);
    text = text.replaceAll('"topic_logs"', JSON.stringify(xname)).replaceAll('exchange:topic_logs', `exchange:${xname}`);
    const page = await env.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.addInitScript((json) => localStorage.setItem('warren.scenario', json), text);
    await page.goto(env.url);
    await node(page, /^queue Q2/).waitFor({ timeout: 20000 });
    const q = node(page, new RegExp(`^queue ${qname}, `));
    assert.match(await q.locator('.node-name').textContent(), /^Q1_orders.*…$/);
    assert.match(await q.locator('title').textContent(), new RegExp(`^queue ${qname}, 0 ready`));
    await q.click();
    assert.equal(await page.locator('#field-QName').inputValue(), qname, 'the inspector has the full name');
    for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
    const widths = () => page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    let [sw, cw] = await widths();
    assert.ok(sw <= cw, `no sideways scrolling at 1280: ${sw} > ${cw}`);
    await page.screenshot({ path: join(outDir, 'editor-long-names-1280x720.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(100);
    [sw, cw] = await widths();
    assert.ok(sw <= cw, `no sideways scrolling at 390: ${sw} > ${cw}`);
    await page.screenshot({ path: join(outDir, 'editor-long-names-390x844.png') });
    await page.close();
  });

  test('wheel zoom keeps the point under the pointer; the page does not scroll', async () => {
    const topics = readFileSync(join(repoRoot, 'www/scenarios/topics.json'), 'utf8');
    const page = await env.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.addInitScript((json) => localStorage.setItem('warren.scenario', json), topics);
    await page.goto(env.url);
    const q2 = node(page, /^queue Q2/);
    await q2.waitFor({ timeout: 20000 });
    const zoom = () => page.locator('output.zoom-level').innerText().then((s) => parseInt(s, 10));
    const z0 = await zoom();
    const before = await centre(q2);
    // The pointer on Q2's centre: zooming in and out around it leaves Q2 where it is.
    await page.mouse.move(before.x, before.y);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((z) => parseInt(document.querySelector('output.zoom-level').textContent, 10) > z, z0);
    const zoomedIn = await zoom();
    const after = await centre(q2);
    assert.ok(Math.abs(after.x - before.x) < 3 && Math.abs(after.y - before.y) < 3, `Q2 stays under the pointer: ${JSON.stringify([before, after])}`);
    const box = await q2.locator('.shape').boundingBox();
    assert.ok(box.width > 168 * (z0 / 100) * 1.2, `Q2 is drawn larger: ${box.width}`);
    await page.mouse.wheel(0, 600);
    await page.waitForFunction((z) => parseInt(document.querySelector('output.zoom-level').textContent, 10) < z, zoomedIn);
    assert.ok((await zoom()) < zoomedIn);
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'the wheel zooms the diagram, not the page');
    await page.close();
  });

  test('keyboard connect: C on a node, Tab to the target, Enter; Escape cancels', async () => {
    const topics = readFileSync(join(repoRoot, 'www/scenarios/topics.json'), 'utf8');
    const page = await env.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.addInitScript((json) => localStorage.setItem('warren.scenario', json), topics);
    await page.goto(env.url);
    await node(page, /^queue Q2/).waitFor({ timeout: 20000 });
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    const tabTo = async (re) => {
      for (let i = 0; i < 40; i++) {
        if (re.test(await focused())) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${re}; at ${await focused()}`);
    };
    // Escape cancels: nothing changes.
    await node(page, /^queue Q2/).focus();
    await page.keyboard.press('c');
    await page.locator('.node.connect-source').waitFor();
    assert.match(await page.locator('.canvas-notice').innerText(), /^Connecting from queue Q2: Tab to the target/);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.node.connect-source').count(), 0);
    // Q2 → the first consumer: it now consumes from Q2.
    await node(page, /^queue Q2/).focus();
    await page.keyboard.press('c');
    await tabTo(/^consumer receive_logs_topic\.py "\*\.orange\.\*"/);
    await page.keyboard.press('Enter');
    await node(page, /^consumer receive_logs_topic\.py "\*\.orange\.\*", consumes from queue Q2/).waitFor();
    assert.equal(await page.locator('.node.connect-source').count(), 0);
    assert.match(await page.locator('.canvas-notice').innerText(), /now consumes from queue Q2/);
    await page.close();
  });
  test('on a phone (390x844), nodes added by palette clicks never overlap and stay clear of the toolbar', async () => {
    const { page, problems } = await freshPage({ width: 390, height: 844 });
    await newDiagram(page);
    for (const [name, re] of [['Add producer', /^producer P1/], ['Add exchange', /^exchange ex1/], ['Add queue', /^queue q1/], ['Add consumer', /^consumer C1/]]) {
      await page.getByRole('button', { name }).click();
      await node(page, re).waitFor();
    }
    await page.waitForTimeout(200);
    const boxes = await page.locator('.nodes [role=button] .shape').evaluateAll((els) =>
      els.map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; }));
    assert.ok(boxes.length >= 4, `four nodes drawn: ${boxes.length}`);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        assert.ok(apart, `node boxes overlap: ${JSON.stringify([a, b])}`);
      }
    }
    // Nothing sits under the toolbar that is drawn over the top of the canvas.
    const toolbar = await page.locator('.canvas-toolbar, [role=toolbar]').first().boundingBox();
    if (toolbar) {
      for (const b of boxes) {
        const under = b.y < toolbar.y + toolbar.height && b.y + b.h > toolbar.y && b.x < toolbar.x + toolbar.width && b.x + b.w > toolbar.x;
        assert.ok(!under, `a node under the toolbar: ${JSON.stringify([b, toolbar])}`);
      }
    }
    const canvas = await page.locator('#warren-canvas').boundingBox();
    for (const b of boxes) {
      assert.ok(b.x >= canvas.x && b.x + b.w <= canvas.x + canvas.width && b.y >= canvas.y && b.y + b.h <= canvas.y + canvas.height, `a node outside the canvas: ${JSON.stringify([b, canvas])}`);
    }
    await page.screenshot({ path: join(outDir, 'editor-palette-clicks-390x844.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
