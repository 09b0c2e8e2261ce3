#!/usr/bin/env bash
# Real SIP peer used by tests/Ncco.Sip.Tests interop tests: SIPp (Debian package sip-tester, binary `sipp`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash .ci/apt-install.sh sip-tester
