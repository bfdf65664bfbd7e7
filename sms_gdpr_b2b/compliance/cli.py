"""Command line ``sms-gdpr``: run one compliance check and print its result as JSON.

Every command prints one JSON object, except ``check-list``, which prints JSON Lines: one object
per data row of the file, then one summary object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from datetime import datetime

from .errors import ComplianceError
from .keywords import classify_reply
from .lists import read_lead_list, summarize
from .mentions import check_message, check_ok
from .phone import check_country, normalize_number
from .segments import count_segments
from .window import first_allowed_for_number

EXIT_OK = 0
EXIT_USAGE = 2
# Exit status of a command whose reader closed stdout early, as "head" does: 128 + SIGPIPE (13),
# the status a shell reports for a standard tool that the signal ends.
EXIT_BROKEN_PIPE = 141

# Years accepted by --at. A send time outside them is a typing error, and a year near 9999
# overflows datetime while the next window is searched.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999
# Belgian and Swiss postcodes have 4 digits, French ones 5.
_POSTCODE = re.compile(r"\d{4,5}")
# Positional arguments, whose name in messages is their metavar: the dest in upper case.
_POSITIONAL_ARGUMENTS = frozenset({"raw", "text", "e164", "file"})


class UsageError(Exception):
    """An argument that parses but cannot be used, reported on one line with exit status 2."""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sms-gdpr",
        description="GDPR and French ePrivacy checks for B2B SMS prospecting. Each command prints one JSON object.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    number = commands.add_parser("number", help="normalise a phone number and tell whether it can receive SMS")
    number.add_argument("raw", metavar="RAW", help="the number as written, for example '06 12 34 56 78'")
    number.add_argument(
        "--company-country", required=True, metavar="CC", help="ISO 3166-1 alpha-2 code of the sending company"
    )
    number.add_argument("--contact-country", metavar="CC", help="ISO 3166-1 alpha-2 code of the contact, if known")
    number.set_defaults(handler=_run_number)

    segments = commands.add_parser("segments", help="count the encoding and SMS parts of a message body")
    segments.add_argument("text", metavar="TEXT", help="the message body, mentions included")
    segments.set_defaults(handler=_run_segments)

    window = commands.add_parser("window", help="first instant an SMS may be sent under the default French rules")
    window.add_argument("e164", metavar="E164", help="the recipient number in E.164, for example +33612345678")
    window.add_argument(
        "--at",
        required=True,
        metavar="ISO8601",
        help="requested send instant with Z or an offset, for example 2026-03-27T08:30:00Z",
    )
    window.add_argument(
        "--zip", metavar="POSTCODE", help="the contact's postal code, 4 or 5 digits, for local holidays"
    )
    window.set_defaults(handler=_run_window)

    classify = commands.add_parser("classify", help="classify an inbound reply as stop, start or reply")
    classify.add_argument("text", metavar="TEXT", help="the reply body")
    classify.set_defaults(handler=_run_classify)

    message = commands.add_parser("check-message", help="check the mandatory mentions and sender ID of a message")
    message.add_argument("text", metavar="TEXT", help="the message body, mentions included")
    message.add_argument("--sender-id", metavar="ID", help="alphanumeric sender ID, 3 to 11 letters or digits")
    message.add_argument("--short-code", metavar="CODE", help="the company's 5-digit STOP short code")
    message.add_argument("--opt-out-url", metavar="URL", help="opt-out link expected in the message")
    message.add_argument("--advertiser", metavar="NAME", help="advertiser name expected in the message")
    message.add_argument("--privacy-url", metavar="URL", help="privacy notice link expected in the message")
    message.set_defaults(handler=_run_check_message)

    check_list = commands.add_parser(
        "check-list",
        help="check a rented or purchased list (CSV or XLSX) before it is imported; prints one JSON object "
        "per row, then a summary",
    )
    check_list.add_argument("file", metavar="FILE", help="the list as received, CSV (any separator) or XLSX")
    check_list.add_argument(
        "--company-country", required=True, metavar="CC", help="ISO 3166-1 alpha-2 code of the importing company"
    )
    check_list.add_argument("--message", metavar="TEXT", help="the SMS to be sent to the list, checked for its mentions")
    check_list.add_argument("--sender-id", metavar="ID", help="sender ID the message will use, for --message")
    check_list.add_argument("--short-code", metavar="CODE", help="the company's STOP short code, for --message")
    check_list.set_defaults(handler=_run_check_list)
    return parser


def _run_number(args: argparse.Namespace) -> dict:
    company = _country_argument(args.company_country, "--company-country")
    contact = _country_argument(args.contact_country, "--contact-country") if args.contact_country else None
    return normalize_number(args.raw, company, contact).as_dict()


def _country_argument(code: str, option: str) -> str:
    try:
        return check_country(code)
    except ComplianceError as error:
        raise UsageError(f"{option}: {error}") from error


def _run_segments(args: argparse.Namespace) -> dict:
    return count_segments(args.text).as_dict()


def _parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant that ends with Z or an offset."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as error:
        raise UsageError(
            f'--at: cannot parse "{text}". Write an ISO 8601 instant such as 2026-03-27T08:30:00Z.'
        ) from error
    if instant.tzinfo is None:
        raise UsageError(f'--at: "{text}" has no time zone. Add Z or an offset such as +01:00.')
    if not EARLIEST_YEAR <= instant.year <= LATEST_YEAR:
        raise UsageError(
            f'--at: "{text}" is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}. Give an instant within them.'
        )
    return instant


def _postcode_argument(text: str | None) -> str | None:
    """Return the postcode without spaces, or raise UsageError when it is not 4 or 5 digits."""
    if text is None:
        return None
    postcode = re.sub(r"\s", "", text)
    if not _POSTCODE.fullmatch(postcode):
        raise UsageError(
            f'--zip: "{text}" is not a postcode. Give 5 digits for France, such as 67000, or 4 for '
            "Belgium or Switzerland."
        )
    return postcode


def _run_window(args: argparse.Namespace) -> dict:
    at = _parse_instant(args.at)
    postcode = _postcode_argument(args.zip)
    try:
        instant, time_zone = first_allowed_for_number(args.e164, at, postcode)
    except ComplianceError as error:
        raise UsageError(str(error)) from error
    return {"first_allowed_local": instant.isoformat(timespec="seconds"), "time_zone": time_zone}


def _run_classify(args: argparse.Namespace) -> dict:
    return {"intent": classify_reply(args.text)}


def _run_check_message(args: argparse.Namespace) -> dict:
    findings = check_message(
        args.text,
        sender_id=args.sender_id,
        short_code=args.short_code,
        opt_out_url=args.opt_out_url,
        advertiser=args.advertiser,
        privacy_url=args.privacy_url,
    )
    return {"ok": check_ok(findings), "findings": [finding.as_dict() for finding in findings]}


def _run_check_list(args: argparse.Namespace) -> list[dict]:
    company = _country_argument(args.company_country, "--company-country")
    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise UsageError(f'cannot read "{args.file}": {error.strerror}. Give the path of a CSV or XLSX file.') from error
    try:
        lead_list = read_lead_list(data, args.file, company)
    except ComplianceError as error:
        raise UsageError(str(error)) from error
    findings = None
    if args.message is not None:
        findings = check_message(args.message, sender_id=args.sender_id, short_code=args.short_code)
    summary = {
        "file": args.file,
        "format": lead_list.format,
        "encoding": lead_list.encoding,
        "delimiter": lead_list.delimiter,
        "columns": lead_list.columns,
        "ignored_columns": lead_list.ignored_columns,
        "missing": lead_list.missing_counts(),
        **summarize(lead_list.rows, findings),
    }
    return [*(row.as_dict() for row in lead_list.rows), {"summary": summary}]


def _print_json(result: dict) -> None:
    text = json.dumps(result, ensure_ascii=False) + "\n"
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if encoding != "utf8" and hasattr(stream, "buffer"):
        # A C locale gives stdout an ASCII encoding, which cannot print accents or emoji.
        stream.flush()
        stream.buffer.write(text.encode("utf-8"))
        stream.buffer.flush()
    else:
        stream.write(text)
        stream.flush()


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Raise UsageError when a text argument is not valid UTF-8.

    Python decodes such bytes into lone surrogates, which would be counted as characters or
    read as a number. FILE is exempt, because a file name may be any bytes.
    """
    for name, value in vars(args).items():
        if name == "file" or not isinstance(value, str):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            label = name.upper() if name in _POSITIONAL_ARGUMENTS else "--" + name.replace("_", "-")
            raise UsageError(f"{label} is not valid UTF-8 text. Pass it in UTF-8.") from error


def _print_results(result: dict | list[dict]) -> int:
    """Print each JSON object of ``result`` and return the exit status."""
    try:
        for item in result if isinstance(result, list) else [result]:
            _print_json(item)
    except BrokenPipeError:
        # The reader of stdout is gone, so stop quietly as standard tools do. Pointing stdout at
        # /dev/null keeps the interpreter's last flush from raising again (Python documentation,
        # "Note on SIGPIPE" in the signal module).
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    return EXIT_OK


def _silence_stdout() -> None:
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    """Run one ``sms-gdpr`` command and return the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        _check_text_arguments(args)
        result = args.handler(args)
    except UsageError as error:
        print(f"sms-gdpr {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    return _print_results(result)
