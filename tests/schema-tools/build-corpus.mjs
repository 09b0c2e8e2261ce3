// Writes tests/corpus/ncco/{valid,invalid}/*.json and tests/corpus/ncco/expectations.json from the cases below.
// The expected errors are written by hand from the reference (not copied from the validator's output);
// tests/Ncco.Schema.Tests checks our validator and ajv against them. Run: node tests/schema-tools/build-corpus.mjs
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "corpus", "ncco");
const cases = [];
const names = new Set();
function add(folder, name, body, errors) {
  if (names.has(name)) throw new Error("duplicate case " + name);
  names.add(name);
  cases.push({ folder, name, body, errors });
}
/** A valid NCCO. */
const ok = (name, ncco) => add("valid", name, ncco, []);
/** An invalid NCCO and its expected errors: [pointer, code] or [pointer, code, schemaLimit]. */
const bad = (name, ncco, ...errors) => add("invalid", name, ncco, errors);
/** Raw text instead of a value (invalid JSON, repeated member names, escapes JSON.stringify would not write). */
const raw = (text) => ({ raw: text });
/** Raw bytes: text that is not valid UTF-8. */
const bytes = (...parts) => ({ raw: Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p)))) });

const URL = "https://example.com/webhooks/event";
const MP3 = "https://example.com/audio/hold.mp3";
const LEG = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab";
const talk = (x = {}) => ({ action: "talk", text: "Hello", ...x });
const stream = (x = {}) => ({ action: "stream", streamUrl: [MP3], ...x });
const input = (x = {}) => ({ action: "input", type: ["dtmf"], ...x });
const record = (x = {}) => ({ action: "record", ...x });
const conversation = (x = {}) => ({ action: "conversation", name: "room-1", ...x });
const connect = (endpoint, x = {}) => ({ action: "connect", endpoint: [endpoint], ...x });
const phone = (x = {}) => ({ type: "phone", number: "447700900000", ...x });
const ws = (x = {}) => ({ type: "websocket", uri: "wss://example.com/socket", "content-type": "audio/l16;rate=16000", ...x });
const sip = (x = {}) => ({ type: "sip", uri: "sip:alice@sip.example.com", ...x });
const notify = (x = {}) => ({ action: "notify", payload: { step: 1 }, eventUrl: [URL], ...x });
const wait = (x = {}) => ({ action: "wait", ...x });
const transfer = (x = {}) => ({ action: "transfer", conversationId: "CON-0b9e7a55-7b4f-4a3a-9f0e-1f2d3c4b5a69", ...x });

// ---------------------------------------------------------------- document shape
bad("not-array-object", talk(), ["", "not-an-array"]);
bad("not-array-string", "talk", ["", "not-an-array"]);
bad("not-array-null", null, ["", "not-an-array"]);
bad("empty-ncco", [], ["", "empty"]);
bad("invalid-json-trailing-comma", raw('[{"action":"talk","text":"hi",}]'), ["", "invalid-json"]);
bad("action-is-string", ["talk"], ["/0", "not-an-object"]);
bad("action-is-null", [talk(), null], ["/1", "not-an-object"]);
bad("action-is-array", [[talk()]], ["/0", "not-an-object"]);
bad("missing-action-name", [{ text: "hi" }], ["/0", "missing-action"]);
bad("action-name-number", [{ action: 1, text: "hi" }], ["/0/action", "type"]);
bad("unknown-action", [{ action: "say", text: "hi" }], ["/0/action", "unknown-action"]);
bad("unknown-action-wrong-case", [{ action: "Talk", text: "hi" }], ["/0/action", "unknown-action"]);
bad("duplicate-json-member", raw('[{"action":"talk","text":"one","text":"two"}]'), ["/0/text", "duplicate-property", "duplicate-json-members"]);
// Text that is not Unicode: invalid UTF-8 bytes, or an escaped unpaired surrogate. JSON parsers let both through;
// nothing downstream can read them, so each is an error at the string (or member) that holds it.
bad("talk-text-invalid-utf8", bytes('[{"action":"talk","text":"caf', [0xc3, 0x28], ' au lait"}]'), ["/0/text", "encoding", "unicode-text"]);
bad("talk-text-lone-surrogate", raw('[{"action":"talk","text":"\\ud800 hello"}]'), ["/0/text", "encoding", "unicode-text"]);
bad("talk-text-lone-low-surrogate", raw('[{"action":"talk","text":"a\\udc00b"}]'), ["/0/text", "encoding", "unicode-text"]);
bad("input-type-item-lone-surrogate", raw('[{"action":"input","type":["\\ud83d"]}]'), ["/0/type/0", "encoding"]);
bad("notify-payload-lone-surrogate", raw('[{"action":"notify","payload":{"note":["ok","\\udfff"]},"eventUrl":["https://example.com/webhooks/event"]}]'), ["/0/payload/note/1", "encoding", "unicode-text"]);
bad("sip-header-name-invalid-utf8", bytes('[{"action":"connect","endpoint":[{"type":"sip","uri":"sip:alice@sip.example.com","headers":{"X', [0xff], '":"1"}}]}]'), ["/0/endpoint/0/headers/X\ufffd", "encoding", "unicode-text"]);
bad("talk-property-name-lone-surrogate", raw('[{"action":"talk","text":"hi","\\ud800":1}]'), ["/0/\ufffd", "encoding"]);
bad("action-name-lone-surrogate", raw('[{"action":"talk\\ud800","text":"hi"}]'), ["/0/action", "encoding"]);

// ---------------------------------------------------------------- talk
ok("talk-minimal", [talk()]);
ok("talk-all-options", [talk({ bargeIn: true, loop: 2, level: 0.5, language: "en-GB", style: 1, premium: false }), input()]);
ok("talk-loop-zero-forever", [talk({ loop: 0 })]);
ok("talk-level-edges", [talk({ level: -1 }), talk({ level: 1 }), talk({ level: 0 }), talk({ level: -0.1 })]);
ok("talk-language-lower-case", [talk({ language: "en-gb", style: 7 })]);
ok("talk-language-every-case", [talk({ language: "EN-us" }), talk({ language: "cmn-cn" }), talk({ language: "en-gb-wls" })]);
ok("talk-premium-style", [talk({ language: "en-US", style: 24, premium: true })]);
ok("talk-premium-only-language", [talk({ language: "de-AT", premium: true })]);
ok("talk-ar-style-7", [talk({ language: "ar", style: 7 })]);
ok("talk-voice-name", [talk({ voiceName: "Amy" }), talk({ voiceName: "kimberly" }), talk({ voiceName: "Mei-Jia" })]);
ok("talk-ssml", [talk({ text: "<speak>Hello <break time='1s'/> <prosody rate='slow'>world</prosody></speak>" })]);
ok("talk-ssml-1500-visible", [talk({ text: " \n<speak>" + "<s>" + "a".repeat(748) + "</s><s>" + "b".repeat(750) + "</s></speak>" })]);
ok("talk-text-1500", [talk({ text: "x".repeat(1500) })]);
ok("talk-provider", [talk({ provider: "google", providerOptions: { voice: "en-US-Wavenet-A" } })]);
ok("talk-numbers-as-strings", [talk({ loop: "2", level: "0.5", style: "1", language: "en-GB", bargeIn: "true", premium: "false" }), input()]);
ok("talk-number-strings-edges", [talk({ level: "-1" }), talk({ level: "1.0" }), talk({ level: ".5" }), talk({ level: "+0.5" }), talk({ level: "1." }), talk({ level: "-0" }), talk({ loop: "+0" }), talk({ loop: "007" })]);
ok("talk-whole-number-as-decimal", [talk({ loop: 3.0, style: 2.0 })]);
bad("talk-missing-text", [{ action: "talk" }], ["/0", "required"]);
bad("talk-text-empty", [talk({ text: "" })], ["/0/text", "length"]);
bad("talk-text-number", [talk({ text: 5 })], ["/0/text", "type"]);
bad("talk-text-1501", [talk({ text: "x".repeat(1501) })], ["/0/text", "length"]);
bad("talk-ssml-1501-visible", [talk({ text: "<speak>" + "a".repeat(1501) + "</speak>" })], ["/0/text", "length"]);
bad("talk-loop-negative", [talk({ loop: -1 })], ["/0/loop", "range"]);
bad("talk-loop-negative-string", [talk({ loop: "-1" })], ["/0/loop", "range"]);
bad("talk-loop-fraction", [talk({ loop: 1.5 })], ["/0/loop", "type"]);
bad("talk-loop-fraction-string", [talk({ loop: "1.5" })], ["/0/loop", "type"]);
bad("talk-loop-word", [talk({ loop: "twice" })], ["/0/loop", "type"]);
bad("talk-loop-huge-exponent", [talk({ loop: 1e300 })], ["/0/loop", "type"]);
bad("talk-level-above", [talk({ level: 1.1 })], ["/0/level", "range"]);
bad("talk-level-below", [talk({ level: -1.1 })], ["/0/level", "range"]);
bad("talk-level-above-string", [talk({ level: "1.01" })], ["/0/level", "range"]);
bad("talk-level-below-string", [talk({ level: "-1.5" })], ["/0/level", "range"]);
bad("talk-level-exponent-string", [talk({ level: "1e-1" })], ["/0/level", "type"]);
bad("talk-level-word", [talk({ level: "loud" })], ["/0/level", "type"]);
bad("talk-bargein-word", [talk({ bargeIn: "yes" })], ["/0/bargeIn", "type"]);
bad("talk-bargein-upper-case-string", [talk({ bargeIn: "TRUE" })], ["/0/bargeIn", "type"]);
bad("talk-bargein-number", [talk({ bargeIn: 1 })], ["/0/bargeIn", "type"]);
bad("talk-bargein-wrong-case-name", [talk({ bargein: true })], ["/0/bargein", "unknown-property"]);
bad("talk-language-unknown", [talk({ language: "en-XX" })], ["/0/language", "format"]);
bad("talk-language-number", [talk({ language: 5 })], ["/0/language", "type"]);
bad("talk-style-negative", [talk({ style: -1 })], ["/0/style", "range"]);
// Whole numbers bind to 32-bit integers: beyond that they are out of range, never an overflow in the reader.
bad("talk-style-2147483648", [talk({ style: 2147483648 })], ["/0/style", "range"]);
bad("talk-style-not-in-language", [talk({ language: "en-GB", style: 9 })], ["/0/style", "range"]);
bad("talk-style-string-not-in-language", [talk({ language: "en-gb", style: "9" })], ["/0/style", "range"]);
bad("talk-style-needs-premium", [talk({ language: "en-US", style: 24 })], ["/0/style", "range"]);
bad("talk-style-default-language", [talk({ style: 15 })], ["/0/style", "range"]);
bad("talk-premium-only-language-without-premium", [talk({ language: "de-AT" })], ["/0/language", "range"]);
bad("talk-premium-word", [talk({ premium: "on" })], ["/0/premium", "type"]);
bad("talk-voice-name-unknown", [talk({ voiceName: "Robot" })], ["/0/voiceName", "format"]);
bad("talk-provider-without-options", [talk({ provider: "google" })], ["/0/provider", "requires"]);
bad("talk-provider-empty", [talk({ provider: "", providerOptions: {} })], ["/0/provider", "length"]);
bad("talk-provider-options-not-object", [talk({ provider: "google", providerOptions: "voice=A" })], ["/0/providerOptions", "type"]);

// ---------------------------------------------------------------- stream
ok("stream-minimal", [stream()]);
ok("stream-all-options", [stream({ level: -0.5, bargeIn: true, loop: 0 }), input()]);
ok("stream-level-edges", [stream({ level: -1 }), stream({ level: "1" })]);
bad("stream-missing-url", [{ action: "stream" }], ["/0", "required"]);
bad("stream-url-string", [stream({ streamUrl: MP3 })], ["/0/streamUrl", "type"]);
bad("stream-url-empty-array", [stream({ streamUrl: [] })], ["/0/streamUrl", "length"]);
bad("stream-url-two", [stream({ streamUrl: [MP3, MP3] })], ["/0/streamUrl", "length"]);
bad("stream-url-ftp", [stream({ streamUrl: ["ftp://example.com/a.mp3"] })], ["/0/streamUrl/0", "format"]);
bad("stream-url-relative", [stream({ streamUrl: ["/audio/a.mp3"] })], ["/0/streamUrl/0", "format"]);
bad("stream-url-number", [stream({ streamUrl: [5] })], ["/0/streamUrl/0", "type"]);
bad("stream-url-port-too-big", [stream({ streamUrl: ["https://example.com:99999/a.mp3"] })], ["/0/streamUrl/0", "format", "url-syntax"]);
bad("stream-level-above", [stream({ level: 2 })], ["/0/level", "range"]);
bad("stream-loop-negative", [stream({ loop: -2 })], ["/0/loop", "range"]);
bad("stream-loop-2147483648", [stream({ loop: 2147483648 })], ["/0/loop", "range"]);
bad("stream-loop-2147483648-string", [stream({ loop: "2147483648" })], ["/0/loop", "range"]);
ok("stream-loop-largest", [stream({ loop: 2147483647 })]);
bad("stream-bargein-word", [stream({ bargeIn: "no" })], ["/0/bargeIn", "type"]);

// ---------------------------------------------------------------- bargeIn sequence (reference §1.9)
ok("bargein-talk-then-input", [talk({ bargeIn: true }), input()]);
ok("bargein-sticky-talk-stream-input", [talk({ bargeIn: true }), stream(), talk({ bargeIn: false }), input({ type: ["speech"] })]);
ok("bargein-false-then-anything", [talk({ bargeIn: false }), record()]);
bad("bargein-then-record", [talk({ bargeIn: true }), record()], ["/1", "bargein-sequence", "bargein-sequence"]);
bad("bargein-at-end", [talk(), stream({ bargeIn: true })], ["/1/bargeIn", "bargein-sequence", "bargein-sequence"]);
bad("bargein-stream-talk-notify", [stream({ bargeIn: "true" }), talk(), notify()], ["/2", "bargein-sequence", "bargein-sequence"]);

// ---------------------------------------------------------------- input
ok("input-dtmf-minimal", [input()]);
ok("input-speech-minimal", [input({ type: ["speech"] })]);
ok("input-dtmf-and-speech", [input({ type: ["dtmf", "speech"], dtmf: { maxDigits: 1 }, speech: { language: "en-GB" } })]);
ok("input-dtmf-all-options", [input({ dtmf: { timeOut: 0, maxDigits: 20, submitOnHash: true }, eventUrl: [URL], eventMethod: "GET", mode: "synchronous" })]);
ok("input-dtmf-edges", [input({ dtmf: { timeOut: 10, maxDigits: 1, submitOnHash: false } })]);
ok("input-speech-all-options", [input({ type: ["speech"], speech: { uuid: [LEG], endOnSilence: 0.4, language: "es-ES", context: ["sales", "support"], startTimeout: 1, maxDuration: 60, saveAudio: true, sensitivity: 10, provider: "deepgram", providerOptions: { model: "nova" } }, eventUrl: [URL], eventMethod: "POST" })]);
ok("input-speech-edges", [input({ type: ["speech"], speech: { endOnSilence: 10, startTimeout: 60, maxDuration: 1, sensitivity: 100 } })]);
ok("input-speech-mandarin-aliases", [input({ type: ["speech"], speech: { language: "cmn-hans-cn" } }), input({ type: ["speech"], speech: { language: "ZH-CMN-HANS-CN" } }), input({ type: ["speech"], speech: { language: "zh" } })]);
ok("input-asynchronous", [input({ mode: "asynchronous", eventUrl: [URL] })]);
ok("input-values-as-strings", [input({ type: ["dtmf", "speech"], dtmf: { timeOut: "5", maxDigits: "+4", submitOnHash: "true" }, speech: { endOnSilence: "0.4", sensitivity: "010", saveAudio: "false", startTimeout: "60" } })]);
bad("input-missing-type", [{ action: "input", eventUrl: [URL] }], ["/0", "required"]);
bad("input-type-string", [input({ type: "dtmf" })], ["/0/type", "type"]);
bad("input-type-empty", [input({ type: [] })], ["/0/type", "length"]);
bad("input-type-unknown", [input({ type: ["voice"] })], ["/0/type/0", "enum"]);
bad("input-type-wrong-case", [input({ type: ["DTMF"] })], ["/0/type/0", "enum"]);
bad("input-type-repeated", [input({ type: ["dtmf", "dtmf"] })], ["/0/type/1", "duplicate-property"]);
bad("input-type-three", [input({ type: ["dtmf", "speech", "speech"] })], ["/0/type", "length"], ["/0/type/2", "duplicate-property"]);
bad("input-dtmf-settings-without-dtmf", [input({ type: ["speech"], dtmf: { maxDigits: 2 } })], ["/0/dtmf", "requires"]);
bad("input-speech-settings-without-speech", [input({ speech: { language: "en-US" } })], ["/0/speech", "requires"]);
bad("input-async-with-dtmf-settings", [input({ mode: "asynchronous", dtmf: { maxDigits: 4 } })], ["/0/dtmf", "conflict"]);
bad("input-async-with-speech", [input({ mode: "asynchronous", type: ["dtmf", "speech"] })], ["/0/type", "conflict"]);
bad("input-async-speech-only", [input({ mode: "asynchronous", type: ["speech"] })], ["/0/type", "conflict"]);
bad("input-mode-unknown", [input({ mode: "async" })], ["/0/mode", "enum"]);
bad("input-dtmf-not-object", [input({ dtmf: true })], ["/0/dtmf", "type"]);
bad("input-dtmf-timeout-above", [input({ dtmf: { timeOut: 11 } })], ["/0/dtmf/timeOut", "range"]);
bad("input-dtmf-timeout-below", [input({ dtmf: { timeOut: -1 } })], ["/0/dtmf/timeOut", "range"]);
bad("input-dtmf-timeout-word", [input({ dtmf: { timeOut: "ten" } })], ["/0/dtmf/timeOut", "type"]);
bad("input-dtmf-maxdigits-zero", [input({ dtmf: { maxDigits: 0 } })], ["/0/dtmf/maxDigits", "range"]);
bad("input-dtmf-maxdigits-21", [input({ dtmf: { maxDigits: 21 } })], ["/0/dtmf/maxDigits", "range"]);
bad("input-dtmf-maxdigits-21-string", [input({ dtmf: { maxDigits: "21" } })], ["/0/dtmf/maxDigits", "range"]);
bad("input-dtmf-submitonhash-word", [input({ dtmf: { submitOnHash: "yes" } })], ["/0/dtmf/submitOnHash", "type"]);
bad("input-dtmf-unknown-setting", [input({ dtmf: { maxdigits: 4 } })], ["/0/dtmf/maxdigits", "unknown-property"]);
bad("input-speech-endonsilence-below", [input({ type: ["speech"], speech: { endOnSilence: 0.3 } })], ["/0/speech/endOnSilence", "range"]);
bad("input-speech-endonsilence-above", [input({ type: ["speech"], speech: { endOnSilence: 10.1 } })], ["/0/speech/endOnSilence", "range"]);
bad("input-speech-endonsilence-below-string", [input({ type: ["speech"], speech: { endOnSilence: "0.39" } })], ["/0/speech/endOnSilence", "range"]);
bad("input-speech-starttimeout-zero", [input({ type: ["speech"], speech: { startTimeout: 0 } })], ["/0/speech/startTimeout", "range"]);
bad("input-speech-starttimeout-61", [input({ type: ["speech"], speech: { startTimeout: 61 } })], ["/0/speech/startTimeout", "range"]);
bad("input-speech-maxduration-zero", [input({ type: ["speech"], speech: { maxDuration: 0 } })], ["/0/speech/maxDuration", "range"]);
bad("input-speech-maxduration-61", [input({ type: ["speech"], speech: { maxDuration: "61" } })], ["/0/speech/maxDuration", "range"]);
bad("input-speech-sensitivity-9", [input({ type: ["speech"], speech: { sensitivity: 9 } })], ["/0/speech/sensitivity", "range"]);
bad("input-speech-sensitivity-101", [input({ type: ["speech"], speech: { sensitivity: 101 } })], ["/0/speech/sensitivity", "range"]);
bad("input-speech-language-unknown", [input({ type: ["speech"], speech: { language: "xx-XX" } })], ["/0/speech/language", "format"]);
bad("input-speech-uuid-empty", [input({ type: ["speech"], speech: { uuid: [] } })], ["/0/speech/uuid", "length"]);
bad("input-speech-uuid-two", [input({ type: ["speech"], speech: { uuid: [LEG, LEG] } })], ["/0/speech/uuid", "length"]);
bad("input-speech-uuid-string", [input({ type: ["speech"], speech: { uuid: LEG } })], ["/0/speech/uuid", "type"]);
bad("input-speech-context-string", [input({ type: ["speech"], speech: { context: "sales" } })], ["/0/speech/context", "type"]);
bad("input-speech-context-number", [input({ type: ["speech"], speech: { context: ["sales", 7] } })], ["/0/speech/context/1", "type"]);
bad("input-speech-saveaudio-word", [input({ type: ["speech"], speech: { saveAudio: "no" } })], ["/0/speech/saveAudio", "type"]);
bad("input-speech-provider-without-options", [input({ type: ["speech"], speech: { provider: "google" } })], ["/0/speech/provider", "requires"]);
bad("input-speech-provider-empty", [input({ type: ["speech"], speech: { provider: "", providerOptions: {} } })], ["/0/speech/provider", "length"]);

// ---------------------------------------------------------------- record
ok("record-minimal", [record()]);
ok("record-all-options", [record({ format: "wav", split: "conversation", channels: 32, endOnSilence: 3, endOnKey: "#", timeOut: 7200, beepStart: true, eventUrl: [URL], eventMethod: "GET", transcription: { language: "en-GB", eventUrl: [URL], eventMethod: "POST", sentimentAnalysis: true } })]);
ok("record-edges", [record({ split: "conversation", channels: 1, endOnSilence: 10, timeOut: 3, endOnKey: "0" })]);
ok("record-formats", [record({ format: "mp3" }), record({ format: "ogg" }), record({ format: "wav" })]);
ok("record-every-end-key", ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"].map((k) => record({ endOnKey: k })));
ok("record-values-as-strings", [record({ split: "conversation", channels: "2", endOnSilence: "3", timeOut: "60", beepStart: "true" })]);
ok("record-transcription-empty", [record({ transcription: {} })]);
bad("record-format-unknown", [record({ format: "flac" })], ["/0/format", "enum"]);
bad("record-format-upper-case", [record({ format: "MP3" })], ["/0/format", "enum"]);
bad("record-split-unknown", [record({ split: "stereo" })], ["/0/split", "enum"]);
bad("record-channels-without-split", [record({ channels: 2 })], ["/0/channels", "requires"]);
bad("record-channels-zero", [record({ split: "conversation", channels: 0 })], ["/0/channels", "range"]);
bad("record-channels-33", [record({ split: "conversation", channels: 33 })], ["/0/channels", "range"]);
bad("record-endonsilence-2", [record({ endOnSilence: 2 })], ["/0/endOnSilence", "range"]);
bad("record-endonsilence-11", [record({ endOnSilence: 11 })], ["/0/endOnSilence", "range"]);
bad("record-endonkey-letter", [record({ endOnKey: "A" })], ["/0/endOnKey", "enum"]);
bad("record-endonkey-two-keys", [record({ endOnKey: "12" })], ["/0/endOnKey", "enum"]);
bad("record-endonkey-number", [record({ endOnKey: 1 })], ["/0/endOnKey", "type"]);
bad("record-timeout-2", [record({ timeOut: 2 })], ["/0/timeOut", "range"]);
bad("record-timeout-7201", [record({ timeOut: 7201 })], ["/0/timeOut", "range"]);
bad("record-timeout-7201-string", [record({ timeOut: "7201" })], ["/0/timeOut", "range"]);
bad("record-beepstart-number", [record({ beepStart: 1 })], ["/0/beepStart", "type"]);
bad("record-transcription-not-object", [record({ transcription: true })], ["/0/transcription", "type"]);
bad("record-transcription-language", [record({ transcription: { language: "english" } })], ["/0/transcription/language", "format"]);
bad("record-transcription-unknown", [record({ transcription: { sentiment: true } })], ["/0/transcription/sentiment", "unknown-property"]);
bad("record-transcription-sentiment-word", [record({ transcription: { sentimentAnalysis: "maybe" } })], ["/0/transcription/sentimentAnalysis", "type"]);

// ---------------------------------------------------------------- eventUrl / eventMethod on every object that has them
const withEvents = {
  record: (x) => [record(x)],
  conversation: (x) => [conversation(x)],
  connect: (x) => [connect(phone(), x)],
  input: (x) => [input(x)],
  notify: (x) => [notify(x)],
  transcription: (x) => [record({ transcription: x })],
};
for (const [owner, make] of Object.entries(withEvents)) {
  const at = owner === "transcription" ? "/0/transcription" : "/0";
  ok(`${owner}-event-get`, make({ eventUrl: ["http://example.com/e?x=1#f"], eventMethod: "GET" }));
  bad(`${owner}-event-url-string`, make({ eventUrl: URL }), [`${at}/eventUrl`, "type"]);
  bad(`${owner}-event-url-two`, make({ eventUrl: [URL, URL] }), [`${at}/eventUrl`, "length"]);
  bad(`${owner}-event-url-not-http`, make({ eventUrl: ["example.com/events"] }), [`${at}/eventUrl/0`, "format"]);
  bad(`${owner}-event-method-put`, make({ eventMethod: "PUT" }), [`${at}/eventMethod`, "enum"]);
}
bad("notify-event-method-lower-case", [notify({ eventMethod: "post" })], ["/0/eventMethod", "enum"]);

// ---------------------------------------------------------------- conversation
ok("conversation-minimal", [conversation()]);
ok("conversation-all-options", [conversation({ musicOnHoldUrl: [MP3], startOnEnter: false, endOnExit: true, record: true, canSpeak: [LEG], canHear: [], eventUrl: [URL], eventMethod: "POST", transcription: { language: "en-US", sentimentAnalysis: false } })]);
ok("conversation-mute", [conversation({ mute: true, canHear: [LEG] })]);
ok("conversation-mute-false-with-canspeak", [conversation({ mute: false, canSpeak: [LEG] })]);
ok("conversation-record-string-with-transcription", [conversation({ record: "true", transcription: {} })]);
bad("conversation-missing-name", [{ action: "conversation", record: true }], ["/0", "required"]);
bad("conversation-name-empty", [conversation({ name: "" })], ["/0/name", "length"]);
bad("conversation-name-number", [conversation({ name: 42 })], ["/0/name", "type"]);
bad("conversation-mute-with-canspeak", [conversation({ mute: true, canSpeak: [LEG] })], ["/0/mute", "conflict"]);
bad("conversation-mute-string-with-canspeak", [conversation({ mute: "true", canSpeak: [] })], ["/0/mute", "conflict"]);
bad("conversation-transcription-without-record", [conversation({ transcription: {} })], ["/0/transcription", "requires"]);
bad("conversation-transcription-record-false", [conversation({ record: false, transcription: { language: "en-US" } })], ["/0/transcription", "requires"]);
bad("conversation-canspeak-repeated", [conversation({ canSpeak: [LEG, LEG] })], ["/0/canSpeak/1", "duplicate-property"]);
bad("conversation-canhear-repeated", [conversation({ canHear: ["a", "b", "a"] })], ["/0/canHear/2", "duplicate-property"]);
bad("conversation-canhear-string", [conversation({ canHear: LEG })], ["/0/canHear", "type"]);
bad("conversation-music-two", [conversation({ musicOnHoldUrl: [MP3, MP3] })], ["/0/musicOnHoldUrl", "length"]);
bad("conversation-music-not-url", [conversation({ musicOnHoldUrl: ["hold.mp3"] })], ["/0/musicOnHoldUrl/0", "format"]);
bad("conversation-startonenter-word", [conversation({ startOnEnter: "no" })], ["/0/startOnEnter", "type"]);
bad("conversation-endonexit-number", [conversation({ endOnExit: 0 })], ["/0/endOnExit", "type"]);
bad("conversation-record-word", [conversation({ record: "yes" })], ["/0/record", "type"]);

// ---------------------------------------------------------------- connect
ok("connect-phone-minimal", [connect(phone())]);
ok("connect-phone-all-options", [connect(phone({ dtmfAnswer: "1p2#*", onAnswer: { url: "https://example.com/whisper", ringbackTone: MP3 }, shaken: "eyJhbGciOiJFUzI1NiJ9.e30.sig;info=<https://cert.example.org/passport.cer>;alg=ES256;ppt=\"shaken\"" }), { from: "447700900001", eventType: "synchronous", timeout: 3, limit: 1, machineDetection: "hangup", advancedMachineDetection: { behavior: "hangup", mode: "detect_beep", beep_timeout: 30 }, eventUrl: [URL], eventMethod: "POST", ringbackTone: MP3 })]);
ok("connect-edges", [connect(phone({ number: "123456789012345", dtmfAnswer: "" }), { timeout: 7200, limit: 7200, advancedMachineDetection: { beep_timeout: 120 } }), connect(phone({ number: "1234567" }), { timeout: "3", limit: "7200" })]);
ok("connect-random-from-number", [connect(phone(), { randomFromNumber: true })]);
ok("connect-random-false-with-from", [connect(phone(), { randomFromNumber: false, from: "447700900001" })]);
ok("connect-machine-detection-continue", [connect(phone(), { machineDetection: "continue", advancedMachineDetection: { behavior: "continue", mode: "default" } }), connect(phone(), { advancedMachineDetection: { mode: "detect" } })]);
ok("connect-amd-snake-case", [connect(phone(), { advanced_machine_detection: { behavior: "continue", mode: "detect", beep_timeout: 45 } })]);
ok("connect-on-answer-ringback-legacy", [connect(phone({ onAnswer: { url: "https://example.com/whisper", ringback: MP3 } }))]);
ok("connect-app", [connect({ type: "app", user: "alice" })]);
ok("connect-websocket", [connect(ws({ headers: { caller: "447700900000", lang: "en" }, authorization: { type: "vonage" } }), { eventType: "synchronous", eventUrl: [URL] })]);
ok("connect-websocket-content-types", [connect(ws({ uri: "ws://10.0.0.5:8080/audio", "content-type": "audio/l16;rate=8000" })), connect(ws({ "content-type": "audio/l16;rate=24000" }))]);
ok("connect-websocket-custom-auth", [connect(ws({ authorization: { type: "custom", value: "Basic YWxhZGRpbjpvcGVuc2VzYW1l" } }))]);
ok("connect-sip-uri", [connect(sip({ headers: { "User-Id": "42", Tier: "gold" }, standardHeaders: { "User-to-User": "56a390f3d2b7310023a;encoding=hex;purpose=foo" } }))]);
ok("connect-sip-tls", [connect(sip({ uri: "sips:alice@sip.example.com;transport=tls;media=srtp" })), connect(sip({ uri: "SIP:bob@10.0.0.1:5060" }))]);
ok("connect-sip-ipv6", [connect(sip({ uri: "sip:alice@[::1]:5060" })), connect(sip({ uri: "sip:[2001:db8::1];transport=tcp" }))]);
ok("connect-sip-user-domain", [connect({ type: "sip", user: "alice", domain: "my-trunk" })]);
ok("connect-sip-standard-headers-snake-case", [connect(sip({ standard_headers: { "User-to-User": "aa;encoding=hex" } }))]);
ok("connect-vbc", [connect({ type: "vbc", extension: "1234" })]);
bad("connect-missing-endpoint", [{ action: "connect", from: "447700900001" }], ["/0", "required"]);
bad("connect-endpoint-object", [{ action: "connect", endpoint: phone() }], ["/0/endpoint", "type"]);
bad("connect-endpoint-empty", [{ action: "connect", endpoint: [] }], ["/0/endpoint", "length"]);
bad("connect-endpoint-two", [{ action: "connect", endpoint: [phone(), phone()] }], ["/0/endpoint", "length"]);
bad("connect-endpoint-string", [{ action: "connect", endpoint: ["447700900000"] }], ["/0/endpoint/0", "not-an-object"]);
bad("connect-endpoint-missing-type", [{ action: "connect", endpoint: [{ number: "447700900000" }] }], ["/0/endpoint/0", "required"]);
bad("connect-endpoint-unknown-type", [connect({ type: "pstn", number: "447700900000" })], ["/0/endpoint/0/type", "enum"]);
bad("connect-endpoint-unknown-property", [connect(phone({ numbre: "1" }))], ["/0/endpoint/0/numbre", "unknown-property"]);
bad("connect-from-plus", [connect(phone(), { from: "+447700900001" })], ["/0/from", "format"]);
bad("connect-from-6-digits", [connect(phone(), { from: "123456" })], ["/0/from", "format"]);
bad("connect-from-16-digits", [connect(phone(), { from: "1234567890123456" })], ["/0/from", "format"]);
bad("connect-from-dashes", [connect(phone(), { from: "44-7700-900001" })], ["/0/from", "format"]);
bad("connect-from-with-random", [connect(phone(), { from: "447700900001", randomFromNumber: true })], ["/0/randomFromNumber", "conflict"]);
bad("connect-from-with-random-string", [connect(phone(), { randomFromNumber: "true", from: "447700900001" })], ["/0/randomFromNumber", "conflict"]);
bad("connect-random-word", [connect(phone(), { randomFromNumber: "sure" })], ["/0/randomFromNumber", "type"]);
bad("connect-event-type-unknown", [connect(phone(), { eventType: "asynchronous" })], ["/0/eventType", "enum"]);
bad("connect-timeout-2", [connect(phone(), { timeout: 2 })], ["/0/timeout", "range"]);
bad("connect-timeout-7201", [connect(phone(), { timeout: 7201 })], ["/0/timeout", "range"]);
bad("connect-timeout-with-unit", [connect(phone(), { timeout: "60s" })], ["/0/timeout", "type"]);
bad("connect-limit-zero", [connect(phone(), { limit: 0 })], ["/0/limit", "range"]);
bad("connect-limit-7201", [connect(phone(), { limit: 7201 })], ["/0/limit", "range"]);
bad("connect-machine-detection-unknown", [connect(phone(), { machineDetection: "drop" })], ["/0/machineDetection", "enum"]);
bad("connect-amd-behavior-unknown", [connect(phone(), { advancedMachineDetection: { behavior: "stop" } })], ["/0/advancedMachineDetection/behavior", "enum"]);
bad("connect-amd-mode-unknown", [connect(phone(), { advancedMachineDetection: { mode: "fast" } })], ["/0/advancedMachineDetection/mode", "enum"]);
bad("connect-amd-beep-timeout-29", [connect(phone(), { advancedMachineDetection: { beep_timeout: 29 } })], ["/0/advancedMachineDetection/beep_timeout", "range"]);
bad("connect-amd-beep-timeout-121", [connect(phone(), { advanced_machine_detection: { beep_timeout: 121 } })], ["/0/advanced_machine_detection/beep_timeout", "range"]);
bad("connect-amd-camel-case-key", [connect(phone(), { advancedMachineDetection: { beepTimeout: 60 } })], ["/0/advancedMachineDetection/beepTimeout", "unknown-property"]);
bad("connect-amd-both-spellings", [connect(phone(), { advancedMachineDetection: { behavior: "continue" }, advanced_machine_detection: { behavior: "continue" } })], ["/0/advanced_machine_detection", "duplicate-property"]);
bad("connect-amd-not-object", [connect(phone(), { advancedMachineDetection: "hangup" })], ["/0/advancedMachineDetection", "type"]);
bad("connect-ringback-not-url", [connect(phone(), { ringbackTone: "ringing.mp3" })], ["/0/ringbackTone", "format"]);
bad("connect-ringback-array", [connect(phone(), { ringbackTone: [MP3] })], ["/0/ringbackTone", "type"]);
bad("phone-missing-number", [connect({ type: "phone" })], ["/0/endpoint/0", "required"]);
bad("phone-number-plus", [connect(phone({ number: "+447700900000" }))], ["/0/endpoint/0/number", "format"]);
bad("phone-number-short", [connect(phone({ number: "123456" }))], ["/0/endpoint/0/number", "format"]);
bad("phone-number-integer", [connect(phone({ number: 447700900000 }))], ["/0/endpoint/0/number", "type"]);
bad("phone-dtmf-answer-letter", [connect(phone({ dtmfAnswer: "12a" }))], ["/0/endpoint/0/dtmfAnswer", "format"]);
bad("phone-on-answer-missing-url", [connect(phone({ onAnswer: { ringbackTone: MP3 } }))], ["/0/endpoint/0/onAnswer", "required"]);
bad("phone-on-answer-url-ftp", [connect(phone({ onAnswer: { url: "ftp://example.com/ncco" } }))], ["/0/endpoint/0/onAnswer/url", "format"]);
bad("phone-on-answer-ringback-not-url", [connect(phone({ onAnswer: { url: URL, ringbackTone: "tone" } }))], ["/0/endpoint/0/onAnswer/ringbackTone", "format"]);
bad("phone-on-answer-both-ringback-spellings", [connect(phone({ onAnswer: { url: URL, ringbackTone: MP3, ringback: MP3 } }))], ["/0/endpoint/0/onAnswer/ringback", "duplicate-property"]);
bad("phone-shaken-empty", [connect(phone({ shaken: "" }))], ["/0/endpoint/0/shaken", "length"]);
bad("app-missing-user", [connect({ type: "app" })], ["/0/endpoint/0", "required"]);
bad("app-user-empty", [connect({ type: "app", user: "" })], ["/0/endpoint/0/user", "length"]);
bad("websocket-uri-http", [connect(ws({ uri: "https://example.com/socket" }))], ["/0/endpoint/0/uri", "format"]);
bad("websocket-missing-uri", [connect({ type: "websocket", "content-type": "audio/l16;rate=16000" })], ["/0/endpoint/0", "required"]);
bad("websocket-missing-content-type", [connect({ type: "websocket", uri: "wss://example.com/socket" })], ["/0/endpoint/0", "required"]);
bad("websocket-content-type-44100", [connect(ws({ "content-type": "audio/l16;rate=44100" }))], ["/0/endpoint/0/content-type", "enum"]);
// The official Node SDK sends contentType: accepted as an alias of content-type, but not both at once.
ok("websocket-content-type-camel-case", [connect({ type: "websocket", uri: "wss://example.com/socket", contentType: "audio/l16;rate=16000" })]);
bad("websocket-content-type-both-spellings", [connect(ws({ contentType: "audio/l16;rate=8000" }))], ["/0/endpoint/0/contentType", "duplicate-property"]);
bad("websocket-headers-not-object", [connect(ws({ headers: "x=1" }))], ["/0/endpoint/0/headers", "type"]);
bad("websocket-headers-too-big", [connect(ws({ headers: { blob: "x".repeat(600) } }))], ["/0/endpoint/0/headers", "length", "websocket-headers-size"]);
bad("websocket-custom-auth-without-value", [connect(ws({ authorization: { type: "custom" } }))], ["/0/endpoint/0/authorization/type", "requires"]);
bad("websocket-auth-type-unknown", [connect(ws({ authorization: { type: "basic", value: "abc" } }))], ["/0/endpoint/0/authorization/type", "enum"]);
bad("websocket-auth-missing-type", [connect(ws({ authorization: { value: "abc" } }))], ["/0/endpoint/0/authorization", "required"]);
bad("websocket-auth-value-not-ascii", [connect(ws({ authorization: { type: "custom", value: "Bearer caf\u00e9" } }))], ["/0/endpoint/0/authorization/value", "format"]);
bad("websocket-auth-value-empty", [connect(ws({ authorization: { type: "custom", value: "" } }))], ["/0/endpoint/0/authorization/value", "length"]);
bad("websocket-auth-value-8192", [connect(ws({ authorization: { type: "custom", value: "a".repeat(8192) } }))], ["/0/endpoint/0/authorization/value", "length"]);
bad("sip-neither-uri-nor-user", [connect({ type: "sip", headers: { a: "b" } })], ["/0/endpoint/0", "required"]);
bad("sip-uri-and-user", [connect(sip({ user: "alice", domain: "my-trunk" }))], ["/0/endpoint/0/user", "conflict"]);
bad("sip-user-without-domain", [connect({ type: "sip", user: "alice" })], ["/0/endpoint/0/user", "requires"]);
bad("sip-domain-without-user", [connect({ type: "sip", domain: "my-trunk" })], ["/0/endpoint/0", "required"], ["/0/endpoint/0/domain", "requires"]);
bad("sip-uri-http", [connect(sip({ uri: "http://sip.example.com" }))], ["/0/endpoint/0/uri", "format"]);
bad("sip-uri-no-host", [connect(sip({ uri: "sip:alice@" }))], ["/0/endpoint/0/uri", "format"]);
bad("sip-uri-scheme-only", [connect(sip({ uri: "sip:" }))], ["/0/endpoint/0/uri", "format"]);
bad("sip-uri-ipv6-empty", [connect(sip({ uri: "sip:alice@[]:5060" }))], ["/0/endpoint/0/uri", "format"]);
bad("sip-uri-ipv6-unclosed", [connect(sip({ uri: "sip:alice@[::1:5060" }))], ["/0/endpoint/0/uri", "format"]);
bad("sip-user-empty", [connect({ type: "sip", user: "", domain: "trunk" })], ["/0/endpoint/0/user", "length"]);
bad("sip-domain-empty", [connect({ type: "sip", user: "alice", domain: "" })], ["/0/endpoint/0/domain", "length"]);
bad("sip-header-value-number", [connect(sip({ headers: { "User-Id": 42 } }))], ["/0/endpoint/0/headers/User-Id", "type"]);
bad("sip-standard-headers-unknown", [connect(sip({ standardHeaders: { Diversion: "<sip:a@b>" } }))], ["/0/endpoint/0/standardHeaders/Diversion", "unknown-property"]);
bad("sip-uui-257", [connect(sip({ standardHeaders: { "User-to-User": "a".repeat(257) } }))], ["/0/endpoint/0/standardHeaders/User-to-User", "length"]);
bad("sip-uui-empty", [connect(sip({ standardHeaders: { "User-to-User": "" } }))], ["/0/endpoint/0/standardHeaders/User-to-User", "length"]);
bad("sip-uui-astral-258-utf16", [connect(sip({ standardHeaders: { "User-to-User": "\u{1F600}".repeat(129) } }))], ["/0/endpoint/0/standardHeaders/User-to-User", "length", "utf16-length"]);
bad("sip-standard-headers-both-spellings", [connect(sip({ standardHeaders: {}, standard_headers: {} }))], ["/0/endpoint/0/standard_headers", "duplicate-property"]);
bad("vbc-missing-extension", [connect({ type: "vbc" })], ["/0/endpoint/0", "required"]);
bad("vbc-extension-empty", [connect({ type: "vbc", extension: "" })], ["/0/endpoint/0/extension", "length"]);

// ---------------------------------------------------------------- notify
ok("notify-minimal", [notify()]);
ok("notify-nested-payload", [notify({ payload: { order: { id: 7, items: ["a", "b"] }, ok: true }, eventMethod: "GET" })]);
bad("notify-missing-payload", [{ action: "notify", eventUrl: [URL] }], ["/0", "required"]);
bad("notify-missing-event-url", [{ action: "notify", payload: {} }], ["/0", "required"]);
bad("notify-payload-array", [notify({ payload: [1, 2] })], ["/0/payload", "type"]);

// ---------------------------------------------------------------- wait
ok("wait-default", [wait()]);
ok("wait-edges", [wait({ timeout: 0.1 }), wait({ timeout: 7200 }), wait({ timeout: 10.5 })]);
ok("wait-as-strings", [wait({ timeout: "0.1" }), wait({ timeout: "7200" }), wait({ timeout: "7200.000" }), wait({ timeout: "+.25" })]);
bad("wait-below", [wait({ timeout: 0.05 })], ["/0/timeout", "range"]);
bad("wait-zero", [wait({ timeout: 0 })], ["/0/timeout", "range"]);
bad("wait-above", [wait({ timeout: 7200.5 })], ["/0/timeout", "range"]);
bad("wait-below-string", [wait({ timeout: "0.09" })], ["/0/timeout", "range"]);
bad("wait-above-string", [wait({ timeout: "7200.01" })], ["/0/timeout", "range"]);
bad("wait-negative-string", [wait({ timeout: "-1" })], ["/0/timeout", "range"]);
bad("wait-word", [wait({ timeout: "soon" })], ["/0/timeout", "type"]);
bad("wait-unknown-property", [wait({ time: 5 })], ["/0/time", "unknown-property"]);

// ---------------------------------------------------------------- transfer
ok("transfer-minimal", [transfer()]);
ok("transfer-snake-case", [{ action: "transfer", conversation_id: "CON-1" }]);
ok("transfer-all-options", [transfer({ canHear: [LEG], canSpeak: [], mute: false })]);
ok("transfer-mute", [transfer({ mute: true, canHear: [LEG] })]);
bad("transfer-missing-conversation", [{ action: "transfer", mute: true }], ["/0", "required"]);
bad("transfer-both-spellings", [transfer({ conversation_id: "CON-2" })], ["/0/conversation_id", "duplicate-property"]);
bad("transfer-conversation-empty", [transfer({ conversationId: "" })], ["/0/conversationId", "length"]);
bad("transfer-mute-with-canspeak", [transfer({ mute: true, canSpeak: [LEG] })], ["/0/mute", "conflict"]);
bad("transfer-canhear-repeated", [transfer({ canHear: [LEG, LEG] })], ["/0/canHear/1", "duplicate-property"]);
bad("transfer-canspeak-repeated", [transfer({ canSpeak: ["x", "x"] })], ["/0/canSpeak/1", "duplicate-property"]);
bad("transfer-mute-word", [transfer({ mute: "muted" })], ["/0/mute", "type"]);

// ---------------------------------------------------------------- several errors at once
bad("three-mistakes", [talk({ loop: -1 }), input({ dtmf: { maxDigits: 25 }, eventUrl: URL }), record({ channels: 2 })],
  ["/0/loop", "range"], ["/1/dtmf/maxDigits", "range"], ["/1/eventUrl", "type"], ["/2/channels", "requires"]);

// ---------------------------------------------------------------- shapes the official SDK builders produce (reference §0 sources)
// Java (com.vonage.client.voice.ncco): camelCase, numbers as JSON numbers, advancedMachineDetection, standardHeaders.
ok("sdk-java-ivr", [
  { action: "talk", text: "Welcome. Press 1 for sales.", bargeIn: true, language: "en-GB", style: 2, premium: false },
  { action: "input", type: ["dtmf", "speech"], dtmf: { maxDigits: 1, timeOut: 5, submitOnHash: true }, speech: { language: "en-GB", endOnSilence: 1.5, context: ["sales", "support"] }, eventUrl: [URL], eventMethod: "POST", mode: "synchronous" },
]);
ok("sdk-java-connect", [{ action: "connect", endpoint: [{ type: "sip", uri: "sip:rebekka@sip.example.com", headers: { location: "New York City" }, standardHeaders: { "User-to-User": "342342ef34;encoding=hex" } }], from: "447700900000", eventType: "synchronous", timeout: 45, limit: 3600, advancedMachineDetection: { behavior: "continue", mode: "detect", beep_timeout: 60 }, eventUrl: [URL] }, { action: "wait", timeout: 0.5 }, { action: "transfer", conversationId: "CON-f972836a-550f-45fa-956c-12a2ab5b7d22", canHear: [LEG], mute: true }]);
// Node (@vonage/voice NCCOBuilder): plain objects, arrays for URLs.
ok("sdk-node-builder", [
  { action: "record", eventUrl: [URL], endOnSilence: 3, endOnKey: "#", beepStart: true, format: "mp3" },
  { action: "stream", streamUrl: [MP3], level: 0, bargeIn: false, loop: 1 },
  { action: "notify", payload: { foo: "bar" }, eventUrl: [URL], eventMethod: "POST" },
  { action: "input", type: ["dtmf"], mode: "asynchronous", eventUrl: [URL] },
]);
// .NET (Vonage.Voice.Nccos): advanced_machine_detection and standard_headers spellings, explicit defaults.
ok("sdk-dotnet-connect", [{ action: "connect", endpoint: [{ type: "sip", uri: "sip:alice@example.com", standard_headers: { "User-to-User": "aa;encoding=hex" } }], advanced_machine_detection: { behavior: "hangup", mode: "detect_beep", beep_timeout: 45 }, randomFromNumber: false, eventType: "synchronous", timeout: 60, limit: 7200 }]);
ok("sdk-dotnet-talk-strings", [{ action: "talk", text: "Hello from .NET", bargeIn: "false", loop: "1", level: "0", language: "en-US", style: "0", premium: "false" }]);
ok("sdk-dotnet-record", [{ action: "record", format: "wav", split: "conversation", channels: 2, endOnSilence: 5, endOnKey: "*", timeOut: 120, beepStart: true, eventUrl: [URL], eventMethod: "POST", transcription: { language: "en-US", eventUrl: [URL], eventMethod: "POST", sentimentAnalysis: true } }]);
// Python (vonage_voice.models.ncco): pydantic models dumped by alias, settings objects nested.
ok("sdk-python-input", [{ action: "input", type: ["speech"], speech: { uuid: [LEG], endOnSilence: 2, language: "en-US", context: ["yes", "no"], startTimeout: 10, maxDuration: 60, saveAudio: false, sensitivity: 90 }, eventUrl: [URL] }]);
ok("sdk-python-websocket", [{ action: "connect", endpoint: [{ type: "websocket", uri: "wss://example.com/socket", "content-type": "audio/l16;rate=16000", headers: { language: "en-GB" }, authorization: { type: "custom", value: "Bearer token-123" } }], eventType: "synchronous", eventUrl: [URL] }]);
// Ruby (Vonage::Voice::Actions): conversation_id, advanced_machine_detection, provider/providerOptions on talk.
ok("sdk-ruby-transfer", [{ action: "transfer", conversation_id: "CON-a1b2", canSpeak: [LEG] }]);
ok("sdk-ruby-talk-provider", [{ action: "talk", text: "Hi", provider: "google", providerOptions: { voice: "en-GB-Standard-A" } }, { action: "connect", endpoint: [{ type: "app", user: "bob" }], advanced_machine_detection: { behavior: "continue", mode: "default" } }]);
ok("sdk-ruby-conversation", [{ action: "conversation", name: "moderated", musicOnHoldUrl: [MP3], startOnEnter: false, endOnExit: false, record: true, canHear: [LEG], transcription: { language: "en-GB", sentimentAnalysis: true } }]);
// Typical applications built from the docs' examples.
ok("app-voicemail", [talk({ text: "Leave a message after the tone." }), record({ endOnSilence: 3, endOnKey: "#", beepStart: true, eventUrl: [URL] }), talk({ text: "Thank you." })]);
ok("app-call-proxy", [talk({ text: "Connecting you" }), connect(phone({ number: "447700900002" }), { from: "447700900001", timeout: 30 }), connect({ type: "vbc", extension: "100" })]);
ok("app-conference-moderator", [talk({ text: "Welcome, moderator" }), conversation({ name: "board", startOnEnter: true, endOnExit: true, record: true, musicOnHoldUrl: [MP3] })]);

// ---------------------------------------------------------------- write
rmSync(join(root, "valid"), { recursive: true, force: true });
rmSync(join(root, "invalid"), { recursive: true, force: true });
mkdirSync(join(root, "valid"), { recursive: true });
mkdirSync(join(root, "invalid"), { recursive: true });
const expectations = {};
for (const c of cases) {
  const file = `${c.folder}/${c.name}.json`;
  const text = c.body && typeof c.body === "object" && "raw" in c.body && !Array.isArray(c.body) ? c.body.raw : JSON.stringify(c.body, null, 2);
  writeFileSync(join(root, file), Buffer.isBuffer(text) ? Buffer.concat([text, Buffer.from("\n")]) : text + "\n");
  expectations[file] = c.errors.map(([pointer, code, schemaLimit]) => (schemaLimit ? { pointer, code, schemaLimit } : { pointer, code }));
}
writeFileSync(join(root, "expectations.json"), JSON.stringify(expectations, null, 2) + "\n");
const valid = cases.filter((c) => c.folder === "valid").length;
console.log(`${cases.length} files: ${valid} valid, ${cases.length - valid} invalid`);
