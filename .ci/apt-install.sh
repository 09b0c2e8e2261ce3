#!/usr/bin/env bash
# Shared helper: install Debian packages that are missing, with one apt-get update at most.
# Usage: bash .ci/apt-install.sh pkg1 pkg2 ...   (called by .ci/deps/*.sh)
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
if [ ! -f /tmp/.ncco-apt-updated ]; then
  apt-get update -qq && touch /tmp/.ncco-apt-updated
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
