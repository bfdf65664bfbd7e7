"""ZIP archive of everything held on a person, for GDPR access (art. 15) and portability (art. 20).

The archive holds one ``data.json`` with every section, and one CSV file per section so the
person can open the data in a spreadsheet. Values are written as text; dates in ISO 8601. A CSV
cell that a spreadsheet would run as a formula starts with a single quote, phone numbers such as
``'+33612345678`` included; ``data.json`` keeps every value exactly.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime

JSON_NAME = "data.json"
# First characters that make a spreadsheet read a CSV cell as a formula, which can run commands
# or send data away when the file is opened (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def build_export_zip(sections: dict[str, list[dict]], metadata: dict | None = None) -> bytes:
    """Return a ZIP with ``data.json`` and one ``<section>.csv`` per section, in the given order."""
    buffer = io.BytesIO()
    document = {"metadata": metadata or {}, **sections}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, json.dumps(document, ensure_ascii=False, indent=2, default=_json_value))
        for name, rows in sections.items():
            archive.writestr(f"{name}.csv", rows_to_csv(rows))
    return buffer.getvalue()


def rows_to_csv(rows: list[dict]) -> str:
    """Return ``rows`` as CSV text, with the union of their keys as header in first-seen order."""
    header = []
    for row in rows:
        header.extend(key for key in row if key not in header)
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _csv_value(value) for key, value in row.items()})
    return output.getvalue()


def escape_csv_formula(value) -> str:
    """Return ``value`` as text, with a single quote before it when a spreadsheet would read it as a formula.

    The quote is the escape OWASP recommends. It applies to phone numbers too ("'+33612345601"),
    since a cell such as "+1+cmd|..." also starts with "+".
    """
    text = "" if value is None or value is False else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _csv_value(value):
    if value is None or value is False:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, default=_json_value)
    return escape_csv_formula(value) if isinstance(value, str) else value
