// The attention view in the release build, driven as a student would: typing a sentence,
// pointing with a real mouse, switching the mask and the scaling, choosing heads; screenshots of
// each panel on a laptop and a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, screenshot, panelShot, twoFrames } from './harness.mjs';

const ctx = useBrowser({ before, after });

const heading = (page) => page.getByRole('heading', { level: 1, name: 'Attention and Transformers' });
const link = (base, state) => base + 'attention.html#/attention?s=' + encodeURIComponent(JSON.stringify(state));

test('typing, masking and pointing show the engine numbers', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(ctx.server.base + 'attention.html#/attention');
  await heading(page).waitFor();
  const box = page.locator('[data-control="text"] textarea');
  await box.fill('The cat sat on the mat .');
  await page.locator('.token[data-index="6"]').waitFor();
  assert.equal(await page.locator('.token').count(), 7);
  // Rows of the weights sum to 1 as drawn.
  const rows = await page.$$eval('[data-matrix="A"] .cell', (cells) => {
    const out = [];
    for (const c of cells) (out[c.dataset.row] ??= []).push(Number(c.dataset.value));
    return out;
  });
  assert.equal(rows.length, 7);
  for (const r of rows) assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  // Causal: the upper triangle is −∞ before the softmax and 0 after.
  await page.locator('[data-control="mask"] select').selectOption('causal');
  await page.locator('[data-matrix="masked"] .cell[data-row="0"][data-col="6"]', { hasText: '−∞' }).waitFor();
  assert.equal(await page.locator('[data-matrix="A"] .cell[data-row="0"][data-col="6"]').getAttribute('data-value'), '0');
  // A real mouse on a token: its row and column light up in A.
  await page.locator('.token[data-index="3"]').hover();
  await page.waitForFunction(() => document.querySelectorAll('[data-matrix="A"] .cell.hl').length === 13);
  // And on a weight: the worked-out formula says who attends to whom.
  await page.locator('[data-matrix="A"] .cell[data-row="4"][data-col="1"]').hover();
  await page.locator('.entry-says', { hasText: 'Query “the” (row 5) attends to key “cat” (column 2)' }).waitFor();
  await screenshot(page, 'attention-causal');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a drawing out of sight during an edit is painted when scrolled to, as a fresh page draws it', async () => {
  const state = { text: 'the cat sat on the mat while every dog in town barked at birds and a fox', d_model: 32, heads: 4 };
  const edited = state.text.replace('fox', 'hen');
  // The concatenated output (Concat · W_o, 17 × 32 on a canvas) is far below the fold.
  const picture = async (page) => {
    const out = page.locator('[data-matrix="output"] canvas');
    await out.scrollIntoViewIfNeeded();
    await twoFrames(page);
    return out.evaluate((c) => c.toDataURL());
  };
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(link(ctx.server.base, state));
  await heading(page).waitFor();
  const out = page.locator('[data-matrix="output"] canvas');
  await out.waitFor({ state: 'attached' });
  await twoFrames(page);
  const before = await out.evaluate((c) => c.toDataURL());
  await page.locator('[data-control="text"] textarea').fill(edited);
  await page.locator('.token[data-index="16"]', { hasText: 'hen' }).waitFor();
  await twoFrames(page);
  assert.equal(await out.evaluate((c) => c.toDataURL()), before, 'out of sight: not repainted yet');
  const shown = await picture(page);
  assert.notEqual(shown, before, 'scrolled to: repainted');
  const fresh = await openPage(ctx.browser);
  await fresh.page.goto(link(ctx.server.base, { ...state, text: edited }));
  await heading(fresh.page).waitFor();
  assert.equal(shown, await picture(fresh.page), 'the same picture as a fresh page of the edited sentence');
  assert.deepEqual([...problems, ...fresh.problems], []);
  await fresh.page.close();
  await page.close();
});

test('markup and script-like text is displayed literally', async () => {
  const { page, problems } = await openPage(ctx.browser);
  let alerted = false;
  page.on('dialog', async (d) => { alerted = true; await d.dismiss(); });
  await page.goto(link(ctx.server.base, { text: '<img src=x onerror=alert(1)><script>alert(2)</script>' }));
  await heading(page).waitFor();
  await page.locator('.token').first().waitFor();
  assert.equal(await page.locator('main img').count(), 0);
  assert.equal(await page.locator('main script').count(), 0);
  assert.equal(await page.locator('.token').first().innerText(), '1<');
  assert.equal(alerted, false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('cross-attention and the positional encoding explorer', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(link(ctx.server.base, { text: 'The black cat sleeps .', cross: true, source: 'Le chat noir dort .' }));
  await heading(page).waitFor();
  await page.locator('.source-strip .token').nth(4).waitFor();
  assert.equal(await page.locator('[data-matrix="A"] .cell').count(), 25);
  await page.locator('[data-matrix="A"] .cell[data-row="2"][data-col="1"]').hover();
  await page.locator('.entry-says', { hasText: 'Query “cat” (row 3) attends to key “chat” (column 2)' }).waitFor();
  await panelShot(page.locator('.pipeline'), 'attention-panel-cross');
  // Positions off: reversing the sentence only reverses the outputs.
  await page.locator('[data-control="cross"] input').uncheck();
  await page.locator('[data-control="pe"] select').selectOption('none');
  await page.locator('.perm-gap', { hasText: 'cannot see word order' }).waitFor();
  assert.ok(Number(await page.locator('.perm-gap').getAttribute('data-gap')) < 1e-12);
  await page.locator('[data-control="pe"] select').selectOption('sinusoidal');
  await page.locator('.perm-gap', { hasText: 'attention sees order' }).waitFor();
  await panelShot(page.locator('.positions-panel'), 'attention-panel-positions');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [vp, suffix] of [[{ width: 1280, height: 800 }, ''], [{ width: 390, height: 844 }, '-phone']]) {
  test(`panels on ${suffix ? 'a phone' : 'a laptop'}`, async () => {
    const { page, problems } = await openPage(ctx.browser, vp);
    await page.goto(ctx.server.base + 'attention.html#/attention');
    await heading(page).waitFor();
    await page.getByRole('button', { name: 'Eight heads' }).click();
    await page.locator('.head-card').nth(7).waitFor();
    await page.locator('.head-pick').nth(2).click();
    await page.locator('.pipeline[data-head="2"]').waitFor();
    await screenshot(page, `attention${suffix}`);
    for (const [sel, name] of [['.controls', 'controls'], ['.token-strip', 'tokens'], ['.pipeline', 'pipeline'],
      ['.entry-panel', 'entry'], ['.entropy-panel', 'entropy'], ['.heads-panel', 'heads']]) {
      await panelShot(page.locator(sel).first(), `attention-panel-${name}${suffix}`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

for (const [vp, suffix] of [[{ width: 1280, height: 800 }, ''], [{ width: 390, height: 844 }, '-phone']]) {
  test(`a training preset forms the alignment live (${suffix ? 'phone' : 'laptop'})`, async () => {
    const { page, problems } = await openPage(ctx.browser, vp);
    await page.goto(ctx.server.base + 'attention.html#/attention');
    await heading(page).waitFor();
    const panel = page.locator('.attn-training');
    const readout = panel.locator('.train-readout');
    await page.getByRole('button', { name: 'Cross-attention alignment (training)' }).click();
    await panel.locator('.train-readout[data-running="true"]').waitFor();
    // The page keeps answering while it trains: pointing at a token still highlights it.
    await page.locator('.token[data-index="1"]').hover();
    await page.locator('.token.hl[data-index="1"]').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('.attn-training .train-readout').dataset.trainStep) >= 300,
      null, { timeout: 90000 });
    await panel.getByRole('button', { name: 'pause training' }).click();
    await panel.locator('.train-readout[data-running="false"]').waitFor();
    const acc = Number((await readout.textContent()).match(/probe accuracy ([\d.]+) %/)[1]);
    assert.ok(acc >= 95, `reversal is learned: ${acc} %`);
    // Output position i attends to input n − 1 − i: the anti-diagonal of the alignment.
    const w = await page.$$eval('[data-matrix="train-head-1"] .cell', (cells) => cells.map((c) => [+c.dataset.row, +c.dataset.col, +c.dataset.value]));
    const n = Math.max(...w.map((c) => c[0])) + 1;
    assert.equal(n, 6);
    for (const [i, j, v] of w) if (j === n - 1 - i) assert.ok(v > 0.9, `weight (${i}, ${j}) = ${v}`);
    const loss = JSON.parse(await panel.locator('[data-chart="attn-train-loss"]').getAttribute('data-series'));
    const curve = loss[0].points.map((p) => p[1]);
    assert.ok(curve.at(-1) < 0.1 * curve[0], 'the loss falls by 10×');
    await panelShot(panel, `attention-panel-training${suffix}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
