// Where a view's time goes: records a CPU profile (Chrome DevTools Protocol) while a slider is
// moved N times and prints the functions with the most self time. Build with names kept first:
//   sed 's/data-wasm-opt="z"/& data-keep-debug/' index.html > index-prof.html
//   trunk build --release --dist /tmp/dist-prof index-prof.html
//   NNVIZ_DIST=/tmp/dist-prof node bench/profile.mjs '#/rnn?s=…' '[data-control="sigma"] input' 0.5 1.45
// (or VALUES='["text 1", "text 2"]' to cycle through given values, e.g. sentences in a textarea;
// or KEY=c to press that key on the selector instead, after pressing Enter on PRESELECT, e.g. the
// GCN view's edge toggle: KEY=c PRESELECT='.graph-canvas .node[data-node="0"]' node bench/profile.mjs
//   'gcn.html#/gcn?s=…' '.graph-canvas .node[data-node="2"]'; WAIT=200 waits that long after
// each change's frame, e.g. for the GCN worker's spectrum of a large graph to come back)
import { openView } from './input-to-paint.mjs';

const [hash = '#/rnn', selector = '[data-control="sigma"] input', lo = '0.5', hi = '1.45', n = '30'] = process.argv.slice(2);
const { server, browser, page } = await openView(hash, selector);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
if (process.env.HIDE) await page.evaluate((h) => { for (const s of h.split(',')) document.querySelector(s).style.display = 'none'; }, process.env.HIDE);
await page.evaluate(async ({ selector, lo, hi, n, values, key, wait }) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const input = document.querySelector(selector);
  for (let k = 0; k < n; k++) {
    if (key) {
      input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      await frame();
      if (wait) await new Promise((r) => setTimeout(r, wait));
      continue;
    }
    input.value = values ? values[k % values.length] : String(lo + (hi - lo) * (k % 10) / 9);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await frame();
  }
}, { selector, lo: Number(lo), hi: Number(hi), n: Number(n), values: process.env.VALUES ? JSON.parse(process.env.VALUES) : null, key: process.env.KEY, wait: Number(process.env.WAIT ?? 0) });
const { profile } = await cdp.send('Profiler.stop');
const self = new Map();
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
let total = 0;
for (const node of profile.nodes) {
  const t = (dt.get(node.id) ?? 0) / 1000;
  const name = node.callFrame.functionName || `(${node.callFrame.url.split('/').pop() || 'program'})`;
  self.set(name, (self.get(name) ?? 0) + t);
  total += t;
}
let wasm = 0;
for (const [name, t] of self) if (name.includes('::') || name.startsWith('wasm-function') || name.startsWith('<')) wasm += t;
console.log(`Rust (wasm) self time ${wasm.toFixed(0)} ms`);
const groups = new Map();
for (const [name, t] of self) {
  if (!(name.includes('::') || name.startsWith('<'))) continue;
  const m = name.match(/(nalgebra|nnviz::engine|nnviz::views|nnviz::widgets|nnviz|reactive_graph|tachys|leptos|plotters|indexmap|dlmalloc|core|alloc|serde_json|serde|js_sys|wasm_bindgen|web_sys|compiler_builtins|std|hashbrown|faer|percent_encoding)/);
  const g = m ? m[1] : 'other';
  groups.set(g, (groups.get(g) ?? 0) + t);
}
console.log([...groups.entries()].sort((a, b) => b[1] - a[1]).map(([g, t]) => `${g} ${t.toFixed(0)}`).join(' · '));
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
console.log(`total ${total.toFixed(0)} ms over ${n} changes`);
for (const [name, t] of top) console.log(`${t.toFixed(1).padStart(8)} ms  ${(100 * t / total).toFixed(1).padStart(5)} %  ${name.slice(0, 150)}`);
const nameOf = (node) => node.callFrame.functionName || `(${node.callFrame.url.split('/').pop() || 'program'})`;
// Each profile node's caller, for the analyses below.
const parentOf = new Map();
for (const node of profile.nodes) for (const c of node.children ?? []) parentOf.set(c, node);
// Inclusive time of named functions (INCLUSIVE='regex,regex'): self time of every sample whose
// stack contains a match.
if (process.env.INCLUSIVE) {
  const pats = process.env.INCLUSIVE.split(',').map((r) => new RegExp(r));
  const incl = pats.map(() => 0);
  for (const node of profile.nodes) {
    const t = (dt.get(node.id) ?? 0) / 1000;
    if (!t) continue;
    const names = [];
    for (let p = node; p; p = parentOf.get(p.id)) names.push(p.callFrame.functionName);
    pats.forEach((re, k) => { if (names.some((nm) => re.test(nm))) incl[k] += t; });
  }
  pats.forEach((re, k) => console.log(`inclusive ${(incl[k] / Number(n)).toFixed(2).padStart(7)} ms/change  ${re.source}`));
}
if (process.env.TOPINCL) {
  const incl = new Map();
  for (const node of profile.nodes) {
    const t = (dt.get(node.id) ?? 0) / 1000;
    if (!t) continue;
    const seen = new Set();
    for (let p = node; p; p = parentOf.get(p.id)) seen.add(nameOf(p).replace(/::h[0-9a-f]{16}$/, ''));
    for (const nm of seen) incl.set(nm, (incl.get(nm) ?? 0) + t);
  }
  const re = new RegExp(process.env.TOPINCL);
  for (const [nm, t] of [...incl.entries()].filter(([nm]) => re.test(nm)).sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`incl ${(t / Number(n)).toFixed(2).padStart(7)} ms/change  ${nm.slice(0, 160)}`);
}
// What a function spends its time on (UNDER='regex'): the self time of samples whose stack
// contains a match, by function, with the first matching frame's direct callee.
if (process.env.UNDER) {
  const re = new RegExp(process.env.UNDER);
  const by = new Map();
  for (const node of profile.nodes) {
    const t = (dt.get(node.id) ?? 0) / 1000;
    if (!t) continue;
    let below = node;
    let hit = false;
    for (let p = node; p; below = p, p = parentOf.get(p.id)) if (re.test(nameOf(p))) { hit = true; break; }
    if (!hit) continue;
    const k = `${nameOf(node).replace(/::h[0-9a-f]{16}$/, '').slice(0, 90)}  (via ${nameOf(below).replace(/::h[0-9a-f]{16}$/, '').slice(0, 70)})`;
    by.set(k, (by.get(k) ?? 0) + t);
  }
  for (const [k, t] of [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`under ${(t / Number(n)).toFixed(2).padStart(7)} ms/change  ${k}`);
}
// Who calls the top few: self time of each (callee ← caller) pair.
for (const [fn] of top.slice(0, Number(process.env.CALLERS ?? 0))) {
  const by = new Map();
  for (const node of profile.nodes) {
    if (nameOf(node) !== fn) continue;
    let p = parentOf.get(node.id);
    const chain = [];
    while (p && chain.length < 4) { chain.push(nameOf(p).replace(/::h[0-9a-f]{16}$/, '').slice(0, 90)); p = parentOf.get(p.id); }
    const key = chain.join('  ←  ');
    by.set(key, (by.get(key) ?? 0) + (dt.get(node.id) ?? 0) / 1000);
  }
  console.log(`\n${fn} called from:`);
  for (const [k, t] of [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`${t.toFixed(1).padStart(8)} ms  ${k}`);
}
await browser.close();
server.close();
