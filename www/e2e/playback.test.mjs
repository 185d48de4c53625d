// Playback end to end (issue 5): open the work-queues preset, Step through it checking the log
// and the queue and consumer counts after every step against the checked-in golden trace (the
// headless engine's text), Step back to the start and forward again, Play at 16× to idle, the
// keyboard shortcuts, the message inspector, and screenshots mid-playback.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { outDir, repoRoot, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const preset = readFileSync(join(repoRoot, 'www/scenarios/work-queues.json'), 'utf8');
// "t=400ms #7 delivered m1 …" → { index: 7, text: "delivered m1 …" }
const golden = readFileSync(join(repoRoot, 'tests/golden/work-queues.trace'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('t='))
  .map((l) => {
    const m = /^t=(\d+)ms #(\d+) (.*)$/.exec(l);
    return { t: Number(m[1]), index: Number(m[2]), text: m[3] };
  });

// An independent reading of the trace: which messages wait in task_queue and which each worker
// holds unacked, from the sentences alone.
function expectedAfter(n) {
  const waiting = new Set();
  const held = { 'worker 1 (slow)': new Set(), 'worker 2 (fast)': new Set() };
  for (const { text } of golden.slice(0, n)) {
    let m;
    if ((m = /^(m\d+) waits in queue task_queue/.exec(text))) waiting.add(m[1]);
    else if ((m = /^delivered (m\d+) from task_queue to consumer (worker \d \(\w+\))/.exec(text))) {
      waiting.delete(m[1]);
      held[m[2]].add(m[1]);
    } else if ((m = /^(worker \d \(\w+\)) acked (m\d+)/.exec(text))) held[m[1]].delete(m[2]);
  }
  const unacked = held['worker 1 (slow)'].size + held['worker 2 (fast)'].size;
  return {
    queue: `queue task_queue, ${waiting.size} ready, ${unacked} unacked`,
    w1: held['worker 1 (slow)'].size,
    w2: held['worker 2 (fast)'].size,
  };
}

async function openWorkQueues(viewport) {
  const page = await env.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  // The saved diagram is what the app opens: make it the preset before any script runs.
  await page.addInitScript((json) => localStorage.setItem('warren.scenario', json), preset);
  await page.goto(env.url);
  await page.getByRole('button', { name: /^queue task_queue/ }).waitFor({ timeout: 20000 });
  return { page, problems };
}

async function openPreset(name, ready) {
  const page = await env.context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const json = readFileSync(join(repoRoot, `www/scenarios/${name}.json`), 'utf8');
  await page.addInitScript((j) => localStorage.setItem('warren.scenario', j), json);
  await page.goto(env.url);
  await page.getByRole('button', { name: ready }).first().waitFor({ timeout: 20000 });
  return { page, problems };
}

// What a student sees: the position, the current log entry, the queue's label, the credits.
async function screen(page) {
  return page.evaluate(() => {
    const cur = document.querySelector('.pb-log li.current .log-text');
    const q = [...document.querySelectorAll('.nodes [role=button]')]
      .map((e) => e.getAttribute('aria-label'))
      .find((l) => l.startsWith('queue task_queue'));
    return {
      status: document.querySelector('.pb-status')?.textContent,
      current: cur ? cur.textContent : null,
      queue: q,
      credits: [...document.querySelectorAll('.pb-overlay .credit')].map((e) => e.textContent),
      chips: document.querySelectorAll('.pb-overlay .chip').length,
    };
  });
}

const status = (page) => page.locator('.pb-status').textContent();

describe('playback', () => {
  test('Step through work-queues: log text and counts after each step; back to the start and forward again', async () => {
    const { page, problems } = await openWorkQueues();
    const log = page.getByRole('log');
    assert.equal(await log.getAttribute('aria-live'), 'polite');
    assert.match(await status(page), /event 0 \/ 0/);
    const step = page.getByRole('button', { name: 'Step', exact: true });
    const states = [await screen(page)];
    assert.equal(states[0].queue, 'queue task_queue, 0 ready, 0 unacked');
    for (let i = 0; i < golden.length; i++) {
      await step.click();
      await page.waitForFunction((n) => document.querySelector('.pb-status')?.textContent.includes(`event ${n} /`), i + 1);
      const s = await screen(page);
      assert.equal(s.current, golden[i].text, `log after step ${i + 1}`);
      const want = expectedAfter(i + 1);
      assert.equal(s.queue, want.queue, `queue after step ${i + 1}: ${golden[i].text}`);
      assert.match(s.credits[0], new RegExp(`^${want.w1}/1 unacked`), `worker 1 after step ${i + 1}`);
      assert.match(s.credits[1], new RegExp(`^${want.w2}/1 unacked`), `worker 2 after step ${i + 1}`);
      states.push(s);
    }
    assert.match(await status(page), /\(idle\)/);
    assert.ok(await step.isDisabled(), 'Step is disabled at idle');

    const back = page.getByRole('button', { name: 'Step back' });
    for (let i = golden.length - 1; i >= 0; i--) {
      await back.click();
      await page.waitForFunction((n) => document.querySelector('.pb-status')?.textContent.includes(`event ${n} /`), i);
      const s = await screen(page);
      assert.deepEqual({ ...s, status: null }, { ...states[i], status: null }, `back to ${i}`);
    }
    assert.ok(await back.isDisabled(), 'Step back is disabled at the start');
    for (let i = 1; i <= golden.length; i++) {
      await step.click();
      await page.waitForFunction((n) => document.querySelector('.pb-status')?.textContent.includes(`event ${n} /`), i);
      assert.deepEqual({ ...(await screen(page)), status: null }, { ...states[i], status: null }, `forward again to ${i}`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('Play at 16× runs to idle and stops; a log entry jumps the timeline back', async () => {
    const { page, problems } = await openWorkQueues();
    // The depth and rate charts at event 11, reached forward by steps.
    const charts = () => page.locator('.depth-charts').innerHTML();
    const step = page.getByRole('button', { name: 'Step', exact: true });
    for (let i = 0; i < 11; i++) await step.click();
    await page.waitForFunction(() => document.querySelector('.pb-status')?.textContent.includes('event 11 /'));
    const at11 = await charts();
    assert.match(await page.locator('.chart-legend').innerText(), /msg\/s/);
    assert.equal(await page.locator('.depth svg.rates polyline').count(), 3, 'published, delivered and acked lines');
    assert.match(await page.locator('.depth .rates-now').first().innerText(), /^in \d+(\.\d)? · out \d+(\.\d)? · ack \d+(\.\d)? msg\/s$/);
    await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '16×' });
    await page.getByRole('button', { name: 'Play' }).click();
    assert.ok(await page.getByRole('button', { name: 'Pause' }).isVisible());
    await page.waitForFunction(() => /\(idle\)/.test(document.querySelector('.pb-status')?.textContent), null, {
      timeout: 30000,
    });
    await page.getByRole('button', { name: 'Play' }).waitFor();
    const end = await screen(page);
    assert.equal(end.current, golden.at(-1).text);
    assert.equal(end.queue, 'queue task_queue, 0 ready, 0 unacked');
    // Jump to just after event #10 ("m2 waits in queue").
    await page.getByRole('log').getByRole('button', { name: /^#10 / }).click();
    await page.waitForFunction(() => document.querySelector('.pb-status')?.textContent.includes('event 11 /'));
    const s = await screen(page);
    assert.equal(s.current, golden[10].text);
    assert.equal(s.queue, expectedAfter(11).queue);
    // Back at event 11 from the end: the same depth and rates as on the way forward.
    assert.equal(await charts(), at11);
    assert.notEqual(at11, '', 'charts drawn');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('keyboard: → steps, ← steps back, Space plays and pauses; not while typing', async () => {
    const { page, problems } = await openWorkQueues();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('.pb-status')?.textContent.includes('event 2 /'));
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.querySelector('.pb-status')?.textContent.includes('event 1 /'));
    await page.keyboard.press(' ');
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await page.keyboard.press(' ');
    await page.getByRole('button', { name: 'Play' }).waitFor();
    // Typing in a field does not step.
    const before = await status(page);
    const field = page.getByRole('combobox', { name: 'Speed' });
    await field.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal((await status(page)).split(' / ')[0], before.split(' / ')[0]);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the message inspector shows body, routing key, properties and the trace', async () => {
    const { page, problems } = await openWorkQueues();
    const step = page.getByRole('button', { name: 'Step', exact: true });
    for (let i = 0; i < 5; i++) await step.click();
    await page.getByRole('button', { name: 'Inspect message m0' }).first().click();
    const panel = page.locator('.message-panel');
    await panel.getByRole('heading', { name: 'Message m0' }).waitFor();
    const text = await panel.innerText();
    assert.match(text, /routing key\s+task_queue/);
    assert.match(text, /delivery_mode\s+2 \(persistent\)/);
    assert.match(text, /unacked at worker1/);
    assert.match(text, /published m0/);
    assert.match(text, /delivered m0 from task_queue to consumer worker 1/);
    await panel.getByRole('button', { name: 'Close message inspector' }).click();
    await panel.waitFor({ state: 'detached' });
    // A message waiting in the queue is a chip over the queue: clicking it inspects it.
    for (let i = 5; i < 11; i++) await step.click();
    await page.waitForFunction(() => document.querySelector('.pb-status')?.textContent.includes('event 11 /'));
    await page.locator('.pb-overlay .chip.ready').first().click();
    await panel.getByRole('heading', { name: 'Message m2' }).waitFor();
    assert.match(await panel.innerText(), /ready in task_queue/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('tokens move over time, and jump instead with prefers-reduced-motion', async () => {
    const positions = async (reduce) => {
      const { page, problems } = await openWorkQueues();
      await page.emulateMedia({ reducedMotion: reduce ? 'reduce' : 'no-preference' });
      await page.reload();
      await page.getByRole('button', { name: /^queue task_queue/ }).waitFor();
      const step = page.getByRole('button', { name: 'Step', exact: true });
      for (let i = 0; i < 3; i++) await step.click(); // #2: new_task.py published m0
      const where = () =>
        page.evaluate(() => document.querySelector('.tokens > g:not([visibility])')?.getAttribute('transform'));
      await page.waitForTimeout(60);
      const a = await where();
      await page.waitForTimeout(250);
      const b = await where();
      assert.deepEqual(problems, []);
      await page.close();
      return [a, b];
    };
    const [a, b] = await positions(false);
    assert.ok(a && b && a !== b, `the token moves: ${a} then ${b}`);
    const [c, d] = await positions(true);
    assert.ok(c && c === d, `the token stays at its destination: ${c} then ${d}`);
  });

  test('the binding that matched flashes on its edge and label, the others do not', async () => {
    for (const reduce of [false, true]) {
      const { page, problems } = await openPreset('topics', /^exchange topic_logs/);
      await page.emulateMedia({ reducedMotion: reduce ? 'reduce' : 'no-preference' });
      const step = page.getByRole('button', { name: 'Step', exact: true });
      // What is highlighted: binding keys of matched labels, per edge towards Q1 / Q2.
      const flashed = () =>
        page.evaluate(() => {
          const labels = [...document.querySelectorAll('.canvas-svg .binding-label')];
          const key = (e) => e.getAttribute('aria-label').replace(/^.*, key /, '');
          const edgeTo = (q) => labels.find((l) => l.getAttribute('aria-label').includes(`queue ${q},`))?.closest('.edge');
          const line = document.querySelector('.canvas-svg .edge.matched .edge-line');
          return {
            labels: labels.filter((l) => l.classList.contains('matched')).map(key).sort(),
            q1: edgeTo('Q1')?.classList.contains('matched'),
            q2: edgeTo('Q2')?.classList.contains('matched'),
            animation: line ? getComputedStyle(line).animationName : null,
          };
        });
      const stepTo = async (n) => {
        while (!(await status(page)).includes(`event ${n} /`)) await step.click();
      };
      await stepTo(3); // #2: published m0, nothing routed yet
      assert.deepEqual((await flashed()).labels, []);
      await stepTo(4); // #3: quick.orange.rabbit → Q1 (*.orange.*) and Q2 (*.*.rabbit), not lazy.#
      let f = await flashed();
      assert.deepEqual(f.labels, ['*.*.rabbit', '*.orange.*']);
      assert.equal(f.q1, true);
      assert.equal(f.q2, true);
      if (reduce) assert.equal(f.animation, 'none', 'a static highlight with reduced motion');
      else assert.match(f.animation, /^pb-flash-[ab]$/);
      await stepTo(12); // #11: quick.orange.fox → Q1 only
      f = await flashed();
      assert.deepEqual(f.labels, ['*.orange.*']);
      assert.equal(f.q1, true);
      assert.equal(f.q2, false, 'the edge to Q2 did not match');
      await stepTo(13); // #12: a delivery routes nothing
      assert.deepEqual(await flashed(), { labels: [], q1: false, q2: false, animation: null });
      assert.deepEqual(problems, []);
      await page.close();
    }
  });

  test('clicking a moving token opens the inspector for its message', async () => {
    const { page, problems } = await openPreset('topics', /^exchange topic_logs/);
    await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '0.25×' });
    const step = page.getByRole('button', { name: 'Step', exact: true });
    for (let i = 0; i < 7; i++) await step.click(); // #6: published m1 (lazy.orange.elephant), 3.2 s of travel
    const token = page.locator('.tokens > g[data-m="1"]:not([visibility])');
    const panel = page.locator('.message-panel');
    const heading = panel.getByRole('heading', { name: 'Message m1' });
    const centre = async () => {
      const b = await token.boundingBox();
      return b && { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    };
    // On a loaded machine the token can arrive between measuring and clicking: then step back
    // and forward again (which sends it again) and retry, a few times at most.
    let opened = false;
    const moved = [];
    for (let attempt = 0; attempt < 4 && !opened; attempt++) {
      if (attempt > 0) {
        await page.getByRole('button', { name: 'Step back' }).click();
        await step.click();
      }
      await token.waitFor();
      const a = await centre();
      await page.waitForTimeout(300);
      const b = await centre();
      if (!a || !b) continue;
      moved.push(Math.hypot(b.x - a.x, b.y - a.y));
      if (moved.at(-1) < 1) continue; // a starved frame loop: try again
      // A real pointer click where the token is now (it cannot wait to be "stable").
      await page.mouse.click(b.x, b.y);
      opened = await heading.waitFor({ timeout: 2000 }).then(() => true, () => false);
    }
    assert.ok(opened, `clicking the moving token m1 opened its inspector (moved ${moved.map((d) => d.toFixed(1))} px in 300 ms)`);
    const text = await panel.innerText();
    assert.match(text, /routing key\s+lazy\.orange\.elephant/);
    assert.match(text, /body\s+Animal #2/);
    assert.match(text, /published m1/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('speeds 0.25× to 64×, Step over and Run to idle, and every log entry jumps', async () => {
    const { page, problems } = await openWorkQueues();
    const speeds = await page.getByRole('combobox', { name: 'Speed' }).locator('option').allTextContents();
    assert.deepEqual(speeds, ['0.25×', '0.5×', '1×', '2×', '4×', '8×', '16×', '32×', '64×']);
    await page.getByRole('button', { name: 'Step', exact: true }).click(); // #0 subscribed
    await page.getByRole('button', { name: 'Step', exact: true }).click(); // #1 subscribed
    await page.getByRole('button', { name: 'Step over' }).click();
    // Step over runs from m0's publish until m0 is settled: its worker's ack.
    const acked = golden.findIndex((g) => /acked m0\b/.test(g.text));
    assert.ok(acked > 4, 'the trace acks m0');
    await page.waitForFunction((k) => document.querySelector('.pb-status')?.textContent.includes(`event ${k} /`), acked + 1);
    assert.equal((await screen(page)).current, golden[acked].text);
    await page.getByRole('button', { name: 'Run to idle' }).click();
    await page.waitForFunction(() => /\(idle\)/.test(document.querySelector('.pb-status')?.textContent));
    assert.equal((await screen(page)).current, golden.at(-1).text);
    const n = golden.length;
    for (const i of [0, 5, Math.floor(n / 2), n - 2]) {
      const entry = page.getByRole('log').getByRole('button', { name: new RegExp(`^#${i} `) });
      if ((await entry.count()) === 0) continue;
      await entry.click();
      await page.waitForFunction((k) => document.querySelector('.pb-status')?.textContent.includes(`event ${k} /`), i + 1);
      const s = await screen(page);
      assert.equal(s.current, golden[i].text, `after jumping to #${i}`);
      assert.equal(s.queue, expectedAfter(i + 1).queue, `queue after jumping to #${i}`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('screenshots mid-playback at 1280×720 and 390×844', async () => {
    for (const [w, h] of [
      [1280, 720],
      [390, 844],
    ]) {
      const { page, problems } = await openWorkQueues({ width: w, height: h });
      const step = page.getByRole('button', { name: 'Step', exact: true });
      for (let i = 0; i < 10; i++) await step.click();
      await page.waitForTimeout(300); // mid-token
      await page.screenshot({ path: join(outDir, `playback-${w}x${h}.png`) });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no horizontal scroll at ${w}px: ${overflow}`);
      // The step caption sits beside the diagram, never over it (a projector at 1280×720).
      const [cap, diagram] = await page.evaluate(() =>
        ['.pb-caption', '.diagram-area'].map((sel) => document.querySelector(sel).getBoundingClientRect().toJSON()),
      );
      const overlap = Math.min(cap.bottom, diagram.bottom) - Math.max(cap.top, diagram.top);
      assert.ok(overlap <= 0.5 || Math.min(cap.right, diagram.right) <= Math.max(cap.left, diagram.left), `caption overlaps the diagram at ${w}px by ${overlap}px`);
      assert.ok(cap.height > 20, 'the caption is shown');
      assert.deepEqual(problems, []);
      await page.close();
    }
  });
});
