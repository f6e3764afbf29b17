"""The ``stockroom`` command line: the window when given no command, otherwise one subcommand of the core.

Each group of subcommands lives in ``desktop_app/commands/`` and registers itself here; handlers keep their heavy
imports inside, so ``stockroom --version`` and the window's start do not pay for the sandbox or the sync engine.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from desktop_app.errors import StockroomError, UsageError
from desktop_app.schema import FieldError, QueryError
from desktop_app.ui.pages import page_keys

#: Modules with a ``register(subparsers)`` function; each adds its subcommands.
COMMAND_MODULES: tuple[str, ...] = (
    "desktop_app.commands.sandbox",
    "desktop_app.commands.auth",
    "desktop_app.commands.data",
    "desktop_app.commands.imports",
    "desktop_app.commands.counts",
    "desktop_app.commands.reorder",
    "desktop_app.commands.inventory",
    "desktop_app.commands.history",
)

Handler = Callable[[argparse.Namespace], int]


class _VersionAction(argparse.Action):
    """``--version``: like argparse's own, but the number is looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from desktop_app import __version__

        sys.stdout.write(f"stockroom {__version__}\n")
        sys.stdout.flush()
        parser.exit()


class _NotWindowStart(Exception):
    """The probe met something only the full parser can judge (a command, ``--help``, a mistake)."""


class _Probe(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotWindowStart(message)


def _global_parser(parser_class: type[argparse.ArgumentParser], **options: Any) -> argparse.ArgumentParser:
    """The parser with the global flags only."""
    parser = parser_class(
        prog="stockroom",
        description="Stockroom: inventory models, stock levels and stock items of a Commerce Layer organisation.",
        **options,
    )
    parser.add_argument("--version", action=_VersionAction, help="show program's version number and exit")
    parser.add_argument("--demo", action="store_true", help="open the window on an embedded sandbox with demo data")
    parser.add_argument("--offline", action="store_true", help="open the window on the local cache only")
    parser.add_argument(
        "--self-test", action="store_true", help="open the window offscreen on the demo, load every tab, exit"
    )
    parser.add_argument("--profile", help="profile to open (default: the last used)")
    parser.add_argument(
        "--tab",
        choices=page_keys(),
        metavar="TAB",
        help="tab the window opens on (default: the last shown; Overview at first)",
    )
    parser.add_argument("--data-dir", help="where caches live (default: the platform's data directory)")
    parser.add_argument("--config-dir", help="where profiles live (default: the platform's config directory)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (repeat for debug)")
    return parser


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The full command line; ``commands=False`` leaves the subcommands out, for a start that names none."""
    parser = _global_parser(argparse.ArgumentParser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if commands:
        for module_name in COMMAND_MODULES:
            importlib.import_module(module_name).register(subparsers)
    return parser


def starts_window(argv: Sequence[str]) -> bool:
    """Whether ``argv`` holds global flags only (the window), judged without importing the command modules.

    Anything else (a command, ``-h``, an unknown or incomplete flag) goes to the full parser, which then answers
    exactly as it always has; the window's start skips registering every subcommand."""
    try:
        _, rest = _global_parser(_Probe, add_help=False).parse_known_args(list(argv))
    except _NotWindowStart:
        return False
    return not rest


def _configure_logging(verbosity: int) -> None:
    from desktop_app.logs import install_redaction

    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    install_redaction()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(commands=not starts_window(arguments))
    args = parser.parse_args(arguments)
    _configure_logging(args.verbose)
    handler: Handler | None = getattr(args, "handler", None)
    try:
        if handler is None:
            from desktop_app.app import run_window

            return int(run_window(args))
        return int(handler(args))
    except (UsageError, FieldError, QueryError) as exc:
        print(f"stockroom: {exc}", file=sys.stderr)
        return 2
    except StockroomError as exc:
        print(f"stockroom: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("stockroom: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
