// Settings and status: models and store in use, health, the API key this browser sends (masked), and what to paste
// into an OpenAI client (base URL, model names).
import {api, apiKey, setApiKey, maskKey} from '../api.js';
import {h, fill, spinner, errorBox, toast} from '../dom.js';

export function render(root) {
  const status = h('section', {class: 'card', 'aria-label': 'Server status'}, h('h2', {text: 'Server'}), spinner('Asking the server…'));
  const health = h('section', {class: 'card', 'aria-label': 'Health'}, h('h2', {text: 'Health'}), spinner('Checking…'));
  const models = h('ul', {class: 'openai-models'}, h('li', {}, spinner('Asking for the models…')));
  const openAi = openAiCard(models);
  fill(root, h('div', {class: 'page settings'}, h('header', {class: 'page-head'}, h('h1', {text: 'Settings'})),
    keyCard(() => { loadStatus(); loadModels(); }), status, openAi, health,
    h('section', {class: 'card'}, h('h2', {text: 'API'}), h('p', {},
      'The REST API is described at ', h('a', {href: 'v3/api-docs', text: '/v3/api-docs'}), ' (browse it at ',
      h('a', {href: 'swagger-ui.html', text: '/swagger-ui.html'}), ').'))));

  async function loadStatus() {
    try {
      const s = await api.get('api/status');
      const {models, ...rest} = s;
      fill(status, h('h2', {text: 'Server'}), models ? modelsTable(models) : null,
        h('dl', {class: 'facts status-facts'}, flatten(rest).map(([k, v]) =>
          h('div', {}, h('dt', {text: k}), h('dd', {text: v}))) ));
    } catch (e) {
      fill(status, h('h2', {text: 'Server'}), errorBox(e, 'Could not read the server status'));
    }
  }

  async function loadHealth() {
    try {
      const response = await fetch('actuator/health', {cache: 'no-store'});
      const body = await response.json();
      const components = body.components || {};
      fill(health, h('h2', {text: 'Health'}), h('p', {}, 'Overall: ',
        h('span', {class: 'badge health-' + String(body.status).toLowerCase(), text: body.status})),
      Object.keys(components).length ? h('dl', {class: 'facts'}, Object.entries(components).map(([name, c]) =>
        h('div', {}, h('dt', {text: name}), h('dd', {text: c.status || JSON.stringify(c)})))) : null);
    } catch (e) {
      fill(health, h('h2', {text: 'Health'}), errorBox(`The server does not answer /actuator/health (${e.message}).`));
    }
  }

  async function loadModels() {
    try {
      const list = await api.get('v1/models');
      fill(models, list.data.map(m => h('li', {}, h('code', {class: 'model-name', text: m.id}),
        m.description ? h('span', {class: 'muted', text: ' — ' + m.description}) : null)));
    } catch (e) {
      fill(models, h('li', {}, errorBox(e, 'Could not list the models')));
    }
  }

  loadStatus();
  loadModels();
  loadHealth();
  return null;
}

function keyCard(onChange) {
  const current = h('p', {class: 'key-current'});
  const input = h('input', {type: 'password', name: 'apiKey', autocomplete: 'off', placeholder: 'Paste an API key',
    'aria-label': 'API key'});
  const form = h('form', {class: 'row'}, input, h('button', {type: 'submit', class: 'primary', text: 'Use this key'}),
    h('button', {type: 'button', text: 'Forget the key', onclick: () => {
      setApiKey('');
      show();
      toast('The browser no longer sends an API key.');
      onChange();
    }}));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) {
      toast('Paste a key first.', 'error');
      return;
    }
    setApiKey(value);
    input.value = '';
    show();
    toast('Key saved in this browser.');
    onChange();
  });
  function show() {
    const key = apiKey();
    fill(current, key ? h('span', {}, 'In use: ', h('code', {class: 'masked-key', text: maskKey(key)}))
      : h('span', {class: 'muted', text: 'No key: fine when the server runs with auth off on localhost.'}));
  }
  show();
  return h('section', {class: 'card'}, h('h2', {text: 'API key'}), current, form,
    h('p', {class: 'hint', text: 'Kept in this browser\'s localStorage and sent as "Authorization: Bearer …".'}));
}

const SOURCE = {set: 'set', inherited: 'inherited from the planner', default: 'default', unset: 'not set'};

/**
 * Each role's effective model: the endpoint and model it really uses (a role that leaves them unset uses the
 * planner's, marked "inherited"), then every setting with where it comes from, and what the endpoint accepts.
 */
function modelsTable(models) {
  const roles = Object.entries(models);
  const value = (role, key, shown) => {
    const entry = (role.settings || {})[key] || {};
    const text = shown !== undefined ? shown : entry.value;
    return h('td', {}, text === null || text === undefined ? h('span', {class: 'muted', text: 'not configured'}) : String(text),
      entry.from === 'inherited' ? h('span', {class: 'badge inherited', text: 'inherited'}) : null);
  };
  return h('section', {class: 'models', 'aria-label': 'Models'},
    h('h3', {text: 'Models'}),
    h('table', {class: 'models-table'},
      h('thead', {}, h('tr', {}, ['Role', 'Model', 'Endpoint', 'Provider'].map(t => h('th', {text: t})))),
      h('tbody', {}, roles.map(([name, role]) => h('tr', {dataset: {role: name}},
        h('th', {text: name}), value(role, 'model', role.model), value(role, 'base-url', role.baseUrl),
        value(role, 'provider', role.provider))))),
    roles.map(([name, role]) => h('details', {class: 'model-details', dataset: {role: name}},
      h('summary', {}, `${name}: all settings and what the endpoint accepts`),
      h('dl', {class: 'facts'}, Object.entries(role.settings || {}).map(([key, entry]) => h('div', {},
        h('dt', {text: key}),
        h('dd', {}, entry.value === null || entry.value === undefined ? h('span', {class: 'muted', text: 'not set'})
          : [String(entry.value), ' ', h('span', {class: 'muted source', text: `(${SOURCE[entry.from] || entry.from})`})])))),
      h('dl', {class: 'facts capabilities'}, Object.entries(role.capabilities || {}).map(([key, v]) => h('div', {},
        h('dt', {text: key}), h('dd', {text: v === null || v === undefined ? 'unknown' : String(v)})))))));
}

/** What to paste into an OpenAI-compatible client: the base URL, the key to use, the model names. */
function openAiCard(models) {
  const base = new URL('v1', document.baseURI).href;
  return h('section', {class: 'card openai-client', 'aria-label': 'OpenAI clients'},
    h('h2', {text: 'Use from an OpenAI client'}),
    h('p', {text: 'Any OpenAI-compatible client (the openai SDKs, LangChain, LlamaIndex, Open WebUI, LibreChat, '
      + 'Continue) can use Casebook as its model: every chat runs the learning agent.'}),
    h('dl', {class: 'facts'},
      h('div', {}, h('dt', {text: 'Base URL'}), h('dd', {}, h('code', {class: 'openai-base-url', text: base}))),
      h('div', {}, h('dt', {text: 'API key'}),
        h('dd', {text: 'an API key of your tenant (the one above); any text when auth is off'})),
      h('div', {}, h('dt', {text: 'Models'}), h('dd', {}, models))),
    h('p', {class: 'hint', text: 'The completion id is the task id: rate an answer with POST /v1/feedback '
      + '{"completion_id": …, "reward": 1}, and it is credited to the cases the agent used.'}));
}

/** {store: {type: 'x'}} → [['store · type', 'x']] */
function flatten(value, prefix = '') {
  if (value === null || value === undefined) return [[prefix || 'value', '–']];
  if (typeof value !== 'object') return [[prefix || 'value', String(value)]];
  if (Array.isArray(value)) return [[prefix, value.map(v => (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ')]];
  return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix} · ${k}` : k));
}

