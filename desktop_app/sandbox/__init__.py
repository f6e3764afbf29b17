"""A local server that behaves like Commerce Layer's inventory API, for the demo and for every integration test.

Served: ``POST /oauth/token``; ``/api/<type>`` for addresses, inventory_models, inventory_stock_locations (also as
``stock_levels``), stock_items, stock_locations, skus, reserved_stocks (read-only), stock_transfers,
shipping_categories and versions (read-only), with every relationship the catalogue lists as
``/api/<type>/<id>/<relationship>`` (a record's own versions too); the singletons ``/api/organization`` and
``/api/application``; the test surface ``/_sandbox/{requests,faults,reset}``.

Where Commerce Layer's documentation is silent the sandbox chooses, consistently:
- unknown, read-only, non-creatable or non-updatable keys in a body → 400 ``PARAM_NOT_ALLOWED``; triggers only in PATCH;
- type errors, blanks, unknown related ids, and duplicates (a second stock item for the same SKU and stock
  location, a second stock level for the same model and location, a repeated ``code``) → 422 ``VALIDATION_ERROR``
  with ``source.pointer`` (Rails' uniqueness validation answers before the database's 409 could);
- deleting a record another record points at → 423 ``LOCKED``;
- ``data.type`` other than the path's type (either stock-level name is fine) → 400 ``TYPE_MISMATCH``;
- unknown query parameters → 400 ``PARAM_NOT_ALLOWED``; filters, sort and paging on a single record likewise;
- ``cont``/``start``/``end``/``matches`` ignore case, as Ransack's ``ILIKE`` does on PostgreSQL;
- SKU ``inventory`` (single retrieve only): see :mod:`desktop_app.sandbox.inventory`;
- stock transfer life cycle, reservations and stock moves: see :mod:`desktop_app.sandbox.transfers`;
- the token is checked before the path; a path outside the catalogue → 404 ``RECORD_NOT_FOUND``;
- relationships to types the sandbox keeps no records of (a stock item's ``stock_reservations``, a SKU's ``tags``)
  answer ``null`` or an empty page; writing one accepts clearing it and refuses any id as not found (422);
- bodies Ruby's JSON would not parse or the sandbox could not print back (lone surrogates, ``NaN``, numbers of
  thousands of digits, nesting beyond 100) → 400 ``INVALID_DATA_FORMAT``; bodies over 1 MiB → 413: see
  :mod:`desktop_app.sandbox.bodies`;
- booleans take Rails' wire spellings (``1``/``0``, ``t``/``f``, ``on``/``off``, ``true``/``false``) but not other
  text, which Rails would silently read as true;
- what a version records and when: see :mod:`desktop_app.sandbox.history`.
"""

from desktop_app.sandbox.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Sandbox, create_app
from desktop_app.sandbox.ratelimit import ClassLimits, Limit
from desktop_app.sandbox.server import RunningSandbox, start_background

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "ClassLimits",
    "Limit",
    "RunningSandbox",
    "Sandbox",
    "create_app",
    "start_background",
]
