// The release build, served under /nnviz/, driven as a person would: open home, follow each
// link, reload on a deep link, check what is visible, save screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, screenshot } from './harness.mjs';

const ctx = useBrowser({ before, after });

// Each view is its own page with its own wasm (scripts/build.sh); links name page and hash.
const VIEWS = [
  { label: 'RNN / LSTM', page: 'rnn.html', hash: '#/rnn', heading: 'Recurrent networks and LSTMs', shot: 'rnn' },
  { label: 'Attention', page: 'attention.html', hash: '#/attention', heading: 'Attention and Transformers', shot: 'attention' },
  { label: 'GCN', page: 'gcn.html', hash: '#/gcn', heading: 'Graph convolutional networks', shot: 'gcn' },
  { label: 'GAT & training', page: 'gcn-learn.html', hash: '#/gcn/learn', heading: 'Graph attention and training', shot: 'gcn-learn' },
];

test('home says what each view teaches and links to it', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(ctx.server.base);
  await page.getByRole('heading', { name: 'See every number of the lecture computed live' }).waitFor();
  assert.equal(await page.locator('.card').count(), VIEWS.length);
  await screenshot(page, 'home');
  for (const v of VIEWS) {
    await page.locator(`.card[href="${v.page}${v.hash}"]`).click();
    await page.getByRole('heading', { level: 1, name: v.heading }).waitFor();
    const url = new URL(page.url());
    assert.equal(url.pathname, '/nnviz/' + v.page, 'the view has its own page under the sub-path');
    assert.equal(url.hash.split('?')[0], v.hash, 'the route (a view may add its state after ?s=)');
    assert.equal(await page.locator('nav a.active').getAttribute('href'), v.page + v.hash);
    await screenshot(page, v.shot);
    await page.goBack();
    await page.getByRole('heading', { name: 'See every number of the lecture computed live' }).waitFor();
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('the navigation bar reaches every view', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(ctx.server.base);
  for (const v of VIEWS) {
    await page.getByRole('navigation').getByRole('link', { name: v.label, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: v.heading }).waitFor();
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("a link of the single-page form opens the view's own page with its state", async () => {
  const { page, problems } = await openPage(ctx.browser);
  const hash = '#/attention?s=' + encodeURIComponent(JSON.stringify({ text: 'Old links still work', heads: 3 }));
  await page.goto(ctx.server.base + hash);
  await page.getByRole('heading', { level: 1, name: 'Attention and Transformers' }).waitFor();
  const url = new URL(page.url());
  assert.equal(url.pathname, '/nnviz/attention.html');
  assert.equal(await page.locator('.token').count(), 4, 'the sentence of the link');
  assert.equal(await page.locator('.head-card').count(), 3, 'the heads of the link');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a deep link survives reload and shows the deck matrices', async () => {
  const { page, problems } = await openPage(ctx.browser);
  await page.goto(ctx.server.base + 'gcn.html#/gcn');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Graph convolutional networks' }).waitFor();
  for (const m of ['A', 'D', 'P', 'L']) {
    assert.equal(await page.locator(`[data-matrix="${m}"] .cell`).count(), 36, `${m} is 6×6`);
  }
  // The slide's P_12 = 1/(√3·√2) and L_12 = −1/(√3·√2), as printed in the cells.
  const cellText = (m, i, j) =>
    page.locator(`[data-matrix="${m}"] .cell[data-row="${i}"][data-col="${j}"] text`).textContent();
  assert.equal(await cellText('P', 0, 1), '0.408');
  assert.equal(await cellText('L', 0, 1), '−0.408');
  assert.equal(await cellText('P', 4, 5), '0.5');
  assert.equal(await cellText('D', 2, 2), '4');
  await expectVisible(page.locator('.graph-canvas .node'), 6);
  // Select node 3: its row and column light up everywhere.
  await page.locator('.node[data-node="2"]').click();
  assert.equal(await page.locator('[data-matrix="P"] .cell.hl').count(), 11);
  await page.locator('[data-matrix="L"] .cell[data-row="2"][data-col="4"]').hover();
  const formula = await page.locator('.entry-formula').textContent();
  assert.match(formula, /3,5/);
  await screenshot(page, 'gcn-selected');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the GCN view fits a phone', async () => {
  const { page, problems } = await openPage(ctx.browser, { width: 390, height: 844 });
  await page.goto(ctx.server.base + 'gcn.html#/gcn');
  await page.locator('[data-matrix="L"]').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px on a phone`);
  await screenshot(page, 'gcn-phone');
  assert.deepEqual(problems, []);
  await page.close();
});

test('an unknown address says so and links home', async () => {
  const { page } = await openPage(ctx.browser);
  await page.goto(ctx.server.base + '#/no-such-view');
  await page.getByRole('heading', { name: 'No such page' }).waitFor();
  await page.getByRole('link', { name: 'Go to the start page' }).click();
  await page.getByRole('heading', { name: 'See every number of the lecture computed live' }).waitFor();
  await page.close();
});

async function expectVisible(locator, n) {
  assert.equal(await locator.count(), n);
  for (let i = 0; i < n; i++) assert.ok(await locator.nth(i).isVisible());
}
