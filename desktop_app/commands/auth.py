"""``stockroom login``, ``logout`` and ``profiles``: signing in once per organisation, with the secret in the keyring.

The secret is read without echo (or from standard input for scripts), checked against the token endpoint, and only
then stored. When no keyring is usable the command says what is missing and how to fix it, and stores nothing:
a command-line process ends at once, so keeping the secret in memory only makes sense in the window.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.errors import UsageError

if TYPE_CHECKING:
    from desktop_app.credentials import ProfileStore


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    login = subparsers.add_parser(
        "login",
        help="sign in to an organisation and keep the secret in the keyring",
        description="Checks the client secret by getting a token, then stores it in the OS keyring under the profile.",
    )
    login.add_argument("--profile", default=argparse.SUPPRESS, help="profile name (required)")
    where = login.add_mutually_exclusive_group()
    where.add_argument("--slug", help="organisation slug (the part before .commercelayer.io)")
    where.add_argument("--base-url", help="custom API base URL (a sandbox, a proxy) instead of a slug")
    login.add_argument("--auth-url", help="token URL for --base-url (default: <base URL>/oauth/token)")
    login.add_argument("--client-id", help="the integration's client id")
    login.add_argument("--scope", help="token scope, e.g. market:code:europe (default: what the credential allows)")
    login.add_argument(
        "--client-secret-stdin", action="store_true", help="read the secret from standard input instead of asking"
    )
    login.set_defaults(handler=run_login)

    logout = subparsers.add_parser(
        "logout", help="remove a profile's secret and token from the keyring", description="The profile itself stays."
    )
    logout.add_argument("--profile", default=argparse.SUPPRESS, help="profile (default: the last used)")
    cache = logout.add_mutually_exclusive_group()
    cache.add_argument("--remove-cache", action="store_true", default=None, help="also delete the profile's cache")
    cache.add_argument("--keep-cache", dest="remove_cache", action="store_false", help="keep the cache, do not ask")
    logout.set_defaults(handler=run_logout)

    profiles = subparsers.add_parser("profiles", help="list profiles, the default one, and which have a secret stored")
    profiles.set_defaults(handler=run_profiles)


def _store(args: argparse.Namespace) -> ProfileStore:
    from desktop_app import config
    from desktop_app.credentials import ProfileStore

    return ProfileStore(config.config_dir(getattr(args, "config_dir", None)))


def _read_secret(from_stdin: bool) -> str:
    if from_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        secret = getpass.getpass("Client secret (not shown): ")
    else:
        raise UsageError("no terminal to ask for the client secret on; pass --client-secret-stdin and pipe it in")
    if not secret.strip():
        raise UsageError("client secret: empty; nothing was stored")
    return secret.strip()


def run_login(args: argparse.Namespace) -> int:
    import asyncio

    from desktop_app.credentials import KeyringUnavailable, Profile, Vault
    from desktop_app.credentials.signin import check_sign_in, store_sign_in

    name = getattr(args, "profile", None)
    if not name:
        raise UsageError("--profile NAME is required: the name this sign-in is kept under")
    store = _store(args)
    existing = store.get(name)
    changes: dict[str, str | None] = {}
    if args.slug:
        changes.update(slug=args.slug, base_url=None, token_url=args.auth_url)  # a token URL here is refused
    elif args.base_url:
        changes.update(base_url=args.base_url, slug=None, token_url=args.auth_url)
    elif args.auth_url:
        changes.update(token_url=args.auth_url)
    if args.client_id:
        changes.update(client_id=args.client_id)
    if args.scope is not None:
        changes.update(scope=args.scope)
    if changes.keys() - {"scope"}:
        changes.update(dialect=None)  # another server or client: learn its dialect again
    # Signing in again after a logout needs only --profile: the rest comes from the profile.
    profile = (existing or Profile(name=name, client_id=""))._replace(**changes)  # type: ignore[arg-type]
    profile = profile.validated()
    vault = Vault()
    try:
        vault.probe(profile.name)  # no usable keyring: say so before asking for a secret that could not be kept
    except KeyringUnavailable as exc:
        raise KeyringUnavailable(
            exc.reason,
            f"{exc.fix}. Nothing was stored (Stockroom never writes a secret to a file); meanwhile the window can "
            f"keep a secret in memory for one session, and commands accept --base-url/--client-id with the secret "
            f"in $STOCKROOM_CLIENT_SECRET",
            locked=exc.locked,
        ) from None
    secret = _read_secret(args.client_secret_stdin)
    checked = asyncio.run(check_sign_in(profile, secret))
    where = store_sign_in(checked, secret, store=store, vault=vault)
    print(f"Signed in to {profile.target} as profile {profile.name!r} ({checked.mode} mode).")
    print(f"Client secret and access token stored in {where}.")
    return 0


def _cache_files(args: argparse.Namespace, cache_key: str) -> list[Path]:
    """The cache database of ``cache_key``, its SQLite side files and any copies set aside as damaged."""
    import glob

    from desktop_app import config
    from desktop_app.store import cache_path

    path = Path(cache_path(config.data_dir(getattr(args, "data_dir", None)), cache_key))
    found = sorted(path.parent.glob(glob.escape(path.name) + "*"))
    return sorted(found, key=lambda candidate: candidate != path)  # the database itself first


def _ask(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def run_logout(args: argparse.Namespace) -> int:
    from desktop_app.connection import profile_cache_key
    from desktop_app.credentials import Vault

    store = _store(args)
    name = getattr(args, "profile", None) or store.default
    if not name:
        raise UsageError("--profile NAME is required (there is no default profile)")
    profile = store.get(name)
    vault = Vault()
    where = vault.where(name)
    removed = vault.delete(name)  # also when the profile file lost the profile: the secret must still go
    if profile is None and not removed:
        known = ", ".join(p.name for p in store.all()) or "none"
        raise UsageError(f"no profile named {name!r} (profiles: {known})")
    if removed:
        print(f"Removed the secret and token of profile {name!r} from {where}.")
    else:
        print(f"Profile {name!r} had no secret stored in {where}.")
    if profile is None:
        return 0
    files = _cache_files(args, profile_cache_key(profile))
    if not files:
        return 0
    remove = args.remove_cache
    if remove is None:
        remove = sys.stdin.isatty() and _ask(f"Also delete the cache of {name!r} ({files[0]})?")
    if remove:
        for path in files:
            path.unlink(missing_ok=True)
        print(f"Deleted the cache {files[0]}.")
    else:
        print(f"Kept the cache {files[0]} (--remove-cache deletes it).")
    return 0


def run_profiles(args: argparse.Namespace) -> int:
    from desktop_app.credentials import KeyringUnavailable, Vault

    store = _store(args)
    profiles = store.all()
    if not profiles:
        print("No profiles yet: run `stockroom login --profile NAME --slug ORG --client-id ID`.")
        return 0
    default = store.default
    vault = Vault()
    problem: str | None = None
    rows: list[tuple[str, ...]] = [("", "PROFILE", "ORGANISATION", "CLIENT ID", "SCOPE", "SECRET")]
    for profile in profiles:
        if problem is None:
            try:
                secret = "stored" if vault.has_secret(profile.name) else "none"
            except KeyringUnavailable as exc:
                problem = exc.reason
                secret = "unknown"
        else:
            secret = "unknown"
        marker = "*" if profile.name == default else ""
        rows.append((marker, profile.name, profile.target, profile.client_id, profile.scope or "-", secret))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if default:
        print(f"\n* default (used without --profile): {default}")
    if problem:
        print(f"Secrets: {problem}", file=sys.stderr)
    else:
        print(f"Secrets are kept in {vault.where()}.")
    return 0
