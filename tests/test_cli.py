import json
import os
import subprocess
import sys

import pytest

from sms_gdpr_compliance.cli import main


def _run(*args, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "sms_gdpr_compliance", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
    )


def _json_output(result):
    assert result.returncode == 0, f"exit {result.returncode}, stderr: {result.stderr}"
    lines = result.stdout.splitlines()
    assert len(lines) == 1, f"expected one JSON line, got {result.stdout!r}"
    return json.loads(lines[0])


def test_cli_number():
    output = _json_output(_run("number", "0692 12 34 56", "--company-country", "FR", "--contact-country", "FR"))
    assert output == {
        "e164": "+262692123456",
        "status": "valid",
        "type": "mobile",
        "region": "RE",
        "time_zone": "Indian/Reunion",
        "assumed_country": False,
        "sms_eligible": True,
        "reason": None,
    }, output


def test_cli_number_assumed():
    output = _json_output(_run("number", "0470 12 34 56", "--company-country", "fr"))
    assert output["assumed_country"] is True, output
    assert output["reason"] == "not_mobile", output


def test_cli_segments():
    output = _json_output(_run("segments", "Prêt pour la rentrée ? STOP au 36111"))
    assert output == {"encoding": "ucs2", "units": 36, "segments": 1, "ucs2_characters": ["ê"]}, output


def test_cli_segments_utf8_in_c_locale():
    result = _run("segments", "Prêt 🙏", env_extra={"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"})
    output = _json_output(result)
    assert output["ucs2_characters"] == ["ê", "🙏"], output


def test_cli_window():
    output = _json_output(_run("window", "+33612345678", "--at", "2026-04-03T09:00:00Z", "--zip", "67000"))
    assert output == {"first_allowed_local": "2026-04-07T10:00:00+02:00", "time_zone": "Europe/Paris"}, output


def test_cli_window_offset():
    output = _json_output(_run("window", "+590690123456", "--at", "2026-03-27T04:30:00-04:00"))
    assert output["first_allowed_local"] == "2026-03-27T10:00:00-04:00", output


@pytest.mark.parametrize(
    "e164, at, postcode, expected",
    [
        ("+33612345678", "2026-04-03T09:00:00Z", "67 000", "2026-04-07T10:00:00+02:00"),
        ("+32470123456", "2026-07-21T09:00:00Z", "1000", "2026-07-22T10:00:00+02:00"),
        ("+33612345678", "2999-12-31T09:00:00Z", None, "2999-12-31T10:00:00+01:00"),
        # France kept Paris mean time, 9 min 21 s ahead of Greenwich, until 1911.
        ("+33612345678", "1900-01-03T09:00:00Z", None, "1900-01-03T10:00:00+00:09:21"),
    ],
    ids=["zip-with-space", "zip-four-digits", "year-2999", "year-1900"],
)
def test_cli_window_accepted_values(e164, at, postcode, expected):
    args = ["window", e164, "--at", at, *(["--zip", postcode] if postcode else [])]
    output = _json_output(_run(*args))
    assert output["first_allowed_local"] == expected, output


def test_cli_closed_pipe_quiet(tmp_path):
    path = tmp_path / "long.csv"
    rows = "".join(f"Soc {index};Nom{index};06{index:08d}\n" for index in range(3000))
    path.write_text("Société;Nom;Portable\n" + rows, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "sms_gdpr_compliance", "check-list", str(path), "--company-country", "FR"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first_line = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8")
    status = process.wait(timeout=60)
    assert json.loads(first_line)["line"] == 2, first_line
    assert stderr == "", f"stderr after the reader left: {stderr!r}"
    assert status == 141, f"exit {status}"


def test_cli_classify():
    assert _json_output(_run("classify", "Désabonnez-moi svp")) == {"intent": "stop"}
    assert _json_output(_run("classify", "START")) == {"intent": "start"}
    assert _json_output(_run("classify", "Qui êtes-vous ?")) == {"intent": "reply"}


def test_cli_check_message():
    output = _json_output(
        _run(
            "check-message",
            "Acme : -20 % ce mois-ci. acme.fr/rgpd STOP au 36111",
            "--sender-id", "ACME",
            "--short-code", "36111",
            "--advertiser", "Acme",
            "--privacy-url", "https://acme.fr/rgpd",
        )
    )
    assert output == {"ok": True, "findings": []}, output


def test_cli_check_message_errors():
    output = _json_output(_run("check-message", "Bonjour", "--sender-id", "INFO", "--short-code", "36111"))
    assert output["ok"] is False, output
    codes = [finding["code"] for finding in output["findings"]]
    assert "opt_out_missing" in codes, codes
    assert "sender_id_generic" in codes, codes
    assert set(output["findings"][0]) == {"code", "severity", "message"}, output["findings"][0]


@pytest.mark.parametrize(
    "args, named",
    [
        (("number", "0612345678", "--company-country", "XX"), "XX"),
        (("number", "0612345678", "--company-country", "FR", "--contact-country", "France"), "France"),
        (("window", "+33612345678", "--at", "tomorrow"), "tomorrow"),
        (("window", "+33612345678", "--at", "2026-03-27T08:30:00"), "2026-03-27T08:30:00"),
        (("window", "+3361", "--at", "2026-03-27T08:30:00Z"), "+3361"),
        (("window", "0612345678", "--at", "2026-03-27T08:30:00Z"), "0612345678"),
        (("window", "+33612345678", "--at", "9999-12-31T23:00:00Z"), "9999-12-31T23:00:00Z"),
        (("window", "+33612345678", "--at", "0001-01-01T00:00:00Z"), "0001-01-01T00:00:00Z"),
        (("window", "+33612345678", "--at", "2026-03-27T08:30:00Z", "--zip", "abc"), "abc"),
        (("window", "+33612345678", "--at", "2026-03-27T08:30:00Z", "--zip", "670000"), "670000"),
        (("segments", os.fsdecode(b"\xff\xfe")), "TEXT"),
        (("check-message", "Promo", "--sender-id", os.fsdecode(b"AC\xffME")), "--sender-id"),
        (("number", os.fsdecode(b"06\xff12"), "--company-country", "FR"), "RAW"),
    ],
    ids=["company-country", "contact-country", "at-unparsable", "at-naive", "e164-invalid", "e164-national",
         "at-year-9999", "at-year-1", "zip-letters", "zip-six-digits", "text-not-utf8", "option-not-utf8",
         "raw-not-utf8"],
)
def test_cli_bad_value(args, named):
    result = _run(*args)
    assert result.returncode == 2, f"exit {result.returncode}, stdout {result.stdout!r}"
    assert result.stdout == "", f"stdout not empty: {result.stdout!r}"
    assert len(result.stderr.strip().splitlines()) == 1, f"stderr not one line: {result.stderr!r}"
    assert named in result.stderr, f"stderr does not name {named!r}: {result.stderr!r}"


@pytest.mark.parametrize(
    "args",
    [(), ("number", "0612345678"), ("window", "+33612345678"), ("segments",), ("unknown",)],
    ids=["no-command", "no-company-country", "no-at", "no-text", "unknown-command"],
)
def test_cli_missing_argument(args):
    result = _run(*args)
    assert result.returncode == 2, f"exit {result.returncode}"
    assert result.stderr, "no message on stderr"


def test_console_script_entry():
    scripts = os.path.dirname(sys.executable)
    script = os.path.join(scripts, "sms-gdpr")
    if not os.path.exists(script):
        pytest.skip(f"console script not installed next to {sys.executable}")
    result = subprocess.run([script, "classify", "STOP"], capture_output=True, text=True, timeout=60)
    assert _json_output(result) == {"intent": "stop"}


def test_main_returns_status(capsys):
    assert main(["classify", "stop"]) == 0, "main did not return 0"
    assert json.loads(capsys.readouterr().out) == {"intent": "stop"}
