"""The application icon: rendered from the one SVG into every size and container the installers ship, and found by
the window both in a checkout and in a frozen bundle."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage, QImageReader

from desktop_app.ui import assets
from tests.packaging.conftest import ROOT, load_packaging_module

render_icons = load_packaging_module("render_icons")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("icons")
    render_icons.render_all(ROOT / "resources" / "stockroom.svg", out)
    return out


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_png_has_its_size_and_the_mark_on_a_transparent_corner(rendered: Path, size: int) -> None:
    image = QImage(str(rendered / f"stockroom-{size}.png"))
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0, "the rounded square leaves the corners transparent"
    centre = image.pixelColor(size // 2, size // 2)
    assert centre.alpha() == 255


def test_small_sizes_keep_the_three_colours_apart(rendered: Path) -> None:
    """At 16 px the planks, cartons and ground land on whole pixels: each colour is present unblended."""
    image = QImage(str(rendered / "stockroom-16.png"))
    colours = {image.pixelColor(x, y).name() for x in range(16) for y in range(16)}
    for wanted in ("#f2a93b", "#f1eadb"):
        assert wanted in colours, f"{wanted} missing at 16 px: {sorted(colours)}"
    assert QColor("#f1eadb") == image.pixelColor(8, 12), "the lower plank runs across the middle of row 12"


def _read_all(path: Path) -> list[int]:
    reader = QImageReader(str(path))
    sizes = []
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        sizes.append(reader.read().width())
    return sizes


def test_ico_holds_every_windows_size(rendered: Path) -> None:
    path = rendered / "stockroom.ico"
    assert struct.unpack("<HHH", path.read_bytes()[:6]) == (0, 1, len(render_icons.ICO_SIZES))
    assert sorted(_read_all(path)) == sorted(render_icons.ICO_SIZES)


def test_ico_bitmaps_keep_every_pixel_and_its_alpha(rendered: Path) -> None:
    """The bitmap entries are written by hand (bottom-up BGRA plus mask): Qt's reader must see the PNG's pixels."""
    reader = QImageReader(str(rendered / "stockroom.ico"))
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        read = reader.read().convertToFormat(QImage.Format.Format_ARGB32)
        size = read.width()
        png = QImage(str(rendered / f"stockroom-{size}.png")).convertToFormat(QImage.Format.Format_ARGB32)
        assert read == png, f"{size} px entry differs from stockroom-{size}.png"


def test_icns_holds_every_macos_size_with_a_correct_length(rendered: Path) -> None:
    data = (rendered / "stockroom.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    assert sorted(_read_all(rendered / "stockroom.icns")) == sorted(size for _, size in render_icons.ICNS_TYPES)


def test_a_broken_svg_is_refused_with_its_name(tmp_path: Path) -> None:
    broken = tmp_path / "broken.svg"
    broken.write_text("<svg")
    with pytest.raises(ValueError, match=r"broken\.svg"):
        render_icons.render_png(broken, 16)


def test_window_icon_comes_from_the_checkout(qapp: object) -> None:
    assert assets.icon_path() == ROOT / "resources" / "stockroom.svg"
    icon = assets.app_icon()
    assert not icon.isNull()
    assert icon.pixmap(32, 32).width() == 32


def test_window_icon_comes_from_a_frozen_bundle(
    qapp: object, rendered: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a bundle ``resources/`` sits under ``sys._MEIPASS`` with the pre-rendered PNGs beside the SVG."""
    bundle_resources = tmp_path / "resources"
    (bundle_resources / "icons").mkdir(parents=True)
    (bundle_resources / "stockroom.svg").write_bytes((ROOT / "resources" / "stockroom.svg").read_bytes())
    for size in (16, 48):
        (bundle_resources / "icons" / f"stockroom-{size}.png").write_bytes(
            (rendered / f"stockroom-{size}.png").read_bytes()
        )
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assets.app_icon.cache_clear()
    try:
        assert assets.resources_dir() == bundle_resources
        sizes = sorted(size.width() for size in assets.app_icon().availableSizes())
        assert sizes == [16, 48]
    finally:
        assets.app_icon.cache_clear()
