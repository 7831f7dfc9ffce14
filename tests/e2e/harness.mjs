// Shared pieces of the end-to-end tests: a static server that serves dist/ ONLY under a
// sub-path (so an absolute asset URL would 404, as on real sub-path hosting), and a Chromium
// launcher with the flags measured on these machines (shared/TOOLCHAIN.md).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
export const dist = path.join(root, 'dist');
export const artifacts = path.join(here, 'artifacts');
export const SUBPATH = '/nnviz/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Starts the server on a free port; resolves to { base, close }. */
export async function serveDist(dir = process.env.NNVIZ_DIST ? path.resolve(process.env.NNVIZ_DIST) : dist) {
  const dist = dir;
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error('dist/index.html missing: run `trunk build --release` first');
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(SUBPATH)) {
      res.writeHead(404).end('not under ' + SUBPATH);
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(SUBPATH.length)) || 'index.html';
    const file = path.join(dist, rel);
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('no such file');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { base: `http://127.0.0.1:${port}${SUBPATH}`, close: () => server.close() };
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Chromium without WebGPU (the default here), or with `extra` flags, e.g. WEBGPU_ARGS. */
export function launch(extra = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...extra],
  });
}

/** Headless Chromium offers a WebGPU adapter (SwiftShader) only with this flag. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];

/** Opens a page that records console errors and uncaught exceptions into `problems`. */
export async function openPage(browser, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { page, problems };
}

/** Waits until the page has painted twice (observers have reported and been answered). */
export async function twoFrames(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Scrolls `locator` into view and returns its box once the layout has settled. Panels coming
 * into sight are laid out for the first time (`content-visibility: auto`) and scroll anchoring
 * then moves the page a frame later, so a box read straight after the scroll can be stale and a
 * click at it land elsewhere: read it until two reads a frame pair apart agree.
 */
export async function settledBox(locator) {
  await locator.scrollIntoViewIfNeeded();
  let last = null;
  for (let i = 0; i < 30; i++) {
    await twoFrames(locator.page());
    const b = await locator.boundingBox();
    if (b && last && ['x', 'y', 'width', 'height'].every((k) => Math.abs(b[k] - last[k]) < 0.5)) return b;
    last = b;
  }
  throw new Error('the layout did not settle around ' + locator);
}

/**
 * A full-page screenshot. Canvases out of sight are not repainted (widgets::canvas::on_screen)
 * and panels out of sight are not rendered (`content-visibility: auto`), and a full-page capture
 * does not scroll: the page is scrolled through once first, as a reader would, so that every
 * drawing shows the current state, and is captured with every panel rendered.
 */
export async function screenshot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.evaluate(async () => {
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const back = window.scrollY;
    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await frames();
    }
    window.scrollTo(0, back);
    await frames();
  });
  const all = await page.addStyleTag({ content: '* { content-visibility: visible !important; }' });
  await twoFrames(page);
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  await all.evaluate((e) => e.remove());
}

/** A screenshot of one element (a panel), for the per-panel pictures. */
export async function panelShot(locator, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await locator.scrollIntoViewIfNeeded();
  await twoFrames(locator.page());
  await locator.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

/** Starts the dist server and a browser for a test file; closes both after it. */
export function useBrowser({ before, after, args = [] }) {
  const ctx = {};
  before(async () => {
    ctx.server = await serveDist();
    ctx.browser = await launch(args);
  });
  after(async () => {
    await ctx.browser?.close();
    ctx.server?.close();
  });
  return ctx;
}

/** The RNN view's URL with the given state (merged over the defaults by the app). */
export function rnnLink(base, state) {
  return base + 'rnn.html#/rnn?s=' + encodeURIComponent(JSON.stringify(state));
}
