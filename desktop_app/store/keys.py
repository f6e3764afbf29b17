"""Where a type's sort keys live outside the JSON of ``records``: the narrow key tables (migration 9) and the
virtual columns of ``records`` (migration 7), and which of those an index can be read in order from.

The cache's readers (orders, counts, filters, lookups) and the index builder all ask this module, and it asks none
of them: the layout is data, not a part of opening the file.
"""

from __future__ import annotations

#: Narrow tables of a type's sort keys (migration 9): the table, its row id column, and its column for each JSON
#: value of the record; orders, counts and relationship lookups of that type read them instead of ``records``.
KEY_TABLES: dict[str, tuple[str, str, dict[tuple[str, str], str]]] = {
    "stock_items": (
        "stock_item_keys",
        "item",
        {
            ("relationships", "sku"): "sku",
            ("relationships", "stock_location"): "stock_location",
            ("attributes", "quantity"): "quantity",
            ("related", "sku.code"): "sku_code",  # migration 10: a related record's name, by relationship.attribute
            ("related", "stock_location.name"): "location_name",
        },
    ),
}

#: The virtual columns of the records table (migration 7), by the JSON value each computes: reads use the column
#: instead of the ``json_extract`` so the indexes on it apply.
GENERATED: dict[tuple[str, str], str] = {
    ("relationships", "sku"): "k_sku",
    ("relationships", "stock_location"): "k_stock_location",
    ("attributes", "quantity"): "k_quantity",
    ("attributes", "code"): "k_code",
    ("attributes", "name"): "k_name",
}
#: Virtual columns with an index to sort by, per type (``"*"``: every type but stock items); any other value sorts
#: by one pass over the rows in storage order instead. A stock item's SKU, location and quantity are sorted, filtered
#: and looked up through its key table's indexes (migration 15 dropped the records table's copies of them).
SORT_INDEXES: dict[str, frozenset[str]] = {
    "stock_items": frozenset(),
    "*": frozenset({"k_code", "k_name"}),  # partial indexes (where present): stock items have neither
}


def own_keys(type_: str) -> dict[tuple[str, str], str]:
    """The key table's column for each of ``type_``'s own values it holds (``("attributes", "quantity")``,
    ``("relationships", "sku")``), without the related names; empty for a type without a key table."""
    keyed = KEY_TABLES.get(type_)
    if keyed is None:
        return {}
    return {value: column for value, column in keyed[2].items() if value[0] != "related"}


def sort_index(type_: str, column: str) -> bool:
    """Whether ``type_``'s rows can be read in ``column`` order from an index."""
    indexed = SORT_INDEXES.get(type_, SORT_INDEXES["*"])
    return column in indexed
