#!/usr/bin/env bash
# Native engines used by src/Ncco.Media and its tests:
#   libespeak-ng1 + espeak-ng-data (TTS), libpocketsphinx3 + libsphinxbase3 + pocketsphinx-en-us (ASR),
#   libsndfile1 (MP3/OGG/FLAC/other WAV), sox (test fixtures: tones, noise, format conversion).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash .ci/apt-install.sh espeak-ng libespeak-ng1 libsndfile1 sox libsox-fmt-mp3 pocketsphinx pocketsphinx-en-us libpocketsphinx3 libsphinxbase3
