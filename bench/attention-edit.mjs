// Browser benchmark: an edit of the sentence (one word changed, as while typing) → the frame that
// shows every panel repainted, 100 times, at the two sizes; p50/p95 and the ratio to a
// baseline measured in the same page (bench/input-to-paint.mjs). Run after `trunk build --release`:
//   node bench/attention-edit.mjs
import { serveDist, launch } from '../tests/e2e/harness.mjs';
import { benchPage, inputToPaint, report } from './input-to-paint.mjs';

const server = await serveDist();
const browser = await launch();

const words = 'the cat sat on a mat while every dog in town barked at birds and'.split(' ');
const sentence = (n, last) => [...Array.from({ length: n - 1 }, (_, k) => words[k % words.length]), last].join(' ');
const configs = [
  { label: '16 tokens × 4', n: 16, state: { d_model: 32, heads: 4 }, budget: 16 },
  { label: '128 tokens × 8', n: 128, state: { d_model: 64, heads: 8 }, budget: 100 },
];
console.log('Attention view: sentence edit → next painted frame (ms), 100 edits');
for (const c of configs) {
  const page = await benchPage(browser);
  const state = { ...c.state, text: sentence(c.n, 'word') };
  await page.goto(server.base + 'attention.html#/attention?s=' + encodeURIComponent(JSON.stringify(state)));
  await page.locator(`.token[data-index="${c.n - 1}"]`).waitFor();
  await page.waitForTimeout(500);
  const values = Array.from({ length: 10 }, (_, k) => sentence(c.n, `word${k}`));
  const r = await inputToPaint(page, { selector: '[data-control="text"] textarea', values, viewSelector: '.attention-view' });
  console.log(report(c.label, r, c.budget));
  await page.close();
}
await browser.close();
server.close();
