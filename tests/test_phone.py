import csv

import phonenumbers
import pytest
from casedata import DATA_DIR, case_id, load_cases, optional
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from sms_gdpr_compliance.errors import ComplianceError
from sms_gdpr_compliance.phone import (
    NumberInfo,
    mentions_number,
    normalize_e164,
    normalize_number,
    normalize_numbers,
    split_numbers,
)

PHONE_CASES = load_cases("phone_numbers")


def _e164_example(region, number_type):
    example = phonenumbers.example_number_for_type(region, number_type)
    assert example is not None, f"phonenumbers has no {number_type} example for {region}"
    return example


@pytest.mark.parametrize("row", PHONE_CASES, ids=[case_id(f"{r['raw']}|{r['contact_country']}") for r in PHONE_CASES])
def test_phone_table(row):
    info = normalize_number(row["raw"], row["company_country"], optional(row["contact_country"]))
    label = f"{row['raw']!r} (contact {row['contact_country']}, company {row['company_country']})"
    if row["e164"] == "MISSING":
        assert info.status == "missing", f"{label} gave {info}"
        assert info.e164 is None, f"{label} gave {info}"
    elif row["e164"] == "INVALID":
        assert info.status == "invalid", f"{label} gave {info}"
        assert info.e164 is None, f"{label} gave {info}"
    else:
        assert info.status == "valid", f"{label} gave {info}"
        assert info.e164 == row["e164"], f"{label} gave {info.e164}"
    assert info.type == optional(row["type"]), f"{label} has type {info.type}"
    assert info.assumed_country == (row["assumed_country"] == "yes"), f"{label} assumed_country {info.assumed_country}"
    assert info.time_zone == optional(row["time_zone"]), f"{label} has time zone {info.time_zone}"
    assert info.sms_eligible == (row["type"] == "mobile"), f"{label} sms_eligible {info.sms_eligible}"


OVERSEAS_REGIONS = {
    "RE": ("+262", "Indian/Reunion"),
    "YT": ("+262", "Indian/Mayotte"),
    "GP": ("+590", "America/Guadeloupe"),
    "MQ": ("+596", "America/Martinique"),
    "GF": ("+594", "America/Cayenne"),
    "BL": ("+590", "America/St_Barthelemy"),
    "MF": ("+590", "America/Marigot"),
    "PM": ("+508", "America/Miquelon"),
    "NC": ("+687", "Pacific/Noumea"),
    "PF": ("+689", "Pacific/Tahiti"),
    "WF": ("+681", "Pacific/Wallis"),
}


@pytest.mark.parametrize("region", sorted(OVERSEAS_REGIONS))
def test_overseas_mobile_international(region):
    prefix, zone = OVERSEAS_REGIONS[region]
    e164 = phonenumbers.format_number(_e164_example(region, PhoneNumberType.MOBILE), PhoneNumberFormat.E164)
    info = normalize_number(e164, "FR", region)
    assert info.e164 == e164, f"{region} example {e164} gave {info.e164}"
    assert info.e164.startswith(prefix), f"{region} number {info.e164} lacks {prefix}"
    assert info.region == region, f"{region} number placed in {info.region}"
    assert info.type == "mobile", f"{region} mobile typed {info.type}"
    assert info.sms_eligible, f"{region} mobile {e164} not eligible"
    assert info.time_zone == zone, f"{region} number in zone {info.time_zone}"


FRENCH_PLAN_OVERSEAS = ["RE", "YT", "GP", "MQ", "GF", "BL", "MF", "PM"]


def _national(region, number_type):
    return phonenumbers.format_number(_e164_example(region, number_type), PhoneNumberFormat.NATIONAL)


@pytest.mark.parametrize("number_type", [PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE], ids=["mobile", "fixed"])
@pytest.mark.parametrize("region", FRENCH_PLAN_OVERSEAS)
def test_overseas_national_contact_fr(region, number_type):
    national = _national(region, number_type)
    expected = phonenumbers.format_number(_e164_example(region, number_type), PhoneNumberFormat.E164)
    info = normalize_number(national, "FR", "FR")
    assert info.e164 == expected, f"{national!r} with contact FR gave {info.e164}, expected {expected}"
    assert not info.assumed_country, f"{national!r} with contact FR flagged as assumed"


@pytest.mark.parametrize("number_type", [PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE], ids=["mobile", "fixed"])
@pytest.mark.parametrize("region", FRENCH_PLAN_OVERSEAS)
def test_overseas_national_no_country(region, number_type):
    national = _national(region, number_type)
    expected = phonenumbers.format_number(_e164_example(region, number_type), PhoneNumberFormat.E164)
    info = normalize_number(national, "FR")
    assert info.e164 == expected, f"{national!r} without contact country gave {info.e164}, expected {expected}"
    assert info.assumed_country, f"{national!r} without contact country not flagged as assumed"


@pytest.mark.parametrize(
    "raw, e164, region",
    [
        ("0692 12 34 56", "+262692123456", "RE"),
        ("0693 12 34 56", "+262693123456", "RE"),
        ("0639 01 23 45", "+262639012345", "YT"),
        ("0690 12 34 56", "+590690123456", "GP"),
        ("0691 28 12 34", "+590691281234", "GP"),
        ("0694 20 12 34", "+594694201234", "GF"),
        ("0696 12 34 56", "+596696123456", "MQ"),
        ("0697 12 34 56", "+596697123456", "MQ"),
        ("0262 16 12 34", "+262262161234", "RE"),
        ("0590 27 12 34", "+590590271234", "BL"),
        ("0594 10 12 34", "+594594101234", "GF"),
        ("0596 30 12 34", "+596596301234", "MQ"),
    ],
)
def test_dom_prefix_national(raw, e164, region):
    info = normalize_number(raw, "FR", "FR")
    assert info.e164 == e164, f"{raw!r} gave {info.e164}"
    assert info.region == region, f"{raw!r} placed in {info.region}"


@pytest.mark.parametrize("contact", ["RE", "GP", "MQ", "GF", "YT"])
def test_metropolitan_mobile_overseas_contact(contact):
    info = normalize_number("06 12 34 56 12", "FR", contact)
    assert info.e164 == "+33612345612", f"metropolitan mobile of a {contact} contact gave {info.e164}"
    assert info.region == "FR", f"metropolitan mobile of a {contact} contact placed in {info.region}"


def test_comoros_not_mayotte():
    info = normalize_number("+269 321 23 45", "FR")
    assert info.e164 == "+2693212345", f"+269 number gave {info.e164}"
    assert info.region == "KM", f"+269 number placed in {info.region}, expected Comoros"
    assert info.time_zone == "Indian/Comoro", f"+269 number in zone {info.time_zone}"


def test_mayotte_on_262():
    info = normalize_number("+262 639 01 23 45", "FR")
    assert info.region == "YT", f"+262 639 number placed in {info.region}"
    assert info.time_zone == "Indian/Mayotte", f"+262 639 number in zone {info.time_zone}"


# Neighbours and francophone countries whose national format can be read as French.
NEIGHBOURS = {
    "BE": ("0470 12 34 56", "+32470123456", "Europe/Brussels"),
    "CH": ("079 123 45 67", "+41791234567", "Europe/Zurich"),
    "LU": ("621 123 456", "+352621123456", "Europe/Luxembourg"),
    "MC": ("06 12 34 56 78", "+377612345678", "Europe/Monaco"),
    "AD": ("312 345", "+376312345", "Europe/Andorra"),
    "NL": ("06 12 34 56 78", "+31612345678", "Europe/Amsterdam"),
    "ES": ("612 34 56 78", "+34612345678", "Europe/Madrid"),
    "IT": ("312 345 6789", "+393123456789", "Europe/Rome"),
    "DE": ("01512 3456789", "+4915123456789", "Europe/Berlin"),
    "MA": ("06 12 34 56 78", "+212612345678", "Africa/Casablanca"),
    "DZ": ("05 51 23 45 67", "+213551234567", "Africa/Algiers"),
}


@pytest.mark.parametrize("country", sorted(NEIGHBOURS))
def test_neighbour_with_contact_country(country):
    raw, e164, zone = NEIGHBOURS[country]
    info = normalize_number(raw, "FR", country)
    assert info.e164 == e164, f"{raw!r} for a {country} contact gave {info.e164}"
    assert info.region == country, f"{raw!r} for a {country} contact placed in {info.region}"
    assert info.type == "mobile", f"{raw!r} for a {country} contact typed {info.type}"
    assert info.time_zone == zone, f"{raw!r} for a {country} contact in zone {info.time_zone}"
    assert not info.assumed_country, f"{raw!r} for a {country} contact flagged as assumed"


@pytest.mark.parametrize("country", ["MC", "NL", "MA"])
def test_neighbour_without_country_is_french(country):
    raw = NEIGHBOURS[country][0]
    info = normalize_number(raw, "FR")
    assert info.e164 == "+33612345678", f"{raw!r} without country gave {info.e164}"
    assert info.assumed_country, f"{raw!r} without country not flagged as assumed"


@pytest.mark.parametrize(
    "raw",
    [
        "+33 (0)6 12 34 56 78",
        "0033 (0)6 12 34 56 78",
        "0033612345678",
        "+33612345678",
        "33612345678",
        "+33612345678.0",
        "33612345678.0",
        "06.12.34.56.78",
        "06-12-34-56-78",
        " 06 12 34 56 78 ",
        "+33 06 12 34 56 78",
        "'0612345678",
        "tel:+33612345678",
        "０６１２３４５６７８",
    ],
)
def test_formats_of_one_mobile(raw):
    info = normalize_number(raw, "FR", "FR")
    assert info.e164 == "+33612345678", f"{raw!r} gave {info.e164}"


def test_country_code_without_plus():
    info = normalize_number("32470123456", "FR")
    assert info.e164 == "+32470123456", f"Belgian number without + gave {info.e164}"
    assert not info.assumed_country, "a number carrying its country code was flagged as assumed"


@pytest.mark.parametrize("raw", [None, False, "", "   ", "\t\n"])
def test_missing_number(raw):
    info = normalize_number(raw, "FR")
    assert info.status == "missing", f"{raw!r} gave {info.status}"
    assert info.reason == "missing", f"{raw!r} has reason {info.reason}"


@pytest.mark.parametrize(
    "raw", ["n/a", "N/C", "?", "0", "06 12", "3.3612345607E+10", "+11 55 21 5555 5555", "garbage", "+1", "-"]
)
def test_invalid_number(raw):
    info = normalize_number(raw, "FR", "FR")
    assert info.status == "invalid", f"{raw!r} gave {info.status}"
    assert info.reason == "invalid", f"{raw!r} has reason {info.reason}"
    assert not info.sms_eligible, f"{raw!r} eligible"


def test_fixed_line_not_eligible():
    info = normalize_number("01 99 00 12 34", "FR", "FR")
    assert not info.sms_eligible, "a fixed line is SMS-eligible"
    assert info.reason == "not_mobile", f"fixed line has reason {info.reason}"


def test_as_dict_keys():
    keys = list(normalize_number("0612345678", "FR").as_dict())
    assert keys == ["e164", "status", "type", "region", "time_zone", "assumed_country", "sms_eligible", "reason"]


def test_unknown_company_country():
    with pytest.raises(ComplianceError) as caught:
        normalize_number("0612345678", "XX")
    assert caught.value.code == "unknown_country", f"code {caught.value.code}"


def test_unknown_contact_country_assumed():
    info = normalize_number("0612345678", "FR", "AQ")
    assert info.e164 == "+33612345678", f"contact country AQ gave {info.e164}"
    assert info.assumed_country, "a contact country unknown to phonenumbers did not flag the company country"


def test_polynesia_first_zone():
    info = normalize_number("+689 87 12 34 56", "FR")
    assert info.time_zone == "Pacific/Tahiti", f"French Polynesia mobile in zone {info.time_zone}"


@pytest.mark.parametrize(
    "postal_code, region",
    [("97133", "BL"), ("97150", "MF"), ("97110", "GP"), (None, "GP"), ("75011", "GP")],
)
def test_e164_region_by_postcode(postal_code, region):
    info = normalize_e164("+590690001234", postal_code)
    assert info.region == region, f"+590 690 with postcode {postal_code} placed in {info.region}"


def test_e164_without_plus_invalid():
    assert normalize_e164("33612345678").status == "invalid", "an E.164 number without + was accepted"


@pytest.mark.parametrize(
    "cell, parts",
    [
        ("06 12 34 56 05 / 01 99 00 12 05", ["06 12 34 56 05", "01 99 00 12 05"]),
        ("0612345605; 0199001205", ["0612345605", "0199001205"]),
        ("0612345605, 0199001205", ["0612345605", "0199001205"]),
        ("06 12 34 56 05 et 01 99 00 12 05", ["06 12 34 56 05", "01 99 00 12 05"]),
        ("06 12 34 56 05 ou 01 99 00 12 05", ["06 12 34 56 05", "01 99 00 12 05"]),
        ("06 12 34 56 05\n01 99 00 12 05", ["06 12 34 56 05", "01 99 00 12 05"]),
        ("+33 (0)6 12 34 56 05", ["+33 (0)6 12 34 56 05"]),
        ("06-12-34-56-05", ["06-12-34-56-05"]),
        ("", []),
        (None, []),
    ],
)
def test_split_numbers(cell, parts):
    assert split_numbers(cell) == parts, f"{cell!r} split into {split_numbers(cell)}"


def test_normalize_numbers_batch():
    pairs = [("06 12 34 56 78", "FR"), ("0470 12 34 56", "BE"), ("0470 12 34 56", None), ("", None)]
    results = normalize_numbers(pairs, "FR")
    assert [info.e164 for info in results] == ["+33612345678", "+32470123456", "+33470123456", None]
    assert all(isinstance(info, NumberInfo) for info in results), "batch returned something else than NumberInfo"


def test_normalize_numbers_reuses_results():
    first = normalize_numbers([("07 00 00 00 01", None)], "FR")[0]
    second = normalize_numbers([("07 00 00 00 01", None)], "FR")[0]
    assert first is second, "the second normalisation of the same number was not taken from the cache"


RENTED_LIST_COUNTRIES = {
    "France": "FR",
    "Belgique": "BE",
    "Suisse": "CH",
    "La Réunion": "RE",
    "Guadeloupe": "GP",
    "Martinique": "MQ",
    "": None,
}

# Expected results for the "Portable" column of the rented list sample, by line number.
RENTED_LIST_EXPECTED = {
    2: [("+33612345601", False)],
    3: [("+33612345601", False)],
    4: [("+33612345602", False)],
    5: [("+33612345603", False)],
    6: [("+32470123456", False)],
    7: [("+41791234567", False)],
    8: [("+262692123456", False)],
    9: [("+590690123456", False)],
    10: [("+33612345604", False)],
    11: [("+33612345605", False), ("+33199001205", False)],
    12: [("+33199001206", False)],
    13: [("INVALID", False)],
    14: [("+33612345607", False)],
    15: [("+33612345608", False)],
    16: [],
    17: [("+33612345610", False)],
    18: [("+33612345611", False)],
    19: [("+33612345612", False)],
    20: [("+596696123456", True)],
}


def _rented_list_rows():
    with open(DATA_DIR / "rented_list_fr.csv", encoding="cp1252", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        return [(reader.line_num, row) for row in reader]


def test_rented_list_mobiles():
    for line, row in _rented_list_rows():
        contact = RENTED_LIST_COUNTRIES[row["Pays"]]
        results = [normalize_number(raw, "FR", contact) for raw in split_numbers(row["Portable"])]
        found = [(info.e164 or info.status.upper(), info.assumed_country) for info in results]
        assert found == RENTED_LIST_EXPECTED[line], f"line {line} {row['Portable']!r} gave {found}"


@pytest.mark.parametrize("text", [
    '{"from":"+33612345678","body":"bonjour"}',
    "from=06 12 34 56 78&body=x",
    "tel: 0033 (0)6.12.34.56.78",
    "33612345678",
])
def test_mentions_number_any_format(text):
    assert mentions_number(text, "+33612345678")


@pytest.mark.parametrize("text", [
    '{"from":"+33612345679"}',
    "m4 612 345 6",
    "",
    None,
])
def test_mentions_number_other_text(text):
    assert not mentions_number(text, "+33612345678")


def test_mentions_number_in_form_body():
    assert mentions_number("from=%2B33+6+12+34+56+78&body=x", "+33612345678")
    assert mentions_number("from=%2B33%206%2012%2034%2056%2078", "+33612345678")
