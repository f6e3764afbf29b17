"""The one description of Stockroom's resources, and the value and query rules derived from it (no Qt)."""

from desktop_app.schema.errors import FieldError
from desktop_app.schema.model import (
    LEGACY_STOCK_LEVELS,
    SERVER_FIELDS,
    STOCK_LEVELS,
    Field,
    Relationship,
    Resource,
    canonical_type,
    get_resource,
    resources,
    schema_version,
)
from desktop_app.schema.query import (
    Condition,
    QueryError,
    build_filter_params,
    build_sort_param,
    encode_filter_value,
    parse_fields,
    parse_filter_key,
    parse_include,
    parse_sort,
)
from desktop_app.schema.values import (
    check_attributes,
    coerce,
    display,
    format_datetime,
    parse_datetime,
    parse_text,
)

__all__ = [
    "LEGACY_STOCK_LEVELS",
    "SERVER_FIELDS",
    "STOCK_LEVELS",
    "Condition",
    "Field",
    "FieldError",
    "QueryError",
    "Relationship",
    "Resource",
    "build_filter_params",
    "build_sort_param",
    "canonical_type",
    "check_attributes",
    "coerce",
    "display",
    "encode_filter_value",
    "format_datetime",
    "get_resource",
    "parse_datetime",
    "parse_fields",
    "parse_filter_key",
    "parse_include",
    "parse_sort",
    "parse_text",
    "resources",
    "schema_version",
]
