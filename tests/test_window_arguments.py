"""The window's start reads its global flags without building argparse's parsers: what it reads must be what the
full parser returns, and anything it does not read plainly must go to the full parser."""

from __future__ import annotations

import pytest

from desktop_app.cli import build_parser, window_arguments

READ = [
    [],
    ["--offline"],
    ["--offline", "--tab", "stock_items", "--data-dir", "/d", "--config-dir=/c"],
    ["--demo", "--self-test", "--profile", "shop"],
    ["-v", "-vv", "--verbose", "--profile=a=b"],
    ["--tab=overview", "--tab", "skus"],
    ["--data-dir=", "--config-dir", ""],
    ["--profile=-x"],
]

NOT_READ = [
    ["sync"],
    ["--offline", "status"],
    ["-h"],
    ["--version"],
    ["--off"],  # an abbreviation: the full parser accepts it
    ["--tab", "nowhere"],
    ["--tab"],
    ["--profile", "-x"],
    ["-vx"],
    ["--offline=yes"],
    ["--", "--offline"],
    ["-"],
]


@pytest.mark.parametrize("argv", READ)
def test_what_the_window_reads_is_what_the_full_parser_returns(argv: list[str]) -> None:
    read = window_arguments(argv)
    assert read is not None
    assert vars(read) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", NOT_READ)
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert window_arguments(argv) is None


def test_an_abbreviation_still_opens_the_window() -> None:
    args = build_parser().parse_args(["--off", "--tab", "skus"])
    assert (args.offline, args.tab, args.command) == (True, "skus", None)
