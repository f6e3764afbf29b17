"""Render ``resources/stockroom.svg`` into the bitmaps each platform's installer wants.

Only the SVG is kept in the repository; every PNG, the Windows ``.ico`` and the macOS ``.icns`` are derived from it at
build time, so a change to the mark is one edit. Rendering goes through Qt's own SVG renderer (QtSvg, part of
PySide6-Essentials), so the installers show exactly what the window shows, and needs no display.

The ``.ico`` and ``.icns`` containers are written here rather than by ImageMagick or ``iconutil``: each is a short
directory in front of images we already have (bitmaps and one PNG for Windows, PNGs for macOS), and the same file
comes out on every build machine.

    python packaging/render_icons.py [--svg resources/stockroom.svg] [--out build/icons]
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SVG = ROOT / "resources" / "stockroom.svg"
DEFAULT_OUT = ROOT / "build" / "icons"
NAME = "stockroom"

#: Sizes installed into the hicolor theme and shipped inside the bundle.
PNG_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256, 512)
#: Windows shows 16–48 in lists and the taskbar, 256 in large views.
ICO_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)
#: macOS icon types holding PNG data, with the pixel size of each (the @2x types reuse the next size up).
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_png(svg: Path, size: int) -> bytes:
    """One square PNG of the SVG at ``size`` pixels, antialiased, on a transparent background."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not an SVG file Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; PySide6 wants str
        raise RuntimeError(f"Qt could not encode a {size} px PNG")
    buffer.close()
    return bytes(data.data())


def dib_bytes(png: bytes) -> bytes:
    """One icon image in the classic form: a 32-bit BGRA bitmap, bottom-up, followed by an all-clear AND mask.

    Every Windows tool reads this form; PNG entries are kept for 256 px, where they are the norm and save 250 KB.
    """
    from PySide6.QtGui import QImage

    image = QImage.fromData(png).convertToFormat(QImage.Format.Format_ARGB32)  # little-endian ARGB32 = BGRA bytes
    width, height = image.width(), image.height()
    stride = image.bytesPerLine()
    pixels = bytes(image.constBits())
    rows = b"".join(pixels[y * stride : y * stride + width * 4] for y in reversed(range(height)))
    mask = bytes(((width + 31) // 32) * 4 * height)
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, len(rows) + len(mask), 0, 0, 0, 0)
    return header + rows + mask


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon with one image per size: bitmaps below 256 px, PNG at 256 px (the Vista and later layout)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        blob = pngs[size] if size >= 256 else dib_bytes(pngs[size])
        side = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon family of PNG entries, the same layout ``iconutil`` writes from an ``.iconset``."""
    chunks = [kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES]
    body = b"".join(chunks)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` in one step, so a build running at the same time never reads a half-written icon."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def render_all(svg: Path, out: Path) -> list[Path]:
    """Write ``stockroom-<size>.png`` for every size, ``stockroom.ico`` and ``stockroom.icns``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    needed = set(PNG_SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_TYPES}
    pngs = {size: render_png(svg, size) for size in sorted(needed)}
    written = []
    for size in PNG_SIZES:
        path = out / f"{NAME}-{size}.png"
        write_atomically(path, pngs[size])
        written.append(path)
    ico = out / f"{NAME}.ico"
    write_atomically(ico, ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    icns = out / f"{NAME}.icns"
    write_atomically(icns, icns_bytes(pngs))
    return [*written, ico, icns]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the application icon into PNG, ICO and ICNS files.")
    parser.add_argument("--svg", type=Path, default=DEFAULT_SVG, help=f"source SVG (default: {DEFAULT_SVG})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    if not args.svg.is_file():
        print(f"render_icons: {args.svg}: no such file", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in render_all(args.svg, args.out):
        print(f"{path.relative_to(args.out.parent) if path.is_relative_to(args.out.parent) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
