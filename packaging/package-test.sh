#!/usr/bin/env bash
# Installs the .deb into a throw-away root with `dpkg -x` and runs the installed program (behind `make package-test`):
# --version, the sandbox subcommand, login/logout through the keyring, --self-test, and its start time next to the
# source's. Builds first unless the .deb is newer than every source file (so `make package-test`, which has just run
# `make package`, builds once).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-$PWD/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
VERSION="$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
DEB="dist/stockroom_${VERSION}_amd64.deb"

if [ ! -f "$DEB" ] || [ -n "$(find desktop_app resources packaging pyproject.toml -newer "$DEB" -type f \
    -not -path '*/__pycache__/*' -print -quit)" ]; then
  bash packaging/build.sh
fi

ROOTFS="$(mktemp -d "${TMPDIR:-/tmp}/stockroom-root.XXXXXX")"
trap 'rm -rf "$ROOTFS"' EXIT
dpkg -x "$DEB" "$ROOTFS"
EXE="$ROOTFS/opt/stockroom/stockroom"
status=0

echo "== installed files ($DEB into $ROOTFS)"
[ "$(readlink "$ROOTFS/usr/bin/stockroom")" = /opt/stockroom/stockroom ] \
  || { echo "FAIL /usr/bin/stockroom does not point at /opt/stockroom/stockroom"; status=1; }
desktop-file-validate "$ROOTFS/usr/share/applications/stockroom.desktop" || status=1
for size in 16 24 32 48 64 128 256 512; do
  [ -s "$ROOTFS/usr/share/icons/hicolor/${size}x${size}/apps/stockroom.png" ] || { echo "FAIL no ${size}px icon"; status=1; }
done
[ -s "$ROOTFS/usr/share/icons/hicolor/scalable/apps/stockroom.svg" ] || { echo "FAIL no scalable icon"; status=1; }
[ "$status" -eq 0 ] && echo "ok   launcher link, menu entry and icons in place"

echo "== the installed program"
# Inside a private D-Bus session with a throw-away gnome-keyring when the machine has one, so the keyring check runs.
KEYRING=()
command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null && KEYRING=(bash .ci/with-keyring.sh)
"${KEYRING[@]}" "$PY" packaging/check_bundle.py --exe "$EXE" --version-expected "$VERSION" --python "$PY" || status=1

echo "== sizes"
printf 'bundle (installed) %6.1f MB\n' "$(du -sk --apparent-size "$ROOTFS/opt/stockroom" | cut -f1 | awk '{print $1/1024}')"
printf '.deb               %6.1f MB\n' "$(stat -c %s "$DEB" | awk '{print $1/1048576}')"
[ "$status" -eq 0 ] && echo "package-test: all checks passed" || echo "package-test: FAILED (see FAIL lines above)"
exit "$status"
