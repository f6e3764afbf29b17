"""Seed data the sandbox starts from: a believable demo company, an empty organisation, or a bench load.

The demo must look like a real small outdoor-goods company (people judge the app by it and tests lean on it),
and every run must produce the same records (tests refer to counts and relations), so everything here comes from
one seeded ``random.Random``. Records are plain dicts in the shape the sandbox's store loads (contract B):
``{"id", "attributes", "relationships"}`` keyed by canonical type, only to-one relationships filled.
"""

from __future__ import annotations

import bisect
import math
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.sandbox.seed_data import (
    GIFT_CARDS,
    MODELS,
    SHIPPING_CATEGORIES,
    SITES,
    Site,
    sku_matrix,
)
from desktop_app.sandbox.seed_history import history_records
from desktop_app.sandbox.transfers import HOLDING
from desktop_app.schema import STOCK_LEVELS, format_datetime, get_resource

Record = dict[str, Any]
Seed = dict[str, list[Record]]

#: Every type a seed fills, in an order where each record's to-one targets come before it.
TYPES: tuple[str, ...] = (
    "addresses",
    "stock_locations",
    "shipping_categories",
    "skus",
    "inventory_models",
    STOCK_LEVELS,
    "stock_items",
    "reserved_stocks",
    "stock_transfers",
    "versions",
)

DEMO_SKU_COUNT = 300
SAMPLE_SKU_CODE = "TSHIRTMM000000FFFFFFXLXX"
BENCH_LOCATIONS = 10
BENCH_MAX = 1_000_000
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_EPOCH = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
_LAST = datetime(2026, 10, 31, 18, 0, tzinfo=UTC)
_TRANSFER_STATUSES = ("draft", "upcoming", "on_hold", "picking", "in_transit", "completed", "cancelled")
#: The timestamped steps a transfer in each status has been through, in order.
_TRANSFER_STEPS: dict[str, tuple[str, ...]] = {
    "on_hold": ("on_hold",),
    "picking": ("picking",),
    "in_transit": ("picking", "in_transit"),
    "completed": ("picking", "in_transit", "completed"),
    "cancelled": ("cancelled",),
}


def generate(seed: str) -> Seed:
    """The records for ``"demo"``, ``"empty"`` or ``"bench:N"``; a ``ValueError`` names a seed it does not know."""
    if seed == "empty":
        return {type_: [] for type_ in TYPES}
    if seed == "demo":
        return _Builder(random.Random(20240101)).demo()
    if seed.startswith("bench:"):
        count_text = seed.removeprefix("bench:")
        if not count_text.isdigit() or not 0 <= int(count_text) <= BENCH_MAX:
            raise ValueError(f"seed - bench needs a stock item count from 0 to {BENCH_MAX}, got {count_text!r}")
        return _Builder(random.Random(1000 + int(count_text))).bench(int(count_text))
    raise ValueError(f"seed - must be demo, empty or bench:N, got {seed!r}")


class _Builder:
    """Hands out unique ids and timestamps from one random stream and collects the records by type."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.out: Seed = {type_: [] for type_ in TYPES}
        span = int((_LAST - _EPOCH).total_seconds())
        # A pool of moments keeps a 100,000-record bench fast while still spreading times over 2024-2026.
        self.moments = sorted(
            _EPOCH + timedelta(seconds=rng.randrange(span), milliseconds=rng.randrange(1000)) for _ in range(4096)
        )

    # -- primitives ---------------------------------------------------------------------------------------------

    def new_id(self) -> str:
        while True:
            candidate = "".join(self.rng.choices(_ID_ALPHABET, k=10))
            if candidate not in self.ids:
                self.ids.add(candidate)
                return candidate

    def stamps(self, after: datetime | None = None) -> tuple[datetime, datetime]:
        """A creation time (after ``after`` if given) and an update time no earlier than it."""
        low = 0 if after is None else min(len(self.moments) - 1, bisect.bisect_left(self.moments, after))
        created = self.rng.randrange(low, len(self.moments))
        updated = created if self.rng.random() < 0.4 else self.rng.randrange(created, len(self.moments))
        return self.moments[created], self.moments[updated]

    def add(
        self,
        type_: str,
        attributes: dict[str, Any],
        relationships: dict[str, str | None],
        when: tuple[datetime, datetime],
    ) -> str:
        """Store a record with every catalogue attribute present (defaults where the seed says nothing)."""
        resource = get_resource(type_)
        record_id = self.new_id()
        full: dict[str, Any] = {}
        for name, field in resource.fields.items():
            if name == "id" or field.trigger or field.single_retrieve_only:
                continue
            full[name] = attributes.get(name, field.default)
        # Commerce Layer returns an empty object, never null, for metadata nobody set (as the sandbox does on create).
        full["metadata"] = full.get("metadata") or {}
        full["created_at"] = format_datetime(when[0])
        full["updated_at"] = format_datetime(when[1])
        links = {rel.name: relationships.get(rel.name) for rel in resource.to_one}
        self.out[type_].append({"id": record_id, "attributes": full, "relationships": links})
        return record_id

    # -- shared pieces ------------------------------------------------------------------------------------------

    def locations(self, sites: tuple[Site, ...]) -> dict[str, str]:
        """Addresses and stock locations; returns stock location ids by site code."""
        by_code: dict[str, str] = {}
        for number, site in enumerate(sites, start=1):
            when = self.stamps()
            full_address = ", ".join(
                part
                for part in (
                    site.line_1,
                    site.line_2,
                    f"{site.zip_code} {site.city}",
                    site.state_code,
                    f"({site.country_code}) {site.phone}",
                )
                if part
            )
            address_id = self.add(
                "addresses",
                {
                    "business": True,
                    "company": site.company,
                    "line_1": site.line_1,
                    "line_2": site.line_2,
                    "city": site.city,
                    "zip_code": site.zip_code,
                    "state_code": site.state_code,
                    "country_code": site.country_code,
                    "phone": site.phone,
                    "email": site.email,
                    "lat": site.lat,
                    "lng": site.lng,
                    "name": site.company,
                    "full_name": site.company,
                    "full_address": full_address,
                    "is_geocoded": True,
                    "is_localized": False,
                    "notes": "Goods-in 07:00-15:00, book a slot 24h ahead" if number % 3 == 0 else None,
                    "reference": f"WH-{site.code}",
                },
                {},
                when,
            )
            by_code[site.code] = self.add(
                "stock_locations",
                {
                    "name": site.name,
                    "code": site.code,
                    "number": 3400 + number * 7,
                    "label_format": site.label_format,
                    "suppress_etd": site.country_code == "US",
                    "reference": f"WMS-{site.code}",
                    "reference_origin": "warehouse-master" if number % 2 else None,
                    "metadata": {"manager": f"{site.city} operations", "dock_doors": 2 + number % 5}
                    if number % 2
                    else None,
                },
                {"address": address_id},
                self.stamps(when[0]),
            )
        return by_code

    def shipping_categories(self) -> list[str]:
        return [
            self.add(
                "shipping_categories",
                {"name": name, "code": code, "metadata": meta, "reference": f"SC-{code}"},
                {},
                self.stamps(),
            )
            for name, code, meta in SHIPPING_CATEGORIES
        ]

    def models(self, locations: dict[str, str]) -> None:
        for model in MODELS:
            when = self.stamps()
            model_id = self.add(
                "inventory_models",
                {
                    "name": model.name,
                    "strategy": model.strategy,
                    "stock_locations_cutoff": model.cutoff,
                    "put_stock_transfers_on_hold": model.transfers_on_hold,
                    "manual_stock_decrement": model.manual_decrement,
                    "stock_reservation_cutoff": model.reservation_cutoff,
                    "metadata": model.metadata,
                    "reference": "IM-" + model.name.upper().replace(" ", "-"),
                },
                {},
                when,
            )
            for code, priority, on_hold in model.levels:
                self.add(
                    STOCK_LEVELS,
                    {
                        "priority": priority,
                        "on_hold": on_hold,
                        "metadata": {"note": "back-orders held for review"} if on_hold and priority == 10 else None,
                    },
                    {"inventory_model": model_id, "stock_location": locations[code]},
                    self.stamps(when[0]),
                )

    def sku_rows(self, count: int) -> list[tuple[str, str, int, float, str]]:
        """``count`` distinct (code, name, category index, weight, tariff) picked from the product matrix."""
        matrix = sku_matrix()
        if count <= len(matrix):
            # Keep the seed pages' own example code in the demo, so it can be looked up as printed there.
            anchor = [row for row in matrix if row[0] == SAMPLE_SKU_CODE][:count]
            rest = [row for row in matrix if row[0] != SAMPLE_SKU_CODE]
            return sorted(anchor + self.rng.sample(rest, count - len(anchor)))
        # Bench loads need more SKUs than the matrix holds: number the extra ones.
        extra = [(f"BENCH{i:019d}", f"Bench Item {i}", i % 3, 100.0, "6109.90") for i in range(count - len(matrix))]
        return matrix + extra

    def skus(self, rows: list[tuple[str, str, int, float, str]], categories: list[str], *, rich: bool) -> list[str]:
        ids = []
        for index, (code, name, category, weight, tariff) in enumerate(rows):
            attributes: dict[str, Any] = {
                "code": code,
                "name": name,
                "do_not_ship": False,
                "do_not_track": False,
                "unit_of_weight": "gr",
                "weight": weight,
                "hs_tariff_number": tariff,
            }
            if rich:
                attributes["description"] = f"{name}. Part of the {name.split(' ')[0]} line."
                attributes["image_url"] = f"https://img.stockroom-outdoor.example/skus/{code}.jpg"
                attributes["pieces_per_pack"] = 3 if code.startswith("HIKSCK") else None
                if index % 17 == 0:
                    attributes["metadata"] = {"season": self.rng.choice(["SS25", "FW25", "SS26"]), "eco": True}
                if index % 23 == 0:
                    attributes["reference"] = f"ERP-{10000 + index}"
                    attributes["reference_origin"] = "erp"
            ids.append(self.add("skus", attributes, {"shipping_category": categories[category]}, self.stamps()))
        return ids

    # -- seeds --------------------------------------------------------------------------------------------------

    def demo(self) -> Seed:
        locations = self.locations(SITES)
        categories = self.shipping_categories()
        self.models(locations)
        rows = self.sku_rows(DEMO_SKU_COUNT - len(GIFT_CARDS))
        sku_ids = self.skus(rows, categories, rich=True)
        for code, name in GIFT_CARDS:
            sku_ids.append(
                self.add(
                    "skus",
                    {
                        "code": code,
                        "name": name,
                        "do_not_ship": True,
                        "do_not_track": True,
                        "description": "Delivered by e-mail.",
                    },
                    {},
                    self.stamps(),
                )
            )
            rows.append((code, name, -1, 0.0, ""))
        codes = [row[0] for row in rows]
        site_ids = list(locations.values())
        items: list[tuple[str, int, int, int]] = []  # (stock item id, sku index, location index, quantity)
        for sku_index, sku_id in enumerate(sku_ids):
            if sku_index >= DEMO_SKU_COUNT - len(GIFT_CARDS) or self.rng.random() < 0.06:
                continue  # gift cards and a few brand-new SKUs have no stock anywhere yet
            for location_index in sorted(self.rng.sample(range(len(site_ids)), self.rng.randint(2, 6))):
                quantity = 0 if self.rng.random() < 0.15 else int(self.rng.lognormvariate(3.2, 0.9))
                attributes: dict[str, Any] = {"quantity": quantity, "sku_code": codes[sku_index]}
                if self.rng.random() < 0.05:
                    attributes["metadata"] = {"bin": f"{chr(65 + self.rng.randrange(8))}{self.rng.randint(1, 40)}"}
                item_id = self.add(
                    "stock_items",
                    attributes,
                    {"sku": sku_id, "stock_location": site_ids[location_index]},
                    self.stamps(),
                )
                items.append((item_id, sku_index, location_index, quantity))
        self.reservations(items, sku_ids, 14)
        self.transfers(items, sku_ids, codes, site_ids)
        self.transfer_reservations()
        self.thresholds()
        history_records(self.out, self.rng, self.new_id, SAMPLE_SKU_CODE)
        return self.out

    def thresholds(self) -> None:
        """Reorder points as Stockroom keeps them in ``metadata``: a default on every tenth SKU and an own point
        (with a target level) on every seventh stock item, so the Low stock view has something to show. Chosen by
        position, not drawn, so the random stream (and every other record) stays as it was."""
        for index, sku in enumerate(self.out["skus"]):
            if index % 10 == 3 and not sku["attributes"].get("do_not_track"):
                sku["attributes"]["metadata"] = {**sku["attributes"]["metadata"], "reorder_point": 8}
        for index, item in enumerate(self.out["stock_items"]):
            if index % 7 == 2:
                own = {"reorder_point": 5 + index % 4 * 5, "target_level": 60}
                item["attributes"]["metadata"] = {**item["attributes"]["metadata"], **own}

    def reservations(self, items: list[tuple[str, int, int, int]], sku_ids: list[str], count: int) -> None:
        """A few reserved stocks on stocked items, each below the item's quantity, linked both ways."""
        stocked = [item for item in items if item[3] >= 4]
        item_records = {record["id"]: record for record in self.out["stock_items"]}
        for item_id, sku_index, _location, quantity in self.rng.sample(stocked, min(count, len(stocked))):
            reserved_id = self.add(
                "reserved_stocks",
                {"quantity": self.rng.randint(1, quantity // 2)},
                {"stock_item": item_id, "sku": sku_ids[sku_index]},
                self.stamps(),
            )
            item_records[item_id]["relationships"]["reserved_stock"] = reserved_id

    def transfers(
        self, items: list[tuple[str, int, int, int]], sku_ids: list[str], codes: list[str], site_ids: list[str]
    ) -> None:
        """One stock transfer in each status, from a location that holds the SKU, with the matching timestamps."""
        stocked = [item for item in items if item[3] >= 10]
        for number, (status, item) in enumerate(zip(_TRANSFER_STATUSES, self.rng.sample(stocked, 7), strict=True)):
            _item_id, sku_index, origin, quantity = item
            destination = self.rng.choice([i for i in range(len(site_ids)) if i != origin])
            created, _ = self.stamps()
            attributes: dict[str, Any] = {
                "quantity": self.rng.randint(1, quantity // 2),
                "status": status,
                "sku_code": codes[sku_index],
                "number": f"ST-{2401 + number}",
            }
            moment = created
            for step in _TRANSFER_STEPS.get(status, ()):
                moment += timedelta(hours=self.rng.randint(2, 30))
                attributes[f"{step}_at"] = format_datetime(moment)
            if number % 2:
                attributes["metadata"] = {"requested_by": "ops-eu" if origin < 6 else "ops-us"}
            self.add(
                "stock_transfers",
                attributes,
                {
                    "sku": sku_ids[sku_index],
                    "origin_stock_location": site_ids[origin],
                    "destination_stock_location": site_ids[destination],
                },
                (created, max(moment, created)),
            )

    def transfer_reservations(self) -> None:
        """Transfers being picked or in transit hold their quantity at the origin, as the sandbox does for a
        transfer that enters those states: added to the origin stock item's reserved stock, created if needed."""
        items = {
            (item["relationships"]["sku"], item["relationships"]["stock_location"]): item
            for item in self.out["stock_items"]
        }
        reserved = {record["relationships"]["stock_item"]: record for record in self.out["reserved_stocks"]}
        for transfer in self.out["stock_transfers"]:
            if transfer["attributes"]["status"] not in HOLDING:
                continue
            links = transfer["relationships"]
            item = items[(links["sku"], links["origin_stock_location"])]
            quantity = transfer["attributes"]["quantity"]
            if item["id"] in reserved:
                reserved[item["id"]]["attributes"]["quantity"] += quantity
                continue
            held = {"stock_item": item["id"], "sku": links["sku"]}
            reserved_id = self.add("reserved_stocks", {"quantity": quantity}, held, self.stamps())
            item["relationships"]["reserved_stock"] = reserved_id
            reserved[item["id"]] = self.out["reserved_stocks"][-1]

    def bench(self, count: int) -> Seed:
        """``count`` stock items over ``BENCH_LOCATIONS`` locations, one per (SKU, location), SKUs as needed."""
        sites = tuple(
            SITES[i % len(SITES)]._replace(code=f"BEN-{i + 1:02d}", name=f"Bench Location {i + 1}")
            for i in range(BENCH_LOCATIONS)
        )
        locations = list(self.locations(sites).values())
        categories = self.shipping_categories()
        self.models({site.code: locations[i] for i, site in enumerate(SITES)})
        sku_ids = self.skus(self.sku_rows(max(1, math.ceil(count / BENCH_LOCATIONS))), categories, rich=False)
        records = self.out["stock_items"]
        rng = self.rng
        moments = [format_datetime(moment) for moment in self.moments]
        sku_codes = [record["attributes"]["code"] for record in self.out["skus"]]
        for index in range(count):
            sku_index, location_index = divmod(index, BENCH_LOCATIONS)
            stamp = moments[rng.randrange(len(moments))]
            records.append(
                {
                    "id": self.new_id(),
                    "attributes": {
                        "quantity": rng.randrange(200),
                        "sku_code": sku_codes[sku_index],
                        "reference": None,
                        "reference_origin": None,
                        "metadata": {},
                        "created_at": stamp,
                        "updated_at": stamp,
                    },
                    "relationships": {
                        "sku": sku_ids[sku_index],
                        "stock_location": locations[location_index],
                        "reserved_stock": None,
                    },
                }
            )
        return self.out
