"""Which columns a resource's table shows, derived from the resource description.

Every attribute becomes a column; a to-one relationship to something people know by name or code becomes a readable
column ("SKU code", "Stock location") instead of an opaque id; a type's derived columns (a stock item's reserved and
available quantities) come from its entry in :mod:`desktop_app.schema.app`. The order puts what a warehouse manager
scans first on the left; the columns the entry names as hidden (ids, metadata, write-only helpers) start hidden.
"""

from __future__ import annotations

from functools import cache

from desktop_app.schema import Column, Field, app_type, get_resource, lookup_types

#: What names a row comes first: its number and state (a transfer), code, name or priority.
_LEADING = ("number", "status", "code", "name", "priority")
#: What a row is about reads left to right: the SKU, then the inventory model, then where it is.
_RELATIONSHIP_ORDER = ("sku", "inventory_model", "stock_location")
_TRAILING = ("reference", "reference_origin", "metadata", "created_at", "updated_at", "id")


def _relationship_columns(type_: str) -> list[Column]:
    resource = get_resource(type_)
    out: list[Column] = []
    for rel in sorted(
        resource.to_one,
        key=lambda r: _RELATIONSHIP_ORDER.index(r.name) if r.name in _RELATIONSHIP_ORDER else len(_RELATIONSHIP_ORDER),
    ):
        if rel.target not in lookup_types():
            continue
        target = get_resource(rel.target)
        named = app_type(rel.target).named_by
        wanted = [a for a in named if a in target.fields and target.fields[a].required]
        if not wanted:
            wanted = (
                ["name"] if "name" in named and "name" in target.fields else [a for a in named if a in target.fields]
            )
        # Named after the target ("Stock location"), or after the relationship when two point at the same type
        # ("Origin stock location", "Destination stock location").
        shared = sum(other.target == rel.target for other in resource.to_one) > 1
        noun = rel.label if shared else target.label
        for attr in wanted:
            label = noun if len(wanted) == 1 else f"{noun} {target.fields[attr].label.lower()}"  # "Address city"
            out.append(
                Column(
                    key=f"{rel.name}.{attr}",
                    label=label,
                    type="string",
                    source="relationship",
                    relationship=rel.name,
                    target=rel.target,
                    target_attribute=attr,
                )
            )
    return out


def _attribute_column(type_: str, field: Field) -> Column:
    view = app_type(type_)
    return Column(
        key=field.name,
        label="ID" if field.name == "id" else field.label,
        type=field.type,
        source="id" if field.name == "id" else "attribute",
        field=field,
        sortable=field.type not in ("object", "array"),
        server_sortable=field.sortable,
        hidden=field.name in view.hidden or field.type in ("object", "array"),
        inline_edit=field.name in view.inline_edits,
        duration=field.name in view.durations,
    )


@cache
def columns_for(type_: str) -> tuple[Column, ...]:
    """The columns of ``type_``'s table, in their default order."""
    resource = get_resource(type_)
    fields = {n: f for n, f in resource.fields.items() if not f.trigger}
    leading = [_attribute_column(resource.type, fields[n]) for n in _LEADING if n in fields]
    trailing = [_attribute_column(resource.type, fields[n]) for n in _TRAILING if n in fields]
    placed = {c.key for c in leading + trailing}
    related = _relationship_columns(resource.type)
    # A write-only copy of a related record's code (a stock item's ``sku_code``) would be a second "SKU code".
    named = {c.label for c in related}
    middle = [
        _attribute_column(resource.type, f) for n, f in fields.items() if n not in placed and f.label not in named
    ]
    middle.sort(key=lambda c: (c.type in ("object", "array"), c.type == "string", 0))
    # Each derived column beside the one it follows, a leading one too (a SKU's default reorder point after its
    # name); after the middle columns when that one is not shown.
    body = [*leading, *related, *middle]
    for column in app_type(resource.type).derived:
        keys = [c.key for c in body]
        body.insert(keys.index(column.after) + 1 if column.after in keys else len(body), column)
    ordered = (*body, *trailing)
    first = app_type(resource.type).leading
    if not first:
        return ordered
    by_key = {c.key: c for c in ordered}
    front = [by_key[key] for key in first if key in by_key]
    return (*front, *(c for c in ordered if c.key not in first))


def column_index(type_: str, key: str) -> int:
    """The position of column ``key`` in ``type_``'s table (tests and views name columns, never hard-code numbers)."""
    for i, column in enumerate(columns_for(type_)):
        if column.key == key:
            return i
    raise KeyError(f"{type_} has no column {key!r}")


def default_sort(type_: str) -> str:
    """The column a table sorts by when the person has not chosen one: priority, else code, else name."""
    keys = {c.key for c in columns_for(type_)}
    chosen = app_type(type_).sort
    if chosen in keys:
        return chosen
    for key in ("priority", "sku.code", "code", "name"):
        if key in keys:
            return key
    return "id"
