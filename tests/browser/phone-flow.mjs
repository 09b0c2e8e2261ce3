// End to end in Debian's headless Chromium (never a downloaded browser), driven by playwright-core: the dashboard
// login and first screen, the browser phone calling the demo IVR with a fake microphone fed from a WAV file (a 1 kHz
// tone), the prompt heard, a key pressed, the echo bot returning the microphone's tone, the call's timeline on the
// dashboard with its sequence diagram drawn as SVG, the NCCO editor's errors, "call me with this NCCO" ringing the phone, and a screenshot of every page at
// desktop and phone widths. Prints one JSON object per step; tests/Ncco.Host.Tests/Browser/BrowserE2eTests.cs asserts on them.
import { launchWithFakeMicrophone } from './fake-microphone.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.NCCO_BASE;
const key = process.env.NCCO_API_KEY;
const secret = process.env.NCCO_API_SECRET;
const wav = process.env.NCCO_WAV;
const shots = process.env.NCCO_SCREENSHOTS;
const executablePath = process.env.NCCO_CHROMIUM || '/usr/bin/chromium';
const WAIT = 20000; // every wait is bounded
mkdirSync(shots, { recursive: true });

const step = (name, data = {}) => console.log(JSON.stringify({ step: name, ...data }));
const screenshots = [];
let dash;
async function shot(page, name) {
  const path = join(shots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  screenshots.push({ name, path, title: await page.title() });
}
async function shotOf(page, locator, name) {
  const path = join(shots, `${name}.png`);
  await locator.screenshot({ path });
  screenshots.push({ name, path, title: await page.title() });
}
const nav = (name) => dash.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();
const stats = (page) => page.evaluate(() => ({ ...window.nccoPhone.stats, events: undefined }));

const browser = await launchWithFakeMicrophone({ executablePath, wav, timeout: WAIT });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(WAIT);
  await context.grantPermissions(['microphone', 'clipboard-read', 'clipboard-write'], { origin: base });

  // ---- dashboard: sign in (keyboard only) and the first screen ----
  dash = await context.newPage();
  await dash.goto(`${base}/dashboard`);
  await dash.getByLabel('API key').waitFor();
  await shot(dash, 'dashboard-login');
  await dash.getByLabel('API key').fill(key);
  await dash.getByLabel('API secret').fill(secret);
  await dash.keyboard.press('Enter');
  await dash.getByRole('heading', { name: 'Start here' }).waitFor();
  step('dashboard sign-in', { title: await dash.title() });
  await shot(dash, 'dashboard-start');

  // ---- the phone, opened from the first screen ----
  const [phone] = await Promise.all([context.waitForEvent('page'), dash.getByRole('button', { name: 'Open the browser phone' }).click()]);
  phone.setDefaultTimeout(WAIT);
  await phone.getByText('Signed in as alice').waitFor();
  step('phone signed in', { title: await phone.title(), url: phone.url() });
  await shot(phone, 'phone-ready');

  // Muted while the menu plays: the test tone must not barge in on the prompt.
  await phone.getByRole('button', { name: 'Mute' }).click();
  await phone.getByRole('button', { name: 'Call the application' }).click();
  await phone.getByText('Connected.', { exact: true }).waitFor(); // exact: the keypad hint says "while a call is connected."
  await phone.waitForFunction(() => window.nccoPhone.stats.voicedFrames >= 150, null, { timeout: WAIT });
  const prompt = await stats(phone);
  step('heard the prompt', prompt);
  await shot(phone, 'phone-in-call');

  // Key 1 (typed on the keyboard) = the echo bot; unmuted, the microphone's tone must come back.
  await phone.keyboard.press('1');
  await phone.getByRole('button', { name: 'Unmute' }).click();
  await phone.waitForFunction(() => window.nccoPhone.stats.maxToneRun >= 25, null, { timeout: 30000 })
    .catch(async (e) => { step('echo not heard', await stats(phone)); throw e; });
  const echo = await stats(phone);
  step('pressed 1 and heard the echo', echo);
  await phone.getByRole('button', { name: 'Hang up' }).click();
  await phone.getByText(/Call ended/).waitFor();
  const callUuid = echo.calls[0];

  // ---- the call's timeline ----
  await nav('Calls');
  await dash.getByRole('button', { name: `Timeline of call ${callUuid}` }).click();
  await dash.locator('#timeline-entries li').filter({ hasText: '/demo/input' }).first().waitFor();
  await dash.locator('#timeline-entries li').filter({ hasText: 'completed' }).first().waitFor();
  const timeline = await dash.locator('#timeline-entries li').allInnerTexts();
  const mermaid = await dash.locator('#timeline-mermaid').textContent();
  // The sequence diagram drawn as SVG: what it names and draws, read from the elements themselves.
  const svg = dash.locator('#timeline-diagram svg.sequence');
  await svg.waitFor();
  const diagram = await svg.evaluate((e) => {
    const titles = (selector) => [...e.querySelectorAll(selector)].map((g) => g.querySelector('title').textContent);
    return {
      role: e.getAttribute('role'),
      title: e.querySelector(':scope > title').textContent,
      description: e.querySelector(':scope > desc').textContent,
      labelledBy: document.getElementById(e.getAttribute('aria-labelledby'))?.textContent,
      participants: titles('g.participant'),
      lifelines: e.querySelectorAll('line.lifeline').length,
      messages: titles('g.message'),
      replies: e.querySelectorAll('g.reply').length,
      notes: e.querySelectorAll('g.note').length,
      drawnLabels: [...e.querySelectorAll('g.message text')].map((t) => t.textContent),
      width: e.getBoundingClientRect().width,
      height: e.getBoundingClientRect().height,
    };
  });
  step('dashboard timeline', { uuid: callUuid, title: await dash.title(), entries: timeline, mermaid, diagram });
  await shot(dash, 'dashboard-calls-timeline');
  await dash.getByText('Copy as Mermaid').click();
  await dash.getByRole('button', { name: 'Copy the Mermaid text' }).click();
  await dash.locator('#copy-mermaid-result').filter({ hasText: /./ }).waitFor();
  const copied = { result: await dash.locator('#copy-mermaid-result').textContent(), clipboard: await dash.evaluate(() => navigator.clipboard.readText()) };
  step('copy as mermaid', copied);
  await dash.locator('#timeline-diagram').scrollIntoViewIfNeeded();
  await shotOf(dash, dash.locator('#timeline-diagram'), 'dashboard-sequence-diagram');

  // ---- NCCO editor: errors as you type, then call me ----
  await nav('NCCO editor');
  const editor = dash.getByLabel('NCCO (JSON array), validated as you type');
  await editor.fill('[{"action":"talk","txt":"Hello"}]');
  await dash.locator('#ncco-errors li').first().waitFor();
  const editorErrors = await dash.locator('#ncco-errors li').allInnerTexts();
  step('editor errors', { errors: editorErrors });
  await shot(dash, 'dashboard-editor-errors');
  // Recorded (in the background until the call ends), so the recordings page has a file to play.
  await editor.fill('[{"action":"record","format":"wav"},{"action":"talk","text":"Hello from the Ncco dashboard, this is your call."}]');
  await dash.getByText('Valid NCCO.').waitFor();
  const before = (await stats(phone)).voicedFrames;
  await dash.getByRole('button', { name: 'Call me with this NCCO' }).click();
  await phone.getByRole('button', { name: 'Answer' }).waitFor();
  await shot(phone, 'phone-ringing');
  await phone.getByRole('button', { name: 'Answer' }).click();
  await phone.getByText(/Call ended/).waitFor({ timeout: 30000 });
  const after = await stats(phone);
  step('call me', { heardFrames: after.voicedFrames - before, calls: after.calls, result: await dash.locator('#call-me-result').textContent() });

  // ---- the other pages ----
  await nav('Applications');
  await dash.locator('#applications-body tr').first().waitFor();
  await dash.getByLabel('Name', { exact: true }).fill('Browser test app');
  await dash.getByLabel('Answer URL').fill('https://example.com/webhooks/answer');
  await dash.getByLabel('Event URL').fill('https://example.com/webhooks/event');
  await dash.getByRole('button', { name: 'Create' }).click();
  await dash.locator('#applications-body tr').filter({ hasText: 'Browser test app' }).waitFor();
  const created = (await dash.locator('#application-result').innerText()).split('\n')[0];
  const applications = await dash.locator('#applications-body tr').allInnerTexts();
  await shot(dash, 'dashboard-applications');
  dash.once('dialog', (d) => d.accept());
  await dash.getByRole('button', { name: 'Delete Browser test app' }).click();
  await dash.locator('#applications-body tr').filter({ hasText: 'Browser test app' }).waitFor({ state: 'detached' });
  const afterDelete = await dash.locator('#applications-body tr').allInnerTexts();

  await nav('Numbers');
  await dash.getByLabel('Number (E.164)').fill('+447700900321');
  await dash.getByLabel('Country').fill('gb');
  await dash.getByLabel('Application', { exact: true }).selectOption({ label: 'Ncco demo' });
  await dash.getByRole('button', { name: 'Add number' }).click();
  await dash.locator('#numbers-body tr').filter({ hasText: '447700900321' }).waitFor();
  const numberAdded = await dash.locator('#number-result').innerText();
  const numberLinked = await dash.getByLabel('Application for 447700900321').evaluate((s) => s.options[s.selectedIndex].text);
  const numberRefused = await (async () => {
    await dash.getByLabel('Number (E.164)').fill('447700900321');
    await dash.getByLabel('Country').fill('GB');
    await dash.getByRole('button', { name: 'Add number' }).click();
    await dash.locator('#number-result').filter({ hasText: 'already' }).waitFor();
    return dash.locator('#number-result').innerText();
  })();
  await shot(dash, 'dashboard-numbers');
  dash.once('dialog', (d) => d.accept());
  await dash.getByRole('button', { name: 'Remove 447700900321' }).click();
  await dash.locator('#numbers-body tr').filter({ hasText: '447700900321' }).waitFor({ state: 'detached' });
  step('numbers page', { numberAdded, numberLinked, numberRefused });

  await nav('Recordings');
  await dash.getByRole('button', { name: /^Play recording/ }).first().waitFor();
  await dash.getByRole('button', { name: /^Play recording/ }).first().click();
  await dash.waitForFunction(() => { const p = document.getElementById('player'); return p.src.startsWith('blob:') && p.readyState >= 1 && p.duration > 0; }, null, { timeout: WAIT });
  const recording = await dash.evaluate(() => ({ duration: document.getElementById('player').duration, rows: document.querySelectorAll('#recordings-body tr').length }));
  await shot(dash, 'dashboard-recordings');
  await nav('Metrics');
  await dash.locator('#metrics-cards .card').first().waitFor();
  const metrics = await dash.locator('#metrics-cards').innerText();
  await shot(dash, 'dashboard-metrics');
  step('other pages', { applications, created, afterDelete, recording, metrics });

  // ---- phone widths ----
  await dash.setViewportSize({ width: 390, height: 844 });
  await phone.setViewportSize({ width: 390, height: 844 });
  await nav('Calls');
  await dash.locator('#timeline-entries li').first().waitFor();
  await shot(dash, 'narrow-dashboard-calls');
  await shot(phone, 'narrow-phone');
  const overflow = await Promise.all([dash, phone].map((p) => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)));
  // At phone width the diagram scrolls inside its own box instead of widening the page.
  const diagramScroll = await dash.locator('#timeline-diagram').evaluate((e) => ({ scrollWidth: e.scrollWidth, clientWidth: e.clientWidth, overflowX: getComputedStyle(e).overflowX }));
  step('narrow', { overflow, diagramScroll });

  console.log(JSON.stringify({ done: true, screenshots }));
} finally {
  await browser.close();
}
