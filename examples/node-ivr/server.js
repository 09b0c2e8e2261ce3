// A pharmacy phone line (IVR) built with the official Vonage NCCO builder classes (@vonage/voice) and Node's own
// http module. It is an ordinary Vonage Voice app: nothing in it knows about Ncco. `ncco test scenarios/` tests it.
//
//   PORT=3000 node server.js          (PORT=0 picks a free port; the first line printed says where it listens)
const http = require('node:http');
const { NCCOBuilder, Talk, Input, Connect, Record } = require('@vonage/voice');

const PHARMACIST = '447700900099';

// Everything the app says, in one place.
const GREETING = 'Thank you for calling Acme Pharmacy.';
const MENU = 'Press 1 for our opening hours, press 2 to speak to a pharmacist, or say what you need.';
const HOURS = 'We are open Monday to Saturday, 9 am to 6 pm. Goodbye.';
const CONNECTING = 'Connecting you to a pharmacist.';
const VOICEMAIL = 'Our pharmacists are all busy. Please leave a message after the tone.';
const NOT_UNDERSTOOD = 'Sorry, I did not catch that.';
const GOODBYE = 'Sorry, we could not help you today. Goodbye.';

// How many times each call (by uuid) has heard the menu: a caller who says nothing hears it twice, then goodbye.
const attempts = new Map();

function menu(base, prefix) {
  return new NCCOBuilder()
    .addAction(new Talk(prefix ? `${prefix} ${MENU}` : MENU, true))
    .addAction(new Input({ maxDigits: 1, timeOut: 5 }, { context: ['hours', 'pharmacist', 'prescription'], endOnSilence: 1 }, `${base}/webhooks/menu`))
    .build();
}

function answer(base, call) {
  attempts.set(call.uuid, 1);
  return menu(base, GREETING);
}

function choice(base, input) {
  const digits = input.dtmf && input.dtmf.digits;
  const results = (input.speech && input.speech.results) || [];
  const said = results.length > 0 && Number(results[0].confidence) >= 0.5 ? String(results[0].text).toLowerCase() : '';
  if (digits === '1' || said.includes('hours') || said.includes('open')) {
    return new NCCOBuilder().addAction(new Talk(HOURS)).build();
  }
  if (digits === '2' || said.includes('pharmacist') || said.includes('prescription')) {
    return new NCCOBuilder()
      .addAction(new Talk(CONNECTING))
      .addAction(new Connect({ type: 'phone', number: PHARMACIST }, undefined, undefined, 'synchronous', 20, undefined, undefined, `${base}/webhooks/pharmacist`))
      .build();
  }
  const tries = (attempts.get(input.uuid) || 1) + 1;
  attempts.set(input.uuid, tries);
  if (tries > 2) return new NCCOBuilder().addAction(new Talk(GOODBYE)).build();
  return menu(base, NOT_UNDERSTOOD);
}

// The connect action's events (eventType synchronous): when the pharmacist does not take the call, voicemail.
function pharmacist(base, event) {
  if (['busy', 'timeout', 'unanswered', 'failed', 'rejected', 'cancelled'].includes(event.status)) {
    return new NCCOBuilder()
      .addAction(new Talk(VOICEMAIL))
      .addAction(new Record(undefined, undefined, undefined, 3, '#', 120, true, `${base}/webhooks/voicemail`))
      .build();
  }
  return null;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 1024 * 1024) {
        reject(new Error('body too large'));
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, `http://${req.headers.host}`);
    const base = `http://${req.headers.host}`;
    const text = await readBody(req);
    const body = req.method === 'POST' && text ? JSON.parse(text) : Object.fromEntries(url.searchParams);
    let ncco;
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /webhooks/answer': ncco = answer(base, body); break;
      case 'POST /webhooks/menu': ncco = choice(base, body); break;
      case 'POST /webhooks/pharmacist': ncco = pharmacist(base, body); break;
      case 'POST /webhooks/voicemail':
        console.log(`voicemail from call ${body.uuid}: ${body.recording_url}`);
        ncco = null;
        break;
      case 'POST /webhooks/event':
        if (body.status === 'completed') attempts.delete(body.uuid);
        ncco = null;
        break;
      default:
        res.writeHead(404).end();
        return;
    }
    if (ncco) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(ncco));
    } else {
      res.writeHead(204).end();
    }
  } catch (e) {
    console.error(e);
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end(String(e.message));
  }
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`node-ivr listening on http://${address}:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
