// Browser benchmark: input event on a slider → the frame that shows it painted, 100 times, at
// the two sizes. Prints p50/p95 and the ratio to a baseline measured in the same page (the
// same event on a slider that changes nothing). Run after `trunk build --release`:
//   node bench/rnn-slider.mjs
import { serveDist, launch } from '../tests/e2e/harness.mjs';

const server = await serveDist();
const browser = await launch();

async function measure(state, runs = 100) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const hash = '#/rnn?s=' + encodeURIComponent(JSON.stringify(state));
  await page.goto(server.base + hash);
  await page.locator('[data-chart="grad-norms"] canvas').waitFor();
  await page.waitForTimeout(500);
  const result = await page.evaluate(async (runs) => {
    // The input arrives at the start of a frame (inside requestAnimationFrame), as a pointer
    // move does; the app's work (event handler, then Leptos' effects in microtasks) and the
    // browser's style, layout and paint of that same frame follow, and a task queued from the
    // rAF callback runs once the frame is done. Its time is input → repaint with no wait for
    // vsync, so ≤ 16 ms means the change is on screen in the frame it was made in.
    const settle = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    async function time(input, values) {
      const t = [];
      for (let k = 0; k < runs; k++) {
        await settle();
        t.push(await new Promise((done) => requestAnimationFrame(() => {
          const t0 = performance.now();
          input.value = String(values(k));
          input.dispatchEvent(new Event('input', { bubbles: true }));
          setTimeout(() => done(performance.now() - t0), 0);
        })));
      }
      t.sort((a, b) => a - b);
      return { p50: t[Math.floor(runs * 0.5)], p95: t[Math.floor(runs * 0.95)] };
    }
    // Baseline: the same event on a detached range input — a frame with nothing to do.
    const dummy = document.createElement('input');
    dummy.type = 'range';
    const base = await time(dummy, (k) => k % 10);
    const sigma = document.querySelector('[data-control="sigma"] input');
    const view = document.querySelector('.rnn-view');
    const engine = [];
    new MutationObserver(() => engine.push(Number(view.dataset.engineMs))).observe(view, { attributeFilter: ['data-engine-ms'] });
    const work = await time(sigma, (k) => (0.5 + (k % 20) * 0.05).toFixed(2));
    engine.sort((a, b) => a - b);
    work.engine = engine[Math.floor(engine.length / 2)] ?? NaN;
    return { base, work };
  }, runs);
  await page.close();
  return result;
}

const configs = [
  { label: 'T=50, h=32', state: { len: 50, step: 50, hidden: 32 }, budget: 16 },
  { label: 'T=200, h=128', state: { len: 200, step: 200, hidden: 128 }, budget: 100 },
];
console.log('RNN view: σ_max slider input → next painted frame (ms), 100 changes');
for (const c of configs) {
  const { base, work } = await measure(c.state);
  const ok = work.p95 <= c.budget ? 'within' : 'OVER';
  console.log(`${c.label.padEnd(14)} p50 ${work.p50.toFixed(1).padStart(7)}  p95 ${work.p95.toFixed(1).padStart(7)}  ` +
    `(engine p50 ${work.engine.toFixed(1)})  baseline p50 ${base.p50.toFixed(1)}  ratio p50 ${(work.p50 / base.p50).toFixed(1)}×  budget ${c.budget} ms: ${ok}`);
}
await browser.close();
server.close();
