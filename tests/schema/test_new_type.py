"""The test of the design: a new type is one entry in the description, and the sync, the command line, the status,
the window's tabs, lookups, filters and columns all take it up without another line changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.cli import build_parser
from desktop_app.commands.data_output import status_lines
from desktop_app.schema import AppType, app_type, get_resource, lookup_types, synced_types, tab_types
from desktop_app.schema import app as description
from desktop_app.store import Cache, cache_path
from desktop_app.sync import resolve_types
from desktop_app.ui.models.columns import columns_for
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.views.filter_bar import filter_specs

NEW = "shipping_categories"


def _entries_without_it() -> tuple[AppType, ...]:
    return tuple(e for e in description.app_types() if e.type != NEW)


@pytest.fixture
def without_it(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The description as if shipping categories had no entry (the window reads them by name today)."""
    monkeypatch.setattr(description, "_ENTRIES", _entries_without_it())
    description._by_type.cache_clear()
    columns_for.cache_clear()
    yield
    description._by_type.cache_clear()
    columns_for.cache_clear()


@pytest.fixture
def one_more_type(monkeypatch: pytest.MonkeyPatch) -> Iterator[AppType]:
    """Shipping categories as a synced, looked-up tab editable from the command line: one entry, nothing else."""
    entry = AppType(NEW, tab=len(tab_types()), synced=True, command_edits=True, looked_up=True)
    monkeypatch.setattr(description, "_ENTRIES", (*_entries_without_it(), entry))
    description._by_type.cache_clear()
    columns_for.cache_clear()
    yield entry
    description._by_type.cache_clear()
    columns_for.cache_clear()


@pytest.mark.usefixtures("without_it")
def test_the_new_type_is_nowhere_before_its_entry() -> None:
    assert NEW not in synced_types() and NEW not in tab_types() and NEW not in lookup_types()
    assert not any(c.target == NEW for c in columns_for("skus"))
    with pytest.raises(SystemExit):
        build_parser().parse_args(["export", NEW])


def test_one_entry_makes_it_synced_shown_looked_up_and_editable(one_more_type: AppType, tmp_path: Path) -> None:
    assert app_type(NEW) is one_more_type
    assert synced_types()[-1] == NEW and resolve_types(None)[-1] == NEW
    assert tab_types()[-1] == NEW
    parser = build_parser()
    for argv in (["export", NEW], ["create", NEW, "--set", "name=Heavy"], ["delete", NEW, "ID"]):
        assert parser.parse_args(argv).resource == NEW
    with Cache.open(cache_path(tmp_path, "new-type")) as cache:
        assert any(line.split()[0] == NEW for line in status_lines(cache)[1:] if line.strip())

    # Other tables show it by name, pick it by name, and filter by it.
    assert NEW in lookup_types() and NEW in Lookups().by_type
    skus = [c for c in columns_for("skus") if c.target == NEW]
    assert [c.key for c in skus] == ["shipping_category.name"]
    assert any(s.target == NEW for s in filter_specs(get_resource("skus")))
