// The dashboard: one page, one section per hash (#start, #calls, …). Every API call carries the API key and secret as
// Basic auth; they live in this tab's session storage only and are forgotten when the tab closes or on sign-out.
import { renderSequenceDiagram } from './sequence-diagram.js';

const $ = (id) => document.getElementById(id);
const SECTIONS = ['start', 'calls', 'editor', 'applications', 'numbers', 'recordings', 'metrics'];
const TITLES = { start: 'Start', calls: 'Calls', editor: 'NCCO editor', applications: 'Applications', numbers: 'Numbers', recordings: 'Recordings', metrics: 'Metrics' };
let session = null;
let timers = [];
let openTimeline = null;
// The calls page refreshes every 2 s; an open timeline is redrawn only when it changed, so a finished call's diagram
// keeps its scroll position, a reader's selection and the copy result instead of being replaced under them.
let shownTimeline = '';

function credentials() { return sessionStorage.getItem('ncco.basic'); }

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: 'Basic ' + credentials() }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) { signOut('Your API key or secret was refused; sign in again.'); throw new Error('unauthorized'); }
  return response;
}

async function json(path, options) {
  const response = await api(path, options);
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = body && (body.detail || body.title || body.error_title) || `HTTP ${response.status}`;
    const error = new Error(detail);
    error.body = body;
    error.status = response.status;
    throw error;
  }
  return body;
}

function setProblem(text) { $('problem').textContent = text || ''; }

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function party(p) { return p ? `${p.type} ${p.number || p.user || p.uri || p.extension || ''}`.trim() : ''; }

// ---- sign-in -----------------------------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  setProblem('');
  sessionStorage.setItem('ncco.basic', btoa(`${$('api-key').value.trim()}:${$('api-secret').value}`));
  try {
    await start();
  } catch (e) {
    if (e.message !== 'unauthorized') setProblem(`Sign-in failed: ${e.message}`);
  }
}

function signOut(reason) {
  sessionStorage.removeItem('ncco.basic');
  session = null;
  timers.forEach(clearInterval);
  timers = [];
  SECTIONS.forEach((s) => { $(s).hidden = true; });
  $('nav').hidden = true;
  $('signout').hidden = true;
  $('login').hidden = false;
  document.title = 'Sign in — Ncco dashboard';
  setProblem(reason || '');
  $('api-key').focus();
}

async function start() {
  session = await json('/dashboard/api/session');
  $('login').hidden = true;
  $('nav').hidden = false;
  $('signout').hidden = false;
  $('demo-note').textContent = session.demo_application_id
    ? `The phone signs in to the demo application ${session.demo_application_id}.`
    : 'The demo application is off (Ncco:Demo:Enabled=false): sign in on the phone with a user JWT of your own application.';
  $('open-phone').disabled = !session.demo_application_id;
  route();
  timers.push(setInterval(() => { if (location.hash === '#calls') refreshCalls(); }, 2000));
  timers.push(setInterval(() => { if (location.hash === '#metrics') refreshMetrics(); }, 2000));
}

function route() {
  if (!session) return;
  const name = SECTIONS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'start';
  SECTIONS.forEach((s) => { $(s).hidden = s !== name; });
  document.querySelectorAll('nav a').forEach((a) => {
    if (a.getAttribute('href') === '#' + name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  document.title = `${TITLES[name]} — Ncco dashboard`;
  setProblem('');
  const load = { calls: refreshCalls, editor: validateNow, applications: refreshApplications, numbers: refreshNumbers, recordings: refreshRecordings, metrics: refreshMetrics }[name];
  if (load) load().catch((e) => setProblem(e.message));
}

// ---- start: open the phone -----------------------------------------------------------------------------------------

async function openPhone(event) {
  event.preventDefault();
  // Opened now, while the click still counts as a user gesture, so no popup blocker stops it; filled in below.
  const win = window.open('', '_blank');
  try {
    const body = await json('/dashboard/api/user-token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: $('phone-user').value.trim() }) });
    $('call-me-user').value = body.user;
    const url = `/phone#token=${encodeURIComponent(body.token)}`;
    if (win) win.location.href = url; else location.href = url;
  } catch (e) {
    if (win) win.close();
    setProblem(e.message);
  }
}

// ---- calls and timeline ------------------------------------------------------------------------------------------

// Rows are updated in place, not rebuilt: the list refreshes every 2 s and a rebuilt row would take the keyboard focus
// (and a click in progress) away from its Timeline button.
async function refreshCalls() {
  const body = await json('/dashboard/api/calls');
  const tbody = $('calls-body');
  const rows = new Map([...tbody.querySelectorAll('tr[data-uuid]')].map((tr) => [tr.dataset.uuid, tr]));
  tbody.querySelectorAll('tr:not([data-uuid])').forEach((tr) => tr.remove());
  body.calls.forEach((c, i) => {
    let tr = rows.get(c.uuid);
    if (!tr) {
      tr = el('tr', { 'data-uuid': c.uuid }, el('td'), el('td'), el('td'), el('td'), el('td'),
        el('td', {}, el('button', { type: 'button', class: 'secondary', 'aria-label': `Timeline of call ${c.uuid}`, text: 'Timeline', onclick: () => showTimeline(c.uuid, true).catch((e) => setProblem(e.message)) })));
    }
    rows.delete(c.uuid);
    const texts = [c.status + (c.live ? ' (live)' : ''), c.direction, party(c.from), party(c.to), new Date(c.created_at).toLocaleTimeString()];
    texts.forEach((t, k) => { if (tr.children[k].textContent !== t) tr.children[k].textContent = t; });
    if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
  });
  rows.forEach((tr) => tr.remove());
  if (body.calls.length === 0) tbody.append(el('tr', {}, el('td', { colspan: '6', class: 'muted', text: 'No calls yet: open the browser phone from Start and call the demo.' })));
  if (openTimeline) await showTimeline(openTimeline, false);
}

// The clipboard API needs a secure context (loopback is one); elsewhere the text is selected for Ctrl+C instead.
async function copyMermaid() {
  const text = $('timeline-mermaid').textContent;
  try {
    await navigator.clipboard.writeText(text);
    $('copy-mermaid-result').textContent = 'Copied.';
  } catch {
    const range = document.createRange();
    range.selectNodeContents($('timeline-mermaid'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    $('copy-mermaid-result').textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
}

async function showTimeline(uuid, focus) {
  openTimeline = uuid;
  const t = await json(`/dashboard/api/calls/${encodeURIComponent(uuid)}`);
  const shown = JSON.stringify(t);
  if (shown === shownTimeline && !$('timeline').hidden) {
    if (focus) $('timeline').focus();
    return;
  }
  shownTimeline = shown;
  $('timeline').hidden = false;
  $('timeline-title').textContent = `Timeline of ${party(t.call.from)} → ${party(t.call.to)}`;
  const truncated = (t.log_truncated || []).map((l) => `${l.entries_dropped} entries of ${l.leg}`).join(', ');
  $('timeline-summary').textContent = `Call ${t.call.uuid}: ${t.call.status}, ${t.legs.length} leg(s) in conversation ${t.call.conversation_uuid}.`
    + (truncated ? ` Log shortened to its limits: ${truncated} left out (start, status changes and newest kept).` : '');
  $('timeline-entries').replaceChildren(...t.entries.map((e) => el('li', { 'data-kind': e.kind },
    el('span', { class: 'muted', text: e.at }), el('span', { class: 'kind', text: `${e.kind} · ${e.leg}` }), el('span', { class: 'text', text: e.text }))));
  $('timeline-diagram').replaceChildren(renderSequenceDiagram(t.sequence, {
    title: `Sequence diagram of call ${t.call.uuid}`,
    description: `${t.sequence.participants.map((p) => p.label).join(', ')}: ${t.sequence.steps.filter((s) => s.kind !== 'note').length} messages and `
      + `${t.sequence.steps.filter((s) => s.kind === 'note').length} notes, in time order from the top. The same call log is listed above as text.`,
  }));
  $('timeline-mermaid').textContent = t.mermaid;
  $('copy-mermaid-result').textContent = '';
  $('timeline-text').textContent = t.text;
  $('timeline-events').textContent = t.events.map((e) => `${e.at} ${e.kind} ${e.payload || ''}`).join('\n');
  if (focus) $('timeline').focus();
}

// ---- NCCO editor -------------------------------------------------------------------------------------------------

let validateTimer = null;
function validateSoon() { clearTimeout(validateTimer); validateTimer = setTimeout(() => validateNow().catch((e) => setProblem(e.message)), 250); }

async function validateNow() {
  const body = await json('/dashboard/api/ncco/validate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: $('ncco').value });
  showNccoErrors(body.errors);
  return body;
}

function showNccoErrors(errors) {
  $('ncco-status').textContent = errors.length === 0 ? 'Valid NCCO.' : `${errors.length} problem${errors.length === 1 ? '' : 's'}:`;
  $('ncco-status').className = errors.length === 0 ? 'ok' : 'error';
  $('ncco').setAttribute('aria-invalid', String(errors.length > 0));
  $('ncco-errors').replaceChildren(...errors.map((e) => el('li', { class: 'error' }, el('code', { text: e.pointer || '/' }), ` ${e.message}`)));
}

async function callMe(event) {
  event.preventDefault();
  $('call-me-result').textContent = '';
  let ncco;
  try { ncco = JSON.parse($('ncco').value); } catch (e) { showNccoErrors([{ pointer: '', message: `not JSON: ${e.message}` }]); $('ncco').focus(); return; }
  try {
    const body = await json('/dashboard/api/call-me', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: $('call-me-user').value.trim(), ncco }) });
    $('call-me-result').textContent = `Ringing ${$('call-me-user').value.trim()}'s phone (call ${body.uuid}).`;
  } catch (e) {
    if (e.body && e.body.errors) showNccoErrors(e.body.errors);
    $('call-me-result').textContent = e.message;
  }
}

// ---- applications (the Applications API itself) ------------------------------------------------------------------

async function refreshApplications() {
  const body = await json('/v2/applications?page_size=100');
  const apps = (body._embedded && body._embedded.applications) || [];
  $('applications-body').replaceChildren(...apps.map((a) => {
    const voice = a.capabilities && a.capabilities.voice && a.capabilities.voice.webhooks;
    const answer = voice && voice.answer_url ? voice.answer_url.address : '';
    return el('tr', {},
      el('td', { text: a.name }), el('td', {}, el('code', { text: a.id })), el('td', { text: answer }),
      el('td', {},
        el('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${a.name}`, text: 'Edit', onclick: () => editApplication(a) }), ' ',
        el('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${a.name}`, text: 'Delete', onclick: () => deleteApplication(a) })));
  }));
}

function editApplication(a) {
  const voice = (a.capabilities && a.capabilities.voice && a.capabilities.voice.webhooks) || {};
  $('application-id').value = a.id;
  $('application-name').value = a.name;
  $('application-answer').value = voice.answer_url ? voice.answer_url.address : '';
  $('application-event').value = voice.event_url ? voice.event_url.address : '';
  $('application-form-title').textContent = `Edit ${a.name}`;
  $('application-save').textContent = 'Save';
  $('application-name').focus();
}

function clearApplicationForm() {
  $('application-form').reset();
  $('application-id').value = '';
  $('application-form-title').textContent = 'New application';
  $('application-save').textContent = 'Create';
}

async function saveApplication(event) {
  event.preventDefault();
  const id = $('application-id').value;
  const webhooks = {};
  if ($('application-answer').value) webhooks.answer_url = { address: $('application-answer').value, http_method: 'GET' };
  if ($('application-event').value) webhooks.event_url = { address: $('application-event').value, http_method: 'POST' };
  const body = { name: $('application-name').value.trim(), capabilities: { voice: { webhooks } } };
  try {
    const saved = await json(id ? `/v2/applications/${id}` : '/v2/applications', { method: id ? 'PUT' : 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    $('application-result').textContent = id ? `Saved ${saved.name}.` : `Created ${saved.name} (${saved.id}). Its private key is shown once: keep it.`;
    if (!id && saved.keys && saved.keys.private_key) $('application-result').append(el('pre', { text: saved.keys.private_key }));
    clearApplicationForm();
    await refreshApplications();
  } catch (e) {
    const params = e.body && e.body.invalid_parameters ? e.body.invalid_parameters.map((p) => `${p.name}: ${p.reason}`).join('; ') : '';
    $('application-result').textContent = `${e.message}${params ? ' — ' + params : ''}`;
  }
}

async function deleteApplication(a) {
  if (!confirm(`Delete application ${a.name}?`)) return;
  const response = await api(`/v2/applications/${a.id}`, { method: 'DELETE' });
  if (!response.ok) setProblem(`Could not delete ${a.name}: HTTP ${response.status}`);
  await refreshApplications();
}

// ---- numbers (the Numbers API: forms in, {"error-code","error-code-label"} out) -------------------------------------

async function numbersCall(path, params) {
  const response = await api(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error((body && body['error-code-label']) || `HTTP ${response.status}`);
}

async function refreshNumbers() {
  const [owned, apps] = await Promise.all([json('/account/numbers?size=100'), json('/v2/applications?page_size=100')]);
  const applications = (apps._embedded && apps._embedded.applications) || [];
  const options = (selected) => [el('option', { value: '', text: '(none: calls get 404)' }),
    ...applications.map((a) => { const o = el('option', { value: a.id, text: a.name }); if (a.id === selected) o.selected = true; return o; })];
  $('number-application').replaceChildren(...options(applications.length ? applications[0].id : ''));
  $('numbers-body').replaceChildren(...(owned.numbers || []).map((n) => {
    const link = el('select', { 'aria-label': `Application for ${n.msisdn}`, onchange: async (e) => {
      try { await numbersCall('/number/update', { country: n.country, msisdn: n.msisdn, app_id: e.target.value }); $('number-result').textContent = `Linked ${n.msisdn}.`; }
      catch (err) { $('number-result').textContent = err.message; }
      await refreshNumbers();
    } }, ...options(n.app_id || ''));
    return el('tr', {}, el('td', {}, el('code', { text: n.msisdn })), el('td', { text: n.country }), el('td', {}, link),
      el('td', {}, el('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${n.msisdn}`, text: 'Remove', onclick: async () => {
        if (!confirm(`Remove number ${n.msisdn}?`)) return;
        try { await numbersCall('/number/cancel', { country: n.country, msisdn: n.msisdn }); $('number-result').textContent = `Removed ${n.msisdn}.`; }
        catch (err) { $('number-result').textContent = err.message; }
        await refreshNumbers();
      } })));
  }));
}

async function addNumber(event) {
  event.preventDefault();
  const msisdn = $('number-msisdn').value.trim().replace(/^\+/, '');
  const country = $('number-country').value.trim().toUpperCase();
  const app = $('number-application').value;
  try {
    await numbersCall('/number/buy', { country, msisdn });
    if (app) await numbersCall('/number/update', { country, msisdn, app_id: app });
    $('number-result').textContent = `Added ${msisdn}.`;
    $('number-form').reset();
  } catch (e) {
    $('number-result').textContent = e.message;
  }
  await refreshNumbers();
}

// ---- recordings --------------------------------------------------------------------------------------------------

async function recordingBlob(r) {
  const response = await api(`/dashboard/api/recordings/${r.file_id}`);
  if (!response.ok) throw new Error(`recording ${r.file_id}: HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

async function refreshRecordings() {
  const body = await json('/dashboard/api/recordings');
  const rows = body.recordings.map((r) => el('tr', {},
    el('td', {}, el('code', { text: r.file_id })), el('td', { text: r.content_type }), el('td', { text: `${(r.length / 1024).toFixed(1)} KiB` }),
    el('td', { text: new Date(r.created_at).toLocaleString() }),
    el('td', {},
      el('button', { type: 'button', class: 'secondary', 'aria-label': `Play recording ${r.file_id}`, text: 'Play', onclick: async () => {
        const player = $('player'); player.hidden = false; player.src = await recordingBlob(r); player.play();
      } }), ' ',
      el('button', { type: 'button', class: 'secondary', 'aria-label': `Download recording ${r.file_id}`, text: 'Download', onclick: async () => {
        const a = el('a', { href: await recordingBlob(r), download: r.file_id + (r.content_type === 'audio/mpeg' ? '.mp3' : r.content_type === 'audio/ogg' ? '.ogg' : '.wav') });
        document.body.append(a); a.click(); a.remove();
      } }))));
  $('recordings-body').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '5', class: 'muted', text: 'No recordings yet: an NCCO with a record action makes one.' }))]));
}

// ---- metrics -----------------------------------------------------------------------------------------------------

async function refreshMetrics() {
  const m = await json('/dashboard/api/metrics');
  const card = (label, value) => el('div', { class: 'card' }, el('div', { class: 'muted', text: label }), el('div', { class: 'metric', text: String(value) }));
  $('metrics-cards').replaceChildren(
    card('Active call legs', m.active_calls),
    card('Legs with audio', m.media_legs_active),
    card('Late media frames', m.media_frames_late),
    card('Phones signed in', m.phones.length),
    card('Recent calls', m.recent_calls),
    card('State', m.draining ? 'draining' : 'serving'));
  if (m.missing_engines.length) $('metrics-cards').append(el('div', { class: 'card error', text: m.missing_engines.join(' ') }));
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => signOut());
  $('open-phone-form').addEventListener('submit', openPhone);
  $('ncco').addEventListener('input', validateSoon);
  $('call-me-form').addEventListener('submit', callMe);
  $('application-form').addEventListener('submit', saveApplication);
  $('application-cancel').addEventListener('click', clearApplicationForm);
  $('number-form').addEventListener('submit', addNumber);
  $('copy-mermaid').addEventListener('click', copyMermaid);
  window.addEventListener('hashchange', route);
  if (credentials()) start().catch(() => signOut());
  else signOut();
});
