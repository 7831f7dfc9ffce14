// The RNN view's training panel in the release build, driven as a student would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, panelShot, rnnLink } from './harness.mjs';

const ctx = useBrowser({ before, after });
const panel = (page) => page.locator('.training-panel');
const trainStep = async (page) => Number(await page.locator('.train-readout').getAttribute('data-train-step'));

test('training the LSTM on the adding problem moves the loss, the gradients and the predictions', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(ctx.server.base + 'rnn.html#/rnn');
  await panel(page).getByRole('heading', { name: 'Training' }).waitFor();
  assert.equal(await trainStep(page), 0);
  assert.equal(await page.locator('.probe-table tbody tr').count(), 5, 'five probe sequences');
  const before = JSON.parse(await page.locator('[data-chart="train-gradient"]').getAttribute('data-series'));
  assert.equal(before[0].points.length, 11, '‖∂L/∂h(k)‖ for k = 0 … T = 10');

  await page.getByRole('button', { name: 'train', exact: true }).click();
  await page.locator('.train-readout[data-running="true"]').waitFor();
  await page.waitForFunction(() => Number(document.querySelector('.train-readout').dataset.trainStep) >= 400, null, { timeout: 90000 });
  // While it trains the page still answers: stepping the unrolled diagram works.
  await page.getByRole('button', { name: 'step back' }).click();
  await page.locator('.rnn-main .player .step-readout[data-step="29"]').waitFor();
  await page.getByRole('button', { name: 'pause training' }).click();
  await page.locator('.train-readout[data-running="false"]').waitFor();
  const paused = await trainStep(page);
  await page.waitForTimeout(300);
  assert.equal(await trainStep(page), paused, 'pause stops training');

  const loss = JSON.parse(await page.locator('[data-chart="train-loss"]').getAttribute('data-series'));
  const curve = loss[0].points.map((p) => p[1]);
  assert.ok(curve.length >= 100, `a point per step (${curve.length})`);
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(mean(curve.slice(-20)) < 0.5 * mean(curve.slice(0, 20)), 'the training loss falls');
  assert.equal(loss[1].label, 'predict the mean');
  const after = JSON.parse(await page.locator('[data-chart="train-gradient"]').getAttribute('data-series'));
  assert.notDeepEqual(after[0].points, before[0].points, 'the gradient plot follows the training');
  const good = await page.locator('.probe-table tr.good').count();
  assert.ok(good >= 2, `at least two of five sums within 0.1 after ${paused} steps (${good})`);

  await page.getByRole('button', { name: 'one training step' }).click();
  await page.locator(`.train-readout[data-train-step="${paused + 1}"]`).waitFor();
  await panelShot(panel(page), 'rnn-panel-training');
  await page.getByRole('button', { name: 'reset the model' }).click();
  await page.locator('.train-readout[data-train-step="0"]').waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('a learning rate that blows up pauses with a message and one click resets', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(rnnLink(ctx.server.base, { train: { task: 'sine', cell: 'vanilla', optim: 'sgd', lr: 10, clip: 0, len: 40 } }));
  await panel(page).getByRole('heading', { name: 'Training' }).waitFor();
  assert.equal(await page.locator('[data-control="train-lr"] output').textContent(), '10');
  await page.locator('[data-chart="train-prediction"]').waitFor();
  await page.getByRole('button', { name: 'train', exact: true }).click();
  const alert = page.locator('.train-stopped');
  await alert.waitFor({ timeout: 60000 });
  assert.match(await alert.textContent(), /non-finite|became/);
  assert.equal(await page.locator('.train-readout').getAttribute('data-running'), 'false', 'training paused itself');
  await panelShot(panel(page), 'rnn-panel-training-diverged');
  await alert.getByRole('button', { name: 'reset' }).click();
  await page.locator('.train-readout[data-train-step="0"]').waitFor();
  assert.equal(await alert.count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the character task trains on typed text and shows markup as text', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(ctx.server.base + 'rnn.html#/rnn');
  await panel(page).getByRole('heading', { name: 'Training' }).waitFor();
  await page.locator('[data-control="train-task"] select').selectOption('text');
  const area = page.locator('[data-control="train-text"] textarea');
  await area.fill('<b>hi</b><script>document.title="pwned"</script> ');
  await area.blur();
  await page.getByRole('button', { name: 'one training step' }).click();
  await page.locator('.train-readout[data-train-step="1"]').waitFor();
  const inputs = await page.locator('.probe-input code').allTextContents();
  assert.equal(inputs.length, 5);
  assert.ok(inputs.every((t) => t.length === 10), 'T = 10 characters per probe');
  assert.ok(inputs.some((t) => /[<>]/.test(t)), 'angle brackets appear literally');
  assert.equal(await page.locator('.probe-table b, .probe-table script').count(), 0, 'nothing was interpreted');
  assert.notEqual(await page.title(), 'pwned');
  // The settings are in the URL: a reload trains the same text.
  await page.waitForTimeout(600); // the URL is written once the state has been still for 250 ms
  await page.reload();
  await page.locator('[data-control="train-text"] textarea').waitFor();
  assert.match(await page.locator('[data-control="train-text"] textarea').inputValue(), /<script>/);
  await area.fill('x');
  await area.blur();
  await page.locator('.training-panel .input-error', { hasText: 'two characters' }).waitFor();
  assert.equal(await page.locator('.probe-table tbody tr').count(), 5, 'the previous model stays on screen');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the training panel on a phone', async () => {
  const { page, problems } = await openPage(ctx.browser, { width: 390, height: 844 });
  await page.goto(ctx.server.base + 'rnn.html#/rnn');
  await panel(page).getByRole('heading', { name: 'Training' }).waitFor();
  await page.getByRole('button', { name: 'one training step' }).click();
  await page.locator('.train-readout[data-train-step="1"]').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px on a phone`);
  await panelShot(panel(page), 'rnn-panel-training-phone');
  assert.deepEqual(problems, []);
  await page.close();
});
