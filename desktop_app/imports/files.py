"""Reading the spreadsheet a manager was sent: CSV (comma or semicolon, UTF-8 with or without a BOM) or ``.xlsx``.

What comes out is plain text per cell with the line number a person sees in their spreadsheet program, so every
error can point at "line 14, quantity"; what the text means is judged later, by the field it goes to.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop_app.errors import UsageError

#: Extensions read as an Excel workbook (its first sheet); anything else is read as CSV.
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})


@dataclass(frozen=True)
class Sheet:
    """The header (as written) and the data rows, each with its line number (the header is line 1)."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def read_sheet(path: Path) -> Sheet:
    """The rows of ``path``; a file that cannot be read at all is one :class:`UsageError` naming it."""
    try:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            return _read_workbook(path)
        return read_csv_text(_decode(path.read_bytes(), path))
    except OSError as error:
        raise UsageError(f"file - cannot read {path} ({error.strerror or error})") from None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"file - {path.name} is not UTF-8 text (byte {error.start + 1:,}); save it as CSV UTF-8 or as .xlsx"
        ) from None


def read_csv_text(text: str) -> Sheet:
    """CSV text whose delimiter is the one its header line uses most (a semicolon where a comma is a decimal
    point, as European spreadsheet programs write it)."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple[str, ...]]] = []
    header: tuple[str, ...] | None = None
    try:
        for cells in reader:
            if header is None:
                header = tuple(cells)
            elif any(cell.strip() for cell in cells):
                rows.append((reader.line_num, tuple(cells)))
    except csv.Error as error:
        raise UsageError(f"file - line {reader.line_num:,} is not valid CSV ({error})") from None
    return _sheet(header, rows)


def _read_workbook(path: Path) -> Sheet:
    """The first sheet of a workbook, every cell as the text a person would type for it."""
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UsageError(f"file - {path.name} is not an .xlsx workbook ({error})") from None
    try:
        sheet = workbook.worksheets[0]
        header: tuple[str, ...] | None = None
        rows: list[tuple[int, tuple[str, ...]]] = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = tuple(_cell_text(value) for value in values)
            if header is None:
                header = cells
            elif any(cell.strip() for cell in cells):
                rows.append((line, cells))
    finally:
        workbook.close()
    return _sheet(header, rows)


def _cell_text(value: object) -> str:
    """A cell's value as text: 12.0 (Excel keeps every number as a float) reads as 12."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _sheet(header: tuple[str, ...] | None, rows: list[tuple[int, tuple[str, ...]]]) -> Sheet:
    if header is None or not any(name.strip() for name in header):
        raise UsageError("file - the first line must name the columns (for example: sku_code,stock_location,quantity)")
    width = len(header)
    padded = tuple((line, cells[:width] + ("",) * (width - len(cells))) for line, cells in rows)
    return Sheet(tuple(header), padded)
