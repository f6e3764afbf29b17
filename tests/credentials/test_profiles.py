"""Profiles file, keyring entry format and connection resolution that need no keyring."""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.api import Token
from desktop_app.connection import add_connection_arguments, cache_key, resolve_connection
from desktop_app.credentials import Profile, ProfileError, ProfileStore, StoredCredentials
from desktop_app.errors import UsageError
from tests.credentials.conftest import Cli


def test_profile_validation_names_the_field() -> None:
    cases = {
        "name": Profile(name="has space", client_id="c", slug="acme"),
        "client_id": Profile(name="a", client_id=" ", slug="acme"),
        "slug": Profile(name="a", client_id="c"),
        "base_url": Profile(name="a", client_id="c", base_url="ftp://x"),
        "token_url": Profile(name="a", client_id="c", slug="acme", token_url="http://x/oauth/token"),
    }
    for field, profile in cases.items():
        with pytest.raises(ProfileError) as caught:
            profile.validated()
        assert caught.value.field == field, (field, str(caught.value))
    with pytest.raises(ProfileError, match="not both"):
        Profile(name="a", client_id="c", slug="acme", base_url="http://127.0.0.1:1").validated()
    ok = Profile(name=" acme ", client_id=" id ", slug="ACME", scope="  market:code:eu  ").validated()
    assert (ok.name, ok.client_id, ok.slug, ok.scope) == ("acme", "id", "acme", "market:code:eu")


def test_store_keeps_profiles_and_default_atomically(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    assert store.all() == [] and store.default is None
    store.save(Profile(name="one", client_id="c1", slug="acme"))
    assert store.default == "one"  # the only profile is the default
    store.save(Profile(name="two", client_id="c2", base_url="http://127.0.0.1:9/api"))
    assert store.default == "two"
    store.set_default("one")
    store.set_dialect("two", "stock_levels")
    reread = ProfileStore(tmp_path)
    assert reread.default == "one"
    assert reread.get("two") == Profile(
        name="two", client_id="c2", base_url="http://127.0.0.1:9/api", dialect="stock_levels"
    )
    body = json.loads((tmp_path / "profiles.json").read_text())
    assert body["default"] == "one" and set(body["profiles"]) == {"one", "two"}
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")], "temporary files left behind"
    assert reread.remove("one") and reread.default == "two" and not reread.remove("one")


def test_damaged_profiles_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "profiles.json").write_text("{not json")
    with pytest.raises(UsageError, match=r"profiles\.json is damaged"):
        ProfileStore(tmp_path).all()


def test_keyring_entry_round_trip_and_plain_secret() -> None:
    token = Token("tok-abc", datetime.now(UTC) + timedelta(hours=2), True, "market:all", "acme")
    stored = StoredCredentials("s3cret", token)
    again = StoredCredentials.decode(stored.encode())
    assert again == stored and again.token is not None and again.token.fresh()
    assert "s3cret" not in repr(stored) and "tok-abc" not in repr(stored)
    assert StoredCredentials.decode("typed-by-hand") == StoredCredentials("typed-by-hand")
    stale = Token("t", datetime.now(UTC) + timedelta(seconds=30), False, "", None)
    assert not StoredCredentials.decode(StoredCredentials("s", stale).encode()).token.fresh()  # type: ignore[union-attr]


def _parse(argv: list[str], config_dir: Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile")
    parser.add_argument("--config-dir", default=str(config_dir))
    sub = parser.add_subparsers(dest="command")
    add_connection_arguments(sub.add_parser("sync"))
    return parser.parse_args(argv)


def test_flags_mode_reads_the_secret_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STOCKROOM_CLIENT_SECRET", raising=False)
    args = _parse(["sync", "--base-url", "http://127.0.0.1:8123", "--client-id", "cid"], tmp_path)
    with pytest.raises(UsageError, match="STOCKROOM_CLIENT_SECRET"):
        resolve_connection(args)
    offline = resolve_connection(args, need_secret=False)
    assert offline.credentials is None and offline.endpoint.base_url == "http://127.0.0.1:8123/api"
    monkeypatch.setenv("STOCKROOM_CLIENT_SECRET", "env-secret")
    online = resolve_connection(
        _parse(["sync", "--base-url", "http://127.0.0.1:8123/api/", "--client-id", "cid"], tmp_path)
    )
    assert online.credentials is not None and online.credentials.client_secret == "env-secret"
    assert online.endpoint.token_url == "http://127.0.0.1:8123/oauth/token"
    assert online.cache_key == offline.cache_key == cache_key("http://127.0.0.1:8123/api", "cid")
    assert online.cache_key.startswith("127-0-0-1-8123-") and "/" not in online.cache_key
    with pytest.raises(UsageError, match="go together"):
        resolve_connection(_parse(["sync", "--client-id", "cid"], tmp_path))
    with pytest.raises(UsageError, match="not both"):
        resolve_connection(
            _parse(["sync", "--profile", "p", "--base-url", "http://127.0.0.1:1", "--client-id", "c"], tmp_path)
        )


def test_profile_mode_without_keyring_access(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no profile yet"):
        resolve_connection(_parse(["sync"], tmp_path), need_secret=False)
    store = ProfileStore(tmp_path)
    store.save(Profile(name="acme", client_id="cid", slug="acme", scope="market:code:eu"))
    store.save(Profile(name="local", client_id="cid", base_url="http://127.0.0.1:8123"))
    # the global --profile (before the subcommand) survives the subcommand's own --profile
    connection = resolve_connection(_parse(["--profile", "acme", "sync"], tmp_path), need_secret=False)
    assert connection.name == "acme" and connection.credentials is None
    assert connection.endpoint.base_url == "https://acme.commercelayer.io/api"
    assert connection.endpoint.token_url == "https://auth.commercelayer.io/oauth/token"
    assert connection.cache_key.startswith("acme-")
    assert store.default == "acme", "using a profile makes it the last used"
    # same server and client as the flags give, so both read the same cache
    local = resolve_connection(_parse(["sync", "--profile", "local"], tmp_path), need_secret=False)
    assert local.cache_key == cache_key("http://127.0.0.1:8123/api", "cid")
    local.save_dialect("stock_levels")
    assert ProfileStore(tmp_path).get("local").dialect == "stock_levels"  # type: ignore[union-attr]
    with pytest.raises(UsageError, match=r"no profile named 'nope'.*acme, local"):
        resolve_connection(_parse(["sync", "--profile", "nope"], tmp_path), need_secret=False)


def test_login_field_errors_name_the_field(cli: Cli) -> None:
    cases = [
        (["--slug", "acme"], "client id: the client id is required"),
        (["--client-id", "cid"], "slug: give the organisation slug"),
        (["--slug", "Bad Slug", "--client-id", "cid"], "slug: 'bad slug' is not an organisation slug"),
        (["--base-url", "http://example.com", "--client-id", "cid"], "must use https"),
        (["--auth-url", "https://auth.example.com/oauth/token", "--slug", "a", "--client-id", "c"], "token url:"),
    ]
    for flags, message in cases:
        result = cli.run("login", "--profile", "acme", *flags, "--client-secret-stdin", stdin="s\n")
        assert result.returncode == 2 and message in result.stderr, (flags, result.stderr)
        assert "Traceback" not in result.stderr
    missing = cli.run("login", "--slug", "acme", "--client-id", "cid")
    assert missing.returncode == 2 and "--profile NAME is required" in missing.stderr
    assert cli.files() == []
