// End-to-end check of challenge lessons (issue 6): open a challenge, press Check (a goal fails
// with a specific reason), fix the diagram through the inspector, press Check again (all pass);
// the goals and verdicts follow the UI language. Screenshots at desktop and phone sizes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshPage, outDir, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

function fresh(hash, viewport) {
  return freshPage(env, hash, viewport);
}

const goals = (page) => page.locator('.lesson-goals');
const verdicts = (page) =>
  goals(page).locator('.goal').evaluateAll((els) => els.map((e) => (e.classList.contains('goal-pass') ? 'pass' : e.classList.contains('goal-fail') ? 'fail' : 'unchecked')));

describe('challenge lessons', () => {
  test('pager challenge: Check fails with the reason, a binding key edit in the inspector fixes it', async () => {
    const { page, problems } = await fresh('');
    await page.getByRole('button', { name: 'Lessons: open a preset scenario' }).click();
    const dialog = page.getByRole('dialog', { name: 'Lessons' });
    const item = dialog.locator('[data-preset="challenge-pager"]');
    assert.match(await item.innerText(), /challenge/i);
    await item.click();
    await goals(page).waitFor();
    assert.equal(await goals(page).locator('.goal').count(), 5);
    assert.deepEqual(await verdicts(page), Array(5).fill('unchecked'));
    assert.match(await goals(page).innerText(), /Messages with routing key "app.info" never reach queue "pager"\./);

    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await goals(page).locator('.goal-summary').waitFor();
    assert.deepEqual(await verdicts(page), ['pass', 'pass', 'fail', 'fail', 'pass']);
    const text = await goals(page).innerText();
    assert.match(text, /"app\.info" reached queue "pager" through the binding "#" of exchange "alerts"/);
    assert.match(text, /3 of 5 goals met/);
    await page.screenshot({ path: join(outDir, 'lessons-check-failed.png') });

    // Fix it through the inspector: select the binding alerts → pager and change its key.
    await page.locator('.binding-label[aria-label="binding from exchange alerts to queue pager, key #"]').click();
    const key = page.locator('#field-BKey');
    await key.waitFor();
    await key.fill('*.critical');
    await key.press('Tab');
    await page.locator('.binding-label[aria-label="binding from exchange alerts to queue pager, key *.critical"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.canvas-svg').click({ position: { x: 5, y: 5 } });
    await goals(page).waitFor();
    // The old verdicts were for the old diagram: they are not shown any more.
    assert.deepEqual(await verdicts(page), Array(5).fill('unchecked'));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await goals(page).locator('.goal-summary').waitFor();
    assert.deepEqual(await verdicts(page), Array(5).fill('pass'));
    assert.match(await goals(page).innerText(), /All goals met/);
    await page.screenshot({ path: join(outDir, 'lessons-check-passed.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('goals and verdicts in Chinese, and on a phone', async () => {
    const { page, problems } = await fresh('#preset=challenge-retry', { width: 390, height: 844 });
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await goals(page).waitFor();
    await goals(page).scrollIntoViewIfNeeded();
    await page.getByRole('button', { name: '检查', exact: true }).click();
    await goals(page).locator('.goal-summary').waitFor();
    const text = await goals(page).innerText();
    assert.match(text, /至少 1 条消息被死信转发到队列 "orders.wait"/);
    assert.match(text, /队列 "orders.work" 丢弃了一条消息（被拒绝），因为它没有死信交换机/);
    assert.match(text, /已达成 0 \/ 2 个目标/);
    await goals(page).screenshot({ path: join(outDir, 'lessons-zh-phone.png') });
    await page.screenshot({ path: join(outDir, 'lessons-zh-phone-page.png') });
    await page.getByRole('combobox', { name: /Language|语言/ }).selectOption('en');
    assert.deepEqual(problems, []);
    await page.close();
  });

  for (const viewport of [{ width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    test(`goals and Check stay reachable while a binding is selected (${viewport.width}x${viewport.height})`, async () => {
      const { page, problems } = await fresh('#preset=challenge-pager', viewport);
      await page.locator('.binding-label[aria-label="binding from exchange alerts to queue pager, key #"]').click();
      const key = page.locator('#field-BKey');
      await key.waitFor();
      const bar = page.locator('.goals-compact');
      await bar.waitFor();
      // Folded until a check finds something wrong.
      assert.equal(await bar.locator('details').getAttribute('open'), null);
      await bar.getByRole('button', { name: 'Check', exact: true }).click();
      await bar.locator('.goal-summary').waitFor();
      assert.match(await bar.innerText(), /3 of 5 goals met/);
      assert.notEqual(await bar.locator('details').getAttribute('open'), null);
      assert.equal(await bar.locator('.goal.goal-fail').count(), 2);
      await page.screenshot({ path: join(outDir, `lessons-selected-failed-${viewport.width}.png`) });

      await key.fill('*.critical');
      await key.press('Tab');
      await page.locator('.binding-label[aria-label="binding from exchange alerts to queue pager, key *.critical"]').waitFor();
      // Still editing the binding: check again from the same bar.
      await key.waitFor();
      assert.equal(await bar.locator('.goal-summary').count(), 0, 'stale verdicts are hidden after an edit');
      await bar.getByRole('button', { name: 'Check', exact: true }).click();
      await bar.locator('.goal-summary').waitFor();
      assert.match(await bar.innerText(), /All goals met/);
      await bar.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(outDir, `lessons-selected-passed-${viewport.width}.png`) });
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
