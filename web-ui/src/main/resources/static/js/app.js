// The single-page app: hash routes (#/chat, #/memory/ID, ...) mapped to page modules.
import {h, fill, errorBox, toast} from './dom.js';
import * as chat from './pages/chat.js';
import * as memory from './pages/memory.js';
import * as evaluations from './pages/evaluations.js';
import * as synthesis from './pages/synthesis.js';
import * as settings from './pages/settings.js';

const pages = {chat, memory, evaluations, synthesis, settings};
const view = document.getElementById('view');
let cleanup = null;
let current = '';

/** `#/memory/abc?x=1` → {page: 'memory', parts: ['abc'], query: URLSearchParams} */
export function parseRoute(hash) {
  const [path, search] = (hash.replace(/^#\/?/, '') || 'chat').split('?');
  const [page, ...parts] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return {page: pages[page] ? page : null, name: page, parts, query: new URLSearchParams(search || '')};
}

async function route() {
  const hash = location.hash || '#/chat';
  const previous = parseRoute(current);
  current = hash;
  const route = parseRoute(hash);
  for (const link of document.querySelectorAll('.mainnav a')) {
    if (link.dataset.page === route.page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // a page may handle moves inside itself (e.g. opening another conversation) without a full re-render
  if (previous.page === route.page && cleanup && cleanup.update && cleanup.update(route) !== false) return;
  if (cleanup) {
    try {
      (cleanup.dispose || cleanup)();
    } catch (e) {
      console.warn('page cleanup failed', e);
    }
    cleanup = null;
  }
  if (!route.page) {
    fill(view, h('h1', {text: 'Not found'}), h('p', {}, 'There is no page “' + route.name + '”. ',
      h('a', {href: '#/chat', text: 'Go to the chat'}), '.'));
    return;
  }
  document.title = 'Casebook · ' + route.page[0].toUpperCase() + route.page.slice(1);
  fill(view);
  view.dataset.page = route.page;
  try {
    cleanup = (await pages[route.page].render(view, route)) || null;
  } catch (e) {
    fill(view, errorBox(e, 'This page failed to load'));
  }
  if (previous.page !== route.page) view.focus({preventScroll: true});
}

async function pollHealth() {
  const badge = document.getElementById('health');
  try {
    const response = await fetch('actuator/health', {cache: 'no-store'});
    const body = await response.json().catch(() => ({}));
    const status = body.status || (response.ok ? 'UP' : 'DOWN');
    badge.textContent = status === 'UP' ? 'server up' : 'server ' + status.toLowerCase();
    badge.className = 'health ' + (status === 'UP' ? 'up' : 'down');
  } catch {
    badge.textContent = 'server unreachable';
    badge.className = 'health down';
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', event => {
  const reason = event.reason;
  if (reason && reason.name === 'AbortError') {
    event.preventDefault();
    return;
  }
  toast('Something failed: ' + (reason && reason.message ? reason.message : reason), 'error');
});
document.getElementById('skip-link').addEventListener('click', event => {
  event.preventDefault();
  view.focus();
});

route();
pollHealth();
setInterval(pollHealth, 30000);
