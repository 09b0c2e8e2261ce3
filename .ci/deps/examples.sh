#!/usr/bin/env bash
# The example apps outside .NET (tests/Ncco.Scenarios.Tests/ExampleAppTests.cs runs `ncco test` against them):
# examples/node-ivr and examples/node-hold-line need their npm packages (the official @vonage/voice NCCO builder) under Node 20;
# examples/python-flask and examples/python-conference need Debian's python3-flask.
# Skips each install when it is already there, so running the tests twice is cheap.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

cd "$root/examples/node-ivr"
if ! { [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; }; then
  npm ci --no-audit --no-fund --silent
fi

# examples/node-hold-line: Express and the official Node SDK (@vonage/server-sdk), calling the Voice REST API.
cd "$root/examples/node-hold-line"
if ! { [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; }; then
  npm ci --no-audit --no-fund --silent
fi

bash "$root/.ci/apt-install.sh" python3-flask
