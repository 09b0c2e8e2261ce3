#!/usr/bin/env bash
# The official Vonage Node SDK test (tests/Ncco.Host.Tests/Sdk/NodeSdkTests.cs) runs tests/sdk-node under Node 20.
# Skips the install when node_modules already matches package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../tests/sdk-node"
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --silent
