#!/usr/bin/env bash
# Real SIP peers used by the SIP interop tests (tests/Ncco.Sip.Tests, tests/Ncco.Host.Tests/Sip) and bench/sip-load:
# SIPp (Debian package sip-tester, binary `sipp`), baresip as a softphone (baresip-core: the binary and its modules
# without the GTK front end the `baresip` metapackage pulls in) and Kamailio as a proxy in front of the host.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash .ci/apt-install.sh sip-tester baresip-core kamailio
