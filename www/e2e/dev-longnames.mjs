// Dev helper (not a test): the Topics preset with 255-byte names, screenshotted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outDir, repoRoot, start } from './harness.mjs';

const env = await start();
try {
  const long = (stem) => (stem + '_').padEnd(255, 'x');
  let text = readFileSync(join(repoRoot, 'www/scenarios/topics.json'), 'utf8');
  const qname = long('Q1_orders_from_the_very_long_named_service');
  const xname = long('topic_logs_of_a_very_long_exchange');
  text = text.replaceAll('"Q1"', JSON.stringify(qname)).replaceAll('queue:Q1', `queue:${qname}`);
  text = text.replaceAll('"topic_logs"', JSON.stringify(xname)).replaceAll('exchange:topic_logs', `exchange:${xname}`);
  text = text.replace('"*.orange.*"', JSON.stringify(long('*.orange.*.and.a.very.long.binding.key')));
  const page = await env.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.addInitScript((json) => localStorage.setItem('warren.scenario', json), text);
  await page.goto(env.url);
  await page.getByRole('button', { name: /^queue Q2/ }).waitFor({ timeout: 20000 });
  await page.getByRole('button', { name: new RegExp(`^queue ${qname.slice(0, 20)}`) }).click();
  for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.screenshot({ path: join(outDir, 'dev-longnames-1280x720.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(outDir, 'dev-longnames-390x844.png'), fullPage: true });
  const sw = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  console.log('scrollWidth/clientWidth at 390:', sw);
  await page.close();
} finally {
  await env.close();
}
