// Which main-thread work makes the slow changes slow: records a Chrome trace while a slider is
// changed N times (timed as bench/input-to-paint.mjs does), then prints, for the median change
// and the slowest ones, the time each trace event took inside that change's window. Arguments
// as bench/trace.mjs:
//   node bench/tail.mjs 'rnn.html#/rnn?s=…' '[data-control="sigma"] input' 0.5 1.45 100
import { openView } from './input-to-paint.mjs';

const [hash = 'rnn.html#/rnn', selector = '[data-control="sigma"] input', lo = '0.5', hi = '1.45', n = '100'] = process.argv.slice(2);
const { server, browser, page } = await openView(hash, selector);
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'gpu', 'v8'] });
const changes = await page.evaluate(async ({ selector, lo, hi, n, key }) => {
  const settle = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const input = document.querySelector(selector);
  const out = [];
  for (let k = 0; k < n + 10; k++) {
    await settle();
    const r = await new Promise((done) => requestAnimationFrame(() => {
      const t0 = performance.now();
      console.timeStamp(`change-start-${k}`);
      if (key) input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      else {
        input.value = String(lo + (hi - lo) * (k % 20) / 19);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      setTimeout(() => { console.timeStamp(`change-end-${k}`); done(performance.now() - t0); }, 0);
    }));
    if (k >= 10) out.push({ k, ms: r });
  }
  return out;
}, { selector, lo: Number(lo), hi: Number(hi), n: Number(n), key: process.env.KEY });
const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
const mainKeys = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
const stamps = new Map();
for (const e of events) {
  const m = (e.args?.data?.message ?? '').match(/^change-(start|end)-(\d+)$/);
  if (m) stamps.set(`${m[1]}${m[2]}`, e.ts);
}
const main = events.filter((e) => e.ph === 'X' && e.dur && mainKeys.has(`${e.pid}:${e.tid}`));
function breakdown(k) {
  const a = stamps.get(`start${k}`), b = stamps.get(`end${k}`);
  const sum = new Map();
  for (const e of main) {
    const s = Math.max(e.ts, a), t = Math.min(e.ts + e.dur, b);
    if (t > s) sum.set(e.name, (sum.get(e.name) ?? 0) + (t - s) / 1000);
  }
  return [...sum.entries()].sort((x, y) => y[1] - x[1]).slice(0, Number(process.env.TOP ?? 14))
    .map(([name, t]) => `${t.toFixed(2).padStart(7)} ${name}`).join('\n');
}
const sorted = [...changes].sort((x, y) => x.ms - y.ms);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`p50 ${median.ms.toFixed(1)} p95 ${sorted[Math.floor(sorted.length * 0.95)].ms.toFixed(1)} ms`);
for (const c of [median, ...sorted.slice(-Number(process.env.SLOW ?? 4))]) {
  console.log(`\nchange ${c.k}: ${c.ms.toFixed(1)} ms\n${breakdown(c.k)}`);
}
await browser.close();
server.close();
