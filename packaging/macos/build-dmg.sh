#!/usr/bin/env bash
# Builds dist/Stockroom.app with PyInstaller (the spec adds BUNDLE on macOS, with the Info.plist keys) and packs it
# into dist/stockroom-<version>-macos-<arch>.dmg: the app plus a link to /Applications to drag it onto.
# Runs on macOS only (hdiutil, codesign). The architecture is the build interpreter's: arm64 on Apple silicon
# runners, x86_64 on Intel ones. The app is ad-hoc signed, not notarised (that needs an Apple Developer ID; see
# packaging/README.md), so Gatekeeper asks the user to confirm on first start.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -s)" = Darwin ] || { echo "build-dmg.sh: run this on macOS (it needs hdiutil and codesign)" >&2; exit 2; }
PY="${PY:-$PWD/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
VERSION="$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
ARCH="$("$PY" -c 'import platform; print(platform.machine())')"
APP=dist/Stockroom.app
DMG="dist/stockroom-$VERSION-macos-$ARCH.dmg"
STAGE=build/dmg

rm -rf "$APP" dist/stockroom
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/stockroom.spec
"$APP/Contents/MacOS/stockroom" --version | grep -qx "stockroom $VERSION" \
  || { echo "build-dmg.sh: the app does not answer 'stockroom $VERSION' to --version" >&2; exit 1; }
/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$APP/Contents/Info.plist"

# PyInstaller signs each binary ad hoc; sign the bundle as a whole so its seal covers Info.plist and resources.
codesign --force --deep --sign - "$APP"
codesign --verify --deep --strict "$APP"

rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Stockroom $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
hdiutil verify "$DMG"
du -sh "$APP" "$DMG"
