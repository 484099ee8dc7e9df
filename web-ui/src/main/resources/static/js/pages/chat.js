// Chat: conversations (kept in this browser), one task per message, each followed live.
import {api} from '../api.js';
import {h, fill, icon, fmtBytes, truncate, errorBox, toast, select} from '../dom.js';
import {taskTrace} from '../trace.js';

const STORE = 'casebook.conversations';
const MODES = [['read-write', 'Memory: read + write'], ['read-only', 'Memory: read only'], ['off', 'Memory: off']];

function load() {
  try {
    const list = JSON.parse(localStorage.getItem(STORE) || '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

function save(list) {
  localStorage.setItem(STORE, JSON.stringify(list));
}

function newConversation() {
  const conversation = {id: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()),
    title: 'New conversation', memoryMode: 'read-write', tasks: [], createdAt: new Date().toISOString()};
  const list = load();
  list.unshift(conversation);
  save(list);
  return conversation;
}

function update(conversation) {
  save(load().map(c => (c.id === conversation.id ? conversation : c)));
}

export function render(root, route) {
  let controller = new AbortController();
  const list = h('nav', {class: 'conv-list', 'aria-label': 'Conversations'});
  const pane = h('section', {class: 'conv-pane'});
  fill(root, h('div', {class: 'chat'},
    h('aside', {class: 'conv-side'},
      h('button', {type: 'button', class: 'primary new-conv', onclick: () => {
        location.hash = '#/chat/' + newConversation().id;
      }, text: '+ New conversation'}),
      list),
    pane));

  function show(route) {
    controller.abort();
    controller = new AbortController();
    let conversations = load();
    let conversation = conversations.find(c => c.id === route.parts[0]);
    if (!conversation) {
      conversation = conversations[0] || newConversation();
      history.replaceState(null, '', '#/chat/' + conversation.id);
      conversations = load();
    }
    renderList(conversations, conversation.id);
    renderConversation(conversation, controller.signal);
  }

  function renderList(conversations, activeId) {
    fill(list, conversations.map(c => h('a', {href: '#/chat/' + c.id, class: 'conv' + (c.id === activeId ? ' active' : ''),
      'aria-current': c.id === activeId ? 'page' : null, title: c.title}, truncate(c.title, 40),
    h('span', {class: 'muted small', text: ` · ${c.tasks.length}`}))));
  }

  function renderConversation(conversation, signal) {
    const transcript = h('div', {class: 'transcript', 'aria-live': 'polite'});
    const mode = select('memoryMode', MODES, conversation.memoryMode);
    mode.setAttribute('aria-label', 'Memory mode of this conversation');
    mode.addEventListener('change', () => {
      conversation.memoryMode = mode.value;
      update(conversation);
      toast(`Memory mode: ${mode.value}. It applies to the next messages.`);
    });
    const remove = h('button', {type: 'button', class: 'link danger', text: 'Delete', title: 'Delete this conversation',
      onclick: () => {
      if (!confirm('Delete this conversation from this browser? (The tasks stay on the server.)')) return;
      save(load().filter(c => c.id !== conversation.id));
      location.hash = '#/chat/' + (load()[0] || newConversation()).id;
    }});
    const composer = buildComposer(conversation, transcript, signal);
    fill(pane,
      h('header', {class: 'conv-head'}, h('h1', {class: 'conv-title', text: conversation.title}), mode, remove),
      transcript,
      composer);
    if (!conversation.tasks.length) {
      transcript.append(h('p', {class: 'empty muted'},
        'Ask the agent something. It picks past cases from memory, plans, calls tools and answers; ',
        'your thumbs up or down becomes the reward it learns from.'));
    }
    for (const taskId of conversation.tasks) transcript.append(taskTrace(taskId, {signal}));
    transcript.lastElementChild && transcript.lastElementChild.scrollIntoView({block: 'end'});
  }

  function buildComposer(conversation, transcript, signal) {
    const attachments = [];
    const chips = h('ul', {class: 'chips', 'aria-label': 'Attachments'});
    const input = h('textarea', {id: 'chat-input', name: 'text', rows: 3,
      placeholder: 'Ask a question… (Enter sends, Shift+Enter for a new line)', 'aria-label': 'Your message'});
    const file = h('input', {type: 'file', multiple: true, hidden: true, id: 'chat-file'});
    const attach = h('button', {type: 'button', class: 'attach', title: 'Attach files', onclick: () => file.click()},
      icon('clip'), ' Attach');
    const send = h('button', {type: 'submit', class: 'primary send', text: 'Send'});
    const problems = h('div', {class: 'composer-problems'});
    const form = h('form', {class: 'composer'}, chips,
      h('div', {class: 'composer-row'}, input, h('div', {class: 'composer-buttons'}, attach, send)), file, problems);

    function renderChips() {
      fill(chips, attachments.map(a => h('li', {class: 'chip' + (a.uploading ? ' uploading' : '')}, a.name,
        h('span', {class: 'muted', text: ' ' + (a.uploading ? 'uploading…' : fmtBytes(a.size))}),
        h('button', {type: 'button', class: 'icon', 'aria-label': 'Remove ' + a.name, text: '×',
          onclick: () => {
            attachments.splice(attachments.indexOf(a), 1);
            renderChips();
          }}))));
    }

    file.addEventListener('change', async () => {
      for (const f of file.files) {
        const entry = {name: f.name, size: f.size, uploading: true};
        attachments.push(entry);
        renderChips();
        try {
          const uploaded = await api.upload('api/attachments', f);
          Object.assign(entry, {id: uploaded.id, uploading: false});
        } catch (e) {
          attachments.splice(attachments.indexOf(entry), 1);
          problems.append(errorBox(e, `Could not attach ${f.name}`));
        }
        renderChips();
      }
      file.value = '';
    });

    input.addEventListener('keydown', event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });

    form.addEventListener('submit', async event => {
      event.preventDefault();
      const text = input.value.trim();
      fill(problems);
      if (!text) {
        problems.append(errorBox('Type a question first.'));
        return;
      }
      if (attachments.some(a => a.uploading)) {
        problems.append(errorBox('Wait until the attachments have uploaded.'));
        return;
      }
      send.disabled = true;
      const body = {text, memoryMode: conversation.memoryMode};
      if (attachments.length) body.attachments = attachments.map(a => a.id);
      try {
        const task = await api.post('api/tasks', body);
        conversation.tasks.push(task.id);
        if (conversation.title === 'New conversation') conversation.title = truncate(text, 60);
        update(conversation);
        renderList(load(), conversation.id);
        pane.querySelector('.conv-title').textContent = conversation.title;
        const empty = transcript.querySelector('.empty');
        if (empty) empty.remove();
        const turn = taskTrace(task.id, {text, signal});
        transcript.append(turn);
        turn.scrollIntoView({block: 'start'});
        input.value = '';
        attachments.length = 0;
        renderChips();
      } catch (e) {
        problems.append(errorBox(e, 'The question was not sent'));
      } finally {
        send.disabled = false;
        input.focus();
      }
    });
    return form;
  }

  show(route);
  return {
    dispose: () => controller.abort(),
    update: next => show(next),
  };
}
