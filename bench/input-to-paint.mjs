// Shared by the browser benchmarks: time from an input event to the frame that shows it.
//
// The input arrives at the start of a frame (inside requestAnimationFrame), as a pointer move or
// a key press does; the app's work (event handler, then Leptos' effects in microtasks) and the
// browser's style, layout and paint of that same frame follow, and a task queued from the rAF
// callback runs once the frame is done. Its time is input → repaint with no wait for vsync, so
// ≤ 16 ms means the change is on screen in the frame it was made in. A baseline — the same event
// on a detached input, a frame with nothing to do — is measured in the same page.
import { serveDist, launch } from '../tests/e2e/harness.mjs';

/**
 * A 1280 × 800 page for a benchmark. With ALWAYS_PAINT=1 the page has no IntersectionObserver,
 * so every canvas repaints on every change, on screen or not (widgets::canvas::Sight falls
 * back to that): the A/B of painting only what is in sight, in one build.
 */
export async function benchPage(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  if (process.env.ALWAYS_PAINT === '1') {
    await page.addInitScript(() => { delete window.IntersectionObserver; });
  }
  return page;
}

/**
 * For the diagnostic scripts (metrics, profile, trace, calls): serves dist/, opens `hash` in a
 * benchPage, waits for `selector` and a moment to settle, and with PRESELECT=selector focuses
 * that element and presses Enter first (the GCN view's node selection before KEY=c).
 */
export async function openView(hash, selector) {
  const server = await serveDist();
  const browser = await launch();
  const page = await benchPage(browser);
  await page.goto(server.base + hash);
  await page.locator(selector).waitFor();
  await page.waitForTimeout(800);
  if (process.env.PRESELECT) {
    await page.locator(process.env.PRESELECT).focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
  }
  return { server, browser, page };
}

/**
 * Changes made, and timed, before the measured ones: the first changes after a page loads run
 * WebAssembly that V8 has compiled only with its baseline compiler (Liftoff) and tiers up to
 * TurboFan once hot, and they are 2–3× slower (GCN at 40 nodes: 42, 35, 20, 25 ms, then ~12).
 * The report gives their worst separately, so a cold start is seen and does not set the p95 of
 * steady use. WARMUP=0 measures from the first change.
 */
export const WARMUP = process.env.WARMUP === undefined ? 10 : Number(process.env.WARMUP);

/**
 * Sets `selector`'s value to each of `values` in turn (runs times, cycling) and reports
 * { base: {p50, p95}, work: {p50, p95, engine} } in ms; `engine` is the median of the view's
 * data-engine-ms attribute (on `viewSelector`) over the changes.
 */
export async function inputToPaint(page, { selector, values, viewSelector, runs = 100, warm = WARMUP }) {
  return page.evaluate(async ({ selector, values, viewSelector, runs, warm }) => {
    const settle = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    async function time(input, value) {
      const t = [];
      const cold = [];
      for (let k = 0; k < warm + runs; k++) {
        await settle();
        (k < warm ? cold : t).push(await new Promise((done) => requestAnimationFrame(() => {
          const t0 = performance.now();
          input.value = value(k);
          input.dispatchEvent(new Event('input', { bubbles: true }));
          setTimeout(() => done(performance.now() - t0), 0);
        })));
      }
      t.sort((a, b) => a - b);
      return { p50: t[Math.floor(runs * 0.5)], p95: t[Math.floor(runs * 0.95)], cold: cold.length ? Math.max(...cold) : NaN };
    }
    const dummy = document.createElement('input');
    dummy.type = 'range';
    const base = await time(dummy, (k) => String(k % 10));
    const view = document.querySelector(viewSelector);
    const engine = [];
    new MutationObserver(() => engine.push(Number(view.dataset.engineMs)))
      .observe(view, { attributeFilter: ['data-engine-ms'] });
    const work = await time(document.querySelector(selector), (k) => values[k % values.length]);
    engine.sort((a, b) => a - b);
    work.engine = engine[Math.floor(engine.length / 2)] ?? NaN;
    return { base, work };
  }, { selector, values, viewSelector, runs, warm });
}

/** One line of a benchmark's report. */
export function report(label, { base, work }, budget) {
  const ok = work.p95 <= budget ? 'within' : 'OVER';
  return `${label.padEnd(16)} p50 ${work.p50.toFixed(1).padStart(7)}  p95 ${work.p95.toFixed(1).padStart(7)}  ` +
    `(engine p50 ${work.engine.toFixed(1)})  baseline p50 ${base.p50.toFixed(1)}  ` +
    `ratio p50 ${(work.p50 / base.p50).toFixed(1)}×  budget ${budget} ms: ${ok}` +
    (Number.isNaN(work.cold) ? '' : `  (first ${WARMUP} changes after load, not in p50/p95: worst ${work.cold.toFixed(1)})`);
}
