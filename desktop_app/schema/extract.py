"""Regenerate ``catalogue.json`` from Commerce Layer's machine-readable resource catalogue.

The full catalogue is 1.7 MB and describes 135 resources; Stockroom serves nine inventory resources and their
versions (the read-only audit trail). This script keeps those, drops relationships to resources we do not serve (and
the filter keys that name them) and fields a client never meets, turns the catalogue's free-text "required" notes into
rules a validator can apply, keeps the dropped relationships apart (a client may still ask for them: the sandbox
answers them as an organisation holding no such records), keeps the two singletons (the organisation and the
application a token belongs to), and adds the facts the catalogue only states in prose (enumerations, the rate-limit
class, the stock transfer life cycle). Run it when Commerce Layer publishes a new catalogue:

    python -m desktop_app.schema.extract ../shared/commercelayer/resources-7.9.16.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

KEPT = {
    "address": "addresses",
    "inventory_model": "inventory_models",
    "inventory_stock_location": "inventory_stock_locations",
    "stock_item": "stock_items",
    "stock_location": "stock_locations",
    "sku": "skus",
    "reserved_stock": "reserved_stocks",
    "stock_transfer": "stock_transfers",
    "shipping_category": "shipping_categories",
    "version": "versions",
    "import": "imports",
}

# Commerce Layer's rate limits treat these as cacheable reads (API-NOTES.md section 6).
CACHEABLE = {"imports", "skus", "stock_items", "stock_locations"}

# Facts the catalogue gives only in prose (API-NOTES.md section 2.4).
ENUMS = {
    ("inventory_models", "strategy"): [
        "no_split",
        "split_shipments",
        "split_by_line_items",
        "ship_from_primary",
        "ship_from_first_available_or_primary",
    ],
    ("stock_locations", "label_format"): ["PDF", "ZPL", "EPL2", "PNG"],
    ("imports", "format"): ["json", "csv"],
    # The types Commerce Layer's imports accept (its CLI's ``imports -t`` list) that Stockroom serves.
    ("imports", "resource_type"): ["addresses", "shipping_categories", "skus", "stock_items", "stock_transfers"],
    ("stock_transfers", "status"): [
        "draft",
        "upcoming",
        "on_hold",
        "picking",
        "in_transit",
        "completed",
        "cancelled",
    ],
}
MINIMUM = {
    ("inventory_models", "stock_locations_cutoff"): 1,
    ("inventory_models", "stock_reservation_cutoff"): 1,
    ("stock_transfers", "quantity"): 1,
}
MAXIMUM = {("inventory_models", "stock_locations_cutoff"): 10}

# Conditional "required" notes, as rules: waived when the named attribute/relationship is given,
# or required only when another attribute has a given value.
REQUIRED_UNLESS = {
    ("stock_items", "sku"): "sku_code",
    ("skus", "shipping_category"): "do_not_ship",
}
REQUIRED_WHEN = {
    ("addresses", "first_name"): ("business", False),
    ("addresses", "last_name"): ("business", False),
    ("addresses", "company"): ("business", True),
}

# Life cycles the catalogue states only in its trigger descriptions (API-NOTES.md, "Stock transfers"): the field
# holding the state, the state a new record starts in, and per trigger the states it may leave, the state it enters
# and the timestamp it sets. The order follows the path a transfer normally takes; the window offers actions in it.
STATE_MACHINES: dict[str, dict[str, Any]] = {
    "stock_transfers": {
        "field": "status",
        "initial": "draft",
        "transitions": {
            "_upcoming": {"from": ["draft"], "to": "upcoming", "stamp": None},
            "_picking": {"from": ["upcoming", "on_hold"], "to": "picking", "stamp": "picking_at"},
            "_on_hold": {"from": ["draft", "upcoming", "picking"], "to": "on_hold", "stamp": "on_hold_at"},
            "_in_transit": {"from": ["picking"], "to": "in_transit", "stamp": "in_transit_at"},
            "_complete": {"from": ["in_transit"], "to": "completed", "stamp": "completed_at"},
            "_cancel": {
                "from": ["draft", "upcoming", "on_hold", "picking", "in_transit"],
                "to": "cancelled",
                "stamp": "cancelled_at",
            },
        },
    },
}

LABELS = {
    "addresses": ("Address", "Addresses"),
    "inventory_models": ("Inventory model", "Inventory models"),
    "inventory_stock_locations": ("Stock level", "Stock levels"),
    "stock_items": ("Stock item", "Stock items"),
    "stock_locations": ("Stock location", "Stock locations"),
    "skus": ("SKU", "SKUs"),
    "reserved_stocks": ("Reserved stock", "Reserved stocks"),
    "stock_transfers": ("Stock transfer", "Stock transfers"),
    "shipping_categories": ("Shipping category", "Shipping categories"),
    "versions": ("Version", "Versions"),
    "imports": ("Import", "Imports"),
}


def _plural_of_class(class_name: str) -> str:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()
    if snake.endswith("y"):
        return snake[:-1] + "ies"
    if snake.endswith("s"):
        return snake + "es"
    return snake + "s"


def _default(text: str) -> Any:
    match = re.search(r"default is '([^']*)'", text)
    if not match:
        return None
    raw = match.group(1)
    if raw in ("true", "false"):
        return raw == "true"
    if raw.isdigit():
        return int(raw)
    return raw


def _field(plural: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    required_text = spec.get("required", "")
    out: dict[str, Any] = {
        "type": spec["type"],
        "description": spec.get("desc", ""),
        "creatable": bool(spec.get("creatable")),
        "updatable": bool(spec.get("updatable")),
        "filterable": bool(spec.get("filterable")),
        "sortable": bool(spec.get("sortable")),
        "trigger": bool(spec.get("trigger")) or name.startswith("_"),
        "required": required_text == "required" and bool(spec.get("creatable")),
    }
    if spec.get("format"):
        out["format"] = spec["format"]
    if "enum" in spec:
        out["enum"] = spec["enum"]
    if (plural, name) in ENUMS:
        out["enum"] = ENUMS[(plural, name)]
    if (plural, name) in MINIMUM:
        out["minimum"] = MINIMUM[(plural, name)]
    if (plural, name) in MAXIMUM:
        out["maximum"] = MAXIMUM[(plural, name)]
    if (plural, name) in REQUIRED_WHEN:
        other, value = REQUIRED_WHEN[(plural, name)]
        out["required_when"] = [other, value]
    default = _default(required_text)
    if default is not None:
        out["default"] = default
    if spec.get("actions") == ["show"]:
        out["single_retrieve_only"] = True
    if spec.get("transient"):
        out["transient"] = True
    return out


def _seen(spec: dict[str, Any]) -> bool:
    """Whether a client ever meets the field: returned, or sent (a version's ``ip_address`` and ``uuid`` are
    neither, so Stockroom does not describe them)."""
    return spec.get("fetchable", True) is not False or bool(spec.get("creatable") or spec.get("updatable"))


def extract(catalogue: list[dict[str, Any]]) -> dict[str, Any]:
    by_id = {entry["id"]: entry["attributes"] for entry in catalogue}
    served = set(KEPT.values())
    resources: dict[str, Any] = {}
    for singular, plural in KEPT.items():
        attrs = by_id[singular]
        relationships: dict[str, Any] = {}
        dropped: set[str] = set()
        others: dict[str, Any] = {}
        for name, spec in attrs["relationships"].items():
            rel = _relationship(plural, name, spec)
            if rel["target"] not in served or name.startswith("jwt_"):
                dropped.add(name)
                others[name] = {key: rel[key] for key in ("kind", "target", "creatable", "updatable")}
            else:
                relationships[name] = rel
        filters = [key for key in attrs["filters"] if not (key.endswith("_id") and key[: -len("_id")] in dropped)]
        singular_label, plural_label = LABELS[plural]
        resources[plural] = {
            "singular": singular,
            "label": singular_label,
            "plural_label": plural_label,
            "actions": attrs["actions"],
            "cacheable": plural in CACHEABLE,
            "fields": {name: _field(plural, name, spec) for name, spec in attrs["fields"].items() if _seen(spec)},
            "relationships": relationships,
            "other_relationships": others,
            "filters": filters,
        }
        if plural in STATE_MACHINES:
            resources[plural]["states"] = STATE_MACHINES[plural]
    singletons = {
        name: {
            "type": _plural_of_class(_class_name(name)),
            "actions": attrs["actions"],
            "fields": {field: spec["type"] for field, spec in attrs["fields"].items()},
        }
        for name, attrs in by_id.items()
        if attrs.get("singleton")
    }
    return {"schema_version": "7.9.16", "resources": resources, "singletons": singletons}


def _class_name(singular: str) -> str:
    return "".join(part.capitalize() for part in singular.split("_"))


def _relationship(plural: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    required_text = spec.get("required", "")
    rel: dict[str, Any] = {
        "kind": spec["type"],
        "target": _plural_of_class(spec["class_name"]),
        "description": spec.get("desc", ""),
        "creatable": bool(spec.get("creatable")),
        "updatable": bool(spec.get("updatable")),
        "filterable": bool(spec.get("filterable")),
        "sortable": bool(spec.get("sortable")),
        "includable": spec.get("includable", True) is not False,
        "required": required_text.startswith("required") and bool(spec.get("creatable")),
    }
    if (plural, name) in REQUIRED_UNLESS:
        rel["required_unless"] = REQUIRED_UNLESS[(plural, name)]
    return rel


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else Path("../shared/commercelayer/resources-7.9.16.json")
    catalogue = json.loads(source.read_text(encoding="utf-8"))
    target = Path(__file__).with_name("catalogue.json")
    target.write_text(json.dumps(extract(catalogue), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
