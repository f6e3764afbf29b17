"""Work out the ``Depends:`` line of the .deb from what the frozen bundle really links against.

PyInstaller copies most shared libraries into the bundle but deliberately leaves out the ones that must match the
user's system (the C library, OpenGL/EGL, the X and Wayland client libraries). Every library a bundled file names in
``DT_NEEDED`` and the bundle does not carry has to come from a package, so the list is read off the binaries instead of
kept by hand: a new plugin or a PySide6 upgrade then changes the dependencies with it. ``libc6`` gets the newest
``GLIBC_x.y`` symbol version any bundled file asks for as its lower bound.

    python packaging/deb_depends.py dist/stockroom      # prints: libc6 (>= 2.34), libegl1, ...

Needs ``objdump`` (binutils), ``ldconfig`` and ``dpkg``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

#: Files the libraries read at run time rather than link: fontconfig's configuration and one font to fall back on.
DATA_DEPENDS: tuple[str, ...] = ("fontconfig-config", "fonts-dejavu-core")
GLIBC_VERSION = re.compile(r"GLIBC_(\d+)\.(\d+)")


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))


def needed_names(path: Path) -> list[str]:
    """The ``DT_NEEDED`` entries of one ELF file."""
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")]


def glibc_floor(paths: list[Path]) -> tuple[int, int]:
    """The newest GLIBC symbol version any of the files imports."""
    best = (2, 17)
    for path in paths:
        out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if "*UND*" in line:
                for match in GLIBC_VERSION.finditer(line):
                    best = max(best, (int(match.group(1)), int(match.group(2))))
    return best


def system_library_paths() -> dict[str, str]:
    """Library file name → path, from the dynamic linker's cache (64-bit entries only)."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    paths: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        name, _, rest = line.strip().partition(" (")
        if "x86-64" in rest and "=>" in rest:
            paths.setdefault(name, rest.split("=>")[1].strip())
    return paths


def owning_package(path: str) -> str:
    """The Debian package that ships ``path`` (``dpkg -S`` knows files by the path the package installed)."""
    candidates = [path, str(Path(path).resolve())]
    candidates += [c.replace("/lib/", "/usr/lib/", 1) for c in candidates if c.startswith("/lib/")]
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    raise LookupError(f"no installed package ships {path}")


def depends(bundle: Path) -> list[str]:
    files = elf_files(bundle)
    bundled = {p.name for p in bundle.rglob("*.so*")}
    external = sorted({name for path in files for name in needed_names(path)} - bundled)
    system = system_library_paths()
    missing = [name for name in external if name not in system]
    if missing:
        raise LookupError(f"the bundle links {', '.join(missing)}, which this machine does not have")
    packages = {owning_package(system[name]) for name in external}
    major, minor = glibc_floor(files)
    packages.discard("libc6")
    return [f"libc6 (>= {major}.{minor})", *sorted(packages), *DATA_DEPENDS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the Depends: value for a frozen one-folder bundle.")
    parser.add_argument("bundle", type=Path, help="the one-folder bundle (dist/stockroom)")
    args = parser.parse_args(argv)
    if not args.bundle.is_dir():
        print(f"deb_depends: {args.bundle}: not a directory", file=sys.stderr)
        return 2
    try:
        print(", ".join(depends(args.bundle)))
    except (LookupError, FileNotFoundError, subprocess.CalledProcessError) as exc:
        print(f"deb_depends: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
