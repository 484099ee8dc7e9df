// Small DOM helpers: elements are built with h(), never from HTML strings (Markdown is the one sanitised exception).

/**
 * h('button', {class: 'primary', onclick: fn, 'aria-label': 'Send'}, 'Send', otherNode)
 * Attribute values of null/undefined/false are skipped; `text` sets textContent; `dataset` sets data-*.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled' || key === 'open') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  return append(clear(el), children);
}

export function fmtScore(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(3) : '–';
}

export function fmtPercent(value) {
  return typeof value === 'number' && Number.isFinite(value) ? (value * 100).toFixed(1) + ' %' : '–';
}

export function fmtDate(value) {
  if (!value) return '–';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function fmtDuration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return Math.round(ms) + ' ms';
  const s = ms / 1000;
  if (s < 60) return s.toFixed(1) + ' s';
  const m = Math.floor(s / 60);
  return m + ' min ' + Math.round(s - m * 60) + ' s';
}

export function fmtBytes(n) {
  if (typeof n !== 'number') return '';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

/** Lower-case wire name of an enum value (`POSITIVE` and `positive` both give `positive`). */
export function wire(value) {
  return value === null || value === undefined ? '' : String(value).toLowerCase().replace(/_/g, '-');
}

export function truncate(text, max) {
  const s = text === null || text === undefined ? '' : String(text);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** Pretty-prints JSON text when it parses, else returns it unchanged. */
export function prettyJson(text) {
  if (typeof text !== 'string') return JSON.stringify(text, null, 2);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function labelBadge(label) {
  const name = wire(label) || 'unlabelled';
  return h('span', {class: 'badge label-' + name, text: name});
}

const TRUST = {
  unconfirmed: 'unconfirmed: practice no real task has confirmed yet',
  confirmed: 'confirmed: a real task shown it succeeded',
  refuted: 'refuted: a real task shown it failed, so it is no longer shown to tasks',
};

/**
 * How far a synthetic (dreamed) or sandbox case can be trusted: unconfirmed until a real task shown it earns a rated
 * success, refuted by a rated real failure. None for a real case, which is its own evidence.
 */
export function trustBadge(c) {
  const source = wire(c.source);
  if (!source || source === 'real') return null;
  const trust = c.refuted ? 'refuted' : c.confirmed ? 'confirmed' : 'unconfirmed';
  const meaning = `${source === 'synthetic' ? 'Simulated (synthetic)' : 'Sandbox'} case, ${TRUST[trust]}`;
  return h('span', {class: 'badge trust trust-' + trust, role: 'img', 'aria-label': meaning, title: meaning,
    text: `${source} · ${trust}`});
}

export function spinner(text = 'Working…') {
  return h('span', {class: 'progress-note', role: 'status'}, h('span', {class: 'spinner', 'aria-hidden': 'true'}), text);
}

/** A red box that says what went wrong, in words. */
export function errorBox(error, prefix) {
  const message = error && error.message ? error.message : String(error);
  return h('div', {class: 'error', role: 'alert'}, prefix ? prefix + ': ' + message : message);
}

/** A labelled form field: label wraps the control so clicking the text focuses it. */
export function field(labelText, control, hint) {
  return h('label', {class: 'field'}, h('span', {class: 'field-label', text: labelText}), control,
    hint ? h('span', {class: 'hint', text: hint}) : null);
}

export function select(name, options, value) {
  return h('select', {name},
    options.map(([v, text]) => h('option', {value: v, selected: v === value}, text)));
}

/** Triggers a download of text content as a file. */
export function download(filename, text, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const a = h('a', {href: url, download: filename, hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const ICONS = {
  up: 'M2 10h3v10H2zM7 20h9.5a2 2 0 0 0 2-1.6l1.4-7A2 2 0 0 0 18 9h-5l.8-4a1.8 1.8 0 0 0-3.3-1.2L7 9.5z',
  down: 'M2 4h3v10H2zM7 4h9.5a2 2 0 0 1 2 1.6l1.4 7A2 2 0 0 1 18 15h-5l.8 4a1.8 1.8 0 0 1-3.3 1.2L7 14.5z',
  clip: 'M16.5 6.5 8.6 14.4a1.8 1.8 0 0 0 2.5 2.5l8-8a3.5 3.5 0 0 0-5-5l-8.3 8.3a5.2 5.2 0 0 0 7.4 7.4l6.3-6.3',
};

/** A small inline SVG icon (decorative: the button or link around it carries the words). */
export function icon(name) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 22 22');
  svg.setAttribute('class', 'icon-svg icon-' + name);
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/** A short message in the corner (role=status); errors stay until dismissed. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const close = h('button', {class: 'icon', 'aria-label': 'Dismiss', text: '×'});
  const item = h('div', {class: 'toast ' + kind, role: kind === 'error' ? 'alert' : 'status'},
    h('span', {text: message}), close);
  close.addEventListener('click', () => item.remove());
  box.append(item);
  if (kind !== 'error') setTimeout(() => item.remove(), 4000);
}
