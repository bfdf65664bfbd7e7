"""Reading of CSV and XLSX files as agencies receive them, into rows of text cells with their line numbers.

CSV files may come in UTF-8 (with or without a byte order mark), UTF-16 (Excel's "Unicode text")
or Windows-1252, separated by ``;``, ``,``, tabs or ``|``, with CRLF or LF line ends. XLSX cells
are turned into the text a person sees: whole floats lose their ``.0`` and dates become ISO dates.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from .errors import ComplianceError

FORMAT_CSV = "csv"
FORMAT_XLSX = "xlsx"

DELIMITERS = (";", ",", "\t", "|")
# Maximum length of a list cell, in characters, for every column. The longest values of a
# lead list, a street address or a job title, stay well under 200 characters. A longer cell is
# almost always a quote left open, which merges the following lines into one cell, or a file
# that is not a list. Kept, it would fill the lead's name, the audit log and every list view,
# so the readers reject its row and name the cell instead of cutting the value.
MAX_CELL_LENGTH = 1000
# Characters of an over-long cell kept to show it in a report.
CLIPPED_CELL_LENGTH = 60
# A ZIP archive (XLSX) and an OLE2 compound file (the binary XLS format of Excel 97-2003).
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class TableRow:
    """One row of a file: its line number (1 for the first line) and its cells as stripped text."""

    line: int
    cells: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not any(self.cells)

    def long_cells(self) -> list[int]:
        """Return the indexes of the cells longer than ``MAX_CELL_LENGTH``."""
        return [index for index, cell in enumerate(self.cells) if len(cell) > MAX_CELL_LENGTH]

    def clipped(self) -> TableRow:
        """Return the row with every cell longer than ``MAX_CELL_LENGTH`` cut to its start and "…"."""
        return TableRow(self.line, tuple(clip_cell(cell) for cell in self.cells))


def clip_cell(cell: str) -> str:
    """Return ``cell`` as it is, or cut to its start and "…" when it is longer than ``MAX_CELL_LENGTH``."""
    if len(cell) <= MAX_CELL_LENGTH:
        return cell
    return cell[:CLIPPED_CELL_LENGTH] + "…"


@dataclass
class Table:
    """The rows of a file, with how it was read."""

    format: str
    encoding: str | None
    delimiter: str | None
    rows: list[TableRow] = field(default_factory=list)
    # Name of the worksheet read, for XLSX.
    sheet: str | None = None


def read_table(data: bytes, filename: str | None = None) -> Table:
    """Read a CSV or XLSX file into rows, or raise ComplianceError naming what is wrong with it."""
    name = filename or "file"
    if not data or not data.strip():
        raise empty_file_error(name)
    if data.startswith(_OLE2_MAGIC):
        raise ComplianceError(
            "unsupported_format",
            f'"{name}" is an Excel 97-2003 (.xls) file. Save it as .xlsx or as CSV and import it again.',
            filename=name,
        )
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, name)
    return _read_csv(data, name)


def empty_file_error(filename: str | None) -> ComplianceError:
    """Return the error for a file with no content, or only white space."""
    name = filename or "file"
    return ComplianceError("empty_file", f'"{name}" is empty. Choose a CSV or XLSX file with a header line.',
                           filename=name)


# ----------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------

def decode_text(data: bytes) -> tuple[str, str]:
    """Return the text of ``data`` and the encoding used: UTF-16 or UTF-8 when they fit, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Five bytes are undefined in Windows-1252. Latin-1 decodes every byte, so no byte is dropped.
        return data.decode("latin-1"), "latin-1"


def detect_delimiter(text: str) -> str:
    """Return the separator that splits the first non-empty line into the most cells (";" on a tie)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    best, best_count = DELIMITERS[0], 1
    for delimiter in DELIMITERS:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        if len(cells) > best_count:
            best, best_count = delimiter, len(cells)
    return best


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding = decode_text(data)

    if "\x00" in text:
        # A text file has no NUL character, and PostgreSQL cannot store one in a text column.
        raise ComplianceError(
            "unreadable_file",
            f'"{name}" is not a CSV file: it contains NUL bytes, as binary files do. Save the list as CSV '
            "or XLSX and import it again.",
            filename=name,
        )
    # The csv module raises on cells over its process-wide field size limit (131,072 characters
    # by default, 500 MiB in an Odoo server). Raising it to the text's length, and never lowering
    # it, lets MAX_CELL_LENGTH report over-long cells per row in the command line as in Odoo.
    if csv.field_size_limit() < len(text):
        csv.field_size_limit(len(text))

    delimiter = detect_delimiter(text)
    table = Table(FORMAT_CSV, encoding, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            table.rows.append(TableRow(line, tuple(cell.strip() for cell in cells)))
            # A quoted cell may span several lines, so the next row starts after the lines read so far.
            line = reader.line_num + 1
    except csv.Error as error:
        raise ComplianceError(
            "unreadable_file",
            f'"{name}" cannot be read as CSV near line {reader.line_num}: {error}. Check the quotes on that line.',
            filename=name,
            line=reader.line_num,
        ) from error
    return table


# ----------------------------------------------------------------------
# XLSX
# ----------------------------------------------------------------------

def _read_xlsx(data: bytes, name: str) -> Table:
    import openpyxl  # noqa: PLC0415 - only XLSX imports need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ComplianceError(
            "unreadable_file",
            f'"{name}" is not a readable XLSX workbook ({error}). Open it in a spreadsheet and save it as .xlsx again.',
            filename=name,
        ) from error
    try:
        sheet = workbook.worksheets[0]
        table = Table(FORMAT_XLSX, None, None, sheet=sheet.title)
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            table.rows.append(TableRow(line, tuple(cell_text(value) for value in values)))
    finally:
        workbook.close()
    return table


def cell_text(value) -> str:
    """Return a spreadsheet value as the text a person reads in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        # A number typed into a numeric cell, such as 33612345678, comes back as 33612345678.0.
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
