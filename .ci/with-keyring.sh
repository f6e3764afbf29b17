#!/usr/bin/env bash
# Runs a command in a private D-Bus session with an unlocked gnome-keyring (Secret Service) and a throw-away HOME,
# so keyring tests use a real backend and nothing touches the developer's own keyring or files. The keyring daemon
# outlives dbus-run-session on its own, so the session stops it before leaving.
set -euo pipefail
export STOCKROOM_REAL_HOME="$HOME"
HOME="$(mktemp -d)"
export HOME
trap 'rm -rf "$HOME"' EXIT
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
export STOCKROOM_KEYRING_PASSWORD=ci-pass
# shellcheck disable=SC2016
session='
printf %s "$STOCKROOM_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
status=0
"$@" || status=$?
for pid in $(pgrep -x gnome-keyring-d || true); do
  if { tr "\0" "\n" < "/proc/$pid/environ"; } 2>/dev/null | grep -qxF "DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS"; then
    kill "$pid" 2>/dev/null || true
  fi
done
exit "$status"'
dbus-run-session -- bash -c "$session" bash "$@" 2> >(grep -v "Failed to set fd limit" >&2)
