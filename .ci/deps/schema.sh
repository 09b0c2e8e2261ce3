#!/usr/bin/env bash
# Schema agreement test (tests/Ncco.Schema.Tests) runs ajv from tests/schema-tools under Node 20.
# Skips the install when node_modules already matches package-lock.json, so running the tests twice is cheap.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../tests/schema-tools"
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --silent
