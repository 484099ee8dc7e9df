// One task as it runs: selected cases, plan, tool calls and results, answer, feedback. Fed by the task's SSE
// stream, so a finished task replays the same way (a late subscriber first gets all past steps).
import {api, follow} from './api.js';
import {h, fill, icon, fmtScore, fmtDuration, wire, truncate, prettyJson, labelBadge, trustBadge, spinner, errorBox,
  toast} from './dom.js';
import {markdown} from './markdown.js';

const TERMINAL = new Set(['answered', 'failed', 'cancelled', 'stopped']);

/**
 * Renders task `taskId` into a new element and follows it live.
 * options: {text (the question, if known), signal (AbortSignal), feedback (show feedback controls, default true)}
 * Returns the element; its `done` property is a promise settled when the stream ends.
 */
export function taskTrace(taskId, {text, signal, feedback = true} = {}) {
  const question = h('div', {class: 'bubble user'}, text || '');
  const status = h('div', {class: 'task-status'}, spinner('Waiting for the agent…'));
  const cases = h('section', {class: 'cases', hidden: true, 'aria-label': 'Cases from memory'});
  // the plans with their tool calls and finished subtasks, grouped by planner round in the order they happened
  const rounds = h('section', {class: 'plans rounds', hidden: true, 'aria-label': 'Plan and tool calls, by round'});
  const answer = h('section', {class: 'answer', hidden: true, 'aria-label': 'Answer'});
  const notes = h('div', {class: 'notes'});
  const actions = h('div', {class: 'feedback', hidden: true});
  const agent = h('div', {class: 'bubble agent'}, status, cases, rounds, answer, notes, actions);
  const root = h('article', {class: 'turn', dataset: {taskId}}, question, agent);

  const state = {seen: new Set(), status: 'queued', started: Date.now(), tokens: 0, calls: new Map(),
    answered: false, ended: false, feedbackGiven: false, round: null};
  const timer = setInterval(() => {
    if (!state.ended) showRunning();
  }, 1000);

  // built once and updated in place, so a keyboard user's focus on Cancel survives the ticking clock
  const runningText = h('span', {});
  const running = h('span', {class: 'running'}, h('span', {class: 'progress-note'},
    h('span', {class: 'spinner', 'aria-hidden': 'true'}), runningText), ' ',
  h('button', {class: 'link cancel', type: 'button', onclick: cancel, text: 'Cancel'}));

  function showRunning() {
    runningText.textContent = `${state.status === 'queued' ? 'Queued' : 'Working'} · ${fmtDuration(Date.now() - state.started)}`;
    if (running.parentNode !== status) fill(status, running);
  }

  async function cancel() {
    try {
      await api.post(`api/tasks/${taskId}/cancel`);
      toast('Cancel requested.');
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  function onStep(type, step, eventId) {
    const seq = step && typeof step === 'object' && step.seq !== undefined ? step.seq : eventId;
    if (type !== 'end' && seq !== undefined && seq !== '') {
      if (state.seen.has(String(seq))) return;
      state.seen.add(String(seq));
    }
    if (type !== 'end' && state.status === 'queued') state.status = 'running';
    if (step && typeof step.tokens === 'number') state.tokens += step.tokens;
    if (step && step.llm && step.llm.tokensEstimated) state.tokensEstimated = true;
    switch (type) {
      case 'cases_selected': return showCases(step);
      case 'planned': return showPlan(step);
      case 'tool_called': return showToolCall(step);
      case 'tool_returned': return showToolResult(step);
      case 'subtask_done': return showSubtaskDone(step);
      case 'answered': return showAnswer(step);
      case 'rewarded': return note(`Reward ${fmtScore(step.reward)}${step.by ? ' from ' + step.by : ''}.`, 'reward');
      case 'memory_written': return showMemoryWritten(step);
      case 'memory_skipped': return note(`Memory: ${step.detail || 'no case was written'}`, 'memory skipped');
      case 'prompt_shrunk': return note(`The ${step.interaction || ''} prompt was made smaller to fit the model's `
        + `context window (${step.how}; about ${step.tokensBefore} → ${step.tokensAfter} tokens)`
        + `${step.cause === 'context_window_error' ? ', after the model refused it' : ''}.`, 'shrunk');
      case 'restarted': return showRestarted(step);
      case 'stopped': return note(`Stopped: ${step.reason || 'unknown reason'}${step.detail ? ' — ' + step.detail : ''}`,
        'stopped error');
      case 'end': return finish(step && step.status ? wire(step.status) : state.status);
      default: return undefined;
    }
  }

  function showCases(step) {
    const picks = step.picks || step.cases || step.selected || [];
    cases.hidden = false;
    fill(cases, h('h3', {}, 'Cases from memory ', h('span', {class: 'muted', text: step.policy ? `(${step.policy} policy)` : ''})),
      picks.length
        ? h('ul', {class: 'case-picks'}, picks.map(pick => h('li', {class: 'case-pick'},
          h('span', {class: 'score', title: 'similarity / policy score', text: fmtScore(pick.score)}),
          labelBadge(pick.label),
          pick.role && wire(pick.role) !== wire(pick.label) ? h('span', {class: 'badge role', text: wire(pick.role)}) : null,
          sourceBadge(pick),
          h('a', {href: `#/memory/${pick.caseId}`, text: truncate(pick.task || pick.caseId, 140)}))))
        : h('p', {class: 'muted', text: 'No cases selected (memory empty, or memory off).'}),
      ...showInsights(step.insights || []));
  }

  /**
   * Where a selected case came from; a synthetic or sandbox one says, as the Memory page does, whether a real outcome
   * had confirmed or refuted it when the planner was shown it (records from before that was kept say only the source).
   */
  function sourceBadge(pick) {
    if (!pick.source) return null;
    const source = wire(pick.source);
    const trust = pick.confirmed !== undefined ? trustBadge(pick) : null;
    if (trust) {
      trust.classList.add('source', 'source-' + source);
      return trust;
    }
    return h('span', {class: 'badge source source-' + source, text: source, title: 'where the case came from'});
  }

  /** The distilled insights the planner was shown beside the cases (none when insights are off). */
  function showInsights(insights) {
    if (!insights.length) return [];
    return [h('h3', {}, 'Insights shown to the planner'),
      h('ul', {class: 'insights'}, insights.map(insight => h('li', {class: 'insight'},
        h('span', {class: 'score', title: 'similarity to the family centroid', text: fmtScore(insight.score)}), ' ',
        insight.family ? h('strong', {text: insight.family + ': '}) : null,
        h('span', {text: truncate(insight.text || '', 400)}),
        h('span', {class: 'muted', text: ` (from ${insight.successes} successful and ${insight.failures} failed tasks)`}))))];
  }

  /** The section of planner round `n` (made when first needed); later tool calls go there until the next round. */
  function round(n) {
    let section = [...rounds.children].find(child => child.dataset.round === String(n));
    if (!section) {
      section = h('section', {class: 'round', dataset: {round: n}, 'aria-label': `Round ${n}`});
      rounds.append(section);
    }
    rounds.hidden = false;
    state.round = section;
    return section;
  }

  function currentRound() {
    return state.round || round(1);
  }

  function showPlan(step) {
    const subtasks = step.subtasks || [];
    const answers = !subtasks.length && /"answer"\s*:/.test(step.planJson || '');
    const title = answers ? `The planner answers (round ${step.iteration || 1})`
      : step.iteration > 1 ? `Plan, revised (round ${step.iteration})` : 'Plan';
    round(step.iteration || 1).append(h('div', {class: 'plan', dataset: {iteration: step.iteration || 1}},
      h('h3', {text: title}),
      reasoning(step),
      subtasks.length
        ? h('ol', {}, subtasks.map(item => h('li', {text: typeof item === 'string' ? item : JSON.stringify(item)})))
        : h('pre', {text: prettyJson(step.planJson || '')})));
  }

  function showToolCall(step) {
    const result = h('div', {class: 'tool-result'}, spinner('Waiting for the tool…'));
    const details = h('details', {class: 'tool-call', dataset: {callId: step.callId || '', tool: step.tool || ''}},
      h('summary', {}, h('span', {class: 'tool-name', text: step.tool || 'tool'}), ' ',
        h('code', {class: 'tool-args', text: truncate(compactJson(step.argumentsJson), 80)}),
        h('span', {class: 'tool-state muted', text: ' · running'})),
      h('div', {class: 'tool-body'}, reasoning(step),
        step.dialect && step.dialect !== 'native'
          ? h('p', {class: 'muted', text: `Written in the reply's text (${step.dialect} dialect).`}) : null,
        h('h4', {text: 'Arguments'}), h('pre', {text: prettyJson(step.argumentsJson || '')}),
        h('h4', {text: 'Result'}), result));
    state.calls.set(step.callId || `#${state.calls.size}`, {details, result});
    currentRound().append(details);
  }

  function showToolResult(step) {
    let entry = state.calls.get(step.callId);
    if (!entry) {
      showToolCall({callId: step.callId, tool: step.tool, argumentsJson: ''});
      entry = state.calls.get(step.callId || `#${state.calls.size - 1}`);
    }
    fill(entry.result, h('pre', {class: step.ok === false ? 'failed' : '', text: step.result ?? ''}),
      step.truncated ? h('p', {class: 'muted', text: 'Result truncated for the model.'}) : null);
    const stateText = entry.details.querySelector('.tool-state');
    stateText.textContent = step.ok === false ? ' · failed' : ' · done';
    entry.details.classList.add(step.ok === false ? 'failed' : 'ok');
  }

  function showSubtaskDone(step) {
    currentRound().append(h('details', {class: 'subtask-done'},
      h('summary', {}, '✓ ', truncate(step.description || `Subtask ${step.subtask}`, 100)),
      reasoning(step), h('pre', {text: step.result || ''})));
  }

  function showAnswer(step) {
    state.answered = true;
    answer.hidden = false;
    fill(answer, h('h3', {text: step.forced ? 'Answer (forced: the plan budget ran out)' : 'Answer'}),
      reasoning(step), markdown(step.answer || step.rawText || ''));
  }

  function showMemoryWritten(step) {
    const link = h('a', {href: `#/memory/${step.caseId}`, text: step.updatedExisting ? 'updated a case' : 'saved a new case'});
    const credited = step.credited && step.credited.length ? ` and credited ${step.credited.length} selected case(s)` : '';
    note(h('span', {}, 'Memory: ', link, credited + '.'), 'memory');
  }

  /**
   * The server running the task stopped before it finished and the task runs again: what that attempt showed is
   * cleared (its steps stay in the task's record), the note says why, and the next attempt fills the view anew.
   */
  function showRestarted(step) {
    for (const part of [cases, rounds, answer]) {
      part.hidden = true;
      fill(part);
    }
    state.round = null;
    state.calls.clear();
    state.answered = false;
    note(`Restarted: ${step.detail || 'its server stopped before it finished'}`, 'restarted');
  }

  function note(content, kind) {
    notes.append(h('p', {class: 'note ' + kind}, content));
  }

  function finish(finalStatus) {
    if (state.ended) return;
    state.ended = true;
    state.status = finalStatus || state.status;
    clearInterval(timer);
    const took = fmtDuration(Date.now() - state.started);
    fill(status, h('span', {class: 'badge status-' + state.status, text: state.status}),
      state.tokens ? h('span', {class: 'muted tokens', text: ` · ${state.tokensEstimated ? '~' : ''}${state.tokens} tokens`,
        title: state.tokensEstimated ? 'estimated: the model server sent no usage for some calls' : ''}) : null,
      h('span', {class: 'muted', text: ` · task ${truncate(taskId, 13)}`}));
    status.title = `finished after ${took} of watching`;
    if (feedback && (state.status === 'answered' || state.status === 'failed')) showFeedback();
    if (state.status !== 'answered') explainEnd();
  }

  /** Says why a task ended without an answer (the task's reason and detail), unless a step already did. */
  async function explainEnd() {
    if (notes.querySelector('.stopped')) return;
    try {
      const task = await api.get(`api/tasks/${taskId}`);
      if (task.reason || task.detail) {
        note(`${state.status === 'cancelled' ? 'Cancelled' : 'Failed'}: ${task.reason || ''}` +
          `${task.detail ? ' — ' + task.detail : ''}`, 'stopped error');
      }
    } catch (e) {
      notes.append(errorBox(e, 'Could not read why the task ended'));
    }
  }

  function showFeedback() {
    actions.hidden = false;
    const input = h('input', {type: 'text', name: 'correct-answer', placeholder: 'The correct answer',
      'aria-label': 'Correct answer'});
    const form = h('form', {class: 'correct', hidden: true}, input, h('button', {type: 'submit', text: 'Send'}));
    form.addEventListener('submit', event => {
      event.preventDefault();
      if (!input.value.trim()) {
        toast('Type the correct answer first.', 'error');
        return;
      }
      give({correctAnswer: input.value.trim()}, 'correct answer');
    });
    fill(actions, h('span', {class: 'muted', text: 'Was this right? '}),
      h('button', {type: 'button', class: 'thumb up', 'aria-label': 'Good answer (reward 1)', title: 'Good answer',
        onclick: () => give({reward: 1}, 'thumbs up')}, icon('up')),
      h('button', {type: 'button', class: 'thumb down', 'aria-label': 'Wrong answer (reward 0)', title: 'Wrong answer',
        onclick: () => give({reward: 0}, 'thumbs down')}, icon('down')),
      h('button', {type: 'button', class: 'link', onclick: () => {
        form.hidden = !form.hidden;
        if (!form.hidden) input.focus();
      }, text: 'Give the correct answer'}),
      form);
  }

  async function give(body, what) {
    for (const button of actions.querySelectorAll('button')) button.disabled = true;
    try {
      const result = await api.post(`api/tasks/${taskId}/feedback`, body);
      fill(actions, h('p', {class: 'note ok', role: 'status', text: `Thanks: ${what} recorded as the reward.`}));
      const caseId = (result && result.caseId) || await caseOf();
      if (caseId) {
        actions.append(h('p', {class: 'note memory'}, 'In memory as ',
          h('a', {href: `#/memory/${caseId}`, text: 'this case'}), '.'));
      }
    } catch (e) {
      for (const button of actions.querySelectorAll('button')) button.disabled = false;
      actions.append(errorBox(e, 'Feedback was not saved'));
    }
  }

  async function caseOf() {
    try {
      const task = await api.get(`api/tasks/${taskId}`);
      return task && task.caseId;
    } catch {
      return null;
    }
  }

  async function load() {
    try {
      const task = await api.get(`api/tasks/${taskId}`);
      if (!text && task.text) fill(question, task.text);
      if (task.createdAt) state.started = new Date(task.createdAt).getTime() || state.started;
      state.status = wire(task.status) || state.status;
    } catch (e) {
      if (!text) fill(question, h('span', {class: 'muted', text: `Task ${taskId}`}));
      if (e.status === 404) {
        state.ended = true;
        clearInterval(timer);
        fill(status, errorBox(e, 'This task is gone'));
        return;
      }
    }
    showRunning();
    try {
      await follow(`api/tasks/${taskId}/events`, onStep,
        {signal, isDone: () => state.answered || TERMINAL.has(state.status)});
      if (!state.ended && !(signal && signal.aborted)) finish(await finalStatus());
    } catch (e) {
      if (signal && signal.aborted) return;
      clearInterval(timer);
      state.ended = true;
      fill(status, errorBox(e, 'Lost the live view of this task'));
    } finally {
      clearInterval(timer);
    }
  }

  async function finalStatus() {
    try {
      const task = await api.get(`api/tasks/${taskId}`);
      return wire(task.status);
    } catch {
      return state.answered ? 'answered' : state.status;
    }
  }

  root.done = load();
  return root;
}

/** The model's reasoning for a step, collapsed, with its tokens; nothing when the step has none. */
function reasoning(step) {
  const llm = step && step.llm;
  if (!llm || !llm.reasoning) return null;
  const tokens = llm.reasoningTokens ? ` (${llm.tokensEstimated ? '~' : ''}${llm.reasoningTokens} tokens)` : '';
  return h('details', {class: 'reasoning'}, h('summary', {text: `Reasoning${tokens}`}), h('pre', {text: llm.reasoning}));
}

function compactJson(text) {
  if (!text) return '';
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return String(text);
  }
}

/** Shows a task's trace in `container` (a run's or job's drill-down) with a link that closes it, and scrolls to it. */
export function drillTrace(container, taskId, signal) {
  fill(container, h('div', {class: 'row'}, h('h2', {text: 'Trace of task ' + truncate(taskId, 13)}),
    h('a', {href: location.hash.replace(/\/[^/]*$/, ''), text: 'close'})),
  taskTrace(taskId, {signal, feedback: false}));
  container.scrollIntoView({block: 'start'});
}
