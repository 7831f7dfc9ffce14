// Browser benchmark: input event on the σ_max slider → the frame that shows it painted, 100
// times, at the two sizes; p50/p95 and the ratio to a baseline measured in the same page
// (bench/input-to-paint.mjs). Run after `trunk build --release`:
//   node bench/rnn-slider.mjs
import { serveDist, launch } from '../tests/e2e/harness.mjs';
import { benchPage, inputToPaint, report } from './input-to-paint.mjs';

const server = await serveDist();
const browser = await launch();

const configs = [
  { label: 'T=50, h=32', state: { len: 50, step: 50, hidden: 32 }, budget: 16 },
  { label: 'T=200, h=128', state: { len: 200, step: 200, hidden: 128 }, budget: 100 },
];
console.log('RNN view: σ_max slider input → next painted frame (ms), 100 changes');
for (const c of configs) {
  const page = await benchPage(browser);
  await page.goto(server.base + 'rnn.html#/rnn?s=' + encodeURIComponent(JSON.stringify(c.state)));
  await page.locator('[data-chart="grad-norms"] canvas').waitFor();
  await page.waitForTimeout(500);
  const values = Array.from({ length: 20 }, (_, k) => (0.5 + k * 0.05).toFixed(2));
  const r = await inputToPaint(page, { selector: '[data-control="sigma"] input', values, viewSelector: '.rnn-view' });
  console.log(report(c.label, r, c.budget));
  await page.close();
}
await browser.close();
server.close();
