// Evaluations: start a batch run, watch it, read its results, drill into one item's trace, compare two runs.
import {api, followProgress, withQuery} from '../api.js';
import {h, fill, fmtPercent, fmtScore, fmtDate, fmtDuration, wire, truncate, spinner, errorBox, toast, select, field}
  from '../dom.js';
import {lineChart} from '../chart.js';
import {drillTrace} from '../trace.js';

const FORMATS = [['', 'Detect from the file'], ['generic', 'Generic JSONL {id, question, answers[]}'],
  ['gaia', 'GAIA folder'], ['verl', 'DeepResearcher/verl parquet or JSONL'], ['memento', 'Memento JSONL'],
  ['simpleqa', 'SimpleQA CSV'], ['frames', 'FRAMES CSV']];
const SCORERS = [['', 'Dataset default'], ['gaia', 'GAIA quasi-exact match'], ['deepresearcher', 'DeepResearcher F1/EM'],
  ['squad', 'SQuAD F1/EM'], ['hotpotqa', 'HotpotQA F1/EM'], ['judge', 'LLM judge'], ['simpleqa', 'SimpleQA grader']];
const RUNS = 'api/evaluations/runs';
const MEMORY = [['read-write', 'read and write'], ['read-only', 'read only'], ['off', 'off']];
const DONE = new Set(['completed', 'failed', 'cancelled']);

export function render(root, route) {
  const [first, second] = route.parts;
  if (first === 'compare') return renderCompare(root, route.query.get('a'), route.query.get('b'));
  if (first) return renderRun(root, first, second);
  return renderList(root);
}

function items(result) {
  return Array.isArray(result) ? result : (result && (result.items || result.runs || result.content)) || [];
}

function progressOf(run) {
  const p = run.progress || run;
  return {done: p.done ?? p.completed ?? p.finished ?? 0, total: p.total ?? p.items ?? 0,
    accuracy: p.accuracy ?? p.runningAccuracy ?? p.score, eta: p.etaSeconds ?? p.eta};
}

function statusBadge(status) {
  return h('span', {class: 'badge status-' + wire(status), text: wire(status) || '–'});
}

function renderList(root) {
  const table = h('section', {class: 'runs', 'aria-label': 'Runs'}, spinner('Loading runs…'));
  const compare = h('button', {type: 'button', disabled: true, text: 'Compare the two selected runs'});
  const selected = [];
  compare.addEventListener('click', () => {
    location.hash = withQuery('#/evaluations/compare', {a: selected[0], b: selected[1]});
  });
  fill(root, h('div', {class: 'page evaluations'},
    h('header', {class: 'page-head'}, h('h1', {text: 'Evaluations'})),
    newRunForm(), h('h2', {text: 'Runs'}), h('div', {class: 'row'}, compare), table));

  async function load() {
    try {
      const runs = items(await api.get(RUNS));
      if (!runs.length) {
        fill(table, h('p', {class: 'muted empty', text: 'No runs yet: start one above.'}));
        return;
      }
      fill(table, h('div', {class: 'table-wrap'}, h('table', {class: 'runs-table'},
        h('thead', {}, h('tr', {}, h('th', {}, h('span', {class: 'sr-only', text: 'Select'})), h('th', {text: 'Run'}),
          h('th', {text: 'Dataset'}), h('th', {text: 'Status'}), h('th', {text: 'Progress'}),
          h('th', {text: 'Accuracy'}), h('th', {text: 'Memory'}), h('th', {text: 'Started'}))),
        h('tbody', {}, runs.map(run => {
          const p = progressOf(run);
          const box = h('input', {type: 'checkbox', 'aria-label': 'Select run ' + run.id});
          box.addEventListener('change', () => {
            if (box.checked) selected.push(run.id);
            else selected.splice(selected.indexOf(run.id), 1);
            while (selected.length > 2) {
              const dropped = selected.shift();
              const other = table.querySelector(`tr[data-run-id="${CSS.escape(dropped)}"] input`);
              if (other) other.checked = false;
            }
            compare.disabled = selected.length !== 2;
          });
          return h('tr', {dataset: {runId: run.id}}, h('td', {}, box),
            h('td', {}, h('a', {href: '#/evaluations/' + run.id, text: run.name || truncate(run.id, 13)})),
            h('td', {text: truncate(datasetName(run), 40)}), h('td', {}, statusBadge(run.status)),
            h('td', {class: 'num', text: `${p.done} / ${p.total}`}), h('td', {class: 'num', text: fmtPercent(p.accuracy)}),
            h('td', {text: wire(run.memoryMode || (run.settings && run.settings.memoryMode)) || '–'}),
            h('td', {text: fmtDate(run.createdAt || run.startedAt)}));
        })))));
    } catch (e) {
      fill(table, errorBox(e, 'Could not load the runs'));
    }
  }
  load();
  return null;
}

function datasetName(run) {
  const d = run.dataset;
  if (!d) return run.datasetName || '–';
  if (typeof d === 'string') return d;
  return d.name || d.path || d.format || JSON.stringify(d);
}

function newRunForm() {
  const file = h('input', {type: 'file', name: 'file', accept: '.jsonl,.json,.csv,.parquet'});
  const path = h('input', {type: 'text', name: 'path', placeholder: 'or a path on the server, e.g. /data/gaia/2023/validation'});
  const format = select('format', FORMATS, '');
  const limit = h('input', {type: 'number', name: 'limit', min: 1, placeholder: 'all'});
  const attempts = h('input', {type: 'number', name: 'attempts', min: 1, max: 16, value: 1});
  const concurrency = h('input', {type: 'number', name: 'concurrency', min: 1, max: 512, value: 4});
  const epochs = h('input', {type: 'number', name: 'epochs', min: 1, max: 20, value: 1});
  const memory = select('memoryMode', MEMORY, 'off'); // the API's default
  const memoryNote = h('p', {class: 'muted memory-note', 'aria-live': 'polite'});
  const explainMemory = () => {
    memoryNote.textContent = {
      'off': 'Memory off: no cases are shown to the agent and none are written.',
      'read-only': 'Read only: the agent is shown cases from every bank; nothing in memory changes.',
      'read-write': 'Read and write: the agent is shown cases from every bank, and each question\'s episode is'
        + ' written, with its score, to a new bank of this run (run-<id>). Cases it was shown count a use (and a'
        + ' success when the answer is correct), except in read-only banks, which never change.',
    }[memory.value] || '';
  };
  memory.addEventListener('change', explainMemory);
  explainMemory();
  const scorer = select('scorer', SCORERS, '');
  const name = h('input', {type: 'text', name: 'name', placeholder: 'optional'});
  const maxTokens = h('input', {type: 'number', name: 'maxTokens', min: 1, placeholder: 'no limit'});
  const submit = h('button', {type: 'submit', class: 'primary', text: 'Start run'});
  const problems = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'new-run card'},
    h('h2', {text: 'Start a run'}),
    h('div', {class: 'grid'},
      field('Dataset file', file, 'upload a dataset file'), field('…or server path', path),
      field('Format', format), field('Memory', memory), field('Limit (questions)', limit)),
    memoryNote,
    h('details', {class: 'more-options'}, h('summary', {text: 'More options'}), h('div', {class: 'grid'},
      field('Name', name), field('Attempts per question (k)', attempts), field('Concurrency', concurrency),
      field('Epochs', epochs), field('Scorer', scorer),
      field('Token budget', maxTokens, 'no item starts once the finished ones have spent it'))),
    h('div', {class: 'row'}, submit), problems);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    fill(problems);
    const chosen = file.files[0];
    if (!chosen && !path.value.trim()) {
      problems.append(errorBox('Choose a dataset file or give a path on the server.'));
      return;
    }
    const options = {memoryMode: memory.value};
    if (format.value) options.format = format.value;
    if (name.value.trim()) options.name = name.value.trim();
    if (limit.value) options.limit = Number(limit.value);
    if (attempts.value) options.attempts = Number(attempts.value);
    if (concurrency.value) options.concurrency = Number(concurrency.value);
    if (epochs.value && Number(epochs.value) > 1) options.epochs = Number(epochs.value);
    if (scorer.value) options.scorers = [scorer.value];
    if (maxTokens.value) options.maxTokens = Number(maxTokens.value);
    submit.disabled = true;
    problems.append(spinner(chosen ? `Uploading ${chosen.name}…` : 'Starting…'));
    try {
      let dataset = path.value.trim();
      if (chosen) {
        const upload = new FormData();
        upload.append('file', chosen, chosen.name);
        if (options.format) upload.append('format', options.format);
        dataset = (await api.send('POST', 'api/evaluations/datasets', upload)).dataset;
      }
      const run = await api.post(RUNS, {...options, dataset});
      location.hash = '#/evaluations/' + run.id;
    } catch (e) {
      fill(problems, errorBox(e, 'The run did not start'));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function renderRun(root, id, itemId) {
  const controller = new AbortController();
  const head = h('header', {class: 'page-head'}, h('h1', {text: 'Run ' + truncate(id, 13)}));
  const progress = h('section', {class: 'run-progress', 'aria-live': 'polite'}, spinner('Loading the run…'));
  const curve = h('section', {class: 'curve', 'aria-label': 'Learning curve'});
  const results = h('section', {class: 'run-items', 'aria-label': 'Results'});
  const trace = h('section', {class: 'drill', 'aria-label': 'Task trace'});
  fill(root, h('div', {class: 'page run'}, h('p', {}, h('a', {href: '#/evaluations', text: '← All runs'})),
    head, progress, curve, results, trace));
  let run = null;
  let finished = false;
  const summary = h('div', {class: 'aggregates'});

  async function loadSummary() {
    summary.dataset.loaded = '1';
    try {
      const results = await api.get(`${RUNS}/${id}/results`);
      fill(summary, aggregatesTable(results.aggregates));
    } catch (e) {
      fill(summary, errorBox(e, 'Could not load the aggregates'));
    }
  }

  function showProgress(data) {
    run = {...run, ...data};
    const p = progressOf(run);
    const status = wire(run.status);
    finished = DONE.has(status);
    const fraction = p.total ? p.done / p.total : 0;
    fill(progress,
      h('div', {class: 'row'}, statusBadge(status), h('strong', {class: 'done-count', text: ` ${p.done} of ${p.total} done`}),
        p.accuracy !== undefined ? h('span', {text: ` · accuracy ${fmtPercent(p.accuracy)}`}) : null,
        !finished && p.eta !== undefined && p.eta !== null ? h('span', {class: 'muted', text: ` · about ${fmtDuration(p.eta * 1000)} left`}) : null,
        typeof run.tokensSpent === 'number' ? h('span', {class: 'muted tokens-spent', text: ` · ${run.tokensEstimated ? '~' : ''}${run.tokensSpent} tokens` +
          (run.settings && run.settings.maxTokens ? ` of a budget of ${run.settings.maxTokens}` : ''),
          title: run.tokensEstimated ? 'estimated: the model server sent no usage for some calls' : ''}) : null),
      run.error ? h('p', {class: 'error', role: 'alert', text: run.error}) : null,
      modelsLine(run.settings),
      h('progress', {max: 1, value: fraction, 'aria-label': 'Progress'}),
      h('div', {class: 'row'},
        finished ? null : h('button', {type: 'button', class: 'danger', text: 'Cancel run', onclick: cancel}),
        h('a', {href: `${RUNS}/${id}/results.csv`, download: `evaluation-${id}.csv`, text: 'Results CSV'}),
        h('a', {href: `${RUNS}/${id}/results`, download: `evaluation-${id}.json`, text: 'Results JSON'}),
        h('a', {href: `${RUNS}/${id}/gaia-submission`, download: `gaia-submission-${id}.jsonl`, text: 'GAIA submission'})),
      summary);
    if (finished && !summary.dataset.loaded) loadSummary();
  }

  async function cancel() {
    try {
      await api.post(`${RUNS}/${id}/cancel`);
      toast('Cancel requested.');
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  async function loadResults() {
    loadCurve(curve, id);
    await loadItems(results, id, itemId);
  }

  async function start() {
    try {
      run = await api.get(`${RUNS}/${id}`);
      if (run.name) head.firstChild.textContent = run.name;
      showProgress(run);
    } catch (e) {
      fill(progress, errorBox(e, 'Could not load the run'));
      return;
    }
    loadResults();
    if (!finished) {
      try {
        await followProgress(`${RUNS}/${id}`, {signal: controller.signal, isDone: () => finished,
          onView: showProgress, refresh: loadResults, fallbackStatus: () => 'finished'});
      } catch (e) {
        if (!controller.signal.aborted) progress.append(errorBox(e, 'Lost the live progress (reload to retry)'));
      }
    }
  }

  if (itemId) drillTrace(trace, itemId, controller.signal);
  start();
  return {dispose: () => controller.abort(), update: next => {
    if (next.parts[0] !== id) return false;
    if (next.parts[1]) drillTrace(trace, next.parts[1], controller.signal);
    else fill(trace);
    return true;
  }};
}

/** "Models: planner x · executor y (profile p) · judge z" from a run's settings; nothing for runs without them. */
function modelsLine(settings) {
  const models = settings && settings.models;
  if (!models || !Object.keys(models).length) return null;
  const profiles = settings.profiles || {};
  return h('p', {class: 'muted run-models', text: 'Models: ' + Object.entries(models)
    .map(([role, name]) => `${role} ${name}` + (profiles[role] ? ` (profile ${profiles[role]})` : '')).join(' · ')});
}

/** The last epoch's aggregates by group ({epoch: {group: {questions, pass1, passK, meanTokens, ...}}}). */
function aggregatesTable(byEpoch) {
  const epochs = Object.keys(byEpoch || {}).map(Number).sort((x, y) => x - y);
  if (!epochs.length) return h('p', {class: 'muted', text: 'No finished items yet.'});
  const last = epochs[epochs.length - 1];
  const groups = Object.entries(byEpoch[last]);
  return h('div', {class: 'table-wrap'}, h('table', {class: 'aggregates-table'},
    h('caption', {text: epochs.length > 1 ? `Epoch ${last} of ${epochs.length}` : 'Aggregates'}),
    h('thead', {}, h('tr', {}, ['Group', 'Questions', 'pass@1', 'pass@k', 'Tokens / item', 'Unanswered']
      .map(t => h('th', {text: t})))),
    h('tbody', {}, groups.map(([group, a]) => h('tr', {dataset: {group}}, h('th', {text: group}),
      h('td', {class: 'num', text: String(a.questions)}), h('td', {class: 'num pass1', text: fmtPercent(a.pass1)}),
      h('td', {class: 'num', text: fmtPercent(a.passK)}), h('td', {class: 'num', text: String(Math.round(a.meanTokens))}),
      h('td', {class: 'num', text: String(a.unanswered)}))))));
}

async function loadCurve(container, id) {
  try {
    const curve = await api.get(`${RUNS}/${id}/curve`);
    fill(container, h('h2', {text: 'Learning curve'}), curveChart([{name: '', curve}]));
  } catch (e) {
    fill(container, h('h2', {text: 'Learning curve'}), errorBox(e, 'No curve'));
  }
}

/** Series from a curve answer: [{episode, accuracy, running, windowed}] or {points|running|windowed: [...]}. */
function curveSeries(name, curve) {
  const prefix = name ? name + ' · ' : '';
  const points = Array.isArray(curve) ? curve : curve && (curve.points || curve.items);
  const x = (p, i) => p.episode ?? p.index ?? p.x ?? i + 1;
  if (points) {
    const series = [];
    const running = points.filter(p => typeof (p.running ?? p.runningAccuracy ?? p.accuracy ?? p.y) === 'number');
    series.push({name: prefix + 'running accuracy', points: running.map((p, i) => ({x: x(p, i),
      y: p.running ?? p.runningAccuracy ?? p.accuracy ?? p.y}))});
    const windowed = points.filter(p => typeof (p.windowed ?? p.windowAccuracy) === 'number');
    if (windowed.length) {
      series.push({name: prefix + 'windowed', points: windowed.map((p, i) => ({x: x(p, i), y: p.windowed ?? p.windowAccuracy}))});
    }
    return series;
  }
  if (curve && typeof curve === 'object') {
    return Object.entries(curve).filter(([, v]) => Array.isArray(v)).map(([key, values]) => ({name: prefix + key,
      points: values.map((v, i) => (typeof v === 'number' ? {x: i + 1, y: v} : {x: x(v, i), y: v.y ?? v.value ?? v.accuracy}))}));
  }
  return [];
}

function curveChart(runs) {
  return lineChart(runs.flatMap(r => curveSeries(r.name, r.curve)),
    {title: 'Accuracy over episodes', yMax: 1, yFormat: v => Math.round(v * 100) + '%', xLabel: 'episode',
      empty: 'No finished items yet.', legend: true});
}

async function loadItems(container, id, openItem) {
  if (!container.dataset.ready) {
    container.dataset.ready = '1';
    const filter = select('filter', [['', 'All items'], ['correct', 'Correct'], ['wrong', 'Wrong'], ['failed', 'Failed']], '');
    filter.setAttribute('aria-label', 'Show');
    const text = h('input', {type: 'search', placeholder: 'Filter by question or answer', 'aria-label': 'Filter items'});
    container.append(h('h2', {text: 'Results'}), h('div', {class: 'toolbar'}, filter, text), h('div', {class: 'item-list'}));
    const apply = () => applyFilter(container, filter.value, text.value.trim().toLowerCase());
    filter.addEventListener('change', apply);
    text.addEventListener('input', apply);
  }
  const list = container.querySelector('.item-list');
  try {
    const rows = items(await api.get(withQuery(`${RUNS}/${id}/items`, {size: 500})));
    fill(list, rows.length ? h('div', {class: 'table-wrap'}, h('table', {class: 'items-table'},
      h('thead', {}, h('tr', {}, h('th', {text: 'Item'}), h('th', {text: 'Question'}), h('th', {text: 'Prediction'}),
        h('th', {text: 'Gold'}), h('th', {text: 'Score'}), h('th', {text: 'Tokens'}), h('th', {text: 'Trace'}))),
      h('tbody', {}, rows.map(item => itemRow(id, item))))) : h('p', {class: 'muted', text: 'No finished items yet.'}));
    const filter = container.querySelector('select');
    applyFilter(container, filter.value, container.querySelector('input').value.trim().toLowerCase());
  } catch (e) {
    fill(list, errorBox(e, 'Could not load the items'));
  }
}

function itemScore(item) {
  if (typeof item.score === 'number') return item.score;
  if (typeof item.correct === 'boolean') return item.correct ? 1 : 0;
  const scores = item.scores;
  if (scores && typeof scores === 'object') {
    const first = Object.values(scores).find(v => typeof v === 'number' || (v && typeof v.value === 'number'));
    if (first !== undefined) return typeof first === 'number' ? first : first.value;
  }
  return undefined;
}

function itemRow(runId, item) {
  const score = itemScore(item);
  const failed = wire(item.status) === 'failed' || Boolean(item.error) || (item.outcome && item.outcome !== 'answered');
  const verdict = failed ? 'failed' : score >= 0.5 || item.correct === true ? 'correct' : 'wrong';
  const golds = item.golds || item.gold || item.answers;
  const gold = Array.isArray(golds) ? golds.join(' | ') : golds ?? '';
  const taskId = item.taskId || (Array.isArray(item.taskIds) && item.taskIds[0]);
  const key = item.id ?? item.itemId ?? item.index;
  return h('tr', {class: 'item ' + verdict, dataset: {verdict, itemId: key,
    text: `${item.question || ''} ${item.prediction || ''}`.toLowerCase()}},
    h('td', {text: truncate(String(item.itemId ?? item.datasetId ?? key ?? ''), 16)}),
    h('td', {text: truncate(item.question || '', 100)}),
    h('td', {text: failed ? (item.error || item.detail || item.outcome || 'failed') : truncate(item.prediction ?? '', 60)}),
    h('td', {text: truncate(gold, 60)}),
    h('td', {class: 'num'}, h('span', {class: 'verdict ' + verdict, text: score === undefined ? verdict : fmtScore(score)})),
    h('td', {class: 'num', text: String(item.tokens ?? '–')}),
    h('td', {}, taskId ? h('a', {href: `#/evaluations/${runId}/${taskId}`, text: 'trace'}) : '–'));
}

function applyFilter(container, verdict, text) {
  for (const row of container.querySelectorAll('tr.item')) {
    row.hidden = Boolean((verdict && row.dataset.verdict !== verdict) || (text && !row.dataset.text.includes(text)));
  }
}


async function renderCompare(root, a, b) {
  const body = h('section', {}, spinner('Comparing…'));
  fill(root, h('div', {class: 'page compare'}, h('p', {}, h('a', {href: '#/evaluations', text: '← All runs'})),
    h('h1', {text: 'Compare runs'}), body));
  if (!a || !b) {
    fill(body, errorBox('Pick two runs on the Evaluations page first.'));
    return null;
  }
  try {
    const [cmp, runA, runB, curveA, curveB] = await Promise.all([
      api.get(withQuery('api/evaluations/compare', {a, b})), api.get(`${RUNS}/${a}`),
      api.get(`${RUNS}/${b}`), api.get(`${RUNS}/${a}/curve`).catch(() => null),
      api.get(`${RUNS}/${b}/curve`).catch(() => null)]);
    const nameA = runA.name || 'A ' + truncate(a, 8);
    const nameB = runB.name || 'B ' + truncate(b, 8);
    fill(body, compareTable(cmp, nameA, nameB),
      curveChart([{name: nameA, curve: curveA}, {name: nameB, curve: curveB}]));
  } catch (e) {
    fill(body, errorBox(e, 'Could not compare'));
  }
  return null;
}

/** Per group of the last epoch: pass@1, pass@k and tokens of A and B and their difference; then questions solved. */
function compareTable(cmp, nameA, nameB) {
  const aggA = (cmp.a && cmp.a.aggregates) || {};
  const aggB = (cmp.b && cmp.b.aggregates) || {};
  const groups = [...new Set([...Object.keys(aggA), ...Object.keys(aggB)])];
  const metrics = [['pass1', 'pass@1', fmtPercent], ['passK', 'pass@k', fmtPercent],
    ['meanTokens', 'tokens / item', v => String(Math.round(v))]];
  const rows = groups.flatMap(group => metrics.map(([key, label, show]) => {
    const x = aggA[group] && aggA[group][key];
    const y = aggB[group] && aggB[group][key];
    const both = typeof x === 'number' && typeof y === 'number';
    return h('tr', {dataset: {group, metric: key}}, h('th', {text: `${group} · ${label}`}),
      h('td', {class: 'num', text: typeof x === 'number' ? show(x) : '–'}),
      h('td', {class: 'num', text: typeof y === 'number' ? show(y) : '–'}),
      h('td', {class: 'num delta', text: both ? (key === 'meanTokens' ? String(Math.round(y - x)) : fmtScore(y - x)) : '–'}));
  }));
  const q = cmp.questions || {};
  return h('div', {}, h('div', {class: 'table-wrap'}, h('table', {class: 'compare-table'},
    h('thead', {}, h('tr', {}, h('th', {text: 'Metric'}), h('th', {text: nameA}), h('th', {text: nameB}),
      h('th', {text: 'B − A'}))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: 4, text: 'No finished items in these runs.'}))))),
  h('p', {class: 'questions', text: `Questions solved by both: ${q.both ?? 0}, only by ${nameA}: ${q.onlyA ?? 0}, ` +
    `only by ${nameB}: ${q.onlyB ?? 0}, by neither: ${q.neither ?? 0}.`}));
}
