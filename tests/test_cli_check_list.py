import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
RENTED_LIST = DATA / "rented_list_fr.csv"


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "sms_gdpr_compliance", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=60,
    )


def _json_lines(result):
    assert result.returncode == 0, f"exit {result.returncode}, stderr: {result.stderr}"
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_check_list_rented_list():
    objects = _json_lines(_run("check-list", str(RENTED_LIST), "--company-country", "FR"))
    rows, summary = objects[:-1], objects[-1]["summary"]
    assert [row["line"] for row in rows] == list(range(2, 21))
    assert set(rows[0]) == {"line", "name", "company", "number", "e164", "number_type", "decision", "reasons"}
    by_line = {row["line"]: row for row in rows}
    assert (by_line[2]["e164"], by_line[2]["decision"], by_line[2]["reasons"]) == ("+33612345601", "import", [])
    assert by_line[3]["decision"] == "skip"
    assert by_line[3]["reasons"][0]["code"] == "duplicate_in_file"
    assert by_line[11]["reasons"][0]["code"] == "several_numbers"
    assert by_line[13]["e164"] is None
    assert by_line[14]["e164"] == "+33612345607"
    assert by_line[18]["reasons"][0]["message"].startswith('"31/02/2026" is not a valid date')
    assert by_line[20]["reasons"][0]["code"] == "country_assumed"
    assert summary["rows"] == 19
    assert summary["decisions"] == {"import": 7, "warning": 11, "skip": 1}
    assert (summary["format"], summary["encoding"], summary["delimiter"]) == ("csv", "cp1252", ";")
    assert summary["missing"] == {"legal_basis": 1, "data_source": 1, "collection_date": 2, "provider": 0}
    assert "message" not in summary


def test_check_list_message_findings():
    objects = _json_lines(_run(
        "check-list", str(RENTED_LIST), "--company-country", "FR",
        "--message", "Offre MyBrand : -20 % ce mois-ci. STOP au 36111", "--sender-id", "MYBRAND",
        "--short-code", "36111",
    ))
    message = objects[-1]["summary"]["message"]
    assert message["ok"] is True
    assert [finding["code"] for finding in message["findings"]] == ["privacy_link_missing"]


def test_check_list_message_error():
    objects = _json_lines(_run("check-list", str(RENTED_LIST), "--company-country", "FR", "--message", "Bonjour"))
    message = objects[-1]["summary"]["message"]
    assert message["ok"] is False
    assert "opt_out_missing" in [finding["code"] for finding in message["findings"]]


def test_check_list_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["Company", "Mobile", "Country"])
    workbook.active.append(["Acme", 33612345607.0, "France"])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    objects = _json_lines(_run("check-list", str(path), "--company-country", "FR"))
    assert objects[0]["e164"] == "+33612345607"
    assert objects[-1]["summary"]["format"] == "xlsx"


@pytest.mark.parametrize(
    "args, named",
    [
        (("check-list", "missing.csv", "--company-country", "FR"), "missing.csv"),
        (("check-list", str(RENTED_LIST), "--company-country", "XX"), "XX"),
        (("check-list", str(DATA / "cases"), "--company-country", "FR"), "cases"),
    ],
    ids=["missing-file", "bad-country", "directory"],
)
def test_check_list_bad_value(args, named):
    result = _run(*args)
    assert result.returncode == 2, f"exit {result.returncode}, stdout {result.stdout!r}"
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert named in result.stderr


def test_check_list_unreadable_file(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("foo;bar\n1;2\n", encoding="utf-8")
    result = _run("check-list", str(path), "--company-country", "FR")
    assert result.returncode == 2
    assert "no known column" in result.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        ("Société;Nom;Portable\r\n".encode("cp1252"), "has a header line but no data rows"),
        (bytes((index * 73 + 41) % 256 for index in range(2000)), "contains NUL bytes"),
    ],
    ids=["empty", "header-only", "binary"],
)
def test_check_list_file_without_rows(tmp_path, content, message):
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    result = _run("check-list", str(path), "--company-country", "FR")
    assert result.returncode == 2, f"exit {result.returncode}, stdout {result.stdout!r}"
    assert message in result.stderr, result.stderr
    assert str(path) in result.stderr, result.stderr


def test_check_list_huge_cell(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text(f"Société;Nom;Portable\n{'A' * 200_000};Martin;0612345601\nAcme;Petit;0612345602\n",
                    encoding="utf-8")
    objects = _json_lines(_run("check-list", str(path), "--company-country", "FR"))
    huge, normal, summary = objects
    assert (huge["line"], huge["decision"]) == (2, "reject"), huge
    assert [reason["code"] for reason in huge["reasons"]] == ["cell_too_long"], huge
    assert len(huge["name"]) < 100, len(huge["name"])
    assert normal["decision"] == "warning", normal
    assert summary["summary"]["decisions"] == {"warning": 1, "reject": 1}, summary


@pytest.mark.parametrize("args", [("check-list",), ("check-list", str(RENTED_LIST))], ids=["no-file", "no-country"])
def test_check_list_missing_argument(args):
    result = _run(*args)
    assert result.returncode == 2
    assert result.stderr
