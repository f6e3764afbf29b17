#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet (as root), or says which are missing.
set -euo pipefail
command -v dpkg >/dev/null 2>&1 || { echo "system-deps: not a Debian system; install the equivalents of: $*"; exit 0; }
missing=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: missing ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
fi
