#!/usr/bin/env bash
# PostgreSQL for the store provider tests (tests/Ncco.Host.Postgres.Tests): the server binaries under
# /usr/lib/postgresql/*/bin (initdb, pg_ctl) and the `postgres` system user the package creates. The tests start their
# own private server (initdb into a temp directory, pg_ctl on a free loopback port) as that user; the package's own
# cluster (/var/lib/postgresql/*/main) is not used.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash .ci/apt-install.sh postgresql
if ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi
