// Runs the GPU benchmark page (gpu.html#/gpu) in headless Chromium and prints its CSV:
// CPU (nalgebra f64) vs WebGPU (the WGSL kernel, f32) for n = 64 … MAX_N, plus the crossover.
// Here Chromium's WebGPU adapter is SwiftShader (software); on a machine with a GPU, run with
// CHROMIUM=/path/to/chrome and HEADFUL=1 to measure the real adapter.
// Usage, after scripts/build.sh:  MAX_N=1024 node bench/gpu-matmul.mjs   (NO_WEBGPU=1: CPU only)
import { serveDist, launch, WEBGPU_ARGS } from '../tests/e2e/harness.mjs';
import { chromium } from 'playwright-core';

const maxN = process.env.MAX_N ?? '1024';
const server = await serveDist();
const browser = process.env.HEADFUL
  ? await chromium.launch({ executablePath: process.env.CHROMIUM, headless: false, args: ['--enable-unsafe-webgpu'] })
  : await launch(process.env.NO_WEBGPU ? [] : WEBGPU_ARGS);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.base + 'gpu.html#/gpu');
  await page.waitForFunction(() => document.querySelector('.backend')?.getAttribute('data-backend') !== 'detecting');
  console.log('backend:', (await page.locator('.backend-label').innerText()).trim());
  await page.locator('[data-control="max-n"] select').selectOption(maxN);
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await page.waitForFunction(() => document.querySelector('.progress')?.textContent === 'Done.', null, { timeout: 0 });
  console.log(await page.locator('textarea.csv').inputValue());
  console.log(await page.locator('.bench-table').innerText());
  if (await page.locator('.verdict').count()) console.log(await page.locator('.verdict').innerText());
} finally {
  await browser.close();
  server.close();
}
