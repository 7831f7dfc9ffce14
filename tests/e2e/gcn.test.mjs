// The GCN view in the release build, driven with a real mouse as a student would: drawing a graph
// (click to add, drag onto a node to connect), undoing, loading presets whose force layout
// settles, the spectrum and the graph Fourier transform; screenshots of each panel on a laptop
// and a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, screenshot, panelShot, settledBox } from './harness.mjs';

const ctx = useBrowser({ before, after });

const heading = (page) => page.getByRole('heading', { level: 1, name: 'Graph convolutional networks' });
const cell = (page, m, i, j) => page.locator(`[data-matrix="${m}"] .cell[data-row="${i}"][data-col="${j}"]`);
const centre = async (locator) => {
  const b = await locator.boundingBox();
  return [b.x + b.width / 2, b.y + b.height / 2];
};
const zeros = (page) => page.locator('.zero-count').getAttribute('data-zeros');

async function dragMouse(page, from, to) {
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(...to, { steps: 10 });
  await page.mouse.up();
}

for (const [label, viewport] of [['laptop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`drawing a graph with the mouse updates every matrix (${label})`, async () => {
    const { page, problems } = await openPage(ctx.browser, viewport);
    await page.goto(ctx.server.base + 'gcn.html#/gcn');
    await heading(page).waitFor();
    const canvas = page.locator('.graph-canvas');
    const box = await settledBox(canvas);
    // Click empty space near the bottom-left corner: node 7, isolated.
    await page.mouse.click(box.x + box.width * 0.06, box.y + box.height * 0.94);
    await page.locator('.graph-canvas .node[data-node="6"]').waitFor();
    assert.equal(await zeros(page), '2', 'an isolated node adds a zero eigenvalue');
    await page.locator('.graph-note', { hasText: 'Isolated node 7 (degree 0)' }).waitFor();
    // Drag it onto node 3: the edge 3–7.
    await dragMouse(page, await centre(page.locator('.node[data-node="6"] circle')),
      await centre(page.locator('.node[data-node="2"] circle')));
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .edge').length === 8);
    assert.equal(await cell(page, 'D', 2, 2).getAttribute('data-value'), '5');
    assert.equal(await zeros(page), '1');
    // P_37 = 1/√(5·1), as the formula says when pointed at.
    await cell(page, 'P', 2, 6).scrollIntoViewIfNeeded();
    await cell(page, 'P', 2, 6).hover();
    await page.locator('.entry-formula', { hasText: '0.447' }).waitFor();
    await panelShot(page.locator('.graph-panel'), `gcn-panel-editor${label === 'phone' ? '-phone' : ''}`);
    // Undo twice: back to the deck's graph.
    await page.locator('button.undo').click();
    await page.locator('button.undo').click();
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .node').length === 6);
    assert.equal(await page.locator('button.undo').isDisabled(), true);
    await page.locator('button.redo').click();
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .node').length === 7);
    // Select node 3, the hub, and press the bin button: it goes with its four edges, leaving two
    // pieces and the isolated node 7 (three zero eigenvalues); undo brings them back.
    await page.mouse.click(...await centre(page.locator('.node[data-node="2"] circle')));
    await page.locator('.node[data-node="2"][aria-pressed="true"]').waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .node').length === 6);
    assert.equal(await page.locator('.graph-canvas .edge').count(), 3);
    assert.equal(await zeros(page), '3');
    await page.locator('button.undo').click();
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .node').length === 7);
    assert.equal(await page.locator('.graph-canvas .edge').count(), 7);
    assert.equal(await zeros(page), '2');
    // What the student drew survives a reload (the URL carries it), even one made at once,
    // before the URL's quiet-time write: the pending state is written when the page is left.
    await page.reload();
    await heading(page).waitFor();
    assert.equal(await page.locator('.graph-canvas .node').count(), 7);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    await panelShot(page.locator('.matrices-panel'), `gcn-panel-matrices${label === 'phone' ? '-phone' : ''}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('the karate club lays itself out, settles and stops', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(ctx.server.base + 'gcn.html#/gcn');
  await heading(page).waitFor();
  await page.locator('[data-control="preset"] select').selectOption('karate');
  await page.locator('.graph-canvas .node[data-node="33"]').waitFor();
  // It animates (a few steps a frame), and the page keeps answering meanwhile.
  await page.locator('button.tidy', { hasText: 'Laying out' }).waitFor();
  const t0 = Date.now();
  await page.evaluate(() => 1);
  assert.ok(Date.now() - t0 < 500);
  await page.locator('button.tidy', { hasText: 'Tidy layout' }).waitFor({ timeout: 20000 });
  const spread = await page.$$eval('.graph-canvas .node circle', (cs) => {
    const d = cs.map((c) => Math.hypot(c.cx.baseVal.value - 280, c.cy.baseVal.value - 190));
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    return Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  });
  assert.ok(spread > 10, `no longer a circle (spread of distances ${spread})`);
  // Settled: nothing moves any more.
  const at = () => page.$$eval('.graph-canvas .node circle', (cs) => cs.map((c) => c.getAttribute('cx')).join());
  const a = await at();
  await page.waitForTimeout(300);
  assert.equal(await at(), a);
  assert.equal(await zeros(page), '1', 'one club, one component');
  await screenshot(page, 'gcn-karate');
  // The layout is one undoable step.
  await page.locator('button.undo').click();
  assert.notEqual(await at(), a);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the spectrum: eigenvectors on the nodes, a filtered signal', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(ctx.server.base + 'gcn.html#/gcn');
  await heading(page).waitFor();
  await page.locator('[data-control="preset"] select').selectOption('pieces');
  await page.locator('.zero-count[data-zeros="3"][data-components="3"]').waitFor();
  // Click the last eigenvalue on the chart: the highest frequency.
  const chart = page.locator('[data-chart="eigenvalues"] canvas');
  const b = await settledBox(chart);
  const series = JSON.parse(await page.locator('[data-chart="eigenvalues"]').getAttribute('data-series'));
  assert.equal(series[0].points.length, 7);
  // The plotting area spans most of the canvas; x = 7 sits near its right end.
  await page.mouse.click(b.x + b.width * 0.93, b.y + b.height * 0.5);
  try {
    await page.locator('.eig-text', { hasText: 'u₇' }).waitFor({ timeout: 10000 });
  } catch (e) {
    const now = await page.locator('.eig-text').textContent();
    const box = await chart.boundingBox();
    assert.fail(`clicked at x = 93 % of ${JSON.stringify(b)} (now ${JSON.stringify(box)}); the panel says "${now}"`);
  }
  const filled = await page.$$eval('.graph-canvas .node circle', (cs) => cs.filter((c) => c.style.fill).length);
  assert.equal(filled, 7, 'every node coloured by u₇');
  // A noisy signal keeps little energy below λ = 1.
  await page.locator('[data-control="signal"] select').selectOption('noisy');
  const slider = page.locator('[data-control="cutoff"] input');
  await slider.fill('0.5');
  const kept = await page.locator('.kept-text').textContent();
  const pct = Number(kept.match(/keeps ([\d.]+) %/)[1]);
  assert.ok(pct < 100 && pct > 0, kept);
  await panelShot(page.locator('.spectrum-panel'), 'gcn-panel-spectrum');
  assert.deepEqual(problems, []);
  await page.close();
});

// A path of n nodes: L's eigenvalues are 1 − cos(πk/(n − 1)), k = 0 … n − 1.
function pathLink(n) {
  const nodes = Array.from({ length: n }, (_, i) => ({
    label: String(i + 1),
    x: 0.5 + 0.45 * Math.cos((2 * Math.PI * i) / n),
    y: 0.5 + 0.45 * Math.sin((2 * Math.PI * i) / n),
  }));
  const edges = Array.from({ length: n - 1 }, (_, i) => [i, i + 1]);
  return 'gcn.html#/gcn?s=' + encodeURIComponent(JSON.stringify({ graph: { nodes, edges }, preset: '' }));
}
const eigenvalues = async (page) =>
  JSON.parse(await page.locator('[data-chart="eigenvalues"]').getAttribute('data-series'))[0].points.map((p) => p[1]);
const assertPathSpectrum = (values, m, extraZero, what) => {
  const want = Array.from({ length: m }, (_, k) => 1 - Math.cos((Math.PI * k) / (m - 1)));
  if (extraZero) want.unshift(0);
  assert.equal(values.length, want.length, what);
  values.forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-9, `${what}: λ${k + 1} = ${v}, not ${want[k]}`));
};

test('a large graph: the spectrum comes from a Web Worker, exactly as on the main thread', async () => {
  const n = 240;
  const shown = {};
  for (const cores of [8, 1]) {
    const { page, problems } = await openPage(ctx.browser);
    // Two cores or more get the worker (src/hooks/eigen_worker.rs); one core does it all itself.
    await page.addInitScript((c) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => c }), cores);
    const workers = [];
    page.on('worker', (w) => workers.push(w.url()));
    await page.goto(ctx.server.base + pathLink(n));
    await heading(page).waitFor();
    const panel = page.locator('#gcn-spectrum');
    await page.locator('#gcn-spectrum[data-spectrum="ready"] .zero-count[data-zeros="1"][data-components="1"]').waitFor();
    assertPathSpectrum(await eigenvalues(page), n, false, `${cores} cores, the path`);
    // Cut the edge 1–2 by keyboard (select node 1, press C on node 2): node 1 is isolated.
    await page.locator('.graph-canvas .node[data-node="0"]').focus();
    await page.keyboard.press('Enter');
    await panel.evaluate((el) => {
      window.seen = [];
      new MutationObserver(() => window.seen.push(el.dataset.spectrum)).observe(el, { attributeFilter: ['data-spectrum'] });
    });
    await page.locator('.graph-canvas .node[data-node="1"]').focus();
    await page.keyboard.press('c');
    await page.locator('#gcn-spectrum[data-spectrum="ready"] .zero-count[data-zeros="2"][data-components="2"]').waitFor();
    const values = await eigenvalues(page);
    assertPathSpectrum(values, n - 1, true, `${cores} cores, the cut path`);
    const seen = await page.evaluate(() => window.seen);
    if (cores === 8) {
      assert.equal(workers.length, 1, 'one worker');
      assert.deepEqual(seen, ['pending', 'ready'], 'the old spectrum marked as pending until the new one came');
    } else {
      assert.deepEqual(workers, [], 'no worker on one core');
      assert.deepEqual(seen, [], 'nothing pending on the main thread');
    }
    // Three quick presses (joined, cut, joined): jobs queue behind the one in flight and the
    // older ones are dropped; what is shown at the end is the whole path's spectrum.
    for (let k = 0; k < 3; k++) await page.keyboard.press('c');
    await page.locator('#gcn-spectrum[data-spectrum="ready"] .zero-count[data-zeros="1"][data-components="1"]').waitFor();
    assertPathSpectrum(await eigenvalues(page), n, false, `${cores} cores, after three quick edits`);
    // Undo and redo by keyboard: the cut path's spectrum, then the whole path's again.
    await page.keyboard.press('Control+z');
    await page.locator('#gcn-spectrum[data-spectrum="ready"] .zero-count[data-zeros="2"][data-components="2"]').waitFor();
    assertPathSpectrum(await eigenvalues(page), n - 1, true, `${cores} cores, undone`);
    await page.keyboard.press('Control+y');
    await page.locator('#gcn-spectrum[data-spectrum="ready"] .zero-count[data-zeros="1"][data-components="1"]').waitFor();
    assertPathSpectrum(await eigenvalues(page), n, false, `${cores} cores, redone`);
    // The eigenvector of the picked eigenvalue colours every node.
    await page.locator('[data-control="eig"] input').fill('3');
    await page.locator('.eig-text', { hasText: 'u₃' }).waitFor();
    await page.waitForFunction((k) => [...document.querySelectorAll('.graph-canvas .node circle')].filter((c) => c.style.fill).length === k, n);
    shown[cores] = values;
    assert.deepEqual(problems, []);
    await page.close();
  }
  assert.deepEqual(shown[8], shown[1], 'the same eigenvalues from the worker and the main thread');
});

test('message passing: step through one node, compare aggregators, watch over-smoothing', async () => {
  const { page, problems } = await openPage(ctx.browser, { width: 1280, height: 800 });
  await page.goto(ctx.server.base + 'gcn.html#/gcn');
  await heading(page).waitFor();
  // Follow node 2: it hears the impulse on node 1 with weight 1/√(2·3).
  await page.locator('.graph-canvas .node[data-node="1"]').click();
  const panel = page.locator('.passing-panel');
  await panel.scrollIntoViewIfNeeded();
  await panel.locator('button.stage-first').click();
  assert.equal(await panel.locator('.passing-stages li.revealed').count(), 0);
  await panel.locator('button.stage-next').click();
  await panel.locator('button.stage-next').click();
  assert.equal(await panel.locator('.passing-stages li.revealed').count(), 2);
  assert.match(await panel.locator('.passing-stages li').nth(1).innerText(), /0\.408/);
  await panel.locator('button.stage-all').click();
  assert.equal(await panel.locator('.passing-stages').getAttribute('data-out'), '0.4082');
  // Two layers later the mean has spread the impulse further: the plot marks k = 3.
  await panel.locator('[data-control="layer"] input').fill('3');
  await page.locator('.passing-node', { hasText: 'layer k = 3' }).waitFor();
  await panel.locator('tr[data-agg="sum"] .agg-pick').click();
  assert.equal(await panel.locator('tr.current').getAttribute('data-agg'), 'sum');
  await panelShot(panel, 'gcn-panel-passing');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [label, viewport] of [['laptop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`GAT and training on the karate club, carried over from gcn.html (${label})`, async () => {
    const { page, problems } = await openPage(ctx.browser, viewport);
    await page.goto(ctx.server.base + 'gcn.html#/gcn');
    await heading(page).waitFor();
    await page.locator('[data-control="preset"] select').selectOption('karate');
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .node').length === 34);
    // The link to the second page carries the graph.
    await page.locator('a.page-switch').click();
    await page.getByRole('heading', { level: 1, name: 'Graph attention and training' }).waitFor();
    assert.match(page.url(), /gcn-learn\.html#\/gcn\/learn\?s=/);
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .node').length === 34);
    // The two leaders come labelled.
    assert.equal(await page.locator('.graph-canvas .node.marked').count(), 2);
    // Head 1's attention of node 34 on the edges, its softmax summing to 1.
    await page.locator('[data-control="gat"] select').selectOption('1');
    await page.locator('.graph-canvas .node[data-node="33"]').click();
    await page.locator('.gat-node', { hasText: 'Node v = 34' }).waitFor();
    assert.equal(await page.locator('.gat-table tbody tr[data-u]').count(), 18, 'degree 17 and itself');
    assert.match(await page.locator('.gat-table tr.alpha-sum').innerText(), /1\s+1/);
    await panelShot(page.locator('.gcn-top'), `gcn-learn-gat${label === 'phone' ? '-phone' : ''}`);
    // Train until the club splits as it really did.
    const panel = page.locator('.training-panel');
    await panel.scrollIntoViewIfNeeded();
    await panel.locator('button.train-play').click();
    await page.waitForFunction(() => Number(document.querySelector('.train-readout')?.dataset.trainStep) >= 300);
    await panel.locator('button.train-play').click();
    const readout = await panel.locator('.train-readout').innerText();
    const acc = Number(/accuracy ([\d.]+) %/.exec(readout)[1]);
    assert.ok(acc >= 85, readout);
    assert.match(readout, /against the club's real split/);
    await panelShot(panel, `gcn-learn-training${label === 'phone' ? '-phone' : ''}`);
    // And back, still the karate club.
    await page.locator('a.page-switch').click();
    await heading(page).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .node').length === 34);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
