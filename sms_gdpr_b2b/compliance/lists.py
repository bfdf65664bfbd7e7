"""Checking of rented, purchased or event lists before they become leads, and of STOP lists.

Every data row gets a decision and the reasons for it, with its line number in the file:

- ``import``: the row becomes a lead as it is;
- ``warning``: the row becomes a lead, but something was dropped, left empty or guessed;
- ``skip``: the row is not imported, because its number is already in the file, already in the
  CRM, or opted out;
- ``reject``: the row cannot be used at all.

STOP lists are read in ``stop_lists``.

A row with a cell longer than ``tables.MAX_CELL_LENGTH`` characters is rejected, and the report
names the cell. Such a cell is almost always a quote left open or a file that is not a list, and
cutting it would import a wrong value without notice.

A row without a usable number still becomes a lead (with a warning), because a lead that cannot
receive SMS can still be called or emailed. A row whose number has opted out, is blacklisted or
is on the opposition list is skipped: creating a lead for a person who objected would start
processing their data for prospecting again.

A row without a usable number cannot be matched to a person by number. It is matched by its
e-mail address when it has one (ignoring case), else by its contact name and company name
together (ignoring case, accents and punctuation). It is skipped when a row of the file with the
same e-mail or names comes first or has a number (``mark_duplicate_contacts``), or when a lead of
the company already has them (``exclude_known_contacts``). So importing the same list twice
creates no second lead. Contacts (``res.partner``) are not matched this way, only leads.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import phonenumbers

from .errors import ComplianceError
from .list_values import (
    FIELD_COLLECTION_DATE,
    FIELD_COMPANY,
    FIELD_CONSENT_DATE,
    FIELD_COUNTRY,
    FIELD_EMAIL,
    FIELD_FIRST_NAME,
    FIELD_FULL_NAME,
    FIELD_LAST_NAME,
    FIELD_LEGAL_BASIS,
    FIELD_MOBILE,
    FIELD_PHONE,
    FIELD_PROVIDER,
    FIELD_SOURCE,
    DateValueError,
    country_code,
    data_source,
    field_for_header,
    fold_words,
    legal_basis,
    parse_date,
    provider_in_source,
)
from .mentions import Finding
from .phone import NumberInfo, check_country, format_international, normalize_number, split_numbers
from .tables import MAX_CELL_LENGTH, Table, TableRow, read_table

DECISION_IMPORT = "import"
DECISION_WARNING = "warning"
DECISION_SKIP = "skip"
DECISION_REJECT = "reject"
DECISION_OPT_OUT = "opt_out"
DECISIONS = (DECISION_IMPORT, DECISION_WARNING, DECISION_OPT_OUT, DECISION_SKIP, DECISION_REJECT)

SEVERITY_REJECT = "reject"
SEVERITY_SKIP = "skip"
SEVERITY_WARNING = "warning"
# A fact worth showing that changes no decision.
SEVERITY_INFO = "info"

# Fields a lead may take from the import form when its row has no value for them.
DEFAULTABLE_FIELDS = ("legal_basis", "data_source", "collection_date", "provider")

# Columns that may appear several times: every one of them is read for numbers.
_NUMBER_FIELDS = (FIELD_MOBILE, FIELD_PHONE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# The address inside an e-mail cell, also when written "Name <address>".
_EMAIL_ADDRESS = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+")


# Cause of a row's warning, skip or rejection. It has the shape of a message finding: a code,
# a severity, an English message and the params to rebuild a translated one.
RowReason = Finding


def row_reason(code: str, severity: str, message: str, **params) -> RowReason:
    """Return a RowReason whose ``params`` are the keyword arguments."""
    return RowReason(code, severity, message, params)


def decision_for(reasons, clean: str = DECISION_IMPORT) -> str:
    """Return the decision the most severe reason gives, or ``clean`` when there is none or only warnings."""
    severities = {reason.severity for reason in reasons}
    if SEVERITY_REJECT in severities:
        return DECISION_REJECT
    if SEVERITY_SKIP in severities:
        return DECISION_SKIP
    if clean == DECISION_IMPORT and SEVERITY_WARNING in severities:
        return DECISION_WARNING
    return clean


@dataclass
class ListDefaults:
    """Values the import form gives to rows whose file has none; empty values leave the rows without."""

    legal_basis: str | None = None
    data_source: str | None = None
    source_detail: str | None = None
    provider: str | None = None
    collection_date: date | None = None


@dataclass
class LeadRow:
    """One data row of a lead list, read and checked: the lead values and the reasons for its decision."""

    line: int
    contact_name: str = ""
    company: str = ""
    function: str = ""
    email: str = ""
    street: str = ""
    zip: str = ""
    city: str = ""
    country_code: str | None = None
    number_cell: str = ""
    mobile: str | None = None
    phone: str | None = None
    e164: str | None = None
    number_type: str | None = None
    other_numbers: list[str] = field(default_factory=list)
    # Values of the number cells that are not valid numbers, kept in the lead's notes.
    invalid_numbers: list[str] = field(default_factory=list)
    legal_basis: str = "none"
    data_source: str | None = None
    source_detail: str | None = None
    provider: str | None = None
    collection_date: date | None = None
    consent_date: date | None = None
    extra: dict[str, str] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    reasons: list[RowReason] = field(default_factory=list)

    @property
    def decision(self) -> str:
        return decision_for(self.reasons)

    @property
    def name(self) -> str:
        """Return the name the report shows: the contact, else the company, else the e-mail or number."""
        return self.contact_name or self.company or self.email or self.number_cell

    @property
    def imported(self) -> bool:
        return self.decision in (DECISION_IMPORT, DECISION_WARNING)

    def as_dict(self) -> dict:
        """Return the line number, name, numbers, decision and reasons as a JSON-ready dict."""
        return {
            "line": self.line,
            "name": self.name,
            "company": self.company,
            "number": self.number_cell,
            "e164": self.e164,
            "number_type": self.number_type,
            "decision": self.decision,
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


@dataclass
class LeadList:
    """A lead list as read: the file's format, the field of each column, and the checked rows."""

    format: str
    encoding: str | None
    delimiter: str | None
    columns: dict[str, str]
    ignored_columns: list[str]
    rows: list[LeadRow]

    def missing_counts(self) -> dict[str, int]:
        """Count the rows to import whose file gives no value for each field the import form can fill in."""
        counts = Counter(name for row in self.rows if row.imported for name in row.missing)
        return {name: counts.get(name, 0) for name in DEFAULTABLE_FIELDS}


# ----------------------------------------------------------------------
# Lead lists
# ----------------------------------------------------------------------

def read_lead_list(
    data: bytes,
    filename: str | None,
    company_country: str,
    defaults: ListDefaults | None = None,
    today: date | None = None,
) -> LeadList:
    """Read and check every row of a lead list (CSV or XLSX), deduplicating numbers inside the file.

    Raises ComplianceError when the file cannot be read, its first line names no known column,
    or no data row follows that line.
    """
    company = check_country(company_country)
    defaults = defaults or ListDefaults()
    today = today or date.today()
    table = read_table(data, filename)
    header, body = _split_header(table, filename)
    header = header.clipped()
    columns, ignored = _map_header(header.cells)
    rows = []
    for table_row in body:
        if table_row.is_empty:
            continue
        rejections = long_cell_reasons(table_row, header.cells) or unclosed_quote_reasons(
            table_row, header.cells, table.delimiter
        )
        values, extra = _row_values(table_row.clipped(), header.cells, columns)
        row = check_lead_row(table_row.line, values, extra, company, defaults, today)
        if rejections:
            # The other reasons would be about clipped or merged values, so only the rejection is kept.
            row.reasons = rejections
        rows.append(row)
    mark_duplicates(rows)
    mark_duplicate_contacts(rows)
    mapping = {header.cells[index]: name for index, name in columns.items()}
    return LeadList(table.format, table.encoding, table.delimiter, mapping, ignored, rows)


def long_cell_reasons(row: TableRow, headers: tuple[str, ...] = ()) -> list[RowReason]:
    """Return a rejection for each cell of ``row`` longer than ``MAX_CELL_LENGTH``, naming its column."""
    return [long_cell_reason(column_name(headers, index), len(row.cells[index])) for index in row.long_cells()]


def unclosed_quote_reasons(row: TableRow, headers: tuple[str, ...], delimiter: str | None) -> list[RowReason]:
    """Return a rejection when a quote left open merged the rest of a CSV row into one cell.

    The sign is a cell that contains the delimiter in a row with fewer cells than the
    header: a quoted cell that contains the delimiter on purpose leaves the other cells in
    place. ``delimiter`` is None for XLSX, which has no quotes.
    """
    if not delimiter or len(row.cells) >= len(headers):
        return []
    for index, cell in enumerate(row.cells):
        if delimiter in cell:
            column = column_name(headers, index)
            swallowed = cell.count("\n")
            if swallowed:
                return [unclosed_quote_lines_reason(column, swallowed)]
            return [row_reason(
                "unclosed_quote", SEVERITY_REJECT,
                f'The "{column}" cell starts with a quote that is never closed, so the rest of the row went '
                "into it and the row is not imported. Close the quote and import the row again.",
                column=column,
            )]
    return []


def unclosed_quote_lines_reason(column: str, lines: int) -> RowReason:
    """Return the rejection of a row whose ``column`` cell, quoted and never closed, took ``lines`` more lines."""
    return row_reason(
        "unclosed_quote_lines", SEVERITY_REJECT,
        f'The "{column}" cell starts with a quote that is never closed, so the rest of the file '
        f"({lines} more lines) went into it and none of these lines is imported. Close the quote "
        "and import the file again.",
        column=column,
        lines=lines,
    )


def long_cell_reason(column: str, length: int, row_rejected: bool = True) -> RowReason:
    """Return the reason for a ``column`` cell of ``length`` characters, over ``MAX_CELL_LENGTH``.

    The reason rejects the row (``cell_too_long``), or with ``row_rejected=False`` warns that only
    the cell is ignored (``long_cell_ignored``).
    """
    if row_rejected:
        code, severity = "cell_too_long", SEVERITY_REJECT
        outcome = "so the row is not imported. Shorten the cell, or close the quote that merged the next lines into it."
    else:
        code, severity = "long_cell_ignored", SEVERITY_WARNING
        outcome = "so it is ignored and the rest of the row is read."
    return row_reason(
        code, severity,
        f'The "{column}" cell has {length} characters, more than the {MAX_CELL_LENGTH} a cell may have, {outcome}',
        column=column,
        length=length,
        limit=MAX_CELL_LENGTH,
    )


def column_name(headers: tuple[str, ...], index: int) -> str:
    """Return the header of column ``index``, or "#3" for the third column of a file without a header."""
    return headers[index] if index < len(headers) and headers[index] else f"#{index + 1}"


def _split_header(table: Table, filename: str | None) -> tuple[TableRow, list[TableRow]]:
    """Return the first non-empty row as the header, and the rows after it."""
    for index, row in enumerate(table.rows):
        if not row.is_empty:
            if not any(field_for_header(cell) for cell in row.cells) and table.sheet:
                raise ComplianceError(
                    "no_known_column_in_sheet",
                    f'Line {row.line} of the sheet "{table.sheet}" of "{filename or "file"}" has no known column '
                    "header. The list must be on the first sheet, and its first line must name the columns, such "
                    'as "Société;Nom;Prénom;Portable;E-mail".',
                    filename=filename or "file",
                    line=row.line,
                    sheet=table.sheet,
                )
            if not any(field_for_header(cell) for cell in row.cells):
                raise ComplianceError(
                    "no_known_column",
                    f'Line {row.line} of "{filename or "file"}" has no known column header. The first line must '
                    'name the columns, such as "Société;Nom;Prénom;Portable;E-mail".',
                    filename=filename or "file",
                    line=row.line,
                )
            body = table.rows[index + 1:]
            if all(body_row.is_empty for body_row in body):
                raise no_data_rows_error(filename)
            return row, body
    raise ComplianceError("empty_file", f'"{filename or "file"}" has no line with content.',
                          filename=filename or "file")


def no_data_rows_error(filename: str | None) -> ComplianceError:
    """Return the error for a file whose header line is followed by no data row."""
    name = filename or "file"
    return ComplianceError(
        "no_data_rows",
        f'"{name}" has a header line but no data rows. Add the rows below the header and import it again.',
        filename=name,
    )


def _map_header(headers: tuple[str, ...]) -> tuple[dict[int, str], list[str]]:
    """Return ``{column index: field}`` and the headers of the columns no field takes.

    Number columns may repeat ("Portable", "Portable 2"); for any other field the first column wins.
    """
    columns, taken, ignored = {}, set(), []
    for index, header in enumerate(headers):
        name = field_for_header(header) or field_for_header(re.sub(r"\s*\d+$", "", header))
        if name and (name in _NUMBER_FIELDS or name not in taken):
            columns[index] = name
            taken.add(name)
        elif header:
            ignored.append(header)
    return columns, ignored


def _row_values(row: TableRow, headers, columns) -> tuple[dict[str, list[str]], dict[str, str]]:
    values, extra = {}, {}
    for index, cell in enumerate(row.cells):
        if not cell:
            continue
        name = columns.get(index)
        if name:
            values.setdefault(name, []).append(cell)
        else:
            header = headers[index] if index < len(headers) and headers[index] else f"#{index + 1}"
            extra[header] = cell
    return values, extra


def check_lead_row(
    line: int,
    values: dict[str, list[str]],
    extra: dict[str, str],
    company_country: str,
    defaults: ListDefaults,
    today: date,
) -> LeadRow:
    """Read one row's values into a LeadRow and list every reason to warn about, skip or reject it."""

    def first(name):
        return (values.get(name) or [""])[0]

    row = LeadRow(line, extra=dict(extra))
    row.company = first(FIELD_COMPANY)
    row.contact_name = first(FIELD_FULL_NAME) or " ".join(
        part for part in (first(FIELD_FIRST_NAME), first(FIELD_LAST_NAME)) if part
    )
    row.function = first("function")
    row.street, row.zip, row.city = first("street"), first("zip"), first("city")
    _read_country(row, first(FIELD_COUNTRY))
    _read_numbers(row, values.get(FIELD_MOBILE, []), values.get(FIELD_PHONE, []), company_country)
    _read_email(row, first(FIELD_EMAIL))
    _read_legal_basis(row, first(FIELD_LEGAL_BASIS), defaults)
    _read_source(row, first(FIELD_SOURCE), first(FIELD_PROVIDER), defaults)
    _read_dates(row, first(FIELD_COLLECTION_DATE), first(FIELD_CONSENT_DATE), defaults, today)
    if not (row.contact_name or row.company or row.email or row.e164):
        row.reasons.insert(0, row_reason(
            "no_identity", SEVERITY_REJECT,
            "The row has no company, name, e-mail or valid phone number. Fill in at least one of them.",
        ))
    return row


def _read_country(row: LeadRow, text: str) -> None:
    if not text:
        return
    row.country_code = country_code(text, phonenumbers.SUPPORTED_REGIONS)
    if row.country_code is None:
        row.reasons.append(row_reason(
            "unknown_country", SEVERITY_WARNING,
            f'Country "{text}" is not recognised, so the lead has no country. Write a country name or an '
            "ISO code such as FR.",
            value=text,
        ))


def _read_numbers(row: LeadRow, mobile_cells: list[str], phone_cells: list[str], company_country: str) -> None:
    """Choose the mobile and the phone of a row among every number of its number columns."""
    row.number_cell = " / ".join(mobile_cells or phone_cells)
    found = []  # (cell, part, info) of each valid number, without repeats
    for cell in [*mobile_cells, *phone_cells]:
        # Any text in a number cell is read as a number, so "n/a" or "garbage" is reported as
        # invalid with its value. Only an empty cell means that the row has no number.
        for part in split_numbers(cell):
            info = normalize_number(part, company_country, row.country_code)
            if info.e164 is None:
                row.invalid_numbers.append(part)
                row.reasons.append(row_reason(
                    "invalid_number", SEVERITY_WARNING,
                    f'"{part}" is not a valid phone number and was left out.',
                    value=part,
                ))
            elif info.e164 not in {known.e164 for _cell, _part, known in found}:
                found.append((cell, part, info))

    mobiles = [entry for entry in found if entry[2].sms_eligible]
    chosen = mobiles[0] if mobiles else None
    others = [entry for entry in found if entry is not chosen]
    phone = others[0] if others else None
    if chosen:
        row.mobile = _stored_number(chosen[1], chosen[2])
    if phone:
        row.phone = _stored_number(phone[1], phone[2])
    row.other_numbers = [info.e164 for _cell, _part, info in others[1:]]
    main = chosen or phone
    row.e164 = main[2].e164 if main else None
    row.number_type = main[2].type if main else None
    _number_reasons(row, found, chosen, phone)


def _stored_number(part: str, info: NumberInfo) -> str:
    """Return the number to store on the lead: international format, or as written when its country was assumed.

    Keeping a national number as written lets the lead's own normalisation flag it as read
    with an assumed country, so the guess is not taken for a fact.
    """
    return part if info.assumed_country else format_international(info.e164)


def _number_reasons(row: LeadRow, found, chosen, phone) -> None:
    if not found:
        if not any(reason.code == "invalid_number" for reason in row.reasons):
            row.reasons.append(row_reason(
                "no_number", SEVERITY_WARNING,
                "The row has no phone number. The lead is imported but cannot receive SMS.",
                value=row.number_cell,
            ))
        return
    if chosen is None:
        row.reasons.append(row_reason(
            "not_mobile", SEVERITY_WARNING,
            f"{phone[2].e164} is not a mobile number. It is kept as the phone, and the lead cannot receive SMS.",
            e164=phone[2].e164,
            number_type=phone[2].type,
        ))
    crowded = [cell for cell, count in Counter(cell for cell, _part, _info in found).items() if count > 1]
    if crowded:
        kept = (chosen or phone)[2].e164
        others = ", ".join(info.e164 for _cell, _part, info in found if info.e164 != kept)
        row.reasons.append(row_reason(
            "several_numbers", SEVERITY_WARNING,
            f'"{crowded[0]}" holds several numbers. {kept} is used for SMS and {others} is kept as phone '
            "or in the notes.",
            value=crowded[0],
            kept=kept,
            others=others,
        ))
    main_part, main_info = (chosen or phone)[1], (chosen or phone)[2]
    if main_info.assumed_country:
        row.reasons.append(row_reason(
            "country_assumed", SEVERITY_WARNING,
            f'"{main_part}" is in national format and the row has no country, so it was read as '
            f"{main_info.e164} ({main_info.region}) with the company's country. Check the country.",
            value=main_part,
            e164=main_info.e164,
            region=main_info.region,
        ))
    elif chosen and row.country_code and main_info.region and main_info.region != row.country_code:
        row.reasons.append(row_reason(
            "region_mismatch", SEVERITY_WARNING,
            f"The mobile {main_info.e164} belongs to {main_info.region} but the row's country is "
            f"{row.country_code}. SMS will follow the sending hours of {main_info.time_zone}.",
            e164=main_info.e164,
            region=main_info.region,
            country=row.country_code,
            time_zone=main_info.time_zone,
        ))


def _read_email(row: LeadRow, text: str) -> None:
    row.email = text
    if text and not _EMAIL.fullmatch(text):
        row.reasons.append(row_reason(
            "invalid_email", SEVERITY_WARNING,
            f'"{text}" does not look like an e-mail address. It is imported as written; correct it on the lead.',
            value=text,
        ))


def _read_legal_basis(row: LeadRow, text: str, defaults: ListDefaults) -> None:
    if text:
        code = legal_basis(text)
        if code is None:
            row.reasons.append(row_reason(
                "unknown_legal_basis", SEVERITY_WARNING,
                f'Legal basis "{text}" is not recognised, so the lead has none. Write consent, legitimate '
                "interest or contract.",
                value=text,
            ))
            return
    else:
        row.missing.add("legal_basis")
        code = defaults.legal_basis
    row.legal_basis = code or "none"
    if row.legal_basis == "none":
        row.reasons.append(row_reason(
            "missing_legal_basis", SEVERITY_WARNING,
            "The row has no legal basis. The lead cannot receive SMS until one is recorded.",
        ))


def _read_source(row: LeadRow, text: str, provider: str, defaults: ListDefaults) -> None:
    if text:
        row.data_source = data_source(text)
        row.source_detail = text
    else:
        row.missing.add("data_source")
        row.data_source = defaults.data_source
        row.source_detail = defaults.source_detail
        if not row.data_source:
            row.reasons.append(row_reason(
                "missing_source", SEVERITY_WARNING,
                "The row has no data source. Record where the number was collected.",
            ))
    row.provider = provider or provider_in_source(text)
    if not row.provider and row.data_source == "rented_list":
        row.missing.add("provider")
        row.provider = defaults.provider
        if not row.provider:
            row.reasons.append(row_reason(
                "missing_provider", SEVERITY_WARNING,
                "The row comes from a rented or purchased list but names no list provider. Record the provider.",
            ))


def _read_dates(row: LeadRow, collection_text: str, consent_text: str, defaults: ListDefaults, today: date) -> None:
    row.collection_date = _checked_date(row, FIELD_COLLECTION_DATE, collection_text, today)
    if not collection_text:
        row.missing.add("collection_date")
        row.collection_date = defaults.collection_date
        if not row.collection_date:
            row.reasons.append(row_reason(
                "missing_collection_date", SEVERITY_WARNING,
                "The row has no collection date, so its retention period cannot start. Record the date.",
            ))
    row.consent_date = _checked_date(row, FIELD_CONSENT_DATE, consent_text, today)
    if row.legal_basis == "consent" and not row.consent_date:
        row.reasons.append(row_reason(
            "consent_without_date", SEVERITY_WARNING,
            "The legal basis is consent but the row gives no consent date. The lead cannot receive SMS "
            "until the consent and its proof are recorded.",
        ))


def _checked_date(row: LeadRow, field_name: str, text: str, today: date) -> date | None:
    """Return the date of a cell, or None with a warning when the day does not exist or is in the future."""
    try:
        value = parse_date(text)
    except DateValueError:
        row.reasons.append(row_reason(
            "invalid_date", SEVERITY_WARNING,
            f'"{text}" is not a valid date, so the {field_name.replace("_", " ")} is left empty. '
            "Write it as dd/mm/yyyy.",
            value=text,
            field=field_name,
        ))
        return None
    if value and value > today:
        row.reasons.append(row_reason(
            "future_date", SEVERITY_WARNING,
            f'"{text}" is in the future, so the {field_name.replace("_", " ")} is left empty. Check the date.',
            value=text,
            field=field_name,
        ))
        return None
    return value


def mark_duplicates(rows: list[LeadRow]) -> None:
    """Skip every row whose number an earlier usable row of the file already has."""
    first_line = {}
    for row in rows:
        if not row.e164 or row.decision == DECISION_REJECT:
            continue
        if row.e164 in first_line:
            row.reasons.insert(0, row_reason(
                "duplicate_in_file", SEVERITY_SKIP,
                f"{row.e164} is already on line {first_line[row.e164]} of the file, which is imported instead.",
                e164=row.e164,
                first_line=first_line[row.e164],
            ))
        else:
            first_line[row.e164] = row.line


def email_key(email: str | None) -> str | None:
    """Return the address in ``email`` in lower case, as Odoo's ``email_normalized`` stores it, or None."""
    match = _EMAIL_ADDRESS.search(email or "")
    return match.group(0).lower() if match else None


def name_key(contact_name: str | None, company: str | None) -> tuple[str, str] | None:
    """Return the contact and company names without case, accents or punctuation, or None when both are empty."""
    key = (fold_words(contact_name), fold_words(company))
    return key if any(key) else None


def contact_match(row: LeadRow) -> tuple[str, object] | None:
    """Return how a row is matched to a person without its number: ``("email", address)`` or ``("name", key)``."""
    address = email_key(row.email)
    if address:
        return "email", address
    key = name_key(row.contact_name, row.company)
    return ("name", key) if key else None


def _needs_contact_match(row: LeadRow) -> bool:
    return not row.e164 and row.imported


def _matched_value(row: LeadRow, kind: str) -> str:
    """Return the row's e-mail or names as written, to show in a reason."""
    if kind == "email":
        return row.email
    return ", ".join(part for part in (row.contact_name, row.company) if part)


def mark_duplicate_contacts(rows: list[LeadRow]) -> None:
    """Skip every row without a usable number whose e-mail or names an earlier row, or a row with a number, has."""
    first_line = {}
    # Rows with a number are deduplicated by number, so each of them claims its e-mail and names
    # first, wherever it stands in the file.
    for row in rows:
        if row.e164 and row.imported:
            for match in (("email", email_key(row.email)), ("name", name_key(row.contact_name, row.company))):
                if match[1]:
                    first_line.setdefault(match, row.line)
    for row in rows:
        match = contact_match(row) if _needs_contact_match(row) else None
        if match is None:
            continue
        if match not in first_line:
            first_line[match] = row.line
            continue
        value = _matched_value(row, match[0])
        row.reasons.insert(0, row_reason(
            "duplicate_contact_in_file", SEVERITY_SKIP,
            f'The row has no usable number and the same "{value}" as line {first_line[match]}, '
            "which is imported instead.",
            value=value,
            first_line=first_line[match],
        ))


def contacts_to_find(rows: list[LeadRow]) -> tuple[set[str], set[tuple[str, str]]]:
    """Return the e-mail keys and the name keys to look for among existing leads, for ``exclude_known_contacts``."""
    emails, names = set(), set()
    for row in rows:
        match = contact_match(row) if _needs_contact_match(row) else None
        if match:
            (emails if match[0] == "email" else names).add(match[1])
    return emails, names


def exclude_known_contacts(
    rows: list[LeadRow],
    leads_by_email: dict[str, str] | None = None,
    leads_by_name: dict[tuple[str, str], str] | None = None,
    contacts_by_email: dict[str, str] | None = None,
) -> None:
    """Skip the rows without a usable number whose person a lead or a contact already has.

    ``leads_by_email`` maps an ``email_key`` and ``leads_by_name`` a ``name_key`` to the name of
    a lead that has it, and ``contacts_by_email`` an ``email_key`` to the name of a contact.
    A lead is named first when both have the e-mail.
    """
    holders = {"email": leads_by_email or {}, "name": leads_by_name or {}}
    contacts_by_email = contacts_by_email or {}
    for row in rows:
        match = contact_match(row) if _needs_contact_match(row) else None
        if match is None:
            continue
        kind, key = match
        value = _matched_value(row, kind)
        if key in holders[kind]:
            row.reasons.insert(0, _known_contact_reason("existing_lead_contact", "lead", value, holders[kind][key]))
        elif kind == "email" and key in contacts_by_email:
            row.reasons.insert(0, _known_contact_reason("existing_contact_email", "contact", value, contacts_by_email[key]))


def _known_contact_reason(code: str, holder: str, value: str, name: str) -> RowReason:
    """Return the reason skipping a numberless row whose ``value`` the ``holder`` ("lead" or "contact") ``name`` has."""
    return row_reason(
        code, SEVERITY_SKIP,
        f'The row has no usable number and the same "{value}" as the {holder} "{name}". The row is not imported.',
        value=value,
        name=name,
    )


# Opt-out reasons, most telling first, and the English sentence of each ({e164} is the number).
OPT_OUT_REASONS = (
    ("suppressed", "{e164} is on the opposition list of erased persons. The row is not imported."),
    ("opted_out", "{e164} has opted out of SMS prospecting. The row is not imported and the opt-out stays."),
    ("blacklisted", "{e164} is on the phone blacklist. The row is not imported and the number stays blocked."),
)
# Existing-record reasons, leads first; {name} is the record holding the number.
EXISTING_REASONS = (
    ("existing_lead", '{e164} is already on the lead "{name}". The row is not imported.'),
    ("existing_contact", '{e164} is already on the contact "{name}". The row is not imported.'),
)


def exclude_known_numbers(
    rows: list[LeadRow],
    opted_out=frozenset(),
    blacklisted=frozenset(),
    suppressed=frozenset(),
    existing_leads: dict[str, str] | None = None,
    existing_contacts: dict[str, str] | None = None,
) -> None:
    """Skip the rows whose number has opted out or is already on a lead or contact.

    ``existing_leads`` and ``existing_contacts`` map an E.164 number to the name of a record
    holding it. Only the most telling opt-out reason is given (opposition list, then opt-out,
    then blacklist) and only the first existing record (a lead before a contact).
    """
    opt_out_sets = dict(zip(("suppressed", "opted_out", "blacklisted"), (suppressed, opted_out, blacklisted)))
    holders = dict(zip(("existing_lead", "existing_contact"), (existing_leads or {}, existing_contacts or {})))
    for row in rows:
        if not row.e164 or row.decision == DECISION_REJECT:
            continue
        found = []
        code, message = next(((code, message) for code, message in OPT_OUT_REASONS
                              if row.e164 in opt_out_sets[code]), (None, None))
        if code:
            found.append(row_reason(code, SEVERITY_SKIP, message.format(e164=row.e164), e164=row.e164))
        code, message = next(((code, message) for code, message in EXISTING_REASONS
                              if row.e164 in holders[code]), (None, None))
        if code:
            name = holders[code][row.e164]
            found.append(row_reason(code, SEVERITY_SKIP, message.format(e164=row.e164, name=name),
                                    e164=row.e164, name=name))
        row.reasons[:0] = found


def summarize(rows, findings=None) -> dict:
    """Count the rows per decision and per reason code, in the order of ``DECISIONS``."""
    decisions = Counter(row.decision for row in rows)
    reasons = Counter(reason.code for row in rows for reason in row.reasons)
    summary = {
        "rows": len(rows),
        "decisions": {decision: decisions[decision] for decision in DECISIONS if decisions[decision]},
        "reasons": dict(sorted(reasons.items())),
    }
    if findings is not None:
        summary["message"] = {
            "ok": not any(finding.severity == "error" for finding in findings),
            "findings": [finding.as_dict() for finding in findings],
        }
    return summary
