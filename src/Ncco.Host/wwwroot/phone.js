// The browser phone: signs in over /phone/ws with a user JWT, places and takes calls, and carries audio both ways as
// 20 ms frames of 16-bit little-endian PCM at 16 kHz (the protocol is in src/Ncco.Host/Browser/README.md).
// window.nccoPhone.stats describes the audio received, so tests (and curious people) can see what the phone heard.
const RATE = 16000;
const $ = (id) => document.getElementById(id);

const stats = { calls: [], recent: [], framesSent: 0, framesReceived: 0, voicedFrames: 0, toneFrames: 0, toneRun: 0, toneMisses: 0, maxToneRun: 0, maxRms: 0, lastEvent: null, events: [] };
const state = { socket: null, call: null, muted: false, audio: null, user: null };
window.nccoPhone = { stats, state };

function setStatus(text) { $('status').textContent = text; }
function setProblem(text) { $('problem').textContent = text || ''; }

function show(view) {
  $('idle').hidden = view !== 'idle';
  $('ringing').hidden = view !== 'ringing';
  $('in-call').hidden = view !== 'in-call';
}

async function startAudio() {
  if (state.audio) return state.audio;
  if (!navigator.mediaDevices || !window.AudioWorkletNode) throw new Error('This browser has no microphone or AudioWorklet support (use a current Chromium or Firefox over http://127.0.0.1 or https).');
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }, video: false });
  const context = new AudioContext();
  await context.audioWorklet.addModule('/ui/phone-worklet.js');
  const node = new AudioWorkletNode(context, 'ncco-phone', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
  const source = context.createMediaStreamSource(stream);
  source.connect(node);
  node.connect(context.destination);
  node.port.onmessage = (e) => {
    const socket = state.socket;
    if (!state.call || !state.call.connected || !socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(e.data.buffer);
    stats.framesSent++;
  };
  node.port.postMessage({ type: 'mute', muted: state.muted });
  if (context.state === 'suspended') await context.resume();
  state.audio = { stream, context, node };
  return state.audio;
}

function stopAudio() {
  const a = state.audio;
  if (!a) return;
  state.audio = null;
  a.stream.getTracks().forEach((t) => t.stop());
  a.context.close();
}

// Loudness and a 1 kHz test-tone detector (40 zero crossings per 20 ms frame), per received frame; recent keeps the
// last half second as [rms, crossings] pairs.
function measure(samples) {
  let sum = 0, crossings = 0;
  for (let i = 0; i < samples.length; i++) {
    sum += samples[i] * samples[i];
    if (i > 0 && (samples[i - 1] < 0) !== (samples[i] < 0)) crossings++;
  }
  const rms = Math.sqrt(sum / samples.length);
  stats.framesReceived++;
  stats.recent.push([Math.round(rms), crossings]);
  if (stats.recent.length > 25) stats.recent.shift();
  if (rms > stats.maxRms) stats.maxRms = rms;
  if (rms > 300) stats.voicedFrames++;
  // A run tolerates two odd frames in a row (a late frame is a frame of silence), not more.
  if (rms > 300 && crossings >= 36 && crossings <= 44) {
    stats.toneFrames++;
    stats.toneRun++;
    stats.toneMisses = 0;
    if (stats.toneRun > stats.maxToneRun) stats.maxToneRun = stats.toneRun;
  } else if (++stats.toneMisses > 2) {
    stats.toneRun = 0;
  }
  $('levels').textContent = `heard ${(stats.voicedFrames / 50).toFixed(1)} s of sound`;
}

function onEvent(message) {
  stats.lastEvent = message.event;
  stats.events.push(message.event);
  switch (message.event) {
    case 'ready':
      state.user = message.user;
      $('user').textContent = message.user;
      $('signin').hidden = true;
      $('phone').hidden = false;
      show('idle');
      setStatus(`Signed in as ${message.user}. Ready.`);
      $('call').focus();
      break;
    case 'calling':
      if (state.call && !state.call.uuid) state.call.uuid = message.uuid;
      if (state.call && !state.call.connected) setStatus('Calling the application…');
      break;
    case 'incoming':
      state.call = { uuid: message.uuid, connected: false, incoming: true };
      $('ringing-from').textContent = message.from ? `from ${message.from}` : '';
      show('ringing');
      setStatus('Ringing: incoming call.');
      $('answer').focus();
      break;
    case 'answered':
      if (!state.call) state.call = { uuid: message.uuid };
      state.call.uuid = message.uuid;
      state.call.connected = true;
      stats.calls.push(message.uuid);
      show('in-call');
      setStatus('Connected.');
      $('hangup').focus();
      break;
    case 'ended':
      state.call = null;
      if (state.audio) state.audio.node.port.postMessage({ type: 'clear' });
      show('idle');
      setStatus(`Call ended (${message.reason}).`);
      break;
    case 'dtmf':
      break;
    case 'error':
      setProblem(`${message.field}: ${message.reason}`);
      if (!state.call) show('idle');
      break;
  }
}

function signIn(token) {
  setProblem('');
  const url = new URL('/phone/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  state.socket = socket;
  setStatus('Signing in…');
  socket.onopen = () => socket.send(JSON.stringify({ action: 'login', token }));
  socket.onmessage = (e) => {
    if (typeof e.data === 'string') {
      let message;
      try { message = JSON.parse(e.data); } catch { setProblem('The host sent a message that is not JSON.'); return; }
      onEvent(message);
      return;
    }
    const samples = new Int16Array(e.data);
    measure(samples);
    if (state.audio) state.audio.node.port.postMessage({ type: 'play', samples });
  };
  socket.onclose = (e) => {
    state.socket = null;
    state.call = null;
    stopAudio();
    $('phone').hidden = true;
    $('signin').hidden = false;
    setStatus(e.code === 1008 ? 'Sign-in refused.' : 'Signed out (connection closed). Sign in again with a new token.');
  };
}

function send(message) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
}

async function placeCall(event) {
  event.preventDefault();
  setProblem('');
  const message = { action: 'call' };
  const to = $('to').value.trim();
  if (to) message.to = to;
  const custom = $('custom-data').value.trim();
  if (custom) {
    try { message.custom_data = JSON.parse(custom); } catch (e) { setProblem(`custom_data: not JSON (${e.message})`); $('custom-data').focus(); return; }
    if (typeof message.custom_data !== 'object' || Array.isArray(message.custom_data) || message.custom_data === null) { setProblem('custom_data: must be a JSON object'); $('custom-data').focus(); return; }
  }
  try { await startAudio(); } catch (e) { setProblem(`microphone: ${e.message}`); return; }
  state.call = { uuid: null, connected: false, incoming: false };
  show('in-call');
  setStatus('Calling the application…');
  send(message);
}

async function answer() {
  try { await startAudio(); } catch (e) { setProblem(`microphone: ${e.message}`); send({ action: 'reject' }); return; }
  send({ action: 'answer' });
}

function pressKey(key) {
  if (!state.call || !state.call.connected) return;
  send({ action: 'dtmf', digit: key });
}

function toggleMute() {
  state.muted = !state.muted;
  $('mute').setAttribute('aria-pressed', String(state.muted));
  $('mute').textContent = state.muted ? 'Unmute' : 'Mute';
  if (state.audio) state.audio.node.port.postMessage({ type: 'mute', muted: state.muted });
}

document.addEventListener('DOMContentLoaded', () => {
  $('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('token').value.trim()); });
  $('call-form').addEventListener('submit', placeCall);
  $('answer').addEventListener('click', answer);
  $('decline').addEventListener('click', () => send({ action: 'reject' }));
  $('hangup').addEventListener('click', () => send({ action: 'hangup' }));
  $('mute').addEventListener('click', toggleMute);
  document.querySelectorAll('[data-key]').forEach((b) => b.addEventListener('click', () => pressKey(b.dataset.key)));
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    if (/^[0-9*#]$/.test(e.key)) pressKey(e.key);
  });
  // The dashboard opens /phone#token=…: the fragment never reaches a server log; it is dropped once read because a
  // token is accepted only once.
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    history.replaceState(null, '', location.pathname);
    signIn(fromFragment);
  }
});
