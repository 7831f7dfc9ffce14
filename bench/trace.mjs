// Where a change's main-thread time goes, by Chrome's trace events (devtools.timeline): the
// summed duration per event name on the renderer's main thread, per change — e.g. Paint,
// Layout, UpdateLayoutTree, and the canvas and commit steps that bench/metrics.mjs lumps
// together as "the rest". Events nest, so the rows overlap (FunctionCall contains the app's
// script, and so on). Same arguments and switches as bench/metrics.mjs:
//   node bench/trace.mjs ['rnn.html#/rnn?s=…'] [selector] [lo] [hi] [n]
import { openView } from './input-to-paint.mjs';

const [hash = 'rnn.html#/rnn', selector = '[data-control="sigma"] input', lo = '0.5', hi = '1.45', n = '40'] = process.argv.slice(2);
const { server, browser, page } = await openView(hash, selector);
if (process.env.STYLE) await page.addStyleTag({ content: process.env.STYLE });
// EVAL='js': run this in the page first (e.g. remove an element to see what it costs).
if (process.env.EVAL) await page.evaluate(process.env.EVAL);
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'gpu'] });
await page.evaluate(async ({ selector, lo, hi, n, key, values }) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const input = document.querySelector(selector);
  for (let k = 0; k < n; k++) {
    await frame();
    await new Promise((done) => requestAnimationFrame(() => {
      if (key) input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      else {
        input.value = values ? values[k % values.length] : String(lo + (hi - lo) * (k % 10) / 9);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      setTimeout(done, 0);
    }));
  }
}, { selector, lo: Number(lo), hi: Number(hi), n: Number(n), key: process.env.KEY, values: process.env.VALUES && JSON.parse(process.env.VALUES) });
const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
const sum = new Map();
const threads = new Map();
for (const e of events) {
  if (e.ph !== 'X' || !e.dur) continue;
  const key = `${e.pid}:${e.tid}`;
  if (main.has(key)) sum.set(e.name, (sum.get(e.name) ?? 0) + e.dur / 1000);
  else threads.set(e.name, (threads.get(e.name) ?? 0) + e.dur / 1000);
}
const rows = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25))
  .map(([k, t]) => `${(t / Number(n)).toFixed(2).padStart(8)} ms/change  ${k}`).join('\n');
console.log('renderer main thread:\n' + rows(sum));
if (process.env.OTHER) console.log('other threads:\n' + rows(threads));
await browser.close();
server.close();
