#!/usr/bin/env bash
# Schema agreement test (tests/Ncco.Schema.Tests) runs ajv from tests/schema-tools under Node 20.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../tests/schema-tools"
npm ci --no-audit --no-fund
