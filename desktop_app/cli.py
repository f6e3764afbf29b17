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
from typing import Any

from desktop_app import collector
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


#: The global flags, each as its option strings and what ``add_argument`` takes: the full parser adds them, and
#: :func:`window_arguments` reads a start that names nothing else by the same table.
GLOBAL_FLAGS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--demo",), {"action": "store_true", "help": "open the window on an embedded sandbox with demo data"}),
    (("--offline",), {"action": "store_true", "help": "open the window on the local cache only"}),
    (
        ("--self-test",),
        {"action": "store_true", "help": "open the window offscreen on the demo, load every tab, exit"},
    ),
    (("--profile",), {"help": "profile to open (default: the last used)"}),
    (
        ("--tab",),
        {
            "choices": page_keys(),
            "metavar": "TAB",
            "help": "tab the window opens on (default: the last shown; Overview at first)",
        },
    ),
    (("--data-dir",), {"help": "where caches live (default: the platform's data directory)"}),
    (("--config-dir",), {"help": "where profiles live (default: the platform's config directory)"}),
    (("-v", "--verbose"), {"action": "count", "default": 0, "help": "log more (repeat for debug)"}),
)


def build_parser() -> argparse.ArgumentParser:
    """The full command line, every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="stockroom",
        description="Stockroom: inventory models, stock levels and stock items of a Commerce Layer organisation.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show program's version number and exit")
    for names, options in GLOBAL_FLAGS:
        parser.add_argument(*names, **options)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def window_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """What the full parser returns for ``argv`` when it holds global flags only (the window), read by
    :data:`GLOBAL_FLAGS` without building a parser: argparse formats each flag's help as it adds it (the terminal's
    size, a translation looked up, locale loaded), ~3 ms of the window's start with the two parsers it built.

    Only the plain forms are read here (``--flag``, ``--option value``, ``--option=value``, ``-v``, ``-vv``);
    anything else (a command, ``-h``, ``--version``, an abbreviation, a value not among the choices, a mistake)
    gives ``None``, and the full parser answers it exactly as it always has."""
    flags = {name: (names[-1][2:].replace("-", "_"), options) for names, options in GLOBAL_FLAGS for name in names}
    values: dict[str, Any] = {dest: _default(options) for dest, options in flags.values()}
    items = iter(argv)
    for item in items:
        if len(item) > 1 and item == "-" + "v" * (len(item) - 1):
            values["verbose"] += len(item) - 1
            continue
        name, equals, inline = item.partition("=")
        if name not in flags:
            return None
        dest, options = flags[name]
        if "action" in options:
            if equals:
                return None
            values[dest] = True if options["action"] == "store_true" else values[dest] + 1
            continue
        value = inline if equals else next(items, None)
        if value is None or (not equals and value.startswith("-")) or value not in options.get("choices", (value,)):
            return None
        values[dest] = value
    return argparse.Namespace(**values, command=None)


def _default(options: dict[str, Any]) -> Any:
    return False if options.get("action") == "store_true" else options.get("default")


def _configure_logging(verbosity: int) -> None:
    from desktop_app.logs import install_redaction

    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    install_redaction()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = window_arguments(arguments)
    if args is None:
        args = build_parser().parse_args(arguments)
    if getattr(args, "handler", None) is not None:
        collector.release()  # a command runs with the collector (the window's start releases it at its first frame)
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
