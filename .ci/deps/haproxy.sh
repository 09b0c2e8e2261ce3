#!/usr/bin/env bash
# haproxy, the HTTP front of the cluster example (deploy/haproxy/haproxy.cfg): the cluster tests check that the shipped
# configuration is valid (`haproxy -c`) and scripts/cluster-demo.sh runs it in front of the three local nodes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash .ci/apt-install.sh haproxy
