#!/usr/bin/env bash
# Builds Stockroom's Linux deliverables from the working tree (behind `make package`):
#   dist/stockroom/                                 the PyInstaller one-folder bundle
#   dist/stockroom-<version>-linux-x86_64.tar.gz    that bundle, for any glibc distribution
#   dist/stockroom_<version>_amd64.deb              the bundle under /opt/stockroom, with menu entry and icons
# Needs the `package` extra (PyInstaller) in the venv and binutils, desktop-file-utils and dpkg on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="${PY:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"

VERSION="$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
ARCH=amd64
[ "$(uname -m)" = x86_64 ] || { echo "build.sh: only x86_64 builds are described here (this is $(uname -m))" >&2; exit 2; }
for tool in objdump desktop-file-validate dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (apt-get install binutils desktop-file-utils dpkg)" >&2; exit 2; }
done
"$PY" -c 'import PyInstaller' 2>/dev/null || { echo "build.sh: PyInstaller is missing: pip install -e '.[package]'" >&2; exit 2; }

elapsed() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - start }'; }
mkdir -p dist build
BUNDLE=dist/stockroom
TARBALL="dist/stockroom-$VERSION-linux-x86_64.tar.gz"
DEB="dist/stockroom_${VERSION}_$ARCH.deb"
STAGE=build/deb/stockroom_${VERSION}_$ARCH
ICONS=build/icons
# The last commit's time stamps every archived file, and owners and order are fixed, so rebuilds differ only in content.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"

echo "== PyInstaller bundle (stockroom $VERSION)"
start=$(date +%s.%N)
rm -rf "$BUNDLE"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/stockroom.spec
echo "bundle built in $(elapsed "$start") s"
"$BUNDLE/stockroom" --version | grep -qx "stockroom $VERSION" \
  || { echo "build.sh: the bundle does not answer 'stockroom $VERSION' to --version" >&2; exit 1; }

echo "== $TARBALL"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  --transform "s,^stockroom,stockroom-$VERSION," -C dist -cf - stockroom | gzip -n -6 > "$TARBALL"

echo "== $DEB"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/doc/stockroom"
cp -a "$BUNDLE" "$STAGE/opt/stockroom"
ln -s /opt/stockroom/stockroom "$STAGE/usr/bin/stockroom"
for png in "$ICONS"/stockroom-*.png; do
  size="${png##*-}"; size="${size%.png}"
  install -D -m 0644 "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/stockroom.png"
done
install -m 0644 resources/stockroom.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/stockroom.svg"
install -m 0644 packaging/linux/stockroom.desktop "$STAGE/usr/share/applications/stockroom.desktop"
desktop-file-validate "$STAGE/usr/share/applications/stockroom.desktop"
cat > "$STAGE/usr/share/doc/stockroom/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: stockroom
Files: *
License: MIT
Comment: /opt/stockroom/_internal carries Python, Qt (LGPL-3.0) and the Python libraries Stockroom depends on, each under
 its own licence; their metadata folders (*.dist-info) hold the licence texts.
EOF
find "$STAGE" -type d -exec chmod 0755 {} +

DEPENDS="$("$PY" packaging/deb_depends.py "$BUNDLE")"
INSTALLED_KB=$(du -sk --apparent-size --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<EOF
Package: stockroom
Version: $VERSION
Architecture: $ARCH
Maintainer: Stockroom developers <stockroom@example.org>
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Section: misc
Priority: optional
Description: desktop inventory manager for Commerce Layer
 Stockroom shows a Commerce Layer organisation's inventory models, stock levels
 and stock items in sortable tables, edits them, reorders stock locations by
 drag and drop, keeps credentials in the system keyring and works offline from
 a local cache. It includes a local Commerce Layer-compatible sandbox server.
EOF
find "$STAGE" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
start=$(date +%s.%N)
dpkg-deb -Zgzip --build --root-owner-group "$STAGE" "$DEB" >/dev/null
echo "deb built in $(elapsed "$start") s"

echo "== sizes"
echo "Depends: $DEPENDS"
printf 'bundle   %s  %6.1f MB\n' "$BUNDLE" "$(du -sk --apparent-size "$BUNDLE" | cut -f1 | awk '{print $1/1024}')"
printf 'tarball  %s  %6.1f MB\n' "$TARBALL" "$(stat -c %s "$TARBALL" | awk '{print $1/1048576}')"
printf 'deb      %s  %6.1f MB\n' "$DEB" "$(stat -c %s "$DEB" | awk '{print $1/1048576}')"
