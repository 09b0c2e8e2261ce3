// Issue 15 on the browser phone: a live microphone. Debian's headless Chromium (driven by playwright-core) signs in on
// /phone with a user JWT, calls the application, and its fake microphone plays NCCO_WAV (room noise, a breath, maybe a
// spoken word; Chromium loops the file) through the phone's own getUserMedia (echo cancellation, noise suppression and
// automatic gain on, as for a person) and AudioWorklet. Optionally presses keypad key NCCO_KEY NCCO_PRESS_AFTER_MS
// after the call connects. Waits (bounded) for the call to end, as it does when the application's input completes.
// Prints one JSON object per step; tests/Ncco.Host.Tests/Browser/BrowserLiveMicrophoneTests.cs asserts on them and on
// what the application's webhooks received.
import { launchWithFakeMicrophone } from './fake-microphone.mjs';

const base = process.env.NCCO_BASE;
const token = process.env.NCCO_TOKEN;
const wav = process.env.NCCO_WAV;
const key = process.env.NCCO_KEY || '';
const pressAfter = Number(process.env.NCCO_PRESS_AFTER_MS || '0');
const callFor = Number(process.env.NCCO_CALL_MS || '30000');
const executablePath = process.env.NCCO_CHROMIUM || '/usr/bin/chromium';
const WAIT = 20000; // every wait is bounded

const step = (name, data = {}) => console.log(JSON.stringify({ step: name, ...data }));
const stats = (page) => page.evaluate(() => ({ ...window.nccoPhone.stats, events: undefined, recent: undefined }));

const browser = await launchWithFakeMicrophone({ executablePath, wav, timeout: WAIT });
try {
  const context = await browser.newContext();
  context.setDefaultTimeout(WAIT);
  await context.grantPermissions(['microphone'], { origin: base });
  const phone = await context.newPage();
  await phone.goto(`${base}/phone#token=${encodeURIComponent(token)}`);
  await phone.getByText(/Signed in as/).waitFor();
  step('signed in');

  await phone.getByRole('button', { name: 'Call the application' }).click();
  await phone.getByText('Connected.', { exact: true }).waitFor(); // exact: the keypad hint says "while a call is connected."
  const connectedAt = Date.now();
  step('connected', await stats(phone));

  if (key) {
    await phone.waitForTimeout(pressAfter);
    await phone.getByRole('group', { name: 'Keypad' }).getByRole('button', { name: key, exact: true }).click();
    step('pressed', { key, afterMs: Date.now() - connectedAt, ...(await stats(phone)) });
  }

  // The application hangs up once its input is done; a phone stuck in the input stays connected until callFor.
  const ended = await phone.getByText(/Call ended/).waitFor({ timeout: callFor }).then(() => true, () => false);
  const end = await stats(phone);
  if (!ended) await phone.getByRole('button', { name: 'Hang up' }).click();
  step('ended', { endedByTheApplication: ended, connectedMs: Date.now() - connectedAt, ...end });
} finally {
  await browser.close();
}
