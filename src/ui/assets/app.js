// hookyard's console: hash routes (#/hooks/12), one page of the admin API at a time, the first
// page polled every 2 s. Everything shown is built with textContent: hooks carry attacker-written
// bodies and headers, and none of it may become markup.
const TOKEN_KEY = 'hookyard.adminToken';
const POLL_MS = 2000;
const PAGE = 50;
const HOOK_STATUSES = ['received', 'resolved', 'partial', 'unmatched', 'invalid', 'empty', 'failed'];
const TRANSFER_STATUSES = ['queued', 'running', 'succeeded', 'skipped', 'retrying', 'dead'];
const TONE = {
  resolved: 'ok', succeeded: 'ok', planned: 'ok', closed: 'ok', done: 'ok', enabled: 'ok',
  failed: 'bad', dead: 'bad', invalid: 'bad', open: 'bad',
  partial: 'warn', retrying: 'warn', unmatched: 'warn', 'half-open': 'warn', skipped: 'warn',
  received: 'info', queued: 'info', running: 'info',
};

const main = document.getElementById('main');
const banner = document.getElementById('banner');
const signout = document.getElementById('signout');

/** An answer of the API that is not 2xx: its code and message as it gave them. */
class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function api(path, options = {}) {
  const headers = { accept: 'application/json' };
  const saved = token();
  if (saved) headers.authorization = `Bearer ${saved}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), cache: 'no-store' });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `hookyard did not answer (${error.message})`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body?.error ?? `HTTP_${response.status}`, body?.message ?? text.slice(0, 300));
  return body;
}

// ---- DOM, without markup -------------------------------------------------------------------

/** h('a', { href: '#/hooks/1', class: 'x' }, 'text', child): strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces what `el` shows; arrays among the children are flattened. */
function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A link inside the console; the path's parts are encoded here. */
function link(parts, text) {
  return h('a', { href: `#/${parts.map((part) => encodeURIComponent(String(part))).join('/')}` }, text);
}

function badge(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
  return h('span', { class: `badge ${TONE[value] ?? ''}`, dataset: { status: value } }, value);
}

/** Epoch milliseconds or ISO 8601: both are what new Date takes. */
function when(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return h('time', { datetime: date.toISOString(), title: date.toISOString() }, date.toLocaleString());
}

function text(value) {
  return value === null || value === undefined || value === '' ? h('span', { class: 'muted' }, '—') : String(value);
}

function table(columns, rows, rowAttrs = () => ({})) {
  return h('table', {}, h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', {}, title)))), h('tbody', {}, rows.map((row) => h('tr', rowAttrs(row), columns.map(([, cell]) => h('td', {}, cell(row)))))));
}

function empty(message) {
  return h('div', { class: 'empty' }, message);
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function pretty(data) {
  try {
    return JSON.stringify(JSON.parse(data), null, 2);
  } catch {
    return data;
  }
}

// ---- errors and the admin token -----------------------------------------------------------

function showError(error) {
  banner.replaceChildren();
  if (error instanceof ApiError) append(banner, [h('code', {}, error.code), error.message]);
  else append(banner, [h('code', {}, 'ERROR'), String(error?.message ?? error)]);
  banner.hidden = false;
}

function clearError() {
  banner.hidden = true;
  banner.replaceChildren();
}

function needsToken(error) {
  return error instanceof ApiError && error.status === 401 && error.code === 'HY_ERR_ADMIN_TOKEN_INVALID';
}

function askForToken(refused) {
  stopPolling();
  clearError();
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: true, 'aria-label': 'Admin token' });
  const form = h(
    'form',
    { class: 'card login', onsubmit: (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value);
      route();
    } },
    h('h1', {}, 'Admin token'),
    h('p', {}, 'This hub asks for its admin token (HOOKYARD_ADMIN_TOKEN). It is kept in this tab only and sent as a Bearer header.'),
    refused ? h('p', { class: 'badge bad' }, 'That token was refused.') : null,
    input,
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'),
  );
  main.replaceChildren(form);
  input.focus();
}

signout.addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  route();
});

// ---- polling ------------------------------------------------------------------------------

let timer = null;
let generation = 0;

function stopPolling() {
  if (timer) clearTimeout(timer);
  timer = null;
}

/** Runs `load` now and every POLL_MS while this view is shown; one request at a time. */
function poll(load) {
  const mine = generation;
  const tick = async () => {
    if (mine !== generation) return;
    try {
      await load();
      if (mine === generation) clearError();
    } catch (error) {
      if (mine !== generation) return;
      if (needsToken(error)) return askForToken(Boolean(token()));
      showError(error);
    }
    if (mine === generation) timer = setTimeout(tick, POLL_MS);
  };
  return tick();
}

/** For a polled view: true when `data` differs from what it showed last, so that an unchanged
 * answer leaves the page (and a selection or scroll in it) alone. */
function changes() {
  let last = null;
  return (data) => {
    const now = JSON.stringify(data);
    if (now === last) return false;
    last = now;
    return true;
  };
}

// ---- lists --------------------------------------------------------------------------------

function queryOf(hash) {
  const at = hash.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : hash.slice(at + 1));
}

/** datetime-local (local time) to ISO 8601, as the API's since/until take it. */
function isoOf(local) {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function select(name, options, value) {
  return h('select', { name }, h('option', { value: '' }, 'any'), options.map((option) => h('option', { value: option, selected: option === value }, option)));
}

let connectionNames = null;
async function connections() {
  if (!connectionNames) connectionNames = (await api('/api/connections?limit=500')).items.map((c) => c.name);
  return connectionNames;
}

/**
 * A filtered list: the filter form (kept in the URL), the first page polled, older pages on
 * demand with `before`. Rows are merged by id so a row moved to the next page shows once.
 */
async function listView({ title, path, base, fields, columns, extra }) {
  const params = queryOf(location.hash);
  const names = await connections();
  const controls = [];
  for (const field of fields) {
    const value = params.get(field.name) ?? '';
    if (field.options) controls.push(h('label', {}, field.label, select(field.name, field.options === 'connections' ? names : field.options, value)));
    else controls.push(h('label', {}, field.label, h('input', { name: field.name, type: field.type ?? 'text', value, placeholder: field.placeholder })));
  }
  const form = h('form', { class: 'filters', onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) next.set(key, String(value));
    const query = next.toString();
    location.hash = `#/${base}${query ? `?${query}` : ''}`;
  } }, controls, h('button', { class: 'primary', type: 'submit' }, 'Filter'), h('a', { href: `#/${base}` }, 'Clear'));

  const apiQuery = new URLSearchParams();
  for (const field of fields) {
    const value = params.get(field.name);
    if (!value) continue;
    apiQuery.set(field.name, field.type === 'datetime-local' ? isoOf(value) ?? value : value);
  }
  for (const [key, value] of Object.entries(extra?.fixed ?? {})) apiQuery.set(key, value);
  apiQuery.set('limit', String(PAGE));

  const body = h('div', { id: 'rows' });
  const more = h('button', { type: 'button', hidden: true }, 'Older');
  const head = h('h1', {}, title);
  main.replaceChildren(head, extra?.actions?.(apiQuery) ?? '', form, body, h('div', { class: 'more' }, more));

  let first = { items: [], next: null };
  const older = [];
  let olderNext = null;
  const render = () => {
    const seen = new Set();
    const rows = [...first.items, ...older.flatMap((page) => page.items)].filter((row) => !seen.has(row.id) && seen.add(row.id));
    body.replaceChildren(rows.length ? table(columns, rows, (row) => ({ dataset: { id: row.id } })) : empty('Nothing here yet.'));
    const next = older.length ? olderNext : first.next;
    more.hidden = next === null;
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const q = new URLSearchParams(apiQuery);
      q.set('before', String(older.length ? olderNext : first.next));
      const page = await api(`${path}?${q}`);
      older.push(page);
      olderNext = page.next;
      render();
    } catch (error) {
      showError(error);
    } finally {
      more.disabled = false;
    }
  });
  const changed = changes();
  await poll(async () => {
    const page = await api(`${path}?${apiQuery}`);
    if (!changed(page)) return;
    first = page;
    render();
  });
}

const hookColumns = [
  ['Id', (hook) => link(['hooks', hook.id], `#${hook.id}`)],
  ['Received', (hook) => when(hook.receivedAt)],
  ['Connection', (hook) => text(hook.connection)],
  ['Status', (hook) => badge(hook.status)],
  ['Type', (hook) => text(hook.contentType)],
  ['Bytes', (hook) => text(hook.bodyBytes)],
  ['Error', (hook) => (hook.errorCode ? h('span', { class: 'mono' }, hook.errorCode, ' ', text(hook.errorMessage)) : '')],
];

const transferColumns = [
  ['Id', (t) => link(['transfers', t.id], `#${t.id}`)],
  ['Created', (t) => when(t.createdAt)],
  ['Connection', (t) => text(t.connection)],
  ['Direction', (t) => text(t.direction)],
  ['Scope', (t) => h('span', { class: 'mono' }, t.scope)],
  ['External id', (t) => h('span', { class: 'mono' }, text(t.externalId))],
  ['Status', (t) => [badge(t.status), t.reasonCode ? h('span', { class: 'muted' }, ` ${t.reasonCode}`) : '']],
  ['Attempts', (t) => text(t.attempts)],
  ['Last error', (t) => (t.lastErrorCode ? h('span', { class: 'mono' }, t.lastErrorCode, ' ', text(t.lastError)) : '')],
];

const timeFields = [
  { name: 'since', label: 'Since', type: 'datetime-local' },
  { name: 'until', label: 'Until', type: 'datetime-local' },
  { name: 'externalId', label: 'External id', placeholder: 'e.g. 1001' },
];

function hooksPage() {
  return listView({
    title: 'Hooks',
    path: '/api/hooks',
    base: 'hooks',
    fields: [{ name: 'status', label: 'Status', options: HOOK_STATUSES }, { name: 'connection', label: 'Connection', options: 'connections' }, ...timeFields],
    columns: hookColumns,
  });
}

function transfersPage() {
  return listView({
    title: 'Transfers',
    path: '/api/transfers',
    base: 'transfers',
    fields: [
      { name: 'status', label: 'Status', options: TRANSFER_STATUSES },
      { name: 'connection', label: 'Connection', options: 'connections' },
      { name: 'scope', label: 'Scope', placeholder: 'e.g. product/updated' },
      ...timeFields,
    ],
    columns: transferColumns,
  });
}

async function retry(id, button) {
  button.disabled = true;
  try {
    await api(`/api/transfers/${encodeURIComponent(id)}/retry`, { method: 'POST' });
    button.textContent = 'Queued';
  } catch (error) {
    if (needsToken(error)) return askForToken(true);
    showError(error);
    button.disabled = false;
  }
}

function deadPage() {
  const columns = [...transferColumns, ['', (t) => h('button', { type: 'button', class: 'retry', onclick: (event) => retry(t.id, event.currentTarget) }, 'Retry')]];
  return listView({
    title: 'Dead letters',
    path: '/api/transfers',
    base: 'dead',
    fields: [{ name: 'connection', label: 'Connection', options: 'connections' }, { name: 'scope', label: 'Scope', placeholder: 'e.g. product/updated' }, { name: 'since', label: 'Since', type: 'datetime-local' }, { name: 'until', label: 'Until', type: 'datetime-local' }],
    columns,
    extra: { fixed: { status: 'dead' }, actions: (query) => replayAllControls(query) },
  });
}

/** Replay every dead transfer the filter matches: count, confirm, replay, then its progress. */
function replayAllControls(query) {
  const filter = { status: 'dead' };
  for (const key of ['connection', 'scope', 'since', 'until']) if (query.get(key)) filter[key] = query.get(key);
  const status = h('span', { class: 'muted', id: 'replay-status' });
  const bar = h('progress', { id: 'replay-progress', hidden: true });
  const button = h('button', { type: 'button', class: 'danger', onclick: async () => {
    button.disabled = true;
    try {
      const countQuery = new URLSearchParams(filter);
      const { count } = await api(`/api/transfers/replayable?${countQuery}`);
      if (count === 0) {
        status.textContent = 'No dead transfers match this filter.';
        return;
      }
      const confirmed = await confirmDialog(`Replay ${count} dead transfer${count === 1 ? '' : 's'}?`, `Each is queued again with its attempts renewed. Filter: ${JSON.stringify(filter)}`);
      if (!confirmed) return;
      status.textContent = `Replaying ${count}…`;
      bar.max = count;
      bar.value = 0;
      bar.hidden = false;
      await replayWithProgress(filter, count, status, bar);
    } catch (error) {
      if (needsToken(error)) return askForToken(true);
      showError(error);
    } finally {
      button.disabled = false;
    }
  } }, 'Replay all matching…');
  return h('div', { class: 'actions' }, button, bar, status);
}

function confirmDialog(title, detail) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { id: 'confirm' }, h('h2', {}, title), h('p', { class: 'muted' }, detail));
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    append(dialog, [h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', onclick: () => done(true) }, 'Replay'), h('button', { type: 'button', onclick: () => done(false) }, 'Cancel'))]);
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * Runs a replay by filter and shows how far it got while it runs: the replay is recorded first and
 * its count grows page by page (500 requests each), so the newest replay newer than the one seen
 * before the start is this one.
 */
async function replayWithProgress(filter, total, status, bar) {
  const newestBefore = (await api('/api/replays?limit=1')).items[0]?.id ?? 0;
  let running = true;
  const replaying = api('/api/transfers/replay', { method: 'POST', body: filter }).finally(() => {
    running = false;
  });
  const shown = (id, count) => {
    bar.value = Math.min(count, total);
    status.textContent = `Replay #${id}: ${count} of ${total} queued again${running ? '…' : '.'}`;
  };
  const watching = (async () => {
    while (running) {
      const [newest] = (await api('/api/replays?limit=1')).items;
      if (running && newest && newest.id > newestBefore && newest.kind === 'transfers') shown(newest.id, newest.count);
      await new Promise((done) => setTimeout(done, 300));
    }
  })().catch(() => {}); // the replay's own answer reports what went wrong
  const result = await replaying;
  await watching;
  shown(result.replay, result.count);
}

// ---- one hook, one transfer ------------------------------------------------------------------

async function hookPage(id) {
  const replayStatus = h('span', { class: 'muted' });
  const replayButton = h('button', { type: 'button', class: 'primary', id: 'replay', onclick: async () => {
    replayButton.disabled = true;
    try {
      const result = await api(`/api/hooks/${encodeURIComponent(id)}/replay`, { method: 'POST' });
      replayStatus.textContent = `Replay #${result.replay} queued: the hook is read again.`;
    } catch (error) {
      if (needsToken(error)) return askForToken(true);
      showError(error);
    } finally {
      replayButton.disabled = false;
    }
  } }, 'Replay');
  const content = h('div');
  main.replaceChildren(h('h1', {}, `Hook #${id}`), h('div', { class: 'actions' }, replayButton, replayStatus), content);
  const changed = changes();
  await poll(async () => {
    const answer = await api(`/api/hooks/${encodeURIComponent(id)}`);
    if (!changed(answer)) return;
    const { hook, notifications, transfers } = answer;
    fill(content, 
      h('div', { class: 'card' }, facts([
        ['Status', badge(hook.status)],
        ['Connection', text(hook.connection)],
        ['Received', when(hook.receivedAt)],
        ['Resolved', when(hook.resolvedAt)],
        ['Content type', text(hook.contentType)],
        ['Delivery id', h('span', { class: 'mono' }, text(hook.deliveryId))],
        ['Path', h('span', { class: 'mono' }, hook.segments?.length ? hook.segments.join('/') : '—')],
        hook.errorCode ? ['Error', h('span', { class: 'mono' }, hook.errorCode, ' ', text(hook.errorMessage))] : null,
      ])),
      h('h2', {}, 'Headers ', h('span', { class: 'muted' }, '(credentials redacted)')),
      Object.keys(hook.headers ?? {}).length ? table([['Name', ([name]) => h('span', { class: 'mono' }, name)], ['Value', ([, value]) => h('span', { class: 'mono' }, value)]], Object.entries(hook.headers)) : empty('No headers.'),
      h('h2', {}, `Body `, h('span', { class: 'muted' }, `(${hook.bodyBytes} bytes${hook.body.encoding === 'base64' ? ', base64' : ''})`)),
      h('pre', { id: 'body' }, hook.body.encoding === 'utf8' ? pretty(hook.body.data) : hook.body.data),
      h('h2', {}, 'Notifications'),
      notifications.length
        ? table([['#', (n) => text(n.seq)], ['Hook name', (n) => h('span', { class: 'mono' }, text(n.hookName))], ['Scope', (n) => h('span', { class: 'mono' }, text(n.scope))], ['External id', (n) => h('span', { class: 'mono' }, text(n.externalId))], ['Status', (n) => badge(n.status)], ['Reason', (n) => text(n.reason)]], notifications)
        : empty('No notifications were read from this hook.'),
      h('h2', {}, 'Transfers it made'),
      transfers.length ? table(transferColumns, transfers, (t) => ({ dataset: { id: t.id } })) : empty('No transfers.'),
    );
  });
}

async function transferPage(id) {
  const retryButton = h('button', { type: 'button', class: 'primary', id: 'retry', hidden: true, onclick: () => retry(id, retryButton).then(() => load()).catch(showError) }, 'Retry');
  const content = h('div');
  main.replaceChildren(h('h1', {}, `Transfer #${id}`, h('span', { id: 'transfer-status' })), h('div', { class: 'actions' }, retryButton), content);
  const changed = changes();
  const load = async () => {
    const answer = await api(`/api/transfers/${encodeURIComponent(id)}`);
    if (!changed(answer)) return;
    const { transfer: t, activity, children } = answer;
    main.querySelector('#transfer-status').replaceChildren(badge(t.status));
    const replayable = t.status === 'dead' || t.status === 'skipped' || t.status === 'succeeded';
    retryButton.hidden = !replayable;
    if (replayable) {
      retryButton.disabled = false;
      retryButton.textContent = 'Retry';
    }
    fill(content, 
      h('div', { class: 'card' }, facts([
        ['Status', [badge(t.status), t.reasonCode ? h('span', { class: 'muted' }, ` ${t.reasonCode}`) : '']],
        ['Connection', text(t.connection)],
        ['Direction', text(t.direction)],
        ['Type', text(t.type)],
        ['Scope', h('span', { class: 'mono' }, t.scope)],
        ['External id', h('span', { class: 'mono' }, text(t.externalId))],
        ['Request', text(t.requestType)],
        ['Hook', t.hookId ? link(['hooks', t.hookId], `#${t.hookId}`) : text(null)],
        ['Hub record', t.hubId ? link(['records', t.type, t.hubId], `${t.type} ${t.hubId}`) : text(null)],
        t.parentId ? ['Parent', link(['transfers', t.parentId], `#${t.parentId}`)] : null,
        t.resolvedBy ? ['Resolved by', link(['transfers', t.resolvedBy], `#${t.resolvedBy}`)] : null,
        ['Source connection', text(t.sourceConnection)],
        ['Attempts', text(t.attempts)],
        ['Runs at', when(t.runAt)],
        ['Created', when(t.createdAt)],
        ['Updated', when(t.updatedAt)],
        ['Finished', when(t.finishedAt)],
        ['Tracking id', h('span', { class: 'mono' }, text(t.trackingId))],
        t.lastErrorCode ? ['Last error', h('span', { class: 'mono' }, t.lastErrorCode, ' ', text(t.lastError))] : null,
      ])),
      h('h2', {}, 'Activity'),
      activity.length ? activityTable(activity) : empty('No activity yet.'),
      h('h2', {}, 'Children'),
      children.length ? table(transferColumns, children, (c) => ({ dataset: { id: c.id } })) : empty('No child transfers.'),
    );
  };
  await poll(load);
}

function activityTable(activity) {
  return table([['At', (a) => when(a.at)], ['Step', (a) => h('span', { class: 'badge' }, a.step)], ['Detail', (a) => h('span', { class: 'mono' }, text(a.detail))]], activity);
}

// ---- connections, feeds ------------------------------------------------------------------------

async function connectionsPage() {
  const content = h('div');
  main.replaceChildren(h('h1', {}, 'Connections'), content);
  const changed = changes();
  await poll(async () => {
    const [{ items }, ready] = await Promise.all([api('/api/connections?limit=500'), fetch('/readyz', { cache: 'no-store' }).then((r) => r.json()).catch(() => ({}))]);
    const circuits = ready.circuits ?? {};
    if (!changed([items, circuits])) return;
    fill(content, 
      items.length
        ? items.map((c) =>
            h('section', { class: 'card', dataset: { connection: c.name } },
              h('h2', {}, c.name, ' ', h('span', { class: 'muted' }, c.integration.title ?? c.integration.id), ' ', h('span', { title: 'circuit' }, 'circuit ', badge(circuits[c.name] ?? 'closed'))),
              c.scopes.length
                ? table([['Scope', (s) => h('span', { class: 'mono' }, s.scope)], ['Description', (s) => text(s.description)], ['Hooks', (s) => h('span', { class: 'mono' }, (s.hooks ?? []).join(', '))], ['Enabled', (s) => [badge(s.enabled ? 'enabled' : 'off'), s.reason ? h('span', { class: 'muted' }, ` ${s.reason}`) : '']]], c.scopes)
                : empty('No scopes.'),
            ),
          )
        : empty('No connections are configured.'),
    );
  });
}

async function feedsPage() {
  const content = h('div');
  main.replaceChildren(h('h1', {}, 'Feeds'), content);
  const changed = changes();
  await poll(async () => {
    const { items } = await api('/api/feeds?limit=500');
    if (!changed(items)) return;
    const progress = (f) => {
      if (!f.total) return text(f.records);
      const share = Math.min(100, Math.round((f.records / f.total) * 100));
      return h('div', {}, `${f.records} / ${f.total} `, h('progress', { max: f.total, value: Math.min(f.records, f.total), title: `${share}%` }));
    };
    fill(content, 
      items.length
        ? table([
            ['Connection', (f) => text(f.connection)], ['Type', (f) => text(f.type)], ['Kind', (f) => text(f.kind)], ['Status', (f) => badge(f.status)],
            ['Pages', (f) => text(f.pages)], ['Records', progress], ['Next run', (f) => when(f.nextRunAt)], ['Updated', (f) => when(f.updatedAt)],
            ['Last error', (f) => h('span', { class: 'mono' }, text(f.lastError))],
          ], items)
        : empty('No polls or initializations have run yet.'),
    );
  });
}

// ---- hub records and their lineage ---------------------------------------------------------------

function recordsPage() {
  const type = h('input', { name: 'type', placeholder: 'product', required: true });
  const id = h('input', { name: 'id', type: 'number', min: 1, placeholder: '1', required: true });
  const form = h('form', { class: 'filters', onsubmit: (event) => {
    event.preventDefault();
    location.hash = `#/records/${encodeURIComponent(type.value.trim())}/${encodeURIComponent(id.value)}`;
  } }, h('label', {}, 'Type', type), h('label', {}, 'Hub id', id), h('button', { class: 'primary', type: 'submit' }, 'Open'));
  main.replaceChildren(h('h1', {}, 'Hub records'), h('p', { class: 'muted' }, 'Open a hub record by its type and id (a transfer links the record it wrote).'), form);
}

async function recordPage(type, id) {
  const base = `/api/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
  const { record, externalIds } = await api(base);
  const steps = h('div', { id: 'lineage' });
  const more = h('button', { type: 'button', hidden: true }, 'Later steps');
  main.replaceChildren(
    h('h1', {}, `${record.type} ${record.id}`, record.deleted ? badge('deleted') : null),
    h('div', { class: 'card' }, facts([['Version', text(record.version)], ['Created', when(record.createdAt)], ['Updated', when(record.updatedAt)]])),
    h('h2', {}, 'Data'),
    h('pre', {}, JSON.stringify(record.data, null, 2)),
    h('h2', {}, 'External ids'),
    externalIds.length
      ? table([['Connection', (e) => text(e.connection)], ['Type', (e) => text(e.type)], ['External id', (e) => h('span', { class: 'mono' }, e.externalId)], ['Unlinked', (e) => when(e.deletedAt)]], externalIds)
      : empty('No system holds this record yet.'),
    h('h2', {}, 'Lineage ', h('span', { class: 'muted' }, '(every transfer that wrote it, oldest first)')),
    steps,
    h('div', { class: 'more' }, more),
  );
  let next = null;
  let count = 0;
  const load = async () => {
    const page = await api(`${base}/lineage?limit=${PAGE}${next ? `&after=${next}` : ''}`);
    for (const step of page.items) steps.append(lineageStep(step, ++count));
    if (count === 0) steps.replaceChildren(empty('No transfer has touched this record.'));
    next = page.next;
    more.hidden = next === null;
  };
  more.addEventListener('click', () => load().catch(showError));
  await load();
}

function lineageStep({ transfer: t, activity }, n) {
  return h('section', { class: 'step', dataset: { transfer: t.id } },
    h('h3', {}, `${n}.`, link(['transfers', t.id], `Transfer #${t.id}`), badge(t.status), h('span', {}, `${t.direction === 'to_hub' ? 'from' : 'to'} ${t.connection}`), h('span', { class: 'mono' }, t.scope),
      t.hookId ? ['via ', link(['hooks', t.hookId], `hook #${t.hookId}`)] : h('span', { class: 'muted' }, t.origin ?? ''), when(t.createdAt)),
    activity.length ? activityTable(activity) : empty('No activity.'),
  );
}

// ---- routing ----------------------------------------------------------------------------

const ROUTES = [
  [/^hooks$/, hooksPage, 'hooks'],
  [/^hooks\/(\d+)$/, hookPage, 'hooks'],
  [/^transfers$/, transfersPage, 'transfers'],
  [/^transfers\/(\d+)$/, transferPage, 'transfers'],
  [/^dead$/, deadPage, 'dead'],
  [/^connections$/, connectionsPage, 'connections'],
  [/^feeds$/, feedsPage, 'feeds'],
  [/^records$/, recordsPage, 'records'],
  [/^records\/([^/]+)\/(\d+)$/, recordPage, 'records'],
];

async function route() {
  generation++;
  stopPolling();
  clearError();
  signout.hidden = !token();
  const path = location.hash.replace(/^#\/?/, '').split('?')[0];
  const found = ROUTES.find(([pattern]) => pattern.test(path));
  if (!found) {
    location.replace('#/hooks');
    return;
  }
  const [pattern, page, section] = found;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.section === section);
  const args = pattern.exec(path).slice(1).map(decodeURIComponent);
  const mine = generation;
  main.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    await page(...args);
  } catch (error) {
    if (mine !== generation) return;
    if (needsToken(error)) return askForToken(Boolean(token()));
    showError(error);
    if (main.textContent === 'Loading…') main.replaceChildren(empty('This page could not be loaded.'));
  }
}

window.addEventListener('hashchange', route);
route();
