import csv
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from sms_gdpr_compliance.errors import ComplianceError
from sms_gdpr_compliance.list_values import (
    DateValueError,
    country_code,
    data_source,
    field_for_header,
    legal_basis,
    parse_date,
    parse_datetime,
    provider_in_source,
)
from sms_gdpr_compliance.lists import (
    ListDefaults,
    contact_match,
    contacts_to_find,
    email_key,
    exclude_known_contacts,
    exclude_known_numbers,
    name_key,
    read_lead_list,
    summarize,
)
from sms_gdpr_compliance.stop_lists import mark_already_blacklisted, read_stop_list
from sms_gdpr_compliance.tables import MAX_CELL_LENGTH, decode_text, detect_delimiter, read_table

RENTED_LIST = Path(__file__).parent / "data" / "rented_list_fr.csv"
TODAY = date(2026, 4, 1)

# Line of rented_list_fr.csv -> (decision, reason codes, E.164) when nothing is given by default.
RENTED_LIST_EXPECTED = {
    2: ("import", [], "+33612345601"),
    3: ("skip", ["duplicate_in_file"], "+33612345601"),
    4: ("import", [], "+33612345602"),
    5: ("warning", ["consent_without_date"], "+33612345603"),
    6: ("import", [], "+32470123456"),
    7: ("import", [], "+41791234567"),
    8: ("import", [], "+262692123456"),
    9: ("import", [], "+590690123456"),
    10: ("warning", ["missing_collection_date"], "+33612345604"),
    11: ("warning", ["several_numbers"], "+33612345605"),
    12: ("warning", ["not_mobile"], "+33199001206"),
    13: ("warning", ["invalid_number"], None),
    14: ("import", [], "+33612345607"),
    15: ("warning", ["consent_without_date"], "+33612345608"),
    16: ("warning", ["not_mobile", "missing_legal_basis"], "+33199001209"),
    17: ("warning", ["missing_source", "missing_collection_date"], "+33612345610"),
    18: ("warning", ["invalid_date"], "+33612345611"),
    19: ("warning", ["region_mismatch"], "+33612345612"),
    20: ("warning", ["country_assumed"], "+596696123456"),
}


def lead_list(text, encoding="utf-8", **kwargs):
    return read_lead_list(text.encode(encoding), "list.csv", "FR", today=TODAY, **kwargs)


def only_row(text, encoding="utf-8", **kwargs):
    rows = lead_list(text, encoding, **kwargs).rows
    assert len(rows) == 1, rows
    return rows[0]


def codes(row):
    return [reason.code for reason in row.reasons]


# ----------------------------------------------------------------------
# The sample purchased list
# ----------------------------------------------------------------------

def test_rented_list_read_as_received():
    result = read_lead_list(RENTED_LIST.read_bytes(), "rented_list_fr.csv", "FR", today=TODAY)
    assert (result.format, result.encoding, result.delimiter) == ("csv", "cp1252", ";")
    assert result.columns["Société"] == "company"
    assert result.columns["Base légale"] == "legal_basis"
    assert result.ignored_columns == []
    found = {row.line: (row.decision, codes(row), row.e164) for row in result.rows}
    assert found == RENTED_LIST_EXPECTED


def test_rented_list_values():
    rows = {row.line: row for row in read_lead_list(RENTED_LIST.read_bytes(), None, "FR", today=TODAY).rows}
    assert rows[2].contact_name == "Claire Martin"
    assert rows[2].company == "Atelier Exemple SARL"
    assert rows[2].phone == "+33 1 99 00 12 01"
    assert rows[6].provider == "Exemple Data"
    assert rows[6].data_source == "rented_list"
    assert rows[8].country_code == "RE"
    assert rows[9].country_code == "GP"
    assert rows[11].mobile == "+33 6 12 34 56 05"
    assert rows[11].phone == "+33 1 99 00 12 05"
    assert rows[14].mobile == "+33 6 12 34 56 07"
    assert rows[16].legal_basis == "none"
    assert rows[18].collection_date is None
    assert rows[20].mobile == "0696 12 34 56", "an assumed number is stored as written"


def test_rented_list_defaults_fill_missing_values():
    defaults = ListDefaults("legitimate_interest", "rented_list", "Order 42", "Exemple Data", date(2026, 3, 31))
    result = read_lead_list(RENTED_LIST.read_bytes(), None, "FR", defaults, today=TODAY)
    rows = {row.line: row for row in result.rows}
    assert codes(rows[10]) == []
    assert rows[10].collection_date == date(2026, 3, 31)
    assert codes(rows[16]) == ["not_mobile"]
    assert rows[16].legal_basis == "legitimate_interest"
    assert (rows[17].data_source, rows[17].source_detail, rows[17].provider) == (
        "rented_list", "Order 42", "Exemple Data"
    )
    assert codes(rows[18]) == ["invalid_date"], "an impossible date is never replaced by the default"
    assert result.missing_counts() == {"legal_basis": 1, "data_source": 1, "collection_date": 2, "provider": 1}


# ----------------------------------------------------------------------
# Reading files: encodings, separators, line numbers, XLSX
# ----------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings(encoding):
    row = only_row("Société;Prénom;Nom;Portable\r\nCafé Noël;Hélène;Bérard;06 12 34 56 01\r\n", encoding)
    assert (row.company, row.contact_name) == ("Café Noël", "Hélène Bérard")


def test_encoding_detected():
    assert decode_text("é".encode("cp1252")) == ("é", "cp1252")
    assert decode_text("é".encode()) == ("é", "utf-8")
    assert decode_text("\ufeffé".encode()) == ("é", "utf-8-sig")


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiters(delimiter):
    text = delimiter.join(["Nom", "Mobile", "Ville"]) + "\n" + delimiter.join(["Martin", "0612345601", "Paris"]) + "\n"
    assert detect_delimiter(text) == delimiter
    row = only_row(text)
    assert (row.contact_name, row.e164, row.city) == ("Martin", "+33612345601", "Paris")


def test_quoted_cells_keep_line_numbers():
    text = 'Nom,Mobile,Adresse\n"Martin","06 12 34 56 01","1 rue A\nBâtiment B"\n\nPetit,06 12 34 56 02,\n'
    rows = lead_list(text).rows
    assert [row.line for row in rows] == [2, 5]
    assert rows[0].street == "1 rue A\nBâtiment B"


def test_header_after_blank_lines():
    rows = lead_list("\n\nNom;Portable\nMartin;0612345601\n").rows
    assert [row.line for row in rows] == [4]


def test_xlsx_cells():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Portable", "Date de collecte", "CP"])
    sheet.append(["Martin", 33612345607.0, datetime(2026, 2, 1), 6000])
    sheet.append(["Petit", 612345608, "01/03/2026", "06000"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_lead_list(buffer.getvalue(), "list.xlsx", "FR", today=TODAY)
    assert (result.format, result.encoding) == ("xlsx", None)
    first, second = result.rows
    assert (first.e164, first.collection_date, first.zip) == ("+33612345607", date(2026, 2, 1), "6000")
    assert (second.e164, second.collection_date) == ("+33612345608", date(2026, 3, 1))
    assert "country_assumed" in codes(second), "a leading 0 lost by Excel is read with the company's country"


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty_file"),
        (b"  \r\n", "empty_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 32, "unsupported_format"),
        (b"PK\x03\x04broken", "unreadable_file"),
        (b"foo;bar\n1;2\n", "no_known_column"),
        (b"Nom;Portable\r\n", "no_data_rows"),
        (b"\r\nNom;Portable\r\n;;\r\n\r\n", "no_data_rows"),
        (b"Nom;Portable\nA\x00B;0612345601\n", "unreadable_file"),
        (b")}\x10d3\x1a\xfa\xff.EUL\x00\xb4\xe1\xfd\x02", "unreadable_file"),
    ],
    ids=["empty", "blank", "xls", "broken-xlsx", "unknown-header", "header-only", "header-blank-rows",
         "nul-in-cell", "binary"],
)
def test_unusable_files(data, code):
    with pytest.raises(ComplianceError) as raised:
        read_lead_list(data, "list.csv", "FR")
    assert raised.value.code == code
    assert "list.csv" in str(raised.value)


def test_unknown_company_country():
    with pytest.raises(ComplianceError):
        read_lead_list(b"Nom;Portable\nA;0612345601\n", None, "XX")


def test_table_rows_of_xlsx_and_csv():
    table = read_table(b"a;b\r\n1;2\r\n", "t.csv")
    assert [row.cells for row in table.rows] == [("a", "b"), ("1", "2")]


# ----------------------------------------------------------------------
# Headers and values
# ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "header, expected",
    [
        ("Société", "company"), ("Entreprise", "company"), ("Raison sociale", "company"), ("Company", "company"),
        ("Nom", "last_name"), ("Prénom", "first_name"), ("Fonction", "function"), ("Poste", "function"),
        ("Portable", "mobile"), ("Mobile", "mobile"), ("Tél. portable", "mobile"), ("TEL PORTABLE", "mobile"),
        ("Téléphone", "phone"), ("Tél", "phone"), ("Tél.", "phone"), ("E-mail", "email"), ("Email", "email"),
        ("Courriel", "email"), ("Code postal", "zip"), ("CP", "zip"), ("Ville", "city"), ("Pays", "country"),
        ("Source", "source"), ("Date de collecte", "collection_date"), ("Base légale", "legal_basis"),
        ("Fournisseur", "provider"), ("Date de consentement", "consent_date"), ("Shoe size", None),
    ],
)
def test_headers(header, expected):
    assert field_for_header(header) == expected


def test_repeated_number_columns_all_read():
    row = only_row("Nom;Portable;Portable 2;Pointure;Pays\nMartin;01 99 00 12 01;06 12 34 56 01;42;France\n")
    assert row.e164 == "+33612345601"
    assert row.phone == "+33 1 99 00 12 01"
    assert row.extra == {"Pointure": "42"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("France", "FR"), ("FRANCE", "FR"), ("Belgique", "BE"), ("Suisse", "CH"), ("La Réunion", "RE"),
        ("Réunion", "RE"), ("Guadeloupe", "GP"), ("Martinique", "MQ"), ("Guyane", "GF"), ("Mayotte", "YT"),
        ("Nouvelle-Calédonie", "NC"), ("Luxembourg", "LU"), ("Royaume-Uni", "GB"), ("be", "BE"), ("FR", "FR"),
        ("Atlantide", None), ("", None),
    ],
)
def test_countries(text, expected):
    assert country_code(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("intérêt légitime", "legitimate_interest"), ("Interet legitime", "legitimate_interest"),
        ("consentement", "consent"), ("Consent", "consent"), ("contrat", "contract"), ("client", "contract"),
        ("Client existant", "contract"), ("aucune", "none"), ("peut-être", None),
    ],
)
def test_legal_bases(text, expected):
    assert legal_basis(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Salon Préventica 2026", "event"), ("Annuaire pro", "public_directory"),
        ("Formulaire site web", "web_form"), ("Location fichier (fournisseur Exemple Data)", "rented_list"),
        ("Appel entrant", "phone_call"), ("Import CRM", "import"), ("Bouche à oreille", "other"), ("", None),
    ],
)
def test_sources(text, expected):
    assert data_source(text) == expected


def test_provider_in_source():
    assert provider_in_source("Location fichier (fournisseur Exemple Data)") == "Exemple Data"
    assert provider_in_source("Salon") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12/03/2026", date(2026, 3, 12)), ("12-03-2026", date(2026, 3, 12)), ("12.03.26", date(2026, 3, 12)),
        ("2026-03-12", date(2026, 3, 12)), ("2026-03-12T10:00:00", date(2026, 3, 12)),
        ("12/03/2026 14:05", date(2026, 3, 12)), ("", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "00/01/2026", "hier", "12/03/1850"])
def test_impossible_dates(text):
    with pytest.raises(DateValueError):
        parse_date(text)


def test_datetimes():
    assert parse_datetime("12/03/2026 14:05") == datetime(2026, 3, 12, 14, 5)
    assert parse_datetime("2026-03-12 14:05:30") == datetime(2026, 3, 12, 14, 5, 30)
    assert parse_datetime("2026-03-12T13:05:00Z").utcoffset().total_seconds() == 0
    assert parse_datetime("2026-03-12") == datetime(2026, 3, 12)
    with pytest.raises(DateValueError):
        parse_datetime("12/03/2026 25:00")


# ----------------------------------------------------------------------
# Row decisions
# ----------------------------------------------------------------------

def test_future_date_left_empty():
    row = only_row("Nom;Portable;Pays;Date de collecte\nMartin;0612345601;France;01/01/2030\n")
    assert codes(row) == ["missing_legal_basis", "missing_source", "future_date"]
    assert row.collection_date is None


def test_row_without_identity_rejected():
    row = only_row("Nom;Portable;Ville\n;n/a;Paris\n")
    assert row.decision == "reject"
    assert codes(row)[0] == "no_identity"


def test_row_with_number_only_imported():
    row = only_row("Nom;Portable;Pays;Base légale;Source;Date de collecte\n;06 12 34 56 01;FR;client;Salon;01/03/2026\n")
    assert (row.decision, row.name) == ("import", "06 12 34 56 01")


def test_invalid_and_unknown_values_warned():
    row = only_row(
        "Nom;Portable;Pays;Base légale;E-mail;Source;Date de collecte\n"
        "Martin;06 12;Atlantide;peut-être;martin(at)ex.fr;Salon;01/03/2026\n"
    )
    assert codes(row) == ["unknown_country", "invalid_number", "invalid_email", "unknown_legal_basis"]
    assert (row.e164, row.country_code, row.legal_basis) == (None, None, "none")


@pytest.mark.parametrize("cell", ["garbage", "n/a", "+1", "-", "N/C", "06 12"])
def test_number_cell_not_a_number_invalid(cell):
    row = only_row(f"Nom;Portable;Pays\nMartin;{cell};FR\n")
    invalid = [reason for reason in row.reasons if reason.code == "invalid_number"]
    assert len(invalid) == 1, f"{cell!r} gave {codes(row)}"
    assert invalid[0].params["value"] == cell, f"{cell!r} reported as {invalid[0].params}"
    assert cell in invalid[0].message, invalid[0].message
    assert "no_number" not in codes(row), f"{cell!r} reported as missing: {codes(row)}"
    assert row.invalid_numbers == [cell], row.invalid_numbers
    assert (row.e164, row.mobile, row.decision) == (None, None, "warning")


@pytest.mark.parametrize("cell", ["", "   "])
def test_number_cell_empty_missing(cell):
    row = only_row(f"Nom;Portable;Pays\nMartin;{cell};FR\n")
    assert "no_number" in codes(row), f"{cell!r} gave {codes(row)}"
    assert "invalid_number" not in codes(row), f"{cell!r} gave {codes(row)}"
    assert row.invalid_numbers == []


def test_invalid_part_beside_valid_number():
    row = only_row("Nom;Portable;Pays\nMartin;06 12 34 56 01 / 06 12;FR\n")
    assert row.e164 == "+33612345601", row.e164
    assert codes(row) == ["invalid_number", "missing_legal_basis", "missing_source", "missing_collection_date"]
    assert row.invalid_numbers == ["06 12"]


def test_excel_scientific_number_invalid():
    row = only_row("Nom;Portable\nMartin;3.36123456E+10\n")
    assert "invalid_number" in codes(row)


@pytest.fixture
def default_csv_field_limit():
    """Run a test with the csv module's default field size limit, as in a fresh Python."""
    previous = csv.field_size_limit(131072)
    yield
    csv.field_size_limit(previous)


@pytest.mark.usefixtures("default_csv_field_limit")
def test_huge_cell_rejects_its_row():
    text = f"Société;Nom;Portable\n{'A' * 2_000_000};Martin;0612345601\nAcme;Petit;0612345602\n"
    rows = lead_list(text).rows
    huge, normal = rows
    assert (huge.line, huge.decision, codes(huge)) == (2, "reject", ["cell_too_long"])
    assert huge.reasons[0].params == {"column": "Société", "length": 2_000_000, "limit": MAX_CELL_LENGTH}
    assert len(huge.company) < 100, f"company kept with {len(huge.company)} characters"
    assert huge.company.startswith("AAAA"), huge.company
    assert huge.company.endswith("…"), huge.company
    assert normal.decision == "warning", codes(normal)
    assert normal.e164 == "+33612345602"


@pytest.mark.parametrize("length, decision", [(MAX_CELL_LENGTH, "warning"), (MAX_CELL_LENGTH + 1, "reject")])
def test_cell_length_limit(length, decision):
    row = only_row(f"Nom;Portable;Notes\nMartin;0612345601;{'x' * length}\n")
    assert row.decision == decision, codes(row)


def test_long_cells_each_named():
    row = only_row(f"Nom;Portable;;Ville\n{'a' * 1500};0612345601;{'b' * 1200};{'c' * 1001}\n")
    reasons = [(reason.params["column"], reason.params["length"]) for reason in row.reasons]
    assert reasons == [("Nom", 1500), ("#3", 1200), ("Ville", 1001)], reasons


def test_long_cell_from_open_quote():
    lines = "".join(f"Soc {index};Nom {index};06123456{index:02d}\n" for index in range(60))
    rows = lead_list(f'Société;Nom;Portable\n"Acme;Martin;0612345600\n{lines}').rows
    assert [(row.line, row.decision) for row in rows] == [(2, "reject")], rows
    assert "close the quote" in rows[0].reasons[0].message


def test_long_xlsx_cell_rejected():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Company", "Mobile"])
    workbook.active.append(["B" * 5000, "+33612345601"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = read_lead_list(buffer.getvalue(), "list.xlsx", "FR", today=TODAY).rows[0]
    assert (row.decision, codes(row)) == ("reject", ["cell_too_long"])


def test_duplicate_kept_after_rejected_row():
    rows = lead_list("Nom;E-mail;Portable\n;;06 12 34 56 01\nMartin;;+33612345601\n").rows
    assert [row.decision for row in rows] == ["warning", "skip"]


def test_known_numbers_skipped():
    rows = lead_list("Nom;Portable\nA;0612345601\nB;0612345602\nC;0612345603\nD;0612345604\nE;0612345605\n").rows
    exclude_known_numbers(
        rows,
        opted_out={"+33612345601"},
        blacklisted={"+33612345601", "+33612345602"},
        suppressed={"+33612345603"},
        existing_leads={"+33612345601": "Lead A", "+33612345604": "Lead D"},
        existing_contacts={"+33612345605": "Contact E"},
    )
    first_codes = [codes(row)[:2] for row in rows]
    assert first_codes == [
        ["opted_out", "existing_lead"],
        ["blacklisted", "country_assumed"],
        ["suppressed", "country_assumed"],
        ["existing_lead", "country_assumed"],
        ["existing_contact", "country_assumed"],
    ]
    assert all(row.decision == "skip" for row in rows)
    assert summarize(rows)["decisions"] == {"skip": 5}


# ----------------------------------------------------------------------
# Rows without a usable number
# ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Jade.Fontaine@Agence.TEST", "jade.fontaine@agence.test"),
        ("  Jade <jade@agence.test> ", "jade@agence.test"),
        ("jade(at)agence.test", None),
        ("", None),
        (None, None),
    ],
)
def test_email_key(cell, expected):
    assert email_key(cell) == expected


def test_name_key_ignores_case_accents_punctuation():
    assert name_key("Jade  Fontaine", "Agence Modèle") == name_key("JADE FONTAINE", "agence modele")
    assert name_key("Léa-Marie", "Café & Co.") == ("lea marie", "cafe co")
    assert name_key("", "Acme") == ("", "acme")
    assert name_key("", None) is None


def test_contact_match_email_first():
    with_email, without_email, nothing = lead_list(
        "Société;Nom;Prénom;E-mail;Portable\n"
        "Agence Modèle;Fontaine;Jade;JADE@agence.test;\n"
        "Agence Modèle;Fontaine;Jade;;\n"
        ";;;;n/a\n"
    ).rows
    assert contact_match(with_email) == ("email", "jade@agence.test")
    assert contact_match(without_email) == ("name", ("jade fontaine", "agence modele"))
    assert contact_match(nothing) is None


NUMBERLESS = (
    "Société;Nom;Prénom;E-mail;Portable\n"
    "Agence Modèle;Fontaine;Jade;;n/a\n"  # line 2
    "AGENCE MODELE;FONTAINE;jade;;\n"  # 3: same names as line 2
    "Agence Modèle;Fontaine;Jade;jade@agence.test;\n"  # 4: an e-mail, so matched by e-mail only
    "Autre;Petit;Léa;Jade@Agence.test;\n"  # 5: same e-mail as line 4
    "Boulangerie;Durand;Paul;;0612345601\n"  # 6: a number
    "Boulangerie;Durand;Paul;;\n"  # 7: same names as line 6
    "Boulangerie;Durand;Paula;;\n"  # 8
)


def test_numberless_duplicates_in_file_skipped():
    rows = lead_list(NUMBERLESS).rows
    found = {row.line: (row.decision, codes(row)[0]) for row in rows}
    assert found[2][0] == "warning", found
    assert found[3] == ("skip", "duplicate_contact_in_file"), found
    assert found[4][0] == "warning", found
    assert found[5] == ("skip", "duplicate_contact_in_file"), found
    assert found[6][0] == "warning", found
    assert found[7] == ("skip", "duplicate_contact_in_file"), found
    assert found[8][0] == "warning", found
    reason = rows[1].reasons[0]
    assert reason.params == {"value": "jade FONTAINE, AGENCE MODELE", "first_line": 2}, reason.params
    assert rows[3].reasons[0].params == {"value": "Jade@Agence.test", "first_line": 4}


def test_known_contacts_skipped():
    rows = lead_list(NUMBERLESS).rows
    emails, names = contacts_to_find(rows)
    assert emails == {"jade@agence.test"}
    assert names == {("jade fontaine", "agence modele"), ("paula durand", "boulangerie")}
    exclude_known_contacts(
        rows,
        leads_by_email={"jade@agence.test": "Lead Jade"},
        leads_by_name={("paula durand", "boulangerie"): "Lead Paula"},
    )
    found = {row.line: (row.decision, codes(row)[0]) for row in rows}
    assert found[2][0] == "warning", found
    assert found[4] == ("skip", "existing_lead_contact"), found
    assert found[8] == ("skip", "existing_lead_contact"), found
    assert found[6][0] == "warning", "a row with a number was matched by names"
    assert rows[6].reasons[0].params == {"value": "Paula Durand, Boulangerie", "name": "Lead Paula"}


def test_known_contact_email_skipped():
    rows = lead_list(NUMBERLESS).rows
    exclude_known_contacts(rows, contacts_by_email={"jade@agence.test": "Jade Fontaine (contact)"})
    found = {row.line: (row.decision, codes(row)[0]) for row in rows}
    assert found[4] == ("skip", "existing_contact_email"), found
    (line_four,) = [row for row in rows if row.line == 4]
    assert line_four.reasons[0].params == {"value": line_four.email, "name": "Jade Fontaine (contact)"}


# ----------------------------------------------------------------------
# STOP lists
# ----------------------------------------------------------------------

STOP_EXPORT = (
    "Numéro;Date de désinscription;Mot-clé\r\n"
    "33612345601;12/03/2026 14:05;STOP\r\n"
    "abc;;STOP\r\n"
    "0612345601;2026-03-20 10:00:00;STOP\r\n"
    "+33612345699;31/02/2026;ARRET\r\n"
    "+33612345698;2030-01-01;STOP\r\n"
    "06 12 34 56 02 / 06 12;;STOP\r\n"
).encode("cp1252")


def test_stop_list_with_header():
    _table, entries = read_stop_list(STOP_EXPORT, "stop.csv", "FR", now=datetime(2026, 4, 1))
    found = {entry.line: (entry.decision, [reason.code for reason in entry.reasons], entry.numbers)
             for entry in entries}
    assert found == {
        2: ("opt_out", [], ["+33612345601"]),
        3: ("reject", ["unparsable_number"], []),
        4: ("skip", ["duplicate_in_file"], ["+33612345601"]),
        5: ("opt_out", ["invalid_stop_date"], ["+33612345699"]),
        6: ("opt_out", ["future_stop_date"], ["+33612345698"]),
        7: ("opt_out", ["invalid_number"], ["+33612345602"]),
    }
    assert entries[0].date == datetime(2026, 3, 12, 14, 5)
    assert entries[0].channel == "STOP"
    assert entries[3].date is None


def test_stop_list_without_header():
    _table, entries = read_stop_list(b"33612345601,2026-03-12T13:05:00Z\n+32470123456\n", None, "FR")
    assert [entry.numbers for entry in entries] == [["+33612345601"], ["+32470123456"]]
    assert [entry.line for entry in entries] == [1, 2]
    assert entries[0].date.isoformat() == "2026-03-12T13:05:00+00:00"


def test_stop_list_without_number_column():
    with pytest.raises(ComplianceError) as raised:
        read_stop_list(b"Date;Canal\n2026-03-12;SMS\n", "stop.csv", "FR")
    assert raised.value.code == "no_number_column"


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty_file"),
        (b"Num\xe9ro;Date\r\n", "no_data_rows"),
        (b"Mobile\n\n;\n", "no_data_rows"),
        (b"\x9a\x00\x12\x00+33612345601\x00\xff", "unreadable_file"),
    ],
    ids=["empty", "header-only", "header-blank-rows", "binary"],
)
def test_stop_list_unusable_files(data, code):
    with pytest.raises(ComplianceError) as raised:
        read_stop_list(data, "stop.csv", "FR")
    assert raised.value.code == code
    assert "stop.csv" in str(raised.value)


@pytest.mark.usefixtures("default_csv_field_limit")
def test_stop_list_huge_channel_ignored():
    data = f"+33612345601;2026-03-12;{'STOP ' * 100_000}\n0612345602;2026-03-12;STOP\n".encode()
    _table, entries = read_stop_list(data, "stop.csv", "FR", now=datetime(2026, 4, 1))
    huge, normal = entries
    assert (huge.decision, [reason.code for reason in huge.reasons]) == ("opt_out", ["long_cell_ignored"])
    assert huge.reasons[0].params == {"column": "#3", "length": 499_999, "limit": MAX_CELL_LENGTH}
    assert (huge.numbers, huge.channel, huge.date) == (["+33612345601"], None, datetime(2026, 3, 12))
    assert normal.numbers == ["+33612345602"]


def test_stop_list_long_date_ignored():
    data = f"Numéro;Date\n0612345601;{'9' * 1200}\n".encode()
    entry = read_stop_list(data, "stop.csv", "FR", now=datetime(2026, 4, 1))[1][0]
    assert [reason.code for reason in entry.reasons] == ["long_cell_ignored"]
    assert entry.reasons[0].params["column"] == "Date"
    assert (entry.decision, entry.numbers, entry.date) == ("opt_out", ["+33612345601"], None)


def test_stop_list_long_number_cell_rejected():
    data = f"Numéro;Date\n{'0' * 3000};2026-03-12\n".encode()
    entry = read_stop_list(data, "stop.csv", "FR", now=datetime(2026, 4, 1))[1][0]
    assert (entry.decision, [reason.code for reason in entry.reasons]) == ("reject", ["cell_too_long"])
    assert entry.reasons[0].params["column"] == "Numéro"
    assert len(entry.raw) < 100, entry.raw
    assert entry.raw.endswith("…"), entry.raw


def test_stop_list_already_blacklisted():
    _table, entries = read_stop_list(b"Number\n+33612345601\n+33612345602\n", None, "FR")
    mark_already_blacklisted(entries, {"+33612345601"})
    assert [[reason.code for reason in entry.reasons] for entry in entries] == [["already_blacklisted"], []]
    assert [entry.decision for entry in entries] == ["opt_out", "opt_out"]


def test_unclosed_quote_rejects_row():
    data = 'Nom;Portable\n"Dupont;06 11 22 33 44\n'.encode()
    lead_list = read_lead_list(data, "badquote.csv", "FR")
    (row,) = lead_list.rows
    assert row.decision == "reject"
    assert [reason.code for reason in row.reasons] == ["unclosed_quote"]
    assert "Nom" in row.reasons[0].message


def test_quoted_delimiter_kept():
    data = 'Société;Portable\n"Dupont; Fils";06 11 22 33 44\n'.encode()
    (row,) = read_lead_list(data, "quoted.csv", "FR").rows
    assert row.decision != "reject"
    assert row.company == "Dupont; Fils"


def test_xlsx_wrong_first_sheet_named():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Lisez-moi"
    workbook.active.append(["Fichier loué en janvier"])
    workbook.create_sheet("Contacts").append(["Nom", "Portable"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ComplianceError) as raised:
        read_lead_list(buffer.getvalue(), "list.xlsx", "FR")
    assert raised.value.code == "no_known_column_in_sheet"
    assert raised.value.params["sheet"] == "Lisez-moi"
    assert '"Lisez-moi"' in str(raised.value)


def test_unclosed_quote_swallowing_lines_counted():
    data = 'Nom;Portable\n"Dupont;06 11 22 33 44\nMartin;06 11 22 33 45\nPetit;06 11 22 33 46\n'.encode()
    (row,) = read_lead_list(data, "badquote.csv", "FR").rows
    assert row.decision == "reject"
    assert [reason.code for reason in row.reasons] == ["unclosed_quote_lines"]
    assert row.reasons[0].params["lines"] == 2


def test_stop_list_unclosed_quote_keeps_opt_outs():
    data = b'Numero;Date\n"33612345601;2026-03-12\n33612345602;2026-03-13\n33612345603;2026-03-14\n'
    _table, entries = read_stop_list(data, "stop.csv", "FR", now=datetime(2026, 4, 1))
    (entry,) = entries
    assert [reason.code for reason in entry.reasons] == ["unclosed_quote_stop"]
    assert entry.reasons[0].params == {"column": "Numero", "lines": 2, "count": 3}
    assert entry.numbers == ["+33612345601", "+33612345602", "+33612345603"], "no opt-out is lost"
    assert entry.decision == "opt_out"
    assert entry.date is None, "the import time is recorded"
