// Where a slider change's time goes, by Chrome's own counters (CDP Performance.getMetrics):
// script, style recalculation, layout, and the rest of the task time (paint, compositing,
// canvas). Usage: node bench/metrics.mjs ['rnn.html#/rnn?s=…'] [selector] [lo] [hi] [n]
import { openView } from './input-to-paint.mjs';

const [hash = 'rnn.html#/rnn', selector = '[data-control="sigma"] input', lo = '0.5', hi = '1.45', n = '40'] = process.argv.slice(2);
// KEY=c PRESELECT=selector: press that key on the selector instead; VALUES='[…]': cycle through
// these values (see bench/profile.mjs).
const { server, browser, page } = await openView(hash, selector);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const read = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
// HIDE='.a,.b': hide those elements first (display: none), to see what each part of a page costs.
if (process.env.HIDE) await page.evaluate((h) => { for (const s of h.split(',')) for (const e of document.querySelectorAll(s)) e.style.display = 'none'; }, process.env.HIDE);
// STYLE='css': add this style sheet first, to try a CSS change without a rebuild.
if (process.env.STYLE) await page.addStyleTag({ content: process.env.STYLE });
const a = await read();
await page.evaluate(async ({ selector, lo, hi, n, key, values }) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const input = document.querySelector(selector);
  for (let k = 0; k < n; k++) {
    if (key) {
      input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      await frame();
      continue;
    }
    input.value = values ? values[k % values.length] : String(lo + (hi - lo) * (k % 10) / 9);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await frame();
  }
}, { selector, lo: Number(lo), hi: Number(hi), n: Number(n), key: process.env.KEY, values: process.env.VALUES && JSON.parse(process.env.VALUES) });
const b = await read();
const per = (k) => ((b[k] - a[k]) * 1000 / Number(n)).toFixed(2);
console.log(`per change (ms): script ${per('ScriptDuration')}  style ${per('RecalcStyleDuration')}  layout ${per('LayoutDuration')}  task total ${per('TaskDuration')}  (nodes ${b.Nodes}, layout objects ${b.LayoutObjects})`);
await browser.close();
server.close();
