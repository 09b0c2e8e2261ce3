#!/usr/bin/env bash
# Real peers used by tests/Ncco.Rtp.Tests:
#   ffmpeg (independent G.722 encoder/decoder; RTP sender and SDP-driven RTP receiver for interop),
#   sox (test audio: tones and speech-like signals).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash .ci/apt-install.sh ffmpeg sox
