// The WebGPU backend as a person meets it: the header says which backend computes (with the
// adapter's name), the CPU-only switch works and is remembered, and the GPU benchmark page
// measures both backends, checks the GPU's results, plots GFLOP/s and gives CSV. Run twice:
// Chromium with WebGPU (SwiftShader, `--enable-unsafe-webgpu`) and without it, where the app
// works on the CPU and says so.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, screenshot, panelShot, WEBGPU_ARGS } from './harness.mjs';

/** Waits until the header's indicator has finished detecting; returns its kind. */
async function backendKind(page) {
  await page.waitForFunction(() => {
    const b = document.querySelector('.backend');
    return b && b.getAttribute('data-backend') !== 'detecting';
  });
  return page.locator('.backend').getAttribute('data-backend');
}

/** Runs the benchmark up to `maxN` and waits for it to finish. */
async function runBenchmark(page, maxN) {
  await page.locator('[data-control="max-n"] select').selectOption(String(maxN));
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await page.waitForFunction(() => document.querySelector('.progress')?.textContent === 'Done.', null, { timeout: 120_000 });
}

describe('with WebGPU (SwiftShader)', () => {
  const ctx = useBrowser({ before, after, args: WEBGPU_ARGS });

  test('the header names the adapter; the CPU-only switch is obeyed and remembered', async () => {
    const { page, problems } = await openPage(ctx.browser);
    await page.goto(ctx.server.base + 'gcn.html#/gcn');
    assert.equal(await backendKind(page), 'webgpu');
    const label = await page.locator('.backend-label').innerText();
    assert.match(label, /WebGPU · .*SwiftShader|WebGPU · .*software fallback/i, label);
    await page.getByLabel('CPU only').check();
    assert.equal(await page.locator('.backend').getAttribute('data-backend'), 'cpu');
    assert.match(await page.locator('.backend-label').innerText(), /CPU \(forced\)/);
    await page.reload();
    assert.equal(await backendKind(page), 'cpu', 'the setting survives a reload');
    assert.equal(await page.getByLabel('CPU only').isChecked(), true);
    await page.getByLabel('CPU only').uncheck();
    assert.equal(await page.locator('.backend').getAttribute('data-backend'), 'webgpu');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the benchmark measures both backends, checks the GPU and finds the crossover', async () => {
    const { page, problems } = await openPage(ctx.browser);
    await page.goto(ctx.server.base + 'gpu.html#/gpu');
    await page.getByRole('heading', { level: 1, name: 'Matrix multiply: CPU vs WebGPU' }).waitFor();
    assert.equal(await backendKind(page), 'webgpu');
    await runBenchmark(page, 256);
    const rows = page.locator('.bench-table tbody tr');
    assert.equal(await rows.count(), 3);
    for (const n of [64, 128, 256]) {
      const row = page.locator(`.bench-table tr[data-n="${n}"]`);
      assert.equal(await row.getAttribute('data-check'), 'ok', `n = ${n}: GPU within the f32 bound`);
      assert.match(await row.locator('.cpu-gflops').innerText(), /^\d/);
      assert.match(await row.locator('.gpu-gflops').innerText(), /^\d/);
    }
    // The chart plots exactly the table's rows, for both backends.
    const series = JSON.parse(await page.locator('[data-chart="gflops"]').getAttribute('data-series'));
    assert.deepEqual(series.map((s) => s.points.length), [3, 3]);
    assert.deepEqual(series[0].points.map((p) => p[0]), [6, 7, 8]);
    // The CSV has a header and one line per size, with GFLOP/s matching the table.
    const csv = await page.locator('textarea.csv').inputValue();
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'n,cpu_ms,gpu_ms,cpu_gflops,gpu_gflops');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), ['64', '128', '256']);
    for (const l of lines.slice(1)) assert.equal(l.split(',').filter((c) => c !== '').length, 5, l);
    await page.locator('.verdict').waitFor();
    assert.match(await page.locator('.verdict').innerText(), /Crossover|slower than the CPU at every size/);
    // The measurement now decides the routing, and the header explains it.
    assert.match(await page.locator('.backend-detail').innerText(), /GPU benchmark (found|measured)|crossover/);
    await screenshot(page, 'gpu-bench');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'gpu-bench-phone');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('GCN training sends its graph-sized products to the GPU past the crossover measured here', async () => {
    const { page, problems } = await openPage(ctx.browser);
    await page.goto(ctx.server.base + 'gcn.html#/gcn');
    assert.equal(await backendKind(page), 'webgpu');
    await page.locator('[data-control="preset"] select').selectOption('karate');
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .node').length === 34);
    await page.locator('a.page-switch').click();
    await page.getByRole('heading', { level: 1, name: 'Graph attention and training' }).waitFor();
    assert.equal(await backendKind(page), 'webgpu');
    const panel = page.locator('.training-panel');
    assert.match(await panel.locator('.train-backend').innerText(), /on the CPU \(f64\): the GPU benchmark .* has not yet measured/);
    // As if the benchmark had found this adapter faster from 8×8×8 multiply-adds on (SwiftShader
    // never is, so the real measurement would keep everything on the CPU).
    const label = await page.locator('.backend-label strong').innerText();
    const adapter = label.replace(/^WebGPU · /, '').replace(/ \(software fallback\)$/, '');
    await page.evaluate((a) => localStorage.setItem('nnviz.gpu-crossover', `8\t${a}`), adapter);
    await page.reload();
    assert.equal(await backendKind(page), 'webgpu');
    await page.waitForFunction(() => document.querySelectorAll('.graph-canvas .node').length === 34);
    await panel.scrollIntoViewIfNeeded();
    await panel.locator('button.train-play').click();
    await page.waitForFunction(() => Number(document.querySelector('.train-readout')?.dataset.trainStep) >= 300, null, { timeout: 120_000 });
    await panel.locator('button.train-play').click();
    await page.waitForTimeout(300); // a batch of steps in flight lands
    const steps = Number(await panel.locator('.train-readout').getAttribute('data-train-step'));
    const gpu = Number(await panel.locator('.train-backend').getAttribute('data-gpu-products'));
    assert.equal(gpu, 4 * steps, 'all four graph-sized products of every step on the GPU');
    assert.match(await panel.locator('.train-backend').innerText(), new RegExp(`^WebGPU computed all ${gpu} of this run's graph-sized products`));
    // The club still splits as it did on the CPU (f32 rounding changes nothing visible).
    const readout = await panel.locator('.train-readout').innerText();
    assert.ok(Number(/accuracy ([\d.]+) %/.exec(readout)[1]) >= 85, readout);
    await panelShot(panel, 'gcn-learn-training-webgpu');
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('without WebGPU', () => {
  const ctx = useBrowser({ before, after });

  test('every page works on the CPU and says so', async () => {
    const { page, problems } = await openPage(ctx.browser);
    for (const [path, heading] of [
      ['gcn.html#/gcn', 'Graph convolutional networks'],
      ['attention.html#/attention', 'Attention and Transformers'],
    ]) {
      await page.goto(ctx.server.base + path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      assert.equal(await backendKind(page), 'cpu');
      assert.match(await page.locator('.backend-label').innerText(), /CPU · no WebGPU/);
      assert.equal(await page.getByLabel('CPU only').isVisible(), false, 'nothing to switch off');
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the benchmark measures the CPU alone and says why', async () => {
    const { page, problems } = await openPage(ctx.browser);
    await page.goto(ctx.server.base + 'gpu.html#/gpu');
    await page.getByRole('heading', { level: 1, name: 'Matrix multiply: CPU vs WebGPU' }).waitFor();
    assert.equal(await backendKind(page), 'cpu');
    assert.match(await page.locator('.no-gpu').innerText(), /Only the CPU is measured/);
    await runBenchmark(page, 256);
    assert.equal(await page.locator('.bench-table tbody tr').count(), 3);
    assert.equal(await page.locator('.bench-table tr[data-n="256"] .gpu-gflops').innerText(), '—');
    const csv = (await page.locator('textarea.csv').inputValue()).trim().split('\n');
    assert.equal(csv[3].split(',')[2], '', 'no GPU time');
    assert.equal(await page.locator('.verdict').count(), 0, 'no crossover without a GPU');
    await screenshot(page, 'gpu-bench-cpu-only');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
