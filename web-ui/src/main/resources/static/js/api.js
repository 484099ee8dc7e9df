// The server's REST API: JSON in and out, problem+json errors turned into sentences, SSE over fetch so the API key
// travels in a header (EventSource cannot send one).

const KEY = 'casebook.apiKey';

export function apiKey() {
  return localStorage.getItem(KEY) || '';
}

export function setApiKey(value) {
  if (value) localStorage.setItem(KEY, value);
  else localStorage.removeItem(KEY);
}

/** Shows the first and last few characters of a key, the rest as dots. */
export function maskKey(key) {
  if (!key) return '';
  if (key.length <= 8) return '•'.repeat(key.length);
  return key.slice(0, 4) + '•'.repeat(Math.min(12, key.length - 8)) + key.slice(-4);
}

/** An API call that failed: `message` is meant for the person using the UI. */
export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || null;
  }
}

function headers(extra = {}) {
  const result = {...extra};
  const key = apiKey();
  if (key) result.Authorization = 'Bearer ' + key;
  return result;
}

async function toError(response, method, path) {
  let problem = null;
  let text = '';
  try {
    text = await response.text();
    problem = JSON.parse(text);
  } catch {
    // not JSON: use the text
  }
  // problem details (/api) or OpenAI's error format (/v1)
  const detail = problem && (problem.detail || problem.message || problem.title || (problem.error && problem.error.message));
  const what = `${method} ${path.split('?')[0]}`;
  if (detail) return new ApiError(response.status, `${detail} (${response.status}, ${what})`, problem);
  switch (response.status) {
    case 401:
      return new ApiError(401, `The server wants an API key: enter yours under Settings (${what}).`, problem);
    case 403:
      return new ApiError(403, `The API key in use may not do this (${what}).`, problem);
    case 404:
      return new ApiError(404, `Not found (404): the server has nothing at ${what}.`, problem);
    default:
      return new ApiError(response.status,
        `The server answered ${response.status} ${response.statusText || ''} to ${what}` +
        (text && text.length < 300 ? `: ${text}` : '.'), problem);
  }
}

async function call(method, path, {json, body, contentType, accept = 'application/json', signal} = {}) {
  const extra = {Accept: accept};
  let payload = body;
  if (json !== undefined) {
    extra['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (contentType) {
    extra['Content-Type'] = contentType;
  }
  let response;
  try {
    response = await fetch(path, {method, headers: headers(extra), body: payload, signal});
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `Could not reach the server (${method} ${path.split('?')[0]}): ${e.message}. Is it running?`);
  }
  if (!response.ok) throw await toError(response, method, path);
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') || '';
  if (type.includes('json') && !type.includes('ndjson')) {
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }
  return response.text();
}

export const api = {
  get: (path, options) => call('GET', path, options),
  post: (path, json, options) => call('POST', path, {...options, json}),
  patch: (path, json, options) => call('PATCH', path, {...options, json}),
  del: (path, options) => call('DELETE', path, options),
  /** A raw body (NDJSON import, for example). */
  send: (method, path, body, contentType, options) => call(method, path, {...options, body, contentType}),
  /** Uploads one file as multipart field `file`. */
  upload: (path, file, options) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return call('POST', path, {...options, body: form});
  },
  /** Text of a download (CSV, NDJSON). */
  text: (path, accept = '*/*') => call('GET', path, {accept}),
};

/** Builds `path?k=v&...`, skipping empty values. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Follows a server-sent-events stream. `onEvent(name, data, id)` gets each event (data parsed as JSON when it is JSON).
 * Resolves when the server sends `end`, when the stream closes and `isDone()` says nothing more is coming, or when
 * `signal` aborts. Reconnects (up to `retries` times) when the connection drops early; the server replays past
 * events to a new subscriber, so the caller skips what it has already seen (by `seq`).
 */
export async function follow(path, onEvent, {signal, retries = 3, isDone = () => false} = {}) {
  let attempts = 0;
  for (;;) {
    let lastError;
    try {
      if (await readStream(path, onEvent, signal) || isDone()) return;
      lastError = new ApiError(0, `The live stream ${path} closed before it said it was done.`);
    } catch (e) {
      if (e.name === 'AbortError' || (signal && signal.aborted)) return;
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) throw e;
      lastError = e;
    }
    if (signal && signal.aborted) return;
    if (++attempts > retries) throw lastError;
    await new Promise(resolve => setTimeout(resolve, 500 * attempts));
  }
}

/**
 * Follows the progress of the batch run or job at `path` (its `/events` stream): `onView(view)` gets every progress
 * view, and `{status}` at `end` (`fallbackStatus()` when the event has none); `refresh()` is called at most every
 * 2 s and when the run is done. Once the stream ends, the run is read once more. Resolves when the run ended or
 * `signal` aborted; throws when the stream was lost.
 */
export async function followProgress(path, {signal, isDone, onView, refresh, fallbackStatus}) {
  let last = 0;
  await follow(`${path}/events`, (name, data) => {
    if (data && typeof data === 'object') onView(name === 'end' ? {status: data.status || fallbackStatus()} : data);
    if (Date.now() - last > 2000 || isDone()) {
      last = Date.now();
      refresh();
    }
  }, {signal, isDone});
  if (!signal.aborted) {
    onView(await api.get(path));
    refresh();
  }
}

/** Reads one connection; true when it carried an `end` event. */
async function readStream(path, onEvent, signal) {
  const response = await fetch(path, {headers: headers({Accept: 'text/event-stream'}), signal, cache: 'no-store'});
  if (!response.ok) throw await toError(response, 'GET', path);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return ended;
    buffer += decoder.decode(value, {stream: true}).replace(/\r\n?/g, '\n');
    let index;
    while ((index = buffer.indexOf('\n\n')) >= 0) {
      const event = parseEvent(buffer.slice(0, index));
      buffer = buffer.slice(index + 2);
      if (!event) continue;
      if (event.name === 'end') ended = true;
      onEvent(event.name, event.data, event.id);
    }
  }
}

function parseEvent(block) {
  let name = 'message';
  let id;
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (!data.length && name === 'message') return null;
  const text = data.join('\n');
  try {
    return {name, id, data: text ? JSON.parse(text) : {}};
  } catch {
    return {name, id, data: text};
  }
}
