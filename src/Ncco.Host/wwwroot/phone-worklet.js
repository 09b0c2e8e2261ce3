// The browser phone's audio thread: microphone → 20 ms frames of 16-bit PCM at 16 kHz (posted to the page, which sends
// them on the WebSocket), and 16 kHz frames from the host → the speakers at the context's own rate. Resampling happens
// here (linear interpolation) because Firefox cannot connect a microphone to an AudioContext of another rate.
const RATE = 16000;
const FRAME = 320;

class NccoPhoneProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.inStep = sampleRate / RATE;   // input samples per 16 kHz sample
    this.t = 0;                        // position of the next output sample, relative to the current block
    this.prev = 0;                     // last sample of the previous block
    this.frame = new Int16Array(FRAME);
    this.n = 0;
    this.muted = false;
    this.ring = new Float32Array(RATE); // one second of playback at most: more is latency, not audio
    this.r = 0;                        // fractional read position
    this.count = 0;                    // samples buffered
    this.w = 0;
    this.priming = true;               // after an underrun, wait for 60 ms before playing again
    this.outStep = RATE / sampleRate;
    this.port.onmessage = (e) => {
      const d = e.data;
      if (d.type === 'play') this.enqueue(d.samples);
      else if (d.type === 'mute') this.muted = d.muted;
      else if (d.type === 'clear') { this.count = 0; this.r = this.w; this.priming = true; }
    };
  }

  enqueue(samples) {
    for (let i = 0; i < samples.length; i++) {
      if (this.count === this.ring.length) { this.r = (this.r + 1) % this.ring.length; this.count--; }
      this.ring[this.w] = samples[i] / 32768;
      this.w = (this.w + 1) % this.ring.length;
      this.count++;
    }
  }

  capture(x) {
    while (this.t < x.length - 1) {
      const i = Math.floor(this.t);
      const f = this.t - i;
      const s0 = i < 0 ? this.prev : x[i];
      const s1 = x[i + 1];
      const v = s0 + (s1 - s0) * f;
      this.frame[this.n++] = Math.max(-32768, Math.min(32767, Math.round(v * 32767)));
      if (this.n === FRAME) {
        if (!this.muted) this.port.postMessage(this.frame.slice(0));
        this.n = 0;
      }
      this.t += this.inStep;
    }
    this.t -= x.length;
    this.prev = x[x.length - 1];
  }

  render(out) {
    const len = this.ring.length;
    for (let k = 0; k < out.length; k++) {
      if (this.priming) {
        if (this.count >= 3 * FRAME) this.priming = false;
        else { out[k] = 0; continue; }
      }
      if (this.count < 2) { this.priming = true; out[k] = 0; continue; }
      const i = Math.floor(this.r);
      const f = this.r - i;
      const a = this.ring[i % len];
      const b = this.ring[(i + 1) % len];
      out[k] = a + (b - a) * f;
      this.r += this.outStep;
      this.count -= Math.floor(this.r) - i;
      if (this.r >= len) this.r -= len;
    }
  }

  process(inputs, outputs) {
    const input = inputs[0] && inputs[0][0];
    if (input && input.length > 0) this.capture(input);
    const out = outputs[0] && outputs[0][0];
    if (out) {
      this.render(out);
      for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    }
    return true;
  }
}

registerProcessor('ncco-phone', NccoPhoneProcessor);
