"""The application's view of each resource type: what Stockroom does with it, beside what the API says it is.

``model.py`` holds Commerce Layer's facts (fields, relationships, what may be written). This module holds
Stockroom's choices about each type, in one entry per type: whether it is a tab of the window and where, whether
it is kept offline, whole or only what another type points at (the entries are in sync order: targets before what
points at them, but a type kept for another after it), who may edit it (the window, a table cell, the command
line), whether other tables show its records by name, which columns start hidden, which columns are computed
rather than stored and which rows its table marks as low on stock. The window, the sync, the command line and the
status read these entries; none of them keeps its own list of types, so a new type is one entry here plus what is
truly its own.
"""

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, NamedTuple, Protocol

from desktop_app.schema.errors import FieldError
from desktop_app.schema.model import LEGACY_STOCK_LEVELS, STOCK_LEVELS, Field, canonical_type, get_resource, resources
from desktop_app.schema.values import parse_duration, parse_text

#: Attributes whose column starts hidden (the column chooser shows them): ids, timestamps, integration references,
#: write-only helpers, long texts. What a manager reads first fits a 1280-pixel window beside the details pane.
COMMONLY_HIDDEN = frozenset(
    {
        "id",
        "metadata",
        "sku_code",
        "reference",
        "reference_origin",
        "created_at",
        "updated_at",
        "description",
        "image_url",
        "hs_tariff_number",
        "number",
    }
)


class Total(NamedTuple):
    """A per-row sum over the records of another type that point at the row, which no server field holds: a
    stock item's reserved quantity is the sum of ``quantity`` over the reserved stocks whose ``stock_item`` is it.

    The cache computes it in SQL for a screenful, the window's lookups keep it per row id for a whole table."""

    name: str
    type: str
    via: str
    attribute: str


class Column(NamedTuple):
    """One table column: where its value comes from, how it reads and whether it sorts or edits in place.

    ``source`` is ``"attribute"``, ``"relationship"`` (a related record's name or code), ``"id"`` or
    ``"derived"``. A derived column is computed, never stored: ``compute`` is a pure function called with the
    row's values of ``inputs`` in order, each the name of an attribute of the row or of one of its type's
    :class:`Total`; ``sql`` is the same computation as an SQL expression over ``{input}`` placeholders (the cache
    sorts a million rows by it without computing it in Python); ``after`` names the attribute it sits beside in the
    default column order."""

    key: str
    label: str
    type: str
    source: str
    field: Field | None = None
    relationship: str | None = None
    target: str | None = None
    target_attribute: str | None = None
    sortable: bool = True
    server_sortable: bool = False
    hidden: bool = False
    inline_edit: bool = False
    inputs: tuple[str, ...] = ()
    compute: Callable[..., Any] | None = None
    sql: str | None = None
    after: str | None = None
    #: Shown in the warning colour when below zero (more promised than held).
    warn_negative: bool = False
    #: A duration in seconds, shown in words ("1 hour", "1 day").
    duration: bool = False
    #: The key of the row's ``metadata`` this derived column shows and, with ``inline_edit``, changes in place
    #: (a reorder point: the rest of the metadata is sent as it is).
    metadata_key: str | None = None

    @property
    def numeric(self) -> bool:
        return self.type in ("integer", "float")

    def value(self, *inputs: Any) -> Any:
        """The derived value from the row's ``inputs`` (what ``compute`` returns)."""
        assert self.compute is not None, f"{self.key} is not a derived column"
        return self.compute(*inputs)


class BelowTotal(NamedTuple):
    """An attribute that may go below one of the row's totals only when the person says so: a stock item's
    quantity below its reserved quantity leaves placed orders short.

    Commerce Layer takes any quantity unless the update carries the ``trigger`` (``_validate``), which makes it
    refuse a quantity smaller than the reserved one (API-NOTES, "Stock items"). So an ordinary edit carries the
    trigger (the server catches a reservation made since the last sync), and an edit the person confirmed below
    the total goes without it (with it, the server would refuse what they chose)."""

    attribute: str
    total: str
    trigger: str


class Action(NamedTuple):
    """A step of a record's life cycle the window offers as a button: it sends ``trigger`` = true (an update
    like any other edit) and is offered only while the record's state is one of ``states``."""

    trigger: str
    label: str
    states: frozenset[str]


class Listed(NamedTuple):
    """Records pointing at the shown one, in its details pane: a SKU's stock by location, a stock location's stock
    levels. ``relationship`` is the shown type's to-many relationship; ``columns`` are column keys of the target's
    table (its :func:`columns_for` keys); none: the records are only counted (a location's thousands of items)."""

    relationship: str
    title: str
    columns: tuple[str, ...] = ()


class Names(Protocol):
    """How related records read (the window's lookups): ``label`` is "code — name", ``value`` one attribute."""

    def label(self, type_: str, record_id: str) -> str: ...

    def value(self, type_: str, record_id: Any, attribute: str) -> str | None: ...


#: A record's heading in the details pane, from its attributes, its to-one relationship ids and the names.
Heading = Callable[[Mapping[str, Any], Mapping[str, Any], Names], str]


class AppType(NamedTuple):
    """What Stockroom does with one resource type. Types without an entry are known to the API layer only."""

    type: str
    #: Position among the window's tabs (left to right); ``None``: not a tab.
    tab: int | None = None
    #: Kept offline in the cache and refreshed by every sync (in the order of the entries).
    synced: bool = False
    #: ``(type, relationship)``: of this synced type, keep only the records that relationship of that (synced,
    #: earlier) type's cached records names. A stock location's address is kept; a customer's is not: Commerce
    #: Layer's ``/api/addresses`` also holds every shopper's shipping and billing address, hundreds of thousands in
    #: a busy shop, which Stockroom never shows. ``None``: every record of the type is kept.
    synced_for: tuple[str, str] | None = None
    #: New…, Edit… and Delete… in the window (every writable field, through the record dialog).
    window_edits: bool = False
    #: Attributes holding a duration in seconds, shown in words ("1 hour"); sorted and edited as seconds.
    durations: frozenset[str] = frozenset()
    #: Relationships a new record copies from the selected row (New stock item: the row's SKU and location).
    prefill: frozenset[str] = frozenset()
    #: Attributes a table cell edits in place.
    inline_edits: frozenset[str] = frozenset()
    #: ``stockroom create | update | delete`` accept it.
    command_edits: bool = False
    #: The name the command line shows for it (it accepts the canonical type too).
    command_name: str | None = None
    #: Other tables show records of this type by name or code, and pick them by name in dialogs and filters.
    looked_up: bool = False
    #: The attributes a record of this type is known by where another record points at it, joined by
    #: ``name_joiner``: a SKU is "code — name", an address (which has neither) is where it is, "Lyon, FR".
    named_by: tuple[str, ...] = ("code", "name")
    name_joiner: str = " — "
    #: Attributes whose column starts hidden.
    hidden: frozenset[str] = COMMONLY_HIDDEN
    #: To-one relationships a listing leaves out (recorded on the other side, e.g. a stock item's reserved stock).
    not_included: frozenset[str] = frozenset()
    totals: tuple[Total, ...] = ()
    derived: tuple[Column, ...] = ()
    #: The attribute holding the record's state, and the steps the window offers from each state.
    state_field: str | None = None
    actions: tuple[Action, ...] = ()
    #: Types whose records an action confirmed by the server changes there too (synced again afterwards).
    affects: tuple[str, ...] = ()
    #: How the details pane titles a record (default: its name, code or SKU code).
    heading: Heading | None = None
    #: Column keys the default order puts first, left to right (the rest follow in the usual order): what a manager
    #: reads first stays on screen in a narrow window.
    leading: tuple[str, ...] = ()
    #: What the details pane lists (or counts) of the records pointing at the shown one.
    details: tuple[Listed, ...] = ()
    #: The column a table sorts by until the person picks one (default: priority, SKU code, code or name).
    sort: str | None = None
    #: Reorder points and target levels are kept in its metadata (a stock item's own, a SKU's default).
    thresholds: bool = False
    #: Its changes move the stock figures (the Overview and Low stock; names of locations and SKUs included).
    in_figures: bool = False
    #: Which of its rows its table marks as low on stock, from the stock items at or below their reorder point:
    #: ``"id"`` marks the low stock items themselves, a relationship of the stock item marks the record it names (a
    #: SKU by ``"sku"``, a location by ``"stock_location"``). ``None``: its rows are never marked.
    marked_low_by: str | None = None
    #: Its changes move a SKU's availability per inventory model (Find SKU).
    in_availability: bool = False
    #: Lowest values Stockroom accepts where the API takes any (Commerce Layer's dashboard refuses a stock item's
    #: quantity below zero; the API lets it through): ``(attribute, minimum)`` pairs.
    at_least: tuple[tuple[str, int], ...] = ()
    #: An attribute the window confirms before it goes below a total of the row (see :class:`BelowTotal`).
    below_total: BelowTotal | None = None
    #: The to-one relationships that together identify a record in a spreadsheet (``stockroom import``): a row
    #: whose targets match a cached record updates it, any other row creates one. Empty: not importable.
    import_key: tuple[str, ...] = ()
    #: The attribute the details pane's History section charts over time (a stock item's quantity); ``None``: the
    #: history is a timeline only.
    history_chart: str | None = None

    @property
    def name(self) -> str:
        return self.command_name or self.type

    def actions_for(self, attributes: Mapping[str, Any]) -> tuple[Action, ...]:
        """The actions a record with ``attributes`` offers now (none for a record without a state)."""
        if self.state_field is None:
            return ()
        state = attributes.get(self.state_field)
        return tuple(a for a in self.actions if state in a.states)

    def check(self, attributes: Mapping[str, Any]) -> None:
        """Refuse what Stockroom's own rules refuse (``at_least``), naming the field, for every way an edit comes in."""
        for name, minimum in self.at_least:
            value = attributes.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < minimum:
                raise FieldError(name, f"must be {minimum:,} or more", "greater_than_or_equal_to")

    def action(self, trigger: str) -> Action:
        for candidate in self.actions:
            if candidate.trigger == trigger:
                return candidate
        raise KeyError(f"{self.type} has no action {trigger!r}")


def _reserved(reserved: int) -> int:
    """Reserved: the quantity promised to placed orders (the row's ``reserved`` total)."""
    return reserved


def _reorder_point_column(label: str, *, after: str) -> Column:
    """The reorder point kept in the record's metadata, shown as a column and typed in its cell or a dialog field."""
    return Column(
        "reorder_point",
        label,
        "integer",
        "derived",
        inputs=("metadata",),
        compute=_reorder_point,
        sql="json_extract({metadata}, '$.reorder_point')",
        after=after,
        inline_edit=True,
        metadata_key="reorder_point",
    )


def _reorder_point(metadata: Any) -> Any:
    """Reorder point: kept in the stock item's ``metadata`` (Commerce Layer has none), as stored there."""
    return metadata.get("reorder_point") if isinstance(metadata, dict) else None


def _available(quantity: int | None, reserved: int) -> int:
    """Available: what can still be promised, the stock item's quantity less its reserved quantity (API-NOTES:
    "actual availability of a stock item = quantity − reserved_stock.quantity"); negative when over-promised."""
    return (quantity or 0) - reserved


def _stock_level_heading(attributes: Mapping[str, Any], relationships: Mapping[str, Any], names: Names) -> str:
    """A stock level is its place in the order and its location: "Priority 1 · MIL-01 — Warehouse Milan"."""
    location = names.label("stock_locations", str(relationships.get("stock_location")))
    return f"Priority {attributes.get('priority')} · {location}"


def _transfer_heading(attributes: Mapping[str, Any], relationships: Mapping[str, Any], names: Names) -> str:
    """What moves, how many, from where to where: "Transfer ST-2401 · 5 × TSHIRT-M, Warehouse Milan → Turin"."""

    def called(type_: str, relationship: str, attribute: str) -> str:
        record_id = relationships.get(relationship)
        return names.value(type_, record_id, attribute) or str(record_id)

    quantity = attributes.get("quantity")
    sku = called("skus", "sku", "code")
    origin = called("stock_locations", "origin_stock_location", "name")
    destination = called("stock_locations", "destination_stock_location", "name")
    title = f"Transfer {attributes['number']}" if attributes.get("number") else "Transfer"
    count = f"{quantity:,}" if isinstance(quantity, int) else "?"
    return f"{title} · {count} × {sku}, {origin} → {destination}"


#: The steps Commerce Layer's dashboard offers for a stock transfer in each state (API-NOTES, "Stock transfers");
#: a draft is made upcoming first (the ``_upcoming`` trigger leaves only ``draft``).
TRANSFER_ACTIONS = (
    Action("_upcoming", "Mark upcoming", frozenset({"draft"})),
    Action("_picking", "Start picking", frozenset({"upcoming", "on_hold"})),
    Action("_on_hold", "Put on hold", frozenset({"picking"})),
    Action("_in_transit", "Mark in transit", frozenset({"picking"})),
    Action("_complete", "Complete", frozenset({"in_transit"})),
    Action("_cancel", "Cancel", frozenset({"upcoming", "on_hold", "in_transit"})),
)

_ENTRIES = (
    AppType(
        "stock_locations",
        tab=3,
        synced=True,
        command_edits=True,
        looked_up=True,
        in_figures=True,
        marked_low_by="stock_location",
        details=(
            Listed("inventory_stock_locations", "Stock levels", ("inventory_model.name", "priority", "on_hold")),
            Listed("stock_items", "Stock items"),
        ),
    ),
    # A stock location's address reads as its city and country wherever the location is shown. Only the addresses
    # the locations point at are kept, so they sync right after the locations (whose cached records name them);
    # the window reloads its names when they arrive, and the tables showing a location read "Lyon, FR" then.
    AppType(
        "addresses",
        synced=True,
        synced_for=("stock_locations", "address"),
        looked_up=True,
        named_by=("city", "country_code"),
        name_joiner=", ",
    ),
    # A SKU's shipping category reads by name (it decides how the SKU ships), not by an id.
    AppType("shipping_categories", synced=True, looked_up=True),
    AppType(
        "skus",
        tab=4,
        synced=True,
        command_edits=True,
        looked_up=True,
        thresholds=True,
        in_figures=True,
        marked_low_by="sku",
        details=(
            Listed("stock_items", "Stock by location", ("stock_location.name", "quantity", "reserved", "available")),
        ),
        # The reorder point its stock items take when they have none of their own.
        derived=(_reorder_point_column("Default reorder point", after="name"),),
    ),
    AppType(
        "inventory_models",
        tab=0,
        synced=True,
        window_edits=True,
        command_edits=True,
        looked_up=True,
        in_figures=True,
        in_availability=True,
        durations=frozenset({"stock_reservation_cutoff"}),
    ),
    AppType(
        STOCK_LEVELS,
        tab=1,
        synced=True,
        window_edits=True,
        inline_edits=frozenset({"priority", "on_hold"}),
        command_edits=True,
        command_name=LEGACY_STOCK_LEVELS,
        import_key=("inventory_model", "stock_location"),
        heading=_stock_level_heading,
        in_availability=True,
    ),
    AppType(
        "stock_items",
        tab=2,
        synced=True,
        window_edits=True,
        inline_edits=frozenset({"quantity"}),
        command_edits=True,
        import_key=("sku", "stock_location"),
        history_chart="quantity",
        # What and where, then how many: the figures sit left of the (long) SKU name.
        leading=("sku.code", "stock_location.name", "quantity", "reserved", "available"),
        prefill=frozenset({"sku", "stock_location"}),
        at_least=(("quantity", 0),),
        below_total=BelowTotal("quantity", "reserved", "_validate"),
        not_included=frozenset({"reserved_stock"}),
        thresholds=True,
        in_figures=True,
        marked_low_by="id",
        in_availability=True,
        totals=(Total("reserved", "reserved_stocks", "stock_item", "quantity"),),
        derived=(
            Column(
                "reserved",
                "Reserved",
                "integer",
                "derived",
                inputs=("reserved",),
                compute=_reserved,
                sql="{reserved}",
                after="quantity",
            ),
            Column(
                "available",
                "Available",
                "integer",
                "derived",
                inputs=("quantity", "reserved"),
                compute=_available,
                sql="ifnull({quantity}, 0) - {reserved}",
                after="reserved",
                warn_negative=True,
            ),
            _reorder_point_column("Reorder point", after="available"),
        ),
    ),
    AppType("reserved_stocks", synced=True, in_figures=True, in_availability=True),
    AppType(
        "stock_transfers",
        tab=5,
        synced=True,
        window_edits=True,
        command_edits=True,
        hidden=COMMONLY_HIDDEN - {"number"} | {"on_hold_at", "picking_at", "in_transit_at", "cancelled_at"},
        state_field="status",
        actions=TRANSFER_ACTIONS,
        # Picking and transit reserve the quantity at the origin, completing moves it: both change stock there.
        affects=("stock_items", "reserved_stocks"),
        heading=_transfer_heading,
        sort="number",
    ),
)


@cache
def _by_type() -> dict[str, AppType]:
    return {entry.type: entry for entry in _ENTRIES}


def app_type(type_or_alias: str) -> AppType:
    """The entry of a type (``stock_levels`` accepted); a type Stockroom does nothing with gets an empty one."""
    type_ = canonical_type(type_or_alias)
    return _by_type().get(type_) or AppType(type_)


def read_text(type_or_alias: str, field: Field, text: str) -> Any:
    """What a person typed for ``field`` of a type (command line, dialog, table cell, spreadsheet), read by the
    field's rules: a duration in words or seconds ("1 hour 30 minutes", "90m", "5400"), anything else by its JSON
    type (:func:`~desktop_app.schema.values.parse_text`)."""
    if field.name in app_type(type_or_alias).durations:
        return parse_duration(field, text)
    return parse_text(field, text)


def app_types() -> tuple[AppType, ...]:
    """Every entry, in sync order."""
    return _ENTRIES


def synced_types() -> tuple[str, ...]:
    """What a sync fetches by default, targets before what points at them (a window opening mid-sync finds what
    its rows point at), except a type kept only for what points at it (:attr:`AppType.synced_for`), which comes
    after the type whose records name the ones to keep."""
    return tuple(e.type for e in _ENTRIES if e.synced)


def tab_types() -> tuple[str, ...]:
    """The window's tabs, left to right."""
    tabs = sorted((e for e in _ENTRIES if e.tab is not None), key=lambda e: e.tab or 0)
    return tuple(e.type for e in tabs)


def lookup_types() -> tuple[str, ...]:
    """Types other tables show by name or code (and dialogs and filters pick by name)."""
    return tuple(e.type for e in _ENTRIES if e.looked_up)


def command_types() -> tuple[str, ...]:
    """Types ``stockroom create | update | delete`` accept."""
    return tuple(e.type for e in _ENTRIES if e.command_edits)


@cache
def bulk_job_type() -> str | None:
    """The type whose records are Commerce Layer's bulk import jobs, found by its shape."""
    shape = {"resource_type", "inputs", "processed_count", "errors_log"}
    return next((t for t, r in resources().items() if shape <= r.fields.keys()), None)


def bulk_types() -> frozenset[str]:
    """Types a bulk import job accepts (its ``resource_type`` enumeration)."""
    job = bulk_job_type()
    accepted = get_resource(job).fields["resource_type"].enum if job is not None else None
    return frozenset(accepted or ())


def import_types() -> tuple[str, ...]:
    """Types ``stockroom import`` reads from a spreadsheet (those with an :attr:`AppType.import_key`)."""
    return tuple(e.type for e in _ENTRIES if e.import_key)


def figure_types() -> tuple[str, ...]:
    """Types whose changes move the stock figures (Overview, Low stock)."""
    return tuple(e.type for e in _ENTRIES if e.in_figures)


def low_mark_types() -> tuple[tuple[str, str], ...]:
    """``(type, how)`` of every type whose table marks rows as low on stock (:attr:`AppType.marked_low_by`)."""
    return tuple((e.type, e.marked_low_by) for e in _ENTRIES if e.marked_low_by is not None)


def availability_types() -> tuple[str, ...]:
    """Types whose changes move a SKU's availability per inventory model (Find SKU)."""
    return tuple(e.type for e in _ENTRIES if e.in_availability)


def all_totals() -> tuple[Total, ...]:
    """Every :class:`Total` any type shows, in entry order (the lookups keep them all)."""
    return tuple(total for e in _ENTRIES for total in e.totals)


def feeds_lookups(type_: str) -> bool:
    """Whether the window's lookups read ``type_``'s records (its names, or totals over it)."""
    return type_ in lookup_types() or any(t.type == type_ for t in all_totals())


def dependents(type_: str) -> tuple[str, ...]:
    """Types whose tables show something of ``type_``'s records: its names (a lookup target) or totals over it.
    When ``type_``'s records change, these tables recompute those columns."""
    from desktop_app.schema.model import get_resource

    out: list[str] = []
    for entry in _ENTRIES:
        if entry.type == type_:
            continue
        names = app_type(type_).looked_up and any(r.target == type_ for r in get_resource(entry.type).to_one)
        if names or any(t.type == type_ for t in entry.totals):
            out.append(entry.type)
    return tuple(out)


__all__ = [
    "COMMONLY_HIDDEN",
    "TRANSFER_ACTIONS",
    "Action",
    "AppType",
    "BelowTotal",
    "Column",
    "Listed",
    "Total",
    "all_totals",
    "app_type",
    "app_types",
    "availability_types",
    "command_types",
    "dependents",
    "feeds_lookups",
    "figure_types",
    "import_types",
    "lookup_types",
    "low_mark_types",
    "synced_types",
    "tab_types",
]
