// One end-to-end session with the official Vonage Node SDK against an Ncco host.
// Input (environment): NCCO_API (e.g. http://api.nexmo.com:5123), NCCO_API_KEY, NCCO_API_SECRET, NCCO_WS_URI (a
// websocket endpoint that answers), NCCO_OUT (directory for the downloaded recording).
// Output: one JSON line per step on stdout, then {"done":true,...}. Any failure exits 1 with the step and the error.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { Vonage } from '@vonage/server-sdk';
import { Auth } from '@vonage/auth';

const api = process.env.NCCO_API;
const wsUri = process.env.NCCO_WS_URI;
const out = process.env.NCCO_OUT;
const events = [];
const waiters = [];

// The application's webhooks: answer NCCOs and collected events.
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (req.url.startsWith('/answer')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([{ action: 'talk', text: 'Answered from the answer url' }]));
      return;
    }
    if (req.url.startsWith('/transfer')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([{ action: 'talk', text: 'Transferred by url', loop: 0 }]));
      return;
    }
    if (body) {
      const e = JSON.parse(body);
      events.push(e);
      for (const w of [...waiters]) if (w.match(e)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(e); }
    }
    res.end();
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const hooks = `http://127.0.0.1:${server.address().port}`;

function waitFor(match, what, ms = 20000) {
  const seen = events.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const w = { match, resolve };
    waiters.push(w);
    setTimeout(() => reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}`)), ms);
  });
}
const status = (uuid, s) => waitFor((e) => e.uuid === uuid && e.status === s, `${s} of ${uuid}`);

let current = 'start';
function report(step, data = {}) { console.log(JSON.stringify({ step, ok: true, ...data })); }
async function step(name, fn) { current = name; const data = await fn(); report(name, data ?? {}); return data; }

try {
  const admin = new Vonage(new Auth({ apiKey: process.env.NCCO_API_KEY, apiSecret: process.env.NCCO_API_SECRET }), { apiHost: api });
  const app = await step('create application', async () => {
    const created = await admin.applications.createApplication({
      name: 'sdk test',
      capabilities: { voice: { webhooks: {
        answerUrl: { address: `${hooks}/answer`, httpMethod: 'GET' },
        eventUrl: { address: `${hooks}/events`, httpMethod: 'POST' },
      } } },
    });
    if (!created.id || !created.keys?.privateKey) throw new Error('no id or private key: ' + JSON.stringify(created));
    return { id: created.id, privateKey: created.keys.privateKey };
  });

  const vonage = new Vonage(new Auth({ applicationId: app.id, privateKey: app.privateKey }), { apiHost: api });
  const voice = vonage.voice;
  const from = { type: 'phone', number: '447700900000' };
  const to = [{ type: 'websocket', uri: wsUri, contentType: 'audio/l16;rate=16000', headers: { caller: 'sdk' } }];

  const answered = await step('create call with answer_url', async () => {
    const r = await voice.createOutboundCall({ to, from, answerUrl: [`${hooks}/answer`] });
    await status(r.uuid, 'completed');
    return { uuid: r.uuid };
  });

  const live = await step('create call with inline ncco', async () => {
    const r = await voice.createOutboundCall({
      to, from,
      ncco: [
        { action: 'record', format: 'wav' },
        { action: 'talk', text: 'This call is recorded by the Vonage SDK test', loop: 0 },
      ],
    });
    if (r.status !== 'started' || r.direction !== 'outbound' || !r.conversationUUID) throw new Error('create reply: ' + JSON.stringify(r));
    await status(r.uuid, 'answered');
    return { uuid: r.uuid };
  });

  await step('get call', async () => {
    const c = await voice.getCall(live.uuid);
    if (c.uuid !== live.uuid || c.status !== 'answered' || c.to?.type !== 'websocket') throw new Error('call: ' + JSON.stringify(c));
    return { status: c.status };
  });

  await step('talk, stream and dtmf into the call', async () => {
    const t = await voice.playTTS(live.uuid, { text: 'Hello from the SDK', language: 'en-GB' });
    await voice.stopTTS(live.uuid);
    const s = await voice.streamAudio(live.uuid, 'https://example.com/hold-music.mp3', 1, 0.2);
    await voice.stopStreamAudio(live.uuid);
    const d = await voice.playDTMF(live.uuid, '1234#');
    return { talk: t.message, stream: s.message, dtmf: d.message };
  });

  await step('transfer with ncco and with url', async () => {
    await voice.transferCallWithNCCO(live.uuid, [{ action: 'talk', text: 'Transferred inline', loop: 0 }]);
    await waitFor((e) => e.uuid === live.uuid && e.conversation_uuid_to, 'transfer event');
    await voice.transferCallWithURL(live.uuid, `${hooks}/transfer`);
    return {};
  });

  const recording = await step('hang up', async () => {
    await voice.hangupCall(live.uuid);
    await status(live.uuid, 'completed');
    const rec = await waitFor((e) => e.recording_url && e.conversation_uuid, 'record event');
    return { recordingUrl: rec.recording_url, size: rec.size };
  });

  await step('list and search calls with pagination', async () => {
    const page = await voice.getCallsPage({ pageSize: 1 });
    if (page.count < 2 || page._embedded.calls.length !== 1 || !page._links.next) throw new Error('page: ' + JSON.stringify(page));
    // Links are relative, as on Vonage (/v1/calls?page_size=1&record_index=1); getAllCalls() reads them with
    // new URL(href), which needs an absolute URL, so page the way that works on both: record_index from the link.
    if (!page._links.next.href.startsWith('/v1/calls?')) throw new Error('next link: ' + page._links.next.href);
    const all = [];
    for (let index = 0, more = true; more; ) {
      const p = await voice.getCallsPage({ pageSize: 1, recordIndex: index });
      all.push(...p._embedded.calls.map((c) => c.uuid));
      more = Boolean(p._links.next);
      if (more) index = Number(new URL(p._links.next.href, 'http://host').searchParams.get('record_index'));
    }
    if (!all.includes(live.uuid) || !all.includes(answered.uuid)) throw new Error('getAllCalls: ' + JSON.stringify(all));
    const completed = await voice.search({ status: 'completed', pageSize: 10 });
    if (!completed._embedded.calls.every((c) => c.status === 'completed')) throw new Error('search: ' + JSON.stringify(completed));
    return { pages: all.length, completed: completed.count };
  });

  await step('download the recording', async () => {
    const file = path.join(out, 'recording.wav');
    await voice.downloadRecording(recording.recordingUrl, file);
    return { file, bytes: fs.statSync(file).size };
  });

  console.log(JSON.stringify({ done: true }));
  server.close();
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ step: current, ok: false, error: String(e?.stack ?? e), response: e?.response ? String(await e.response.text?.()) : undefined }));
  server.close();
  process.exit(1);
}
