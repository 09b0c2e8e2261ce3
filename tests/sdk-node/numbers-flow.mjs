// The Numbers API through the official Vonage Node SDK (@vonage/numbers inside @vonage/server-sdk) against an Ncco host.
// Input (environment): NCCO_API, NCCO_API_KEY, NCCO_API_SECRET, NCCO_APP_ID (an application on the host),
// NCCO_SEEDED (a number the host's configuration seeds, linked to NCCO_APP_ID), NCCO_NUMBER (a number to add),
// NCCO_MODE: "add" (list, buy, link) or "cancel" (cancel, list).
// Output: one JSON line per step on stdout, then {"done":true}. Any failure exits 1 with the step and the error.
import { Vonage } from '@vonage/server-sdk';
import { Auth } from '@vonage/auth';

const api = process.env.NCCO_API;
const appId = process.env.NCCO_APP_ID;
const seeded = process.env.NCCO_SEEDED;
const number = process.env.NCCO_NUMBER;
let current = 'start';
function report(step, data = {}) { console.log(JSON.stringify({ step, ok: true, ...data })); }
async function step(name, fn) { current = name; const data = await fn(); report(name, data ?? {}); return data; }
function check(condition, message) { if (!condition) throw new Error(message); }
// A refused request: the SDK throws on the HTTP status; what the host said is in the response body.
async function refused(fn) {
  try { await fn(); } catch (e) {
    const body = e.response ? await e.response.json() : null;
    return { status: e.response?.status, body };
  }
  throw new Error('the request was not refused');
}

try {
  const vonage = new Vonage(new Auth({ apiKey: process.env.NCCO_API_KEY, apiSecret: process.env.NCCO_API_SECRET }), { restHost: api, apiHost: api });
  if (process.env.NCCO_MODE === 'add') {
    await step('list the seeded numbers', async () => {
      const owned = await vonage.numbers.getOwnedNumbers();
      const entry = (owned.numbers ?? []).find((n) => n.msisdn === seeded);
      check(entry, `seeded ${seeded} missing: ${JSON.stringify(owned)}`);
      check(entry.app_id === appId, `seeded number not linked to ${appId}: ${JSON.stringify(entry)}`);
      return { count: owned.count, seeded: entry };
    });
    await step('buy a number', async () => {
      const resp = await vonage.numbers.buyNumber({ country: 'GB', msisdn: number });
      check(resp.errorCode === '200', `buy: ${JSON.stringify(resp)}`);
      return resp;
    });
    await step('buying it again is refused', async () => refused(() => vonage.numbers.buyNumber({ country: 'GB', msisdn: number })));
    await step('link it to an unknown application is refused', async () =>
      refused(() => vonage.numbers.updateNumber({ country: 'GB', msisdn: number, applicationId: 'no-such-application' })));
    await step('link it to the application', async () => {
      const resp = await vonage.numbers.updateNumber({ country: 'GB', msisdn: number, applicationId: appId });
      check(resp.errorCode === '200', `update: ${JSON.stringify(resp)}`);
      return resp;
    });
    await step('list the application numbers ending with its last digits', async () => {
      const owned = await vonage.numbers.getOwnedNumbers({ applicationId: appId, pattern: number.slice(-4), searchPattern: 2 });
      check(owned.count === 1 && owned.numbers[0].msisdn === number, `list: ${JSON.stringify(owned)}`);
      return { owned };
    });
  } else {
    await step('cancel the number', async () => {
      const resp = await vonage.numbers.cancelNumber({ country: 'GB', msisdn: number });
      check(resp.errorCode === '200', `cancel: ${JSON.stringify(resp)}`);
      return resp;
    });
    await step('it is no longer listed', async () => {
      const owned = await vonage.numbers.getOwnedNumbers({ pattern: number, searchPattern: 0 });
      check(owned.count === 0, `list: ${JSON.stringify(owned)}`);
      return { owned };
    });
  }
  console.log(JSON.stringify({ done: true }));
} catch (e) {
  console.log(JSON.stringify({ step: current, ok: false, error: String(e?.stack ?? e) }));
  process.exit(1);
}
