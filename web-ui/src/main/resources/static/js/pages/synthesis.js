// Synthesis: dream jobs (rollouts against the experience model) and sandbox task jobs (generated tasks with
// executable validators, rolled out in the sandbox). Start one, watch it, read its tasks and rollouts, open a trace.
import {api, followProgress, withQuery} from '../api.js';
import {h, fill, fmtPercent, fmtScore, fmtDate, wire, truncate, spinner, errorBox, toast, select, field}
  from '../dom.js';
import {drillTrace} from '../trace.js';

const MEMORY = [['read-write', 'read and write'], ['read-only', 'read only'], ['off', 'off']];
const DONE = new Set(['completed', 'failed', 'cancelled']);

/** The two kinds of job: where they live in the API, what the page calls them, how their progress reads. */
const KINDS = {
  dreams: {path: 'api/synthesis/dreams', one: 'Dream job', many: 'Dream jobs',
    progress: job => ({done: job.done ?? 0, total: job.total ?? 0,
      summary: `${job.successes ?? 0} of ${job.rated ?? 0} rated rollouts succeeded` +
        (job.meanReward === null || job.meanReward === undefined ? '' : ` · mean reward ${fmtScore(job.meanReward)}`) +
        tokensLine(job)})},
  'sandbox-tasks': {path: 'api/synthesis/sandbox-tasks', one: 'Sandbox task job', many: 'Sandbox task jobs',
    progress: job => {
      const tasks = job.tasks || {};
      const rollouts = job.rollouts || {};
      return {done: rollouts.done ?? 0, total: rollouts.total ?? 0,
        summary: `${tasks.kept ?? 0} of ${tasks.generated ?? 0} generated tasks kept (${tasks.total ?? 0} asked)` +
          ` · ${rollouts.passed ?? 0} rollouts passed, success rate ${fmtPercent(rollouts.successRate)}` +
          tokensLine(job)};
    }},
};

/** " · N tokens" spent, and of which budget when the job has one. */
function tokensLine(job) {
  const max = job.settings && job.settings.maxTokens;
  return ` · ${job.tokensSpent ?? 0} tokens` + (max ? ` of a budget of ${max}` : '');
}

export function render(root, route) {
  const [kind, id, taskId] = route.parts;
  if (kind && KINDS[kind] && id) return renderJob(root, kind, id, taskId);
  return renderList(root);
}

function statusBadge(status) {
  return h('span', {class: 'badge status-' + wire(status), text: wire(status) || '–'});
}

function number(name, value, min, max) {
  return h('input', {type: 'number', name, min, max, value});
}

function renderList(root) {
  const dreamJobs = h('section', {class: 'jobs dream-jobs', 'aria-label': 'Dream jobs'}, spinner('Loading jobs…'));
  const sandboxJobs = h('section', {class: 'jobs sandbox-jobs', 'aria-label': 'Sandbox task jobs'},
    spinner('Loading jobs…'));
  const fidelity = h('section', {class: 'fidelity card', 'aria-label': 'Experience model fidelity'},
    spinner('Loading fidelity…'));
  loadFidelity(fidelity);
  fill(root, h('div', {class: 'page synthesis'},
    h('header', {class: 'page-head'}, h('h1', {text: 'Synthesis'})),
    h('p', {class: 'muted', text: 'Experience the agent learns from without touching the real world: dream ' +
      'rollouts against the experience model, and generated tasks checked by their own validators in the sandbox.'}),
    fidelity,
    h('div', {class: 'grid two'}, dreamForm(), sandboxForm()),
    h('h2', {text: 'Dream jobs'}), dreamJobs, h('h2', {text: 'Sandbox task jobs'}), sandboxJobs));
  loadJobs(dreamJobs, 'dreams');
  loadJobs(sandboxJobs, 'sandbox-tasks');
  return null;
}

/**
 * The experience model's latest measured fidelity on this tenant's records, and a button to measure it again
 * (POST api/synthesis/fidelity): observation and reward agreement, and whether synthetic cases are selectable.
 */
async function loadFidelity(container) {
  const measure = h('button', {type: 'button', text: 'Measure now'});
  const head = h('h2', {text: 'Experience model fidelity'});
  measure.addEventListener('click', async () => {
    measure.disabled = true;
    fill(container, head, spinner('Measuring: recorded calls and episodes are predicted and judged again…'));
    try {
      showFidelity(container, head, measure, await api.post('api/synthesis/fidelity', {}));
    } catch (e) {
      fill(container, head, errorBox(e, 'The measurement failed'), measure);
    } finally {
      measure.disabled = false;
    }
  });
  try {
    const latest = await api.get('api/synthesis/fidelity');
    if (latest.measured) {
      showFidelity(container, head, measure, latest);
    } else {
      fill(container, head, h('p', {class: 'muted', text: 'Not measured yet: synthetic cases are selectable ' +
        'until a measurement says the experience model judges rewards badly.'}), measure);
    }
  } catch (e) {
    fill(container, head, errorBox(e, 'Could not load the fidelity'), measure);
  }
}

function showFidelity(container, head, measure, f) {
  const o = f.observation || {};
  const r = f.reward || {};
  const s = f.sandbox || {};
  const rows = [
    ['Reward agreement', `${fmtPercent(f.rewardAgreement)} over ${f.rewardSamples ?? 0} episodes (minimum ` +
      `${fmtPercent(f.minRewardAgreement)})`],
    ['Real episodes re-judged', `${r.samples ?? 0}: agreement ${fmtPercent(r.agreement)}, ROC-AUC ${fmtScore(r.auc)}`],
    ['Sandbox rollouts re-judged', `${s.samples ?? 0}: agreement with the validator ${fmtPercent(s.agreement)}`],
    ['Observations predicted', `${o.samples ?? 0}: success/failure ${fmtPercent(o.successAgreement)}, numbers ` +
      `${fmtPercent(o.numberAgreement)}, similarity ${fmtScore(o.similarity)}`],
    ['Synthetic cases', f.syntheticSelectable ? 'selectable' : 'not selectable (reward agreement below the minimum)'],
    ['Measured', `${fmtDate(f.measuredAt)} with ${f.model || 'the experience model'}`]];
  fill(container, head, h('dl', {class: 'fidelity-report', dataset: {selectable: String(!!f.syntheticSelectable)}},
    rows.flatMap(([k, v]) => [h('dt', {text: k}), h('dd', {text: v})])), measure);
}

async function loadJobs(container, kind) {
  const {path, progress} = KINDS[kind];
  try {
    const jobs = await api.get(withQuery(path, {limit: 50}));
    if (!jobs.length) {
      fill(container, h('p', {class: 'muted empty', text: 'No jobs yet: start one above.'}));
      return;
    }
    fill(container, h('div', {class: 'table-wrap'}, h('table', {class: 'jobs-table'},
      h('thead', {}, h('tr', {}, ['Job', 'Status', 'Rollouts', 'Summary', 'Created'].map(t => h('th', {text: t})))),
      h('tbody', {}, jobs.map(job => {
        const p = progress(job);
        return h('tr', {dataset: {jobId: job.id}},
          h('td', {}, h('a', {href: `#/synthesis/${kind}/${job.id}`, text: job.name || truncate(job.id, 13)})),
          h('td', {}, statusBadge(job.status)), h('td', {class: 'num', text: `${p.done} / ${p.total}`}),
          h('td', {text: p.summary}), h('td', {text: fmtDate(job.createdAt)}));
      })))));
  } catch (e) {
    fill(container, errorBox(e, 'Could not load the ' + KINDS[kind].many.toLowerCase()));
  }
}

/** A form that posts `body()` to the kind's path and opens the job it created. */
function jobForm(kind, title, fields, more, body, submitText) {
  const submit = h('button', {type: 'submit', class: 'primary', text: submitText});
  const problems = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'new-job card', dataset: {kind}}, h('h2', {text: title}),
    h('div', {class: 'grid'}, fields),
    h('details', {class: 'more-options'}, h('summary', {text: 'More options'}), h('div', {class: 'grid'}, more)),
    h('div', {class: 'row'}, submit), problems);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    fill(problems);
    let request;
    try {
      request = body();
    } catch (e) {
      problems.append(errorBox(e));
      return;
    }
    submit.disabled = true;
    problems.append(spinner('Starting…'));
    try {
      const job = await api.post(KINDS[kind].path, request);
      location.hash = `#/synthesis/${kind}/${job.id}`;
    } catch (e) {
      fill(problems, errorBox(e, 'The job did not start'));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function dreamForm() {
  const tasks = h('textarea', {name: 'tasks', rows: 4, placeholder: 'One task per line, e.g. What does a gadget cost?'});
  const seed = h('input', {type: 'number', name: 'seedFromRecorded', min: 1, max: 1000, placeholder: 'none'});
  const rollouts = number('rolloutsPerTask', 4, 1, 100);
  const memory = select('memoryMode', MEMORY, 'read-write');
  const concurrency = number('concurrency', 4, 1, 64);
  const rounds = number('curriculumRounds', 0, 0, 10);
  const maxTokens = h('input', {type: 'number', name: 'maxTokens', min: 1, placeholder: 'no limit'});
  const name = h('input', {type: 'text', name: 'name', placeholder: 'optional'});
  return jobForm('dreams', 'Dream', [
    field('Tasks', tasks, 'rolled out against the experience model; no real tool is called'),
    field('…and recorded tasks', seed, 'the N latest answered tasks that called a tool'),
    field('Rollouts per task', rollouts), field('Memory', memory)],
  [field('Name', name), field('Concurrency', concurrency),
    field('Curriculum rounds', rounds, 'vary the tasks the agent is least sure of'),
    field('Token budget', maxTokens, 'the agent’s and the experience model’s; no rollout starts once it is spent')],
  () => {
    const texts = tasks.value.split('\n').map(t => t.trim()).filter(Boolean);
    if (!texts.length && !seed.value) throw new Error('Give at least one task, or a number of recorded tasks.');
    const request = {rolloutsPerTask: Number(rollouts.value), concurrency: Number(concurrency.value),
      memoryMode: memory.value};
    if (texts.length) request.tasks = texts;
    if (seed.value) request.seedFromRecorded = Number(seed.value);
    if (Number(rounds.value) > 0) request.curriculum = {rounds: Number(rounds.value)};
    if (maxTokens.value) request.maxTokens = Number(maxTokens.value);
    if (name.value.trim()) request.name = name.value.trim();
    return request;
  }, 'Start dreaming');
}

function sandboxForm() {
  const domain = h('input', {type: 'text', name: 'domain', maxlength: 500,
    placeholder: 'e.g. python data wrangling'});
  const tasks = number('tasks', 4, 1, 1000);
  const rollouts = number('rolloutsPerTask', 2, 1, 100);
  const memory = select('memoryMode', MEMORY, 'read-write');
  const difficulty = number('startDifficulty', 2, 1, 5);
  const concurrency = number('concurrency', 2, 1, 64);
  const name = h('input', {type: 'text', name: 'name', placeholder: 'optional'});
  const maxTokens = h('input', {type: 'number', name: 'maxTokens', min: 1, placeholder: 'no limit'});
  return jobForm('sandbox-tasks', 'Generate sandbox tasks', [
    field('Domain', domain, 'what the generated tasks are about'), field('Tasks', tasks),
    field('Rollouts per task', rollouts), field('Memory', memory)],
  [field('Name', name), field('Start difficulty (1–5)', difficulty), field('Concurrency', concurrency),
    field('Token budget', maxTokens, 'generations, rollouts and analyses; nothing starts once it is spent')],
  () => {
    if (!domain.value.trim()) throw new Error('Say which domain the tasks are about.');
    const request = {domain: domain.value.trim(), tasks: Number(tasks.value), rolloutsPerTask: Number(rollouts.value),
      startDifficulty: Number(difficulty.value), concurrency: Number(concurrency.value), memoryMode: memory.value};
    if (name.value.trim()) request.name = name.value.trim();
    if (maxTokens.value) request.maxTokens = Number(maxTokens.value);
    return request;
  }, 'Start generating');
}

function renderJob(root, kind, id, taskId) {
  const {path, one, progress: progressOf} = KINDS[kind];
  const controller = new AbortController();
  const head = h('header', {class: 'page-head'}, h('h1', {text: one + ' ' + truncate(id, 13)}));
  const progress = h('section', {class: 'job-progress', 'aria-live': 'polite'}, spinner('Loading the job…'));
  const results = h('section', {class: 'job-results', 'aria-label': 'Results'});
  const trace = h('section', {class: 'drill', 'aria-label': 'Task trace'});
  fill(root, h('div', {class: 'page job'}, h('p', {}, h('a', {href: '#/synthesis', text: '← All jobs'})),
    head, progress, results, trace));
  let job = null;
  let finished = false;

  function showProgress(data) {
    job = {...job, ...data};
    const status = wire(job.status);
    finished = DONE.has(status);
    const p = progressOf(job);
    const resumable = status === 'cancelled' || status === 'failed';
    fill(progress,
      h('div', {class: 'row'}, statusBadge(status),
        h('strong', {class: 'done-count', text: ` ${p.done} of ${p.total} rollouts done`})),
      h('p', {class: 'job-summary', text: p.summary}),
      job.error ? h('p', {class: 'error', role: 'alert', text: job.error}) : null,
      h('progress', {max: 1, value: p.total ? p.done / p.total : 0, 'aria-label': 'Progress'}),
      h('div', {class: 'row'},
        finished ? null : h('button', {type: 'button', class: 'danger', text: 'Cancel job', onclick: () => act('cancel')}),
        resumable ? h('button', {type: 'button', text: 'Resume job', onclick: () => act('resume')}) : null,
        h('a', {href: `${path}/${id}/results`, download: `${kind}-${id}.json`, text: 'Results JSON'})));
  }

  async function act(what) {
    try {
      showProgress(await api.post(`${path}/${id}/${what}`));
      toast(what === 'cancel' ? 'Cancel requested.' : 'Resumed.');
      if (what === 'resume') watch();
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  async function loadResults() {
    try {
      const all = await api.get(`${path}/${id}/results`);
      fill(results, kind === 'dreams' ? dreamResults(kind, id, all) : sandboxResults(kind, id, all));
    } catch (e) {
      fill(results, errorBox(e, 'Could not load the results'));
    }
  }

  async function watch() {
    try {
      await followProgress(`${path}/${id}`, {signal: controller.signal, isDone: () => finished,
        onView: showProgress, refresh: loadResults, fallbackStatus: () => job.status});
    } catch (e) {
      if (!controller.signal.aborted) progress.append(errorBox(e, 'Lost the live progress (reload to retry)'));
    }
  }

  async function start() {
    try {
      job = await api.get(`${path}/${id}`);
      if (job.name) head.firstChild.textContent = job.name;
      showProgress(job);
    } catch (e) {
      fill(progress, errorBox(e, 'Could not load the job'));
      return;
    }
    loadResults();
    if (!finished) watch();
  }

  if (taskId) drillTrace(trace, taskId, controller.signal);
  start();
  return {dispose: () => controller.abort(), update: next => {
    if (next.parts[0] !== kind || next.parts[1] !== id) return false;
    if (next.parts[2]) drillTrace(trace, next.parts[2], controller.signal);
    else fill(trace);
    return true;
  }};
}

function traceLink(kind, id, taskId) {
  return taskId ? h('a', {href: `#/synthesis/${kind}/${id}/${taskId}`, text: 'trace'}) : '–';
}

function table(className, headings, rows, empty) {
  if (!rows.length) return h('p', {class: 'muted', text: empty});
  return h('div', {class: 'table-wrap'}, h('table', {class: className},
    h('thead', {}, h('tr', {}, headings.map(t => h('th', {text: t})))), h('tbody', {}, rows)));
}

function rewardClass(reward) {
  if (reward === null || reward === undefined) return 'unrated';
  return reward >= 0.5 ? 'correct' : 'wrong';
}

/**
 * What each curriculum round of a dream job did: the tasks it chose (success rate nearest 0.5) and the variations it
 * proposed of them, or why it proposed none.
 */
function curriculumRounds(results) {
  const rounds = results.rounds || [];
  if (!rounds.length) return null;
  const taskText = new Map((results.tasks || []).map(t => [t.no, t.task]));
  const named = no => `#${no} ${truncate(taskText.get(no) || '', 80)}`;
  return [
    h('h2', {text: 'Curriculum rounds'}),
    table('curriculum-rounds', ['Round', 'Outcome', 'Chosen tasks', 'Variations'],
      rounds.map(r => {
        const summary = r.summary || {};
        const variations = summary.variations || [];
        return h('tr', {class: 'curriculum-round', dataset: {round: r.round, status: r.status}},
          h('td', {class: 'num', text: String(r.round)}),
          h('td', {text: r.status === 'done' ? wire(r.outcome).replaceAll('_', ' ') || 'done' : wire(r.status)}),
          h('td', {}, (summary.chosen || []).length
            ? h('ul', {class: 'chosen'}, summary.chosen.map(no => h('li', {text: named(no)}))) : '–'),
          h('td', {}, variations.length
            ? h('ul', {class: 'variations'}, variations.map(v => h('li', {},
              h('span', {text: truncate(v.task, 120)}), h('span', {class: 'muted', text: ` (of #${v.parent})`}))))
            : '–'));
      }), ''),
  ];
}

function dreamResults(kind, id, results) {
  // a task run more than once: the contrastive lesson of its passing and failing rollouts, when it has one
  const lessons = new Map((results.groups || []).filter(g => g.lesson).map(g => [g.taskNo, g.lesson]));
  return [
    curriculumRounds(results),
    h('h2', {text: 'Tasks'}),
    table('dream-tasks', ['Task', 'Round', 'Rollouts', 'Success rate', 'Mean reward', 'Lesson'],
      (results.tasks || []).map(t => h('tr', {class: 'task'}, h('td', {text: truncate(t.task, 140)}),
        h('td', {class: 'num', text: String(t.round ?? 0)}), h('td', {class: 'num', text: String(t.rollouts ?? 0)}),
        h('td', {class: 'num success', text: fmtPercent(t.successRate)}),
        h('td', {class: 'num', text: fmtScore(t.meanReward)}),
        h('td', {class: 'lesson', text: lessons.get(t.no) || ''}))), 'No tasks yet.'),
    h('h2', {text: 'Rollouts'}),
    table('dream-rollouts', ['#', 'Task', 'Reward', 'Outcome', 'Verdict', 'Tokens (agent + experience)', 'Trace'],
      (results.rollouts || []).filter(r => r.status === 'done').map(r => h('tr',
        {class: 'rollout ' + rewardClass(r.reward), dataset: {seq: r.seq}},
        h('td', {class: 'num', text: String(r.seq)}), h('td', {text: truncate(r.task, 80)}),
        h('td', {class: 'num reward', text: fmtScore(r.reward)}), h('td', {text: wire(r.outcome) || '–'}),
        h('td', {text: truncate(r.detail || '', 160)}),
        h('td', {class: 'num', text: `${r.tokens ?? 0} + ${r.experienceTokens ?? 0}`}),
        h('td', {}, traceLink(kind, id, r.taskId)))), 'No rollout has finished yet.'),
  ];
}

/** How the sandbox isolates rollouts, as the server found it. */
function isolationLine(results) {
  const isolation = results.isolation ? wire(results.isolation).replaceAll('_', ' ') : 'unknown';
  const limits = results.runLimits ? wire(results.runLimits).replaceAll('_', ' ') : 'unknown';
  return h('p', {class: 'isolation', text: `Sandbox isolation: ${isolation} · run limits: ${limits}`});
}

/** The difficulty rounds of a sandbox job: per round its level(s), tasks kept of those generated, rollouts passed. */
function difficultyRounds(results) {
  const tasks = results.generatedTasks || [];
  if (!tasks.length) return null;
  const bySlot = new Map(tasks.map(t => [t.slot, t]));
  const rounds = new Map();
  for (const t of tasks) {
    const r = rounds.get(t.round ?? 0) || {levels: new Set(), generated: 0, kept: 0, rollouts: 0, passed: 0};
    if (t.difficulty !== null && t.difficulty !== undefined) r.levels.add(t.difficulty);
    r.generated++;
    if (t.kept) r.kept++;
    rounds.set(t.round ?? 0, r);
  }
  for (const rollout of (results.rolloutResults || []).filter(x => x.status === 'done')) {
    const task = bySlot.get(rollout.slot);
    const r = task && rounds.get(task.round ?? 0);
    if (!r) continue;
    r.rollouts++;
    if (rollout.reward >= 0.5) r.passed++;
  }
  return [
    h('h2', {text: 'Difficulty rounds'}),
    table('difficulty-rounds', ['Round', 'Level', 'Tasks kept', 'Rollouts passed'],
      [...rounds.entries()].sort((a, b) => a[0] - b[0]).map(([round, r]) => h('tr',
        {class: 'difficulty-round', dataset: {round}},
        h('td', {class: 'num', text: String(round)}),
        h('td', {class: 'num level', text: [...r.levels].sort().join(', ') || '–'}),
        h('td', {class: 'num', text: `${r.kept} of ${r.generated}`}),
        h('td', {class: 'num', text: `${r.passed} of ${r.rollouts}`}))), ''),
  ];
}

/** What a kept task's group of rollouts decided: its outcome and success rate, or that it waits for its rollouts. */
function groupText(group) {
  if (!group) return '–';
  if (group.status !== 'done') return 'after its rollouts';
  const rate = group.successRate === null || group.successRate === undefined ? '' : ` · ${fmtScore(group.successRate)}`;
  return wire(group.outcome).replaceAll('_', ' ') + rate;
}

function sandboxResults(kind, id, results) {
  return [
    isolationLine(results),
    difficultyRounds(results),
    h('h2', {text: 'Generated tasks'}),
    table('generated-tasks', ['Slot', 'Level', 'Kept', 'Cases', 'Task'],
      (results.generatedTasks || []).map(t => h('tr', {class: 'generated ' + (t.kept ? 'kept' : 'discarded')},
        h('td', {class: 'num', text: String(t.slot)}), h('td', {class: 'num', text: String(t.difficulty ?? '–')}),
        h('td', {class: 'verdict', text: t.kept ? 'kept' : 'discarded: ' + (t.reason || '?')}),
        h('td', {class: 'group', text: groupText(t.group)}),
        h('td', {}, h('details', {}, h('summary', {text: truncate(t.statement || t.detail || '–', 140)}),
          t.detail ? h('p', {class: 'muted', text: t.detail}) : null,
          t.group && t.group.lesson ? h('p', {class: 'lesson', text: 'Lesson: ' + t.group.lesson}) : null,
          t.validator ? [h('h3', {text: 'Validator'}), h('pre', {text: t.validator})] : null,
          t.reference ? [h('h3', {text: 'Reference solution'}), h('pre', {text: t.reference})] : null)))),
      'No task has been generated yet.'),
    h('h2', {text: 'Rollouts'}),
    table('sandbox-rollouts', ['Slot', 'Rollout', 'Reward', 'Verdict', 'Lesson', 'Trace'],
      (results.rolloutResults || []).filter(r => r.status === 'done').map(r => h('tr',
        {class: 'rollout ' + rewardClass(r.reward)},
        h('td', {class: 'num', text: String(r.slot)}), h('td', {class: 'num', text: String(r.rollout)}),
        h('td', {class: 'num reward', text: fmtScore(r.reward)}), h('td', {text: wire(r.verdict) || '–'}),
        h('td', {text: truncate(r.lesson || '', 160)}), h('td', {}, traceLink(kind, id, r.taskId)))),
      'No rollout has finished yet.'),
  ];
}
