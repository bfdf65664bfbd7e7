"""Reading of the STOP lists SMS platforms export: numbers to opt out, with the date of each objection.

Every row gets the decision ``opt_out``, ``skip`` (a number already earlier in the file) or
``reject`` (no readable number), with its line number and reasons, as lead lists do.

A cell longer than ``tables.MAX_CELL_LENGTH`` rejects its row when it is the number cell. Any other
over-long cell, such as the date or the channel, is ignored with a warning and the number is
still opted out, because an objection must not be lost to a broken column beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .errors import ComplianceError
from .list_values import (
    FIELD_CHANNEL,
    FIELD_DATE,
    FIELD_NUMBER,
    DateValueError,
    parse_datetime,
    stop_field_for_header,
)
from .lists import (
    DECISION_OPT_OUT,
    DECISION_REJECT,
    SEVERITY_INFO,
    SEVERITY_REJECT,
    SEVERITY_SKIP,
    SEVERITY_WARNING,
    RowReason,
    column_name,
    decision_for,
    long_cell_reason,
    no_data_rows_error,
    row_reason,
)
from .phone import check_country, normalize_number, split_numbers
from .tables import TableRow, clip_cell, read_table

# Delimiters of the CSV files that SMS platforms export, to find the first cell of a merged line.
_CELL_SEPARATORS = re.compile(r"[;,\t|]")
# An opt-out dated a little after the import time is a clock or time-zone difference, not an error.
STOP_DATE_TOLERANCE = timedelta(days=1)


@dataclass
class StopEntry:
    """One row of a STOP list: the numbers to opt out, when the person objected, and the reasons found."""

    line: int
    raw: str
    numbers: list[str] = field(default_factory=list)
    date: datetime | None = None
    channel: str | None = None
    reasons: list[RowReason] = field(default_factory=list)

    @property
    def decision(self) -> str:
        return decision_for(self.reasons, clean=DECISION_OPT_OUT)

    def as_dict(self) -> dict:
        """Return the line number, numbers, date, decision and reasons as a JSON-ready dict."""
        return {
            "line": self.line,
            "number": self.raw,
            "e164": self.numbers,
            "date": self.date.isoformat() if self.date else None,
            "channel": self.channel,
            "decision": self.decision,
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


def read_stop_list(data: bytes, filename: str | None, company_country: str, now: datetime | None = None):
    """Read a STOP list exported by an SMS platform and return ``(table, entries)``.

    The file may have a header naming the number, date and channel columns, or no header at
    all. Without a header, the first column with digits is the number and the next column that
    reads as a date is the date. ``now`` (naive, in the file's local time) rejects dates in the
    future. A row repeating a number is skipped, the first row keeping its date.
    """
    company = check_country(company_country)
    now = now or datetime.now()
    table = read_table(data, filename)
    rows = [row for row in table.rows if not row.is_empty]
    if not rows:
        raise ComplianceError("empty_file", f'"{filename or "file"}" has no line with content.',
                              filename=filename or "file")
    columns = _stop_columns(rows[0].cells)
    headers = ()
    if columns:
        headers = rows[0].clipped().cells
        rows = rows[1:]
        if FIELD_NUMBER not in columns:
            raise ComplianceError(
                "no_number_column",
                f'"{filename or "file"}" has no number column. Name it "Numéro", "Mobile" or "Number".',
                filename=filename or "file",
            )
        if not rows:
            raise no_data_rows_error(filename)
    else:
        columns = _headerless_stop_columns(rows[0].cells)
    entries = [_stop_entry(row, columns, company, now, headers) for row in rows]
    _mark_stop_duplicates(entries)
    return table, entries


def _swallowed_entry(line: int, cell: str, column: str, company_country: str) -> StopEntry:
    """Opt out every number that starts a line of ``cell``, which an unclosed quote filled with the next rows.

    Their dates are lost in the merged cell, so the import time is recorded
    instead, and the report warns that the file should be fixed and imported again.
    """
    lines = cell.splitlines()
    entry = StopEntry(line, clip_cell(lines[0]))
    for text in lines:
        first_cell = _CELL_SEPARATORS.split(text, maxsplit=1)[0]
        info = normalize_number(first_cell, company_country)
        if info.e164 and info.e164 not in entry.numbers:
            entry.numbers.append(info.e164)
    entry.reasons.append(row_reason(
        "unclosed_quote_stop", SEVERITY_WARNING,
        f'The "{column}" cell starts with a quote that is never closed, so the rest of the file '
        f"({len(lines) - 1} more lines) went into it. Its {len(entry.numbers)} numbers are opted out with the "
        "import time as their date. Close the quote and import the file again to record their own dates.",
        column=column,
        lines=len(lines) - 1,
        count=len(entry.numbers),
    ))
    return entry


def _looks_like_number(cell: str) -> bool:
    return sum(char.isdigit() for char in cell) >= 6 and not any(char.isalpha() for char in cell.replace("E", ""))


def _stop_columns(cells) -> dict[str, int]:
    """Return ``{field: column index}`` when ``cells`` is a header line, else an empty dict."""
    if any(_looks_like_number(cell) for cell in cells):
        return {}
    columns = {}
    for index, cell in enumerate(cells):
        name = stop_field_for_header(cell)
        if name and name not in columns:
            columns[name] = index
    return columns


def _headerless_stop_columns(cells) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(cells):
        if FIELD_NUMBER not in columns and _looks_like_number(cell):
            columns[FIELD_NUMBER] = index
        elif FIELD_DATE not in columns and _is_date(cell):
            columns[FIELD_DATE] = index
    columns.setdefault(FIELD_NUMBER, 0)
    return columns


def _is_date(cell: str) -> bool:
    try:
        return parse_datetime(cell) is not None
    except DateValueError:
        return False


def _cell(row: TableRow, columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return row.cells[index] if index is not None and index < len(row.cells) else ""


def _stop_entry(row: TableRow, columns: dict[str, int], company_country: str, now: datetime, headers=()) -> StopEntry:
    number_index = columns.get(FIELD_NUMBER)
    # A cell of a STOP list never spans lines. One that does swallowed the next rows after an
    # unclosed quote, and their opt-outs must not be lost.
    for index, cell in enumerate(row.cells):
        if "\n" in cell:
            return _swallowed_entry(row.line, cell, column_name(headers, index), company_country)
    long_cells = row.long_cells()
    if number_index in long_cells:
        reason = long_cell_reason(column_name(headers, number_index), len(row.cells[number_index]))
        return StopEntry(row.line, clip_cell(row.cells[number_index]), reasons=[reason])
    ignored = [
        long_cell_reason(column_name(headers, index), len(row.cells[index]), row_rejected=False)
        for index in long_cells
    ]
    row = TableRow(row.line, tuple("" if index in long_cells else cell for index, cell in enumerate(row.cells)))

    raw = _cell(row, columns, FIELD_NUMBER)
    entry = StopEntry(row.line, raw, channel=_cell(row, columns, FIELD_CHANNEL) or None, reasons=ignored)
    invalid = []
    for part in split_numbers(raw):
        info = normalize_number(part, company_country)
        if info.e164:
            if info.e164 not in entry.numbers:
                entry.numbers.append(info.e164)
        else:
            invalid.append(part)
    if not entry.numbers:
        entry.reasons.append(row_reason(
            "unparsable_number", SEVERITY_REJECT,
            f'"{raw}" is not a phone number that can be read, so nothing was opted out. Correct it and '
            "import the line again.",
            value=raw,
        ))
        return entry
    if invalid:
        entry.reasons.append(row_reason(
            "invalid_number", SEVERITY_WARNING,
            f'"{", ".join(invalid)}" is not a valid phone number and was left out.',
            value=", ".join(invalid),
        ))
    _read_stop_date(entry, _cell(row, columns, FIELD_DATE), now)
    return entry


def _read_stop_date(entry: StopEntry, text: str, now: datetime) -> None:
    try:
        value = parse_datetime(text)
    except DateValueError:
        entry.reasons.append(row_reason(
            "invalid_stop_date", SEVERITY_WARNING,
            f'"{text}" is not a valid date, so the import time is recorded as the opt-out date.',
            value=text,
        ))
        return
    naive = value.replace(tzinfo=None) if value else None
    if naive and naive > now + STOP_DATE_TOLERANCE:
        entry.reasons.append(row_reason(
            "future_stop_date", SEVERITY_WARNING,
            f'"{text}" is in the future, so the import time is recorded as the opt-out date.',
            value=text,
        ))
        return
    entry.date = value


def _mark_stop_duplicates(entries: list[StopEntry]) -> None:
    first_line = {}
    for entry in entries:
        if entry.decision == DECISION_REJECT:
            continue
        repeated = [number for number in entry.numbers if number in first_line]
        if repeated and len(repeated) == len(entry.numbers):
            entry.reasons.insert(0, row_reason(
                "duplicate_in_file", SEVERITY_SKIP,
                f"{repeated[0]} is already on line {first_line[repeated[0]]} of the file.",
                e164=repeated[0],
                first_line=first_line[repeated[0]],
            ))
        for number in entry.numbers:
            first_line.setdefault(number, entry.line)


def mark_already_blacklisted(entries: list[StopEntry], blacklisted) -> None:
    """Note on each STOP entry whose numbers were all blacklisted before the import that nothing new is blocked."""
    for entry in entries:
        if entry.decision == DECISION_OPT_OUT and entry.numbers and set(entry.numbers) <= set(blacklisted):
            entry.reasons.append(row_reason(
                "already_blacklisted", SEVERITY_INFO,
                f"{entry.numbers[0]} was already on the blacklist.",
                e164=entry.numbers[0],
            ))
