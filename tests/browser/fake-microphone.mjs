// Headless Chromium whose microphone is a WAV file: the browser phone's own capture path (getUserMedia with its
// constraints, noise suppression and gain control) hears exactly that file, and no prompt asks for permission.
import { chromium } from 'playwright-core';

/** Launches Chromium at `executablePath` with `wav` as the microphone; every launch step is bounded by `timeout` ms. */
export function launchWithFakeMicrophone({ executablePath, wav, timeout }) {
  return chromium.launch({
    executablePath,
    headless: true,
    timeout,
    args: [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--autoplay-policy=no-user-gesture-required',
      '--no-sandbox',
    ],
  });
}
