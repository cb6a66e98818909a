// The LeakGuard console page: plain script, no build step, nothing fetched from elsewhere. Every API call carries
// the token the user typed in (kept in sessionStorage) as Authorization: Bearer; no cookie is ever used. Data is put
// into the page with textContent only, never as HTML.
'use strict';

const TOKEN_KEY = 'leakguard.console.token';
let selected = null;
let stream = null;
let reloadTimer = null;

function token() { return sessionStorage.getItem(TOKEN_KEY); }
function $(id) { return document.getElementById(id); }

async function api(path, options = {}) {
  const headers = Object.assign({ 'Authorization': 'Bearer ' + token() }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers, credentials: 'omit', cache: 'no-store' }));
  if (response.status === 401) {
    signOut('The token was refused.');
    throw new Error('unauthorized');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.error || ('HTTP ' + response.status));
  }
  return body;
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  row.appendChild(td);
  return td;
}

function fill(tableId, rows, columns) {
  const body = $(tableId).querySelector('tbody');
  body.replaceChildren();
  for (const r of rows) {
    const tr = document.createElement('tr');
    columns.forEach(c => cell(tr, c(r)));
    body.appendChild(tr);
  }
}

function filterQuery() {
  const q = new URLSearchParams();
  for (const [name, id] of [['status', 'f-status'], ['source', 'f-source'], ['account', 'f-account'],
    ['since', 'f-since']]) {
    const v = $(id).value.trim();
    if (v) q.set(name, v);
  }
  q.set('limit', '200');
  return q.toString();
}

async function loadList() {
  try {
    const page = await api('/api/incidents?' + filterQuery());
    const body = $('incidents').querySelector('tbody');
    body.replaceChildren();
    for (const i of page.incidents) {
      const tr = document.createElement('tr');
      tr.dataset.id = i.incidentId;
      if (i.awaitingDecision) tr.classList.add('awaiting');
      if (i.incidentId === selected) tr.classList.add('selected');
      [i.firstSightedAt, i.maskedKey, i.kind, i.status, i.remediationStatus, i.account, (i.sources || []).join(', '),
        i.sightingCount].forEach(v => cell(tr, v));
      tr.addEventListener('click', () => openIncident(i.incidentId));
      body.appendChild(tr);
    }
    $('count').textContent = page.total + ' incident(s)' + (page.total > page.incidents.length
      ? ', the newest ' + page.incidents.length + ' shown' : '');
    $('message').textContent = '';
  } catch (e) {
    if (e.message !== 'unauthorized') $('message').textContent = e.message;
  }
}

function ms(n) { return n == null ? '' : (n < 1000 ? n + ' ms' : (n / 1000).toFixed(1) + ' s'); }

async function openIncident(id) {
  selected = id;
  document.querySelectorAll('#incidents tbody tr').forEach(tr => tr.classList.toggle('selected', tr.dataset.id === id));
  let d;
  try {
    d = await api('/api/incidents/' + encodeURIComponent(id));
  } catch (e) {
    if (e.message !== 'unauthorized') $('message').textContent = e.message;
    return;
  }
  $('detail').hidden = false;
  $('detail').dataset.id = id;
  $('d-title').textContent = 'Incident ' + d.incidentId + ' (' + d.maskedKey + ')';
  const summary = $('d-summary');
  summary.replaceChildren();
  for (const [k, v] of [['Status', d.status], ['Remediation', d.remediationStatus], ['Mode', d.mode],
    ['Decided by', d.decidedBy], ['Severity', d.severity], ['Owner kind', d.ownerKind], ['Account', d.account],
    ['Kind', d.kind],
    ['First sighted', d.firstSightedAt], ['Last sighted', d.lastSightedAt], ['Sightings', d.sightingCount]]) {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v == null ? '-' : String(v);
    summary.append(dt, dd);
  }
  $('decide').hidden = !d.awaitingDecision;
  $('decide').dataset.id = id;
  fill('d-timeline', (d.timeline && d.timeline.stages) || [], [s => s.stage, s => s.at, s => ms(s.millisSinceSighted)]);
  fill('d-steps', d.steps || [], [s => s.name, s => s.outcome, s => ms(s.durationMillis), s => s.detail]);
  fill('d-sightings', (d.incident && d.incident.sightings) || [],
    [s => s.sightedAt, s => s.source.type, s => s.source.location, s => s.afterRemediation]);
  const deliveries = [];
  for (const n of d.notifications || []) {
    for (const x of n.deliveries || []) deliveries.push(Object.assign({ status: n.remediationStatus }, x));
  }
  fill('d-notifications', deliveries, [x => x.status, x => x.channel, x => x.recipient, x => x.delivered, x => x.detail]);
  $('d-raw').textContent = JSON.stringify({ incident: d.incident, remediations: d.remediations,
    notifications: d.notifications }, null, 2);
}

async function decide(verb) {
  const id = $('decide').dataset.id;
  try {
    const decision = await api('/api/incidents/' + encodeURIComponent(id) + '/' + verb, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ comment: $('comment').value || null })
    });
    $('message').textContent = '';
    $('decide').hidden = true;
    $('d-title').textContent += ' - ' + decision.decision + ' sent as ' + decision.decidedBy;
  } catch (e) {
    if (e.message !== 'unauthorized') $('message').textContent = e.message;
  }
}

function scheduleReload(change) {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => {
    loadList();
    if (selected && (!change || change.incidentId === selected)) openIncident(selected);
  }, 150);
}

// Server-Sent Events through fetch: EventSource cannot send an Authorization header.
async function listen() {
  if (stream) stream.abort();
  const controller = new AbortController();
  stream = controller;
  while (!controller.signal.aborted && token()) {
    try {
      const response = await fetch('/api/events', { headers: { 'Authorization': 'Bearer ' + token() },
        credentials: 'omit', cache: 'no-store', signal: controller.signal });
      if (response.status === 401) { signOut('The token was refused.'); return; }
      if (!response.ok) throw new Error('HTTP ' + response.status);
      $('live').textContent = 'live'; $('live').className = 'live on';
      scheduleReload(null); // whatever changed while not listening
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message', data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (event === 'change') scheduleReload(JSON.parse(data));
          else if (event === 'resync') scheduleReload(null);
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    $('live').textContent = 'reconnecting'; $('live').className = 'live off';
    await new Promise(r => setTimeout(r, 2000));
  }
}

function signIn() {
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  loadList();
  listen();
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  if (stream) stream.abort();
  $('live').textContent = 'offline'; $('live').className = 'live off';
  $('app').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('token').value = '';
  $('login-message').textContent = message || '';
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', e => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    signIn();
  });
  $('filters').addEventListener('submit', e => { e.preventDefault(); loadList(); });
  $('approve').addEventListener('click', () => decide('approve'));
  $('reject').addEventListener('click', () => decide('reject'));
  $('logout').addEventListener('click', () => signOut(''));
  if (token()) signIn(); else signOut('');
});
