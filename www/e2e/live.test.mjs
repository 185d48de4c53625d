// Live controls end to end (issue 5): in the work-queues lesson, kill the worker that holds an
// unacked task — the log says it is requeued and, stepping on, redelivered (redelivered) to the
// other worker; stepping back over the kill and forward again gives the same log; Restart
// broker says what was kept and lost; Publish now publishes one message. Screenshot at 1280×720.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
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

const status = (page) => page.locator('.pb-status').textContent();
const position = async (page) => Number(/event (\d+) \//.exec(await status(page))[1]);
const logTexts = (page) => page.locator('.pb-log .log-text').allTextContents();
const atEvent = (page, n) =>
  page.waitForFunction((k) => document.querySelector('.pb-status')?.textContent.includes(`event ${k} /`), n);

describe('live controls', () => {
  test('kill a worker holding a task: requeued, redelivered to the other; replays over step back; restart broker', async () => {
    const page = await env.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto(`${env.url}#preset=work-queues`);
    await page.getByRole('button', { name: /^queue task_queue/ }).waitFor({ timeout: 20000 });

    const kill = page.getByRole('button', { name: 'Kill consumer', exact: true });
    const restartConsumer = page.getByRole('button', { name: 'Restart consumer', exact: true });
    const restartBroker = page.getByRole('button', { name: 'Restart broker', exact: true });
    // Nothing has run yet: the broker restart has nothing to show.
    assert.ok(await restartBroker.isDisabled());
    assert.match(await restartBroker.getAttribute('title'), /start the simulation first/);

    // Step until worker 1 holds m0 unacked (event #4).
    const step = page.getByRole('button', { name: 'Step', exact: true });
    for (let i = 1; i <= 5; i++) {
      await step.click();
      await atEvent(page, i);
    }
    assert.match((await logTexts(page)).at(-1), /^delivered m0 from task_queue to consumer worker 1/);
    await page.getByRole('button', { name: /^consumer worker 1/ }).first().click();
    await kill.waitFor();
    assert.ok(await restartConsumer.isDisabled(), 'a subscribed consumer cannot be restarted');
    assert.match(await restartConsumer.getAttribute('title'), /already subscribed/);
    await kill.click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.pb-log .log-text')].some((e) => /requeued m0/.test(e.textContent)),
    );
    const afterKill = await logTexts(page);
    const killedAt = afterKill.findIndex((t) => /^consumer worker 1 \(slow\) was killed/.test(t));
    assert.ok(killedAt >= 0, afterKill.join('\n'));
    assert.match(afterKill[killedAt], /1 unacked message/);
    assert.ok(afterKill.slice(killedAt).some((t) => /^requeued m0 to its original position in task_queue/.test(t)));
    assert.ok(await kill.isDisabled(), 'a killed consumer cannot be killed again');
    assert.match(await kill.getAttribute('title'), /not subscribed/);
    assert.ok(!(await restartConsumer.isDisabled()));
    const killPos = await position(page);
    mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: join(outDir, 'live-kill-1280x720.png') });

    // Step on until m0 is delivered again, to worker 2, marked redelivered.
    const redelivered = /^delivered m0 from task_queue to consumer worker 2 \(fast\).*redelivered/;
    for (let i = 0; i < 30 && !(await logTexts(page)).some((t) => redelivered.test(t)); i++) {
      await step.click();
      await atEvent(page, killPos + i + 1);
    }
    const forward = await logTexts(page);
    assert.ok(forward.some((t) => redelivered.test(t)), forward.join('\n'));
    const endPos = await position(page);

    // Step back to before the kill, then forward again: the same log.
    const back = page.getByRole('button', { name: 'Step back' });
    const beforeKill = endPos - (forward.length - killedAt) - 1;
    for (let p = endPos - 1; p >= beforeKill; p--) {
      await back.click();
      await atEvent(page, p);
    }
    assert.ok(!(await logTexts(page)).some((t) => /was killed/.test(t)), 'the kill is undone by stepping back');
    for (let p = beforeKill + 1; p <= endPos; p++) {
      await step.click();
      await atEvent(page, p);
    }
    assert.deepEqual(await logTexts(page), forward);

    // Restart the consumer: it subscribes again.
    await restartConsumer.click();
    await page.waitForFunction(() =>
      /consumer worker 1 \(slow\) subscribed/.test(
        [...document.querySelectorAll('.pb-log .log-text')].at(-1)?.textContent ?? '',
      ),
    );
    assert.ok(!(await kill.isDisabled()));

    // Publish now from the producer.
    await page.getByRole('button', { name: /^producer new_task\.py/ }).first().click();
    const publish = page.getByRole('button', { name: 'Publish now', exact: true });
    const published = (await logTexts(page)).filter((t) => /^new_task\.py published/.test(t)).length;
    await publish.click();
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('.pb-log .log-text')].filter((e) => /^new_task\.py published/.test(e.textContent))
          .length > n,
      published,
    );

    // Restart the broker: the log says what was kept and lost.
    await restartBroker.click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.pb-log .log-text')].some((e) => /^the broker restarted/.test(e.textContent)),
    );
    const restart = (await logTexts(page)).find((t) => /^the broker restarted/.test(t));
    assert.match(restart, /durable queues kept \(task_queue\) with \d+ persistent message\(s\); lost: transient queues/);

    await page.screenshot({ path: join(outDir, 'live-restart-1280x720.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("a scenario's script runs in the browser too", async () => {
    const doc = JSON.parse(readFileSync(join(repoRoot, 'www/scenarios/work-queues.json'), 'utf8'));
    doc.script = [{ at_ms: 1000, action: 'kill_consumer', consumer: 'worker1' }];
    const page = await env.context.newPage();
    const problems = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.addInitScript((j) => localStorage.setItem('warren.scenario', j), JSON.stringify(doc));
    await page.goto(env.url);
    await page.getByRole('button', { name: /^queue task_queue/ }).waitFor({ timeout: 20000 });
    await page.getByRole('button', { name: 'Run to idle' }).click();
    await page.waitForFunction(() => /\(idle\)/.test(document.querySelector('.pb-status')?.textContent));
    const log = await logTexts(page);
    assert.ok(log.some((t) => /^consumer worker 1 \(slow\) was killed/.test(t)), log.join('\n'));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('Chinese labels', async () => {
    const page = await env.context.newPage();
    await page.addInitScript(() => localStorage.setItem('warren.lang', 'zh-CN'));
    await page.goto(`${env.url}#preset=work-queues`);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('button', { name: '重启 broker', exact: true }).waitFor({ timeout: 20000 });
    const zh = JSON.parse(readFileSync(join(repoRoot, 'www/i18n/zh-CN.json'), 'utf8'));
    for (let i = 1; i <= 5; i++) {
      await page.getByRole('button', { name: zh['pb.step'], exact: true }).click();
      await page.waitForFunction((k) => document.querySelector('.pb-status')?.textContent.includes(` ${k} /`), i);
    }
    await page.getByRole('button', { name: /^消费者 worker 1|worker 1/ }).first().click();
    await page.getByRole('button', { name: '杀掉消费者', exact: true }).click();
    await page.getByRole('button', { name: '重启消费者', exact: true }).waitFor();
    assert.ok(await page.getByRole('button', { name: '杀掉消费者', exact: true }).isDisabled());
    await page.screenshot({ path: join(outDir, 'live-zh-CN-1280x720.png') });
    await page.close();
  });
});
