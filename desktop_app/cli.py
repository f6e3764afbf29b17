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

from desktop_app import __version__
from desktop_app.errors import StockroomError, UsageError
from desktop_app.schema import FieldError, QueryError

#: Modules with a ``register(subparsers)`` function; each adds its subcommands.
COMMAND_MODULES: tuple[str, ...] = (
    "desktop_app.commands.sandbox",
    "desktop_app.commands.auth",
    "desktop_app.commands.data",
    "desktop_app.commands.reorder",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stockroom",
        description="Stockroom: inventory models, stock levels and stock items of a Commerce Layer organisation.",
    )
    parser.add_argument("--version", action="version", version=f"stockroom {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the window on an embedded sandbox with demo data")
    parser.add_argument("--offline", action="store_true", help="open the window on the local cache only")
    parser.add_argument(
        "--self-test", action="store_true", help="open the window offscreen on the demo, load every tab, exit"
    )
    parser.add_argument("--profile", help="profile to open (default: the last used)")
    parser.add_argument("--data-dir", help="where caches live (default: the platform's data directory)")
    parser.add_argument("--config-dir", help="where profiles live (default: the platform's config directory)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (repeat for debug)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def _configure_logging(verbosity: int) -> None:
    from desktop_app.logs import install_redaction

    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    install_redaction()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
