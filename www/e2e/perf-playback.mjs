// Browser benchmarks of playback (issue 5), on the UI workloads of WORKLOADS.md. Measurements,
// not pass/fail tests: not named *.test.mjs, so `node --test` and `./x test` do not run it.
//
//   node e2e/perf-playback.mjs            (from www/, after `trunk build --release`)
//
// Prints one JSON line per run, in one browser session:
// - anim-reference.html?mode=svg&n=1000 (the plain-JS SVG page; served from WARREN_ANIM_REF's
//   folder, default /work/shared/perf/anim-reference.html) — skipped if the file is missing;
// - U-fps: the app with 1,000 tokens looping between node pairs through the product's own token
//   layer (`?tokens=1000`: same DOM writes as playback), on a 20-node scenario;
// - U-stress: a producer publishing 1,000 messages at once into a fanout exchange bound to 10
//   queues with one consumer each, playing at 64× (real events: from 16× on, events of one
//   virtual instant overlap, so the burst's tokens are on screen together).
// Each: fps and p95 frame interval from rAF timestamps over 4 s after a 1 s warm-up, plus the
// machine's load average.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname } from 'node:path';
import { start } from './harness.mjs';

const REF = process.env.WARREN_ANIM_REF ?? '/work/shared/perf/anim-reference.html';
const WARM = 1000;
const DUR = 4000;

// Frame statistics of the page from rAF timestamps (the same method as anim-reference.html).
async function measure(page) {
  return page.evaluate(
    ({ WARM, DUR }) =>
      new Promise((done) => {
        const frames = [];
        let t0 = null;
        const tokens = [];
        const f = (ts) => {
          if (t0 === null) t0 = ts;
          if (ts - t0 > WARM) {
            frames.push(ts);
            // Sampled rarely: counting elements every frame would itself cost frames.
            if (frames.length % 30 === 1)
              tokens.push(document.querySelectorAll('.tokens > g:not([visibility])').length);
          }
          if (ts - t0 > WARM + DUR) {
            const iv = frames.slice(1).map((x, i) => x - frames[i]).sort((a, b) => a - b);
            const secs = (frames.at(-1) - frames[0]) / 1000;
            done({
              fps: +((frames.length - 1) / secs).toFixed(1),
              frame_ms_p50: +iv[Math.floor(iv.length * 0.5)].toFixed(2),
              frame_ms_p95: +iv[Math.min(iv.length - 1, Math.floor(iv.length * 0.95))].toFixed(2),
              frames: frames.length,
              tokens_on_screen_max: Math.max(0, ...tokens),
              tokens_on_screen_median: [...tokens].sort((a, b) => a - b)[Math.floor(tokens.length / 2)] ?? 0,
            });
            return;
          }
          requestAnimationFrame(f);
        };
        requestAnimationFrame(f);
      }),
    { WARM, DUR },
  );
}

// 20 nodes: 2 producers, 4 exchanges, 8 queues, 6 consumers, bindings between them.
function bigScenario() {
  const ex = ['a', 'b', 'c', 'd'];
  const queues = [...Array(8).keys()].map((i) => `q${i}`);
  const layout = {};
  const bindings = [];
  ex.forEach((e, i) => (layout[`exchange:${e}`] = { x: 300, y: 60 + i * 110 }));
  queues.forEach((q, i) => (layout[`queue:${q}`] = { x: 560, y: 30 + i * 60 }));
  for (let i = 0; i < 24; i++) {
    const e = ex[i % 4];
    const q = queues[(i * 3) % 8];
    if (!bindings.some((b) => b.source === e && b.destination === q))
      bindings.push({ source: e, destination: q, destination_type: 'queue', routing_key: `k${i}`, arguments: {} });
  }
  const producers = ['p1', 'p2'].map((id, i) => ({
    id, name: id, exchange: ex[i], routing_key: 'k0', body: 'x', rate: { kind: 'once' }, count: 1,
  }));
  producers.forEach((p, i) => (layout[`producer:${p.id}`] = { x: 60, y: 120 + i * 200 }));
  const consumers = [...Array(6).keys()].map((i) => ({ id: `c${i}`, name: `c${i}`, queue: queues[i], auto_ack: true }));
  consumers.forEach((c, i) => (layout[`consumer:${c.id}`] = { x: 820, y: 40 + i * 80 }));
  return {
    warren: 1, title: 'U-fps stage', seed: 1,
    topology: {
      exchanges: ex.map((name) => ({ name, type: 'direct', durable: false, auto_delete: false, internal: false, arguments: {} })),
      queues: queues.map((name) => ({ name, durable: false, auto_delete: false, arguments: {} })),
      bindings,
    },
    producers, consumers, layout,
  };
}

function stressScenario() {
  const queues = [...Array(10).keys()].map((i) => `q${i}`);
  const layout = { 'producer:p': { x: 60, y: 300 }, 'exchange:fan': { x: 300, y: 300 } };
  queues.forEach((q, i) => (layout[`queue:${q}`] = { x: 560, y: 30 + i * 60 }));
  queues.forEach((q, i) => (layout[`consumer:c${i}`] = { x: 820, y: 30 + i * 60 }));
  return {
    warren: 1, title: 'U-stress', seed: 1,
    topology: {
      exchanges: [{ name: 'fan', type: 'fanout', durable: false, auto_delete: false, internal: false, arguments: {} }],
      queues: queues.map((name) => ({ name, durable: false, auto_delete: false, arguments: {} })),
      bindings: queues.map((q) => ({ source: 'fan', destination: q, destination_type: 'queue', routing_key: '', arguments: {} })),
    },
    producers: [{ id: 'p', name: 'producer', exchange: 'fan', routing_key: '', body: 'm{n}', rate: { kind: 'burst', burst: 1000 }, count: 1000 }],
    consumers: queues.map((q, i) => ({ id: `c${i}`, name: `consumer ${i}`, queue: q, auto_ack: false, prefetch: 10, processing_ms: 20 })),
    layout,
  };
}

async function openApp(context, url, scenario) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript((json) => localStorage.setItem('warren.scenario', json), JSON.stringify(scenario));
  await page.goto(url);
  await page.locator('.nodes [role=button]').first().waitFor({ timeout: 20000 });
  return { page, errors };
}

const env = await start();
const report = (name, r) => console.log(JSON.stringify({ run: name, ...r, load1: +loadavg()[0].toFixed(2) }));
try {
  if (existsSync(REF)) {
    const port = 8700 + Math.floor(Math.random() * 200);
    const srv = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dirname(REF)], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 800));
    const page = await env.context.newPage();
    await page.goto(`http://127.0.0.1:${port}/${basename(REF)}?mode=svg&n=1000`);
    await page.waitForFunction(() => window.__result, null, { timeout: 30000 });
    report('anim-reference svg n=1000', await page.evaluate(() => window.__result));
    await page.close();
    srv.kill();
  } else {
    console.log(JSON.stringify({ run: 'anim-reference', skipped: `${REF} not found` }));
  }

  {
    const { page, errors } = await openApp(env.context, `${env.url}?tokens=1000`, bigScenario());
    await page.setViewportSize({ width: 1280, height: 720 });
    const r = await measure(page);
    report('U-fps app tokens=1000 (20 nodes)', { ...r, errors });
    await page.close();
  }

  {
    const { page, errors } = await openApp(env.context, env.url, stressScenario());
    await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '64×' });
    await page.getByRole('button', { name: 'Play' }).click();
    const status0 = await page.locator('.pb-status').textContent();
    const r = await measure(page);
    const status1 = await page.locator('.pb-status').textContent();
    report('U-stress fanout 1000 x 10 queues at 64x', { ...r, status_before: status0, status_after: status1, errors });
    await page.close();
  }
} finally {
  await env.close();
}
