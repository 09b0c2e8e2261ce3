// A support line that controls its calls through the Vonage Voice REST API, written as Vonage's Node guides do it:
// Express for the webhooks, the official SDK (@vonage/server-sdk) for the API. It knows nothing about Ncco.
//
// A caller is put on hold (answer NCCO: a greeting, then a conversation of their own). Once the call is answered the
// app tells them their place in the queue with PUT /v1/calls/{uuid}/talk and listens for their keys with
// PUT /v1/calls/{uuid}/input/dtmf; 0 transfers the call to an operator (PUT /v1/calls/{uuid}, action transfer with an
// NCCO), 9 hangs up (action hangup).
//
//   VONAGE_API_HOST=http://127.0.0.1:3030 PORT=3000 node server.js
//   ncco test scenarios/ --app http://127.0.0.1:3000 --api-port 3030
//
// VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY (a PEM or a path to one) sign the API's JWTs; without a key the app
// makes a throwaway one, which only a test API (ncco test checks the token's form, not its signature) accepts.
const crypto = require('node:crypto');
const express = require('express');
const { Auth } = require('@vonage/auth');
const { Vonage } = require('@vonage/server-sdk');

const OPERATOR = process.env.OPERATOR_NUMBER || '447700900099';
const GREETING = 'Thank you for calling Acme support. Please hold.';
const PLACE = 'You are first in the queue. Press 0 for an operator, or 9 to hang up.';
const CONNECTING = 'Connecting you to an operator.';

const privateKey = process.env.VONAGE_PRIVATE_KEY
  || crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
const vonage = new Vonage(
  new Auth({ applicationId: process.env.VONAGE_APPLICATION_ID || 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', privateKey }),
  // The SDK's own default is https://api.nexmo.com; a test points it at the virtual caller's API instead.
  { apiHost: process.env.VONAGE_API_HOST || 'https://api.nexmo.com' },
);

const app = express();
app.use(express.json());

// Where Vonage reaches this app (its public address in production, e.g. an ngrok URL).
const base = (req) => process.env.PUBLIC_URL || `${req.protocol}://${req.get('host')}`;

app.get('/webhooks/answer', (req, res) => {
  res.json([
    { action: 'talk', text: GREETING },
    { action: 'conversation', name: `hold-${req.query.uuid}` },
  ]);
});

// Each handler makes its API requests before it answers: the call does not move on while Vonage waits for the
// answer, so the talk starts the moment the call is answered and the caller's keys are heard from then on.
app.post('/webhooks/event', async (req, res) => {
  const { status, direction, uuid } = req.body;
  if (status === 'answered' && direction === 'inbound') {
    try {
      await vonage.voice.playTTS(uuid, { text: PLACE, language: 'en-GB' });
      await vonage.voice.subscribeDTMF(uuid, `${base(req)}/webhooks/dtmf`);
    } catch (e) {
      console.error(`call ${uuid}: ${e.message}`);
    }
  }
  res.sendStatus(204);
});

app.post('/webhooks/dtmf', async (req, res) => {
  const { uuid, dtmf } = req.body;
  try {
    if (dtmf?.digits === '0') {
      await vonage.voice.transferCallWithNCCO(uuid, [
        { action: 'talk', text: CONNECTING },
        { action: 'connect', from: '447700900000', endpoint: [{ type: 'phone', number: OPERATOR }] },
      ]);
    } else if (dtmf?.digits === '9') {
      await vonage.voice.hangupCall(uuid);
    }
  } catch (e) {
    console.error(`call ${uuid}: ${e.message}`);
  }
  res.sendStatus(204);
});

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST || '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`hold line listening on http://${address}:${port}`);
});
