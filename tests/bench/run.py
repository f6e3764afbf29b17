"""``make bench``: runs every ``tests/bench/bench_*.py`` in its own process and prints their figures together.

Each benchmark module is a script that prints lines of the form
``FIGURE <name> = <value> <unit> [goal <text>] [ok|MISSED]`` and exits 0; a figure is a ratio or a count
measured within one run, because absolute times on shared machines are noisy. ``--only sandbox`` runs the
modules whose name contains the word.

Every module runs on compiled bytecode, as an installed copy does (pip compiles on install, the bundle ships it):
with ``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__`` in the source tree, a window's first preview or details
pane would compile its modules from source inside the very stall being measured. The project's bytecode is written
once, beside its sources as Python does by default, before the first module runs (the interpreter's and the
installed libraries' own bytecode came with them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only benchmark modules whose name contains this")
    args = parser.parse_args()
    modules = sorted(p.stem for p in HERE.glob("bench_*.py") if not args.only or args.only in p.stem)
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    return run_modules(modules, installed_bytecode(env))


def installed_bytecode(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` for processes that read compiled bytecode as an installed copy does, the project's compiled now
    beside its sources (see above); the window benches' starts use it too, run alone or from here."""
    compiled = dict(env)
    compiled.pop("PYTHONDONTWRITEBYTECODE", None)
    compiled.pop("PYTHONPYCACHEPREFIX", None)
    command = [sys.executable, "-m", "compileall", "-q", "desktop_app", "tests"]
    subprocess.run(command, check=True, cwd=ROOT, env=compiled)
    return compiled


def run_modules(modules: list[str], env: dict[str, str]) -> int:
    figures: list[str] = []
    failures: list[str] = []
    for name in modules:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", f"tests.bench.{name}"],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        for line in proc.stdout.splitlines():
            print("   " + line)
            if line.startswith("FIGURE "):
                figures.append(line[len("FIGURE ") :])
        if proc.returncode != 0:
            failures.append(name)
            print(proc.stderr[-4000:], file=sys.stderr)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    print("\nSummary")
    for figure in figures:
        print("  " + figure)
    if failures:
        print("benchmarks that failed to run: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
