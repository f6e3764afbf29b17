#!/usr/bin/env bash
# Runs a command in a private D-Bus session with an unlocked gnome-keyring (Secret Service) and a throw-away HOME,
# so keyring tests use a real backend and nothing touches the developer's own keyring or files.
set -euo pipefail
export STOCKROOM_REAL_HOME="$HOME"
HOME="$(mktemp -d)"
export HOME
trap 'rm -rf "$HOME"' EXIT
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
export STOCKROOM_KEYRING_PASSWORD=ci-pass
dbus-run-session -- bash -c \
  'printf %s "$STOCKROOM_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' \
  bash "$@" 2> >(grep -v "Failed to set fd limit" >&2)
