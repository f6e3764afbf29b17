"""The fixed facts of the demo company the sandbox serves: its warehouses, models and catalogue of goods.

Kept apart from the generator so the shape of the company can be read (and changed) in one place, without
reading the code that turns it into records.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Site(NamedTuple):
    """A stock location with the street address it ships from."""

    code: str
    name: str
    company: str
    line_1: str
    line_2: str | None
    city: str
    zip_code: str
    state_code: str | None
    country_code: str
    phone: str
    email: str
    lat: float
    lng: float
    label_format: str


#: Eight warehouses in seven countries: the EU network, a UK depot, two US fulfilment centres.
SITES: tuple[Site, ...] = (
    Site(
        "MIL-01",
        "Milan Central Warehouse",
        "Stockroom Outdoor S.r.l.",
        "Via Gallarate 205",
        None,
        "Milano",
        "20151",
        "MI",
        "IT",
        "+39 02 3809 1122",
        "milano@stockroom-outdoor.example",
        45.5046,
        9.1166,
        "PDF",
    ),
    Site(
        "BER-01",
        "Berlin Hub",
        "Stockroom Outdoor GmbH",
        "Lahnstraße 28",
        "Halle 3",
        "Berlin",
        "12055",
        "BE",
        "DE",
        "+49 30 6098 4410",
        "berlin@stockroom-outdoor.example",
        52.4690,
        13.4470,
        "PDF",
    ),
    Site(
        "LYO-01",
        "Lyon Distribution Centre",
        "Stockroom Outdoor SAS",
        "14 Rue de la Villette",
        None,
        "Lyon",
        "69003",
        None,
        "FR",
        "+33 4 72 33 18 90",
        "lyon@stockroom-outdoor.example",
        45.7600,
        4.8590,
        "ZPL",
    ),
    Site(
        "MAN-01",
        "Manchester Depot",
        "Stockroom Outdoor Ltd",
        "Unit 7, Trafford Park Road",
        "Trafford Park",
        "Manchester",
        "M17 1HG",
        None,
        "GB",
        "+44 161 872 4035",
        "manchester@stockroom-outdoor.example",
        53.4680,
        -2.3080,
        "ZPL",
    ),
    Site(
        "RTM-01",
        "Rotterdam Port Store",
        "Stockroom Outdoor B.V.",
        "Waalhaven Oostzijde 81",
        None,
        "Rotterdam",
        "3087 BM",
        None,
        "NL",
        "+31 10 429 7731",
        "rotterdam@stockroom-outdoor.example",
        51.8930,
        4.4330,
        "PDF",
    ),
    Site(
        "MAD-01",
        "Madrid Returns and Pre-orders",
        "Stockroom Outdoor S.L.",
        "Calle de Alcalá 401",
        "Nave 2",
        "Madrid",
        "28027",
        "M",
        "ES",
        "+34 913 27 64 08",
        "madrid@stockroom-outdoor.example",
        40.4370,
        -3.6500,
        "PDF",
    ),
    Site(
        "NWK-01",
        "Newark Fulfilment Center",
        "Stockroom Outdoor Inc.",
        "400 Doremus Avenue",
        "Dock 12",
        "Newark",
        "07105",
        "NJ",
        "US",
        "+1 973-555-0147",
        "newark@stockroom-outdoor.example",
        40.7230,
        -74.1350,
        "EPL2",
    ),
    Site(
        "RNO-01",
        "Reno Fulfilment Center",
        "Stockroom Outdoor Inc.",
        "1455 Greg Street",
        "Suite 110",
        "Sparks",
        "89431",
        "NV",
        "US",
        "+1 775-555-0182",
        "reno@stockroom-outdoor.example",
        39.5200,
        -119.7690,
        "EPL2",
    ),
)


class Model(NamedTuple):
    """An inventory model and its stock levels as (site code, priority, on hold)."""

    name: str
    strategy: str
    cutoff: int
    transfers_on_hold: bool
    manual_decrement: bool
    reservation_cutoff: int
    levels: tuple[tuple[str, int, bool], ...]
    metadata: dict[str, Any] | None


#: Three strategies: EU splits across contiguous priorities, the US never splits (spread priorities), pre-orders
#: ship from one primary and are held.
MODELS: tuple[Model, ...] = (
    Model(
        "EU Warehouses",
        "split_shipments",
        4,
        False,
        False,
        3600,
        (
            ("MIL-01", 1, False),
            ("BER-01", 2, False),
            ("LYO-01", 3, False),
            ("RTM-01", 4, False),
            ("MAD-01", 5, False),
            ("MAN-01", 6, False),
        ),
        {"region": "EU", "owner": "ops-eu"},
    ),
    Model(
        "US Fulfilment",
        "no_split",
        2,
        False,
        False,
        7200,
        (("NWK-01", 10, False), ("RNO-01", 20, False), ("MAN-01", 30, False)),
        {"region": "US"},
    ),
    Model(
        "Pre-orders",
        "ship_from_primary",
        3,
        True,
        True,
        86400,
        (("MAD-01", 10, True), ("MIL-01", 20, True), ("RNO-01", 30, True)),
        None,
    ),
)

#: (name, code, metadata) of the shipping categories; SKUs with ``do_not_ship`` have none.
SHIPPING_CATEGORIES: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    ("Apparel", "APPAREL", {"carrier_class": "parcel"}),
    ("Bulky Gear", "BULKY", {"carrier_class": "freight", "max_weight_kg": 30}),
    ("Small Accessories", "ACCESSORIES", None),
)


class Product(NamedTuple):
    """A product line: SKU code prefix (6 letters), display name, sizes, shipping category index, weight in grams."""

    prefix: str
    name: str
    sizes: tuple[str, ...]
    category: int
    weight: float
    tariff: str


#: Size codes are padded to four letters with X, as in Commerce Layer's sample code TSHIRTMM000000FFFFFFXLXX.
APPAREL_SIZES = ("XSXX", "SXXX", "MXXX", "LXXX", "XLXX", "XXLX")
ONE_SIZE = ("XXXX",)

PRODUCTS: tuple[Product, ...] = (
    Product("TSHIRT", "Merino Crew T-Shirt", APPAREL_SIZES, 0, 180.0, "6109.90"),
    Product("HOODIE", "Alpine Fleece Hoodie", APPAREL_SIZES, 0, 520.0, "6110.30"),
    Product("JACKET", "Storm Shell Jacket", APPAREL_SIZES, 1, 640.0, "6201.40"),
    Product("TRAILP", "Trail Softshell Pants", APPAREL_SIZES, 0, 410.0, "6203.43"),
    Product("HIKSCK", "Trail Hiking Socks", ("SXXX", "MXXX", "LXXX"), 2, 70.0, "6115.94"),
    Product("BEANIE", "Ribbed Wool Beanie", ONE_SIZE, 2, 90.0, "6505.00"),
    Product("GLOVES", "Thermal Liner Gloves", ("SXXX", "MXXX", "LXXX", "XLXX"), 2, 60.0, "6116.93"),
    Product("BACKPK", "Summit Daypack 28L", ONE_SIZE, 1, 980.0, "4202.92"),
)

#: Gender segment of the code and the word it adds to the name.
GENDERS: tuple[tuple[str, str], ...] = (("MM", ""), ("WW", "Women's "), ("UU", ""))

#: Body colour (hex as in the code, name) and the logo colour printed on it.
COLOURS: tuple[tuple[str, str], ...] = (
    ("000000", "Black"),
    ("FFFFFF", "White"),
    ("1F3A5F", "Navy"),
    ("2E5E4E", "Forest Green"),
    ("C0392B", "Ember Red"),
    ("7F8C8D", "Slate Grey"),
    ("D4A017", "Mustard"),
)

#: Size code → the label people read in a name.
SIZE_LABELS = {"XSXX": "XS", "SXXX": "S", "MXXX": "M", "LXXX": "L", "XLXX": "XL", "XXLX": "XXL", "XXXX": ""}

#: Digital goods: no shipping, no shipping category (the catalogue's ``required_unless: do_not_ship``).
GIFT_CARDS: tuple[tuple[str, str], ...] = (
    ("GIFTCARD0025EURXXXXXXXXX", "E-Gift Card 25 EUR"),
    ("GIFTCARD0050EURXXXXXXXXX", "E-Gift Card 50 EUR"),
    ("GIFTCARD0050USDXXXXXXXXX", "E-Gift Card 50 USD"),
)


def sku_matrix() -> list[tuple[str, str, int, float, str]]:
    """Every (code, name, shipping category index, weight, tariff) the product lines make, in a fixed order.

    Codes follow Commerce Layer's sample ``TSHIRTMM000000FFFFFFXLXX``: product, gender, body colour, logo colour
    (white on dark, black on white), size.
    """
    return [
        (
            f"{product.prefix}{gender}{hex_}{'000000' if hex_ == 'FFFFFF' else 'FFFFFF'}{size}",
            f"{label}{product.name} {colour} {SIZE_LABELS[size]}".strip(),
            product.category,
            product.weight,
            product.tariff,
        )
        for product in PRODUCTS
        for gender, label in GENDERS
        for hex_, colour in COLOURS
        for size in product.sizes
    ]
