#!/usr/bin/env bash
# The browser phone / dashboard end-to-end test (tests/Ncco.Host.Tests/Browser/BrowserE2eTests.cs) runs
# tests/browser/phone-flow.mjs: playwright-core from npm drives Debian's chromium (never a downloaded browser).
# Skips npm ci when node_modules already matches package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash .ci/apt-install.sh chromium chromium-driver
cd tests/browser
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --silent
