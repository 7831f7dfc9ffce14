// What a change does to the page, counted: the DOM and canvas calls (insertBefore,
// createElementNS, setAttribute(name), fillText, drawImage …) per change, by the element they
// act on. Ten changes of a control, as in bench/metrics.mjs:
//   node bench/calls.mjs 'rnn.html#/rnn' '[data-control="sigma"] input'
//   KEY=c PRESELECT='.graph-canvas .node[data-node="0"]' node bench/calls.mjs 'gcn.html#/gcn?s=…' '.graph-canvas .node[data-node="2"]'
//   VALUES='["text 1", "text 2"]' node bench/calls.mjs 'attention.html#/attention' '[data-control="text"] textarea'
// A view that rebuilds what it could update shows up here as hundreds of created elements.
import { openView } from './input-to-paint.mjs';
const [hash, sel] = process.argv.slice(2);
const values = process.env.VALUES ? JSON.parse(process.env.VALUES) : null;
// KEY=c PRESELECT=selector: press that key on the selector instead (see bench/profile.mjs).
const { server, browser, page } = await openView(hash, sel);
const key = process.env.KEY;
const out = await page.evaluate(async ({ sel, values, key }) => {
  const counts = new Map();
  const label = (el) => { let e = el; const p = []; while (e && p.length < 3) { if (e.classList?.length) p.unshift(e.tagName.toLowerCase() + '.' + [...e.classList].slice(0, 2).join('.')); e = e.parentElement; } return p.join('>'); };
  const wrap = (proto, name, who) => { const f = proto[name]; proto[name] = function (...a) { const k = name + (name.endsWith('Attribute') ? '(' + a[0] + ')' : '') + ' @ ' + (name.endsWith('Attribute') ? this.tagName + ' ' : '') + who(this); counts.set(k, (counts.get(k) ?? 0) + 1); return f.apply(this, a); }; };
  const P = CanvasRenderingContext2D.prototype;
  for (const n of ['fillText', 'measureText', 'putImageData', 'drawImage', 'fillRect', 'clearRect', 'stroke', 'fill', 'getImageData']) wrap(P, n, (c) => label(c.canvas));
  for (const n of ['removeAttribute', 'setAttribute', 'remove', 'insertBefore', 'appendChild', 'cloneNode', 'addEventListener', 'removeEventListener', 'getBoundingClientRect']) wrap(Element.prototype[n] ? Element.prototype : Node.prototype, n, (e) => label(e.nodeType === 1 ? e : e.parentElement));
  wrap(Document.prototype, 'createElementNS', () => 'doc');
  wrap(Document.prototype, 'createElement', () => 'doc');
  for (const n of ['clientWidth', 'offsetWidth', 'clientHeight']) { const d = Object.getOwnPropertyDescriptor(Element.prototype, n) ?? Object.getOwnPropertyDescriptor(HTMLElement.prototype, n); if (!d) continue; const g = d.get; Object.defineProperty(Element.prototype, n, { get() { const k = n + ' @ ' + label(this); counts.set(k, (counts.get(k) ?? 0) + 1); return g.call(this); }, configurable: true }); }
  const el = document.querySelector(sel);
  for (let i = 0; i < 10; i++) { if (key) { el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })); await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); continue; } el.value = values ? values[i % values.length] : String(0.5 + 0.1 * i); el.dispatchEvent(new Event('input', { bubbles: true })); await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${(v / 10).toFixed(1).padStart(7)}  ${k}`).join('\n');
}, { sel, values, key });
console.log(out); await browser.close(); server.close();
