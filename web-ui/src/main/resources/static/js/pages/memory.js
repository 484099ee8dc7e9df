// Memory: the case bank. Search by text or similarity, filter, open a case, relabel, reinstate, delete, import,
// export.
import {api, withQuery} from '../api.js';
import {h, fill, fmtScore, fmtDate, wire, truncate, prettyJson, labelBadge, trustBadge, spinner, errorBox, toast, select, field,
  download} from '../dom.js';
import {markdown} from '../markdown.js';
import {lineChart} from '../chart.js';
import {drillTrace} from '../trace.js';

const PAGE_SIZE = 20;
const LABELS = [['', 'Any label'], ['positive', 'Positive'], ['negative', 'Negative']];
const SOURCES = [['', 'Any source'], ['real', 'Real'], ['synthetic', 'Synthetic'], ['sandbox', 'Sandbox']];
const MODES = [['hybrid', 'hybrid (words and meaning)'], ['vector', 'vector (meaning)']];

export function render(root, route) {
  if (route.parts[0]) return renderCase(root, route.parts[0], route.parts[1] === 'task' ? route.parts[2] : null);
  return renderList(root, route);
}

/** A case from any of the shapes the API uses ({...case}, {case, score}, {value, score}). */
function unwrap(item) {
  const value = item.case || item.value || item;
  return {value, score: typeof item.score === 'number' ? item.score : undefined};
}

function renderList(root, route) {
  const q = route.query;
  const state = {q: q.get('q') || '', similar: q.get('similar') || '', mode: q.get('mode') || 'hybrid',
    label: q.get('label') || '', source: q.get('source') || '', page: Number(q.get('page') || 0)};
  const stats = h('section', {class: 'stats', 'aria-label': 'Case bank'}, spinner('Counting cases…'));
  const results = h('section', {class: 'results', 'aria-label': 'Cases'});
  // the text filter lists the cases that contain every word; similarity search is its own form
  const search = h('input', {type: 'search', name: 'q', value: state.q, placeholder: 'Words the case contains',
    'aria-label': 'Text filter'});
  const label = select('label', LABELS, state.label);
  const source = select('source', SOURCES, state.source);
  const form = h('form', {class: 'toolbar', role: 'search', 'aria-label': 'Filter cases'},
    field('Text filter', search), field('Label', label), field('Source', source),
    h('button', {type: 'submit', class: 'primary', text: 'Filter'}));
  form.addEventListener('submit', event => {
    event.preventDefault();
    go({q: search.value.trim(), label: label.value, source: source.value, page: 0});
  });
  for (const control of [label, source]) control.addEventListener('change', () => form.requestSubmit());
  const similarText = h('input', {type: 'search', name: 'similar', value: state.similar,
    placeholder: 'A task to find similar cases for', 'aria-label': 'Find similar cases'});
  const mode = select('mode', MODES, state.mode);
  const similarForm = h('form', {class: 'toolbar similar', role: 'search', 'aria-label': 'Find similar cases'},
    field('Similar to', similarText), field('How', mode),
    h('button', {type: 'submit', text: 'Find similar'}),
    state.similar ? h('a', {href: '#/memory', class: 'clear', text: 'Back to the list'}) : null);
  similarForm.addEventListener('submit', event => {
    event.preventDefault();
    const text = similarText.value.trim();
    go(text ? {similar: text, mode: mode.value, label: label.value, source: source.value}
      : {q: state.q, label: label.value, source: source.value, page: 0});
  });
  mode.addEventListener('change', () => {
    if (similarText.value.trim()) similarForm.requestSubmit();
  });

  fill(root, h('div', {class: 'page memory'},
    h('header', {class: 'page-head'}, h('h1', {text: 'Memory'}), transferTools(() => load())),
    stats, form, similarForm, results));

  function go(next) {
    const hash = withQuery('#/memory', {...next, page: next.page || ''});
    if (hash === location.hash) load();
    else location.hash = hash;
  }

  async function loadStats() {
    try {
      const s = await api.get('api/cases/stats');
      const byLabel = s.byLabel || {};
      const bySource = s.bySource || {};
      const count = (map, key) => map[key] ?? map[key.toUpperCase()] ?? 0;
      // growth: [{day, count}] where count is the number of cases at the end of that day (cumulative)
      const growth = (s.growth || []).map(g => ({x: g.day || g.date, y: g.count ?? g.total ?? 0}));
      fill(stats,
        h('dl', {class: 'counts'},
          h('div', {}, h('dt', {text: 'Cases'}), h('dd', {class: 'total', text: String(s.total ?? 0)})),
          h('div', {}, h('dt', {text: 'Positive'}), h('dd', {text: String(count(byLabel, 'positive'))})),
          h('div', {}, h('dt', {text: 'Negative'}), h('dd', {text: String(count(byLabel, 'negative'))})),
          Object.entries(bySource).map(([k, v]) => h('div', {}, h('dt', {text: wire(k)}), h('dd', {text: String(v)})))),
        lineChart([{name: 'cases', points: growth}],
          {title: 'Cases in memory over time', integer: true, empty: 'No cases yet: chat with memory on, or import a JSONL file.'}));
    } catch (e) {
      fill(stats, errorBox(e, 'Could not load the counts'));
    }
  }

  async function load() {
    loadStats();
    fill(results, spinner('Loading cases…'));
    try {
      let items;
      let total;
      if (state.similar) {
        const found = await api.post('api/cases/search', {query: state.similar, k: PAGE_SIZE, mode: state.mode});
        items = (Array.isArray(found) ? found : found.items || found.results || []).map(unwrap);
        if (state.label) items = items.filter(i => wire(i.value.label) === state.label);
        if (state.source) items = items.filter(i => wire(i.value.source) === state.source);
        total = items.length;
      } else {
        const page = await api.get(withQuery('api/cases', {q: state.q, label: state.label, source: state.source,
          page: state.page, size: PAGE_SIZE}));
        items = (Array.isArray(page) ? page : page.items || []).map(unwrap);
        total = page.total ?? items.length;
      }
      showResults(items, total);
    } catch (e) {
      fill(results, errorBox(e, 'Could not load cases'));
    }
  }

  function showResults(items, total) {
    // a state marker for whoever waits on the list: what it shows results for
    results.dataset.loaded = state.similar ? 'similar' : state.q ? 'filtered' : 'all';
    results.dataset.query = state.similar || state.q;
    if (!items.length) {
      fill(results, h('p', {class: 'muted empty', text: state.q || state.similar || state.label || state.source
        ? 'No case matches.' : 'Memory is empty.'}));
      return;
    }
    const similar = Boolean(state.similar);
    fill(results,
      h('p', {class: 'muted', text: similar ? `${items.length} most similar cases` : `${total} case(s)`}),
      h('div', {class: 'table-wrap'}, h('table', {class: 'cases-table'},
        h('thead', {}, h('tr', {}, similar ? h('th', {text: 'Score'}) : null, h('th', {text: 'Task'}),
          h('th', {text: 'Label'}), h('th', {text: 'Source'}), h('th', {text: 'Reward'}),
          h('th', {text: 'Uses / successes'}), h('th', {text: 'Created'}))),
        h('tbody', {}, items.map(({value, score}) => h('tr', {dataset: {caseId: value.id}},
          similar ? h('td', {class: 'num', text: fmtScore(score)}) : null,
          h('td', {}, h('a', {href: '#/memory/' + value.id, text: truncate(value.task, 120)})),
          h('td', {}, labelBadge(value.label)),
          h('td', {class: 'source'}, trustBadge(value) || wire(value.source)),
          h('td', {class: 'num', text: fmtScore(value.reward)}),
          h('td', {class: 'num', text: `${value.uses ?? 0} / ${value.successes ?? 0}`}),
          h('td', {text: fmtDate(value.createdAt)})))))),
      similar ? null : pager(total));
  }

  function pager(total) {
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (pages <= 1) return null;
    return h('nav', {class: 'pager', 'aria-label': 'Pages'},
      h('button', {type: 'button', disabled: state.page <= 0, text: '← Previous',
        onclick: () => go({...state, page: state.page - 1})}),
      h('span', {text: ` page ${state.page + 1} of ${pages} `}),
      h('button', {type: 'button', disabled: state.page >= pages - 1, text: 'Next →',
        onclick: () => go({...state, page: state.page + 1})}));
  }

  load();
  return null;
}

function transferTools(reload) {
  const file = h('input', {type: 'file', name: 'import-file', accept: '.jsonl,.ndjson,.json,application/x-ndjson',
    hidden: true});
  const format = select('format', [['auto', 'Detect the format'], ['casebook', 'Casebook JSONL'],
    ['memento', 'Memento {case, plan, case_label}'], ['memento-dummy', 'Memento {question, plan, reward}']], 'auto');
  format.setAttribute('aria-label', 'Import format');
  const onError = select('onError', [['skip', 'skip bad lines'], ['reject', 'reject the file']], 'skip');
  onError.setAttribute('aria-label', 'On a bad line');
  const mode = select('mode', [['skip-duplicates', 'skip cases already there'], ['append', 'add duplicates too'],
    ['replace-bank', 'replace the bank']], 'skip-duplicates');
  mode.setAttribute('aria-label', 'Duplicates');
  const bank = h('input', {type: 'text', name: 'bank', placeholder: 'bank (default)', size: 14,
    'aria-label': 'Import into bank'});
  const report = h('div', {class: 'import-report', 'aria-live': 'polite'});
  file.addEventListener('change', async () => {
    const chosen = file.files[0];
    file.value = '';
    if (!chosen) return;
    fill(report, spinner(`Importing ${chosen.name}…`));
    try {
      const result = await api.send('POST', withQuery('api/cases/import', {format: format.value, onError: onError.value,
        mode: mode.value, ...(bank.value.trim() ? {bank: bank.value.trim()} : {})}),
        await chosen.text(), 'application/x-ndjson');
      fill(report, h('p', {class: 'note ok', role: 'status', text: importSummary(result)}),
        result && result.errors && result.errors.length
          ? h('details', {}, h('summary', {text: `${result.errors.length} problem(s)`}),
            h('ul', {}, result.errors.slice(0, 50).map(err => h('li', {text: typeof err === 'string' ? err
              : `line ${err.line ?? err.lineNumber ?? '?'}: ${err.message ?? err.detail ?? JSON.stringify(err)}`}))))
          : null);
      reload();
    } catch (e) {
      fill(report, errorBox(e, 'Import failed'));
    }
  });
  const exportButton = h('button', {type: 'button', text: 'Export JSONL', onclick: async () => {
    try {
      const text = await api.text('api/cases/export', 'application/x-ndjson');
      download(`casebook-cases-${new Date().toISOString().slice(0, 10)}.jsonl`, text, 'application/x-ndjson');
      toast(`Exported ${text.split('\n').filter(Boolean).length} case(s).`);
    } catch (e) {
      toast(e.message, 'error');
    }
  }});
  return h('div', {class: 'transfer'}, format, onError, mode, bank,
    h('button', {type: 'button', text: 'Import JSONL…', onclick: () => file.click()}), file, exportButton, report);
}

function importSummary(result) {
  if (!result || typeof result !== 'object') return 'Imported.';
  const parts = [];
  for (const key of ['imported', 'duplicates', 'skipped', 'rejected', 'failed']) {
    if (typeof result[key] === 'number') parts.push(`${result[key]} ${key}`);
  }
  if (result.duplicateLines && result.duplicateLines.length) {
    parts.push(`duplicate lines ${result.duplicateLines.slice(0, 20).join(', ')}${result.duplicateLines.length > 20 ? '…' : ''}`);
  }
  return parts.length ? 'Import done: ' + parts.join(', ') + '.' : 'Import done: ' + JSON.stringify(result);
}

async function renderCase(root, id, taskId) {
  fill(root, h('div', {class: 'page case'}, h('p', {}, h('a', {href: '#/memory', text: '← All cases'})),
    spinner('Loading the case…')));
  let c;
  try {
    c = await api.get(`api/cases/${encodeURIComponent(id)}`);
  } catch (e) {
    fill(root, h('div', {class: 'page case'}, h('p', {}, h('a', {href: '#/memory', text: '← All cases'})),
      errorBox(e, 'Could not load the case')));
    return null;
  }
  const labelSelect = select('label', LABELS.slice(1), wire(c.label));
  labelSelect.setAttribute('aria-label', 'Label');
  const labelNote = h('span', {class: 'muted', 'aria-live': 'polite'});
  const saveLabel = h('button', {type: 'button', text: 'Save label', onclick: async () => {
    saveLabel.disabled = true;
    try {
      c = await api.patch(`api/cases/${c.id}`, {label: labelSelect.value}) || {...c, label: labelSelect.value};
      labelNote.textContent = `Saved: now ${wire(c.label)}.`;
      badge.replaceWith(badge = labelBadge(c.label));
    } catch (e) {
      labelNote.textContent = '';
      toast(e.message, 'error');
    } finally {
      saveLabel.disabled = false;
    }
  }});
  const remove = h('button', {type: 'button', class: 'danger', text: 'Delete case', onclick: async () => {
    if (!confirm('Delete this case from memory? This cannot be undone.')) return;
    try {
      await api.del(`api/cases/${c.id}`);
      toast('Case deleted.');
      location.hash = '#/memory';
    } catch (e) {
      toast(e.message, 'error');
    }
  }});
  // a refuted case can be reinstated when the rating that refuted it was a mistake
  const reinstateNote = h('span', {class: 'muted', 'aria-live': 'polite'});
  const reinstate = c.refuted ? h('button', {type: 'button', text: 'Reinstate', onclick: async () => {
    reinstate.disabled = true;
    try {
      c = await api.patch(`api/cases/${c.id}`, {refuted: false}) || {...c, refuted: false};
      reinstateNote.textContent = 'Reinstated: shown to tasks again, until a rated real failure refutes it again.';
      trust.replaceWith(trust = trustBadge(c));
      reinstate.remove();
    } catch (e) {
      reinstate.disabled = false;
      toast(e.message, 'error');
    }
  }}) : null;
  const uses = c.uses ?? 0;
  const successes = c.successes ?? 0;
  let badge = labelBadge(c.label);
  let trust = trustBadge(c);
  const history = h('section', {class: 'case-history'}, h('h2', {text: 'History'}), spinner('Loading the evidence…'));
  const trace = h('section', {class: 'case-trace'});
  loadHistory(history, c.id);
  let controller = null;
  if (taskId) {
    controller = new AbortController();
    drillTrace(trace, taskId, controller.signal);
  }
  fill(root, h('div', {class: 'page case'},
    h('p', {}, h('a', {href: '#/memory', text: '← All cases'})),
    h('header', {class: 'page-head'}, h('h1', {class: 'case-task', text: c.task}),
      h('span', {class: 'badges'}, badge, ' ', trust)),
    h('dl', {class: 'facts'},
      fact('Reward', fmtScore(c.reward)), fact('Source', wire(c.source)), fact('Bank', c.bank || 'default'),
      fact('Origin', c.origin || '–'),
      fact('Tenant', c.tenant || '–'), fact('Created', fmtDate(c.createdAt)), fact('Updated', fmtDate(c.updatedAt)),
      fact('Selected for a plan', `${uses} time(s)`),
      fact('…of which succeeded', uses ? `${successes} (${Math.round((100 * successes) / uses)} %)` : '–')),
    uses ? h('div', {class: 'meter', role: 'img', 'aria-label': `${successes} successes out of ${uses} uses`},
      h('span', {style: `width:${(100 * successes) / uses}%`})) : null,
    h('section', {}, h('h2', {text: 'Plan'}), h('pre', {class: 'plan-text', text: prettyJson(c.plan || '') || '–'})),
    h('section', {}, h('h2', {text: 'Answer'}), markdown(c.answer || '')),
    history, trace,
    h('section', {class: 'case-actions'}, h('h2', {text: 'Curate'}),
      h('div', {class: 'row'}, labelSelect, saveLabel, labelNote),
      c.refuted ? h('div', {class: 'row'}, reinstate, reinstateNote) : null, h('div', {class: 'row'}, remove))));
  return controller ? () => controller.abort() : null;
}

/** The case's evidence, oldest first: what happened to it and who said how well it went, with links to tasks. */
async function loadHistory(section, id) {
  try {
    const result = await api.get(`api/cases/${encodeURIComponent(id)}/history`);
    const events = (result && result.events) || [];
    fill(section, h('h2', {text: 'History'}),
      h('p', {class: 'muted', text: 'Reward and label are derived from these events: a rating (feedback, scorer,'
        + ' validator) outranks unrated episodes; the latest feedback decides.'}),
      h('table', {class: 'history'},
        h('thead', {}, h('tr', {}, ['When', 'Episode', 'Source', 'Rated by', 'Reward'].map(t => h('th', {text: t})))),
        h('tbody', {}, events.map(e => h('tr', {},
          h('td', {text: fmtDate(e.at)}),
          h('td', {}, e.task ? h('a', {href: `#/memory/${encodeURIComponent(id)}/task/${encodeURIComponent(e.task)}`,
            text: 'task ' + truncate(e.task, 13), title: e.task})
            : document.createTextNode(e.episode || '–')),
          h('td', {text: wire(e.source)}), h('td', {text: wire(e.rater)}), h('td', {text: fmtScore(e.reward)}))))));
  } catch (e) {
    fill(section, h('h2', {text: 'History'}), errorBox(e, 'Could not load the history'));
  }
}

function fact(term, value) {
  return h('div', {}, h('dt', {text: term}), h('dd', {text: value}));
}
