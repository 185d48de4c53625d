// End-to-end check of RabbitMQ definitions.json in the page (issue 6): import a file with two
// virtual hosts (choose one; the nodes are drawn; Undo brings the old diagram back), a corrupt
// file reported with its JSON path and the autosaved work intact, and the export download.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshPage, outDir, repoRoot, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const TWO_VHOSTS = readFileSync(join(repoRoot, 'tests/fixtures/definitions/two-vhosts.json'));
const saved = (page) => page.evaluate(() => localStorage.getItem('warren.scenario'));
const savedTitle = async (page) => JSON.parse((await saved(page)) ?? '{}').title;
const nodeLabels = (page) =>
  page.locator('.nodes [role=button]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));

async function waitForTitle(page, title) {
  await page.waitForFunction(
    (t) => document.querySelector('.canvas-svg')?.getAttribute('aria-label')?.startsWith(`Diagram of ${t}:`),
    title,
    { timeout: 10000 },
  );
}

describe('RabbitMQ definitions in the page', () => {
  test('import with a vhost choice, undo, a corrupt file, export', async () => {
    const { page, problems } = await freshPage(env, '#preset=topics');
    await waitForTitle(page, 'Topics');
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('warren.scenario') ?? '{}').title === 'Topics');

    const open = async () => {
      await page.getByRole('button', { name: 'RabbitMQ definitions: import or export definitions.json' }).click();
      const dialog = page.getByRole('dialog', { name: 'RabbitMQ definitions' });
      await dialog.waitFor();
      return dialog;
    };

    // A corrupt file first: the message names the JSON path; nothing changes.
    let dialog = await open();
    const before = await saved(page);
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'broken.json', mimeType: 'application/json',
      buffer: Buffer.from('{"queues": [{"name": "q", "arguments": {"x-max-length": -1}}]}'),
    });
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /broken\.json could not be imported: queues\[0\]\.arguments\.x-max-length: .*Nothing was changed/);
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'garbage.json', mimeType: 'application/json', buffer: Buffer.from('{"queues": [ oops'),
    });
    await dialog.getByRole('alert').filter({ hasText: 'garbage.json' }).waitFor();
    assert.match(await dialog.getByRole('alert').innerText(), /not valid JSON/);
    assert.equal(await saved(page), before);
    await waitForTitle(page, 'Topics');

    // Two virtual hosts: the dialog asks which one.
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'two-vhosts.json', mimeType: 'application/json', buffer: TWO_VHOSTS,
    });
    await dialog.locator('.vhost-choice').first().waitFor();
    assert.deepEqual(await dialog.locator('.vhost-choice').allInnerTexts(), ['/', 'shop']);
    await page.screenshot({ path: join(outDir, 'definitions-choose-vhost.png') });
    await dialog.locator('.vhost-choice[data-vhost="shop"]').click();
    await waitForTitle(page, 'Imported definitions (vhost shop)');
    assert.equal(await page.getByRole('dialog').count(), 0, 'dialog closed');
    const labels = await nodeLabels(page);
    for (const want of [/^exchange shop,/, /^exchange shop\.dlx,/, /^queue orders,/, /^queue orders\.dead,/, /^queue audit,/]) {
      assert.ok(labels.some((l) => want.test(l)), `${want} in ${labels.join(' | ')}`);
    }
    assert.ok(!labels.some((l) => /^queue hello/.test(l)), 'the other vhost is not imported');
    await page.getByRole('status').filter({ hasText: 'two-vhosts.json' }).waitFor();
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('warren.scenario') ?? '{}').title?.startsWith('Imported'));
    await page.screenshot({ path: join(outDir, 'definitions-imported.png') });

    // One undoable step.
    await page.getByRole('button', { name: /^Undo/ }).click();
    await waitForTitle(page, 'Topics');
    await page.getByRole('button', { name: /^Redo/ }).click();
    await waitForTitle(page, 'Imported definitions (vhost shop)');

    // Export: a definitions.json a broker accepts, with this diagram's queues and policies' arguments.
    dialog = await open();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export definitions.json' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.definitions\.json$/);
    const defs = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(defs.rabbit_version, '3.10.8');
    const orders = defs.queues.find((q) => q.name === 'orders');
    assert.equal(orders.arguments['x-dead-letter-exchange'], 'shop.dlx');

    // Generated pika code: one file per script, each shown, copyable and downloadable.
    await dialog.getByRole('button', { name: 'Generate Python (pika) code' }).click();
    const names = await dialog.locator('.code-file-name').allInnerTexts();
    assert.ok(names.includes('topology.py'), names.join(', '));
    assert.match(await dialog.getByRole('textbox', { name: 'topology.py' }).inputValue(), /import pika[\s\S]*exchange_declare\(/);
    const [py] = await Promise.all([
      page.waitForEvent('download'),
      dialog.locator('.code-file').first().getByRole('button', { name: 'Download' }).click(),
    ]);
    assert.equal(py.suggestedFilename(), names[0]);
    await page.screenshot({ path: join(outDir, 'definitions-code.png') });
    await page.keyboard.press('Escape');
    assert.equal(await savedTitle(page), 'Imported definitions (vhost shop)');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
