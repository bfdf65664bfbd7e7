"""Phone number normalisation: E.164, number type, region and time zone, with phonenumbers."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache, lru_cache

import phonenumbers
import pytz
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from phonenumbers import timezone as phonenumbers_timezone

from .errors import ComplianceError

# Regions that share the French numbering plan and its national prefix 0. A national number
# gives no country code, so it is placed by checking which region's metadata accepts it.
FRENCH_PLAN_REGIONS = ("FR", "RE", "YT", "GP", "MQ", "GF", "BL", "MF", "PM")

# French postcodes of the overseas departments and collectivities (first three digits, or the
# whole code for the two collectivities sharing 971), used to tell apart regions that share a
# country calling code, such as Guadeloupe, Saint-Barthélemy and Saint-Martin on +590.
OVERSEAS_POSTCODE_REGIONS = {
    "97133": "BL",
    "97150": "MF",
    "971": "GP",
    "972": "MQ",
    "973": "GF",
    "974": "RE",
    "975": "PM",
    "976": "YT",
}

STATUS_VALID = "valid"
STATUS_INVALID = "invalid"
STATUS_MISSING = "missing"

REASON_MISSING = "missing"
REASON_INVALID = "invalid"
REASON_NOT_MOBILE = "not_mobile"

_EXCEL_FLOAT = re.compile(r"(\+?\d+)\.0+")
_SCIENTIFIC_NOTATION = re.compile(r"\+?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_PUNCTUATION = re.compile(r"[\s.\-()/]+")
_INTERNATIONAL_DIGITS = re.compile(r"[1-9]\d{7,14}")
_SEPARATORS = re.compile(r"\s*(?:[/;,|\n\r]|\s(?:et|ou|and|or)\s)\s*", re.IGNORECASE)
_UNKNOWN_TIME_ZONE = "Etc/Unknown"


@dataclass(frozen=True)
class NumberInfo:
    """Normalised phone number and whether an SMS may be sent to it."""

    e164: str | None
    status: str
    type: str | None
    region: str | None
    time_zone: str | None
    assumed_country: bool
    sms_eligible: bool
    reason: str | None

    def as_dict(self) -> dict:
        """Return the fields as a JSON-ready dict."""
        return asdict(self)


MISSING_NUMBER = NumberInfo(None, STATUS_MISSING, None, None, None, False, False, REASON_MISSING)
INVALID_NUMBER = NumberInfo(None, STATUS_INVALID, None, None, None, False, False, REASON_INVALID)


def is_known_country(code: str | None) -> bool:
    """Return whether phonenumbers has numbering metadata for the ISO 3166 alpha-2 ``code``."""
    return bool(code) and code.upper() in phonenumbers.SUPPORTED_REGIONS


def check_country(code: str | None) -> str:
    """Return ``code`` in upper case, or raise ComplianceError when phonenumbers does not know it."""
    if not is_known_country(code):
        raise ComplianceError(
            "unknown_country",
            f'Unknown country code "{code}". Use an ISO 3166-1 alpha-2 code such as FR.',
            country=code,
        )
    return code.upper()


def normalize_number(raw: str | None, company_country: str, contact_country: str | None = None) -> NumberInfo:
    """Normalise one raw number, parsing national formats with the contact's country, else the company's.

    A contact country unknown to phonenumbers counts as no country, so the result is flagged
    ``assumed_country`` rather than parsed with a wrong plan. An unknown company country raises
    ComplianceError.
    """
    company = check_country(company_country)
    return _normalize_cached(_raw_text(raw), company, _contact_region(contact_country))


def normalize_numbers(
    pairs: Iterable[tuple[str | None, str | None]], company_country: str
) -> list[NumberInfo]:
    """Normalise ``(raw, contact_country)`` pairs with one company country, reusing earlier results."""
    company = check_country(company_country)
    return [_normalize_cached(_raw_text(raw), company, _contact_region(contact)) for raw, contact in pairs]


def _raw_text(raw) -> str | None:
    """Return a cell as text. None and False (an empty Odoo field) give None, and numbers give their digits."""
    if raw is None or raw is False:
        return None
    return raw if isinstance(raw, str) else str(raw)


def _contact_region(contact_country: str | None) -> str | None:
    return contact_country.upper() if is_known_country(contact_country) else None


def normalize_e164(e164: str, postal_code: str | None = None) -> NumberInfo:
    """Describe a number already in E.164, placing it in the overseas region its French postcode names."""
    text = (e164 or "").strip()
    if not text:
        return MISSING_NUMBER
    if not text.startswith("+"):
        return INVALID_NUMBER
    number = _parse(text, None)
    if number is None or not phonenumbers.is_valid_number(number):
        return INVALID_NUMBER
    region = _region_for_postal_code(number, postal_code) or phonenumbers.region_code_for_number(number)
    return _describe(number, region, assumed_country=False)


# Runs of digits with the separators people type inside a phone number.
_PHONE_LIKE_RUN = re.compile(r"\+?\d[\d\s().\-/]{4,}\d")


def mentions_number(text: str | None, e164: str) -> bool:
    """Return whether ``text`` contains ``e164`` in any format, national or international.

    A run of digits and separators matches when it contains the national
    significant number, so "+33 6 12 34 56 78", "0612345678" and "33612345678"
    all match +33612345678.
    """
    try:
        national = str(phonenumbers.parse(e164).national_number)
    except NumberParseException:
        return False
    text = text or ""
    # A form-encoded body writes "+33 6" as "%2B33+6" or "%2B33%206".
    runs = _PHONE_LIKE_RUN.findall(f"{text}\n{unquote_plus(text)}")
    return any(national in re.sub(r"\D", "", run) for run in runs)


def split_numbers(cell: str | None) -> list[str]:
    """Split a cell holding several numbers ("06 12 34 56 05 / 01 99 00 12 05") into its raw parts.

    Parts without any digit are dropped, unless no part has a digit.
    """
    if not cell or not cell.strip():
        return []
    parts = [part.strip() for part in _SEPARATORS.split(cell.strip()) if part.strip()]
    numbers = [part for part in parts if any(char.isdigit() for char in part)]
    # A cell without digits ("n/a") is one invalid value, not several.
    return numbers or [cell.strip()]


@lru_cache(maxsize=262144)
def _normalize_cached(raw: str | None, company: str, contact: str | None) -> NumberInfo:
    text = _clean_raw(raw)
    if not text:
        return MISSING_NUMBER
    if _SCIENTIFIC_NOTATION.fullmatch(text):
        # Excel rounds long numbers shown in scientific notation, so the digits cannot be trusted.
        return INVALID_NUMBER

    region = contact or company
    number, parsed_region = _parse_valid(text, region)
    if number is None:
        return INVALID_NUMBER

    national_format = number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
    assumed = national_format and contact is None
    return _describe(number, _number_region(number, (contact, parsed_region)), assumed)


def _number_region(number: phonenumbers.PhoneNumber, preferred: tuple[str | None, ...]) -> str | None:
    """Return the region of a valid number, preferring the given regions when they share its country code."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code, ())
    if len(regions) == 1:
        return regions[0]
    for region in preferred:
        if region in regions and phonenumbers.is_valid_number_for_region(number, region):
            return region
    return phonenumbers.region_code_for_number(number)


def _clean_raw(raw: str | None) -> str:
    if raw is None:
        return ""
    text = raw.strip()
    excel_float = _EXCEL_FLOAT.fullmatch(text)
    if excel_float:
        text = excel_float.group(1)
    return text


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region, keep_raw_input=True)
    except NumberParseException:
        return None


def _parse_valid(text: str, region: str) -> tuple[phonenumbers.PhoneNumber | None, str | None]:
    """Parse ``text`` and return its valid reading with the region used, or ``(None, None)``."""
    number = _parse(text, region)
    if number is None:
        return None, None
    national_format = number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
    if not national_format:
        return (number, region) if phonenumbers.is_valid_number(number) else (None, None)

    if region in FRENCH_PLAN_REGIONS:
        number, used_region = _parse_french_plan(text, region, number)
    elif phonenumbers.is_valid_number(number):
        used_region = region
    else:
        number, used_region = None, None
    if number is None:
        return _parse_with_country_code(text), None
    return number, used_region


def _parse_french_plan(
    text: str, region: str, first_reading: phonenumbers.PhoneNumber
) -> tuple[phonenumbers.PhoneNumber | None, str | None]:
    """Read a national number of the French plan in the region whose metadata accepts it.

    phonenumbers accepts some overseas fixed-line ranges (0269 Mayotte, 0596 Martinique) as
    metropolitan fixed lines too, so a metropolitan fixed-line reading only wins when no
    overseas region has a fixed-line reading.
    """
    # The first reading's national number, with and without a leading 0 that the region did not
    # strip, lets regions whose metadata cannot match it be skipped without parsing again.
    national_number = phonenumbers.national_significant_number(first_reading)
    national_numbers = {national_number, national_number.removeprefix("0")}
    metropolitan_fixed_line = None
    for candidate_region in dict.fromkeys((region, *FRENCH_PLAN_REGIONS)):
        pattern = _general_pattern(candidate_region)
        if not any(pattern.fullmatch(digits) for digits in national_numbers):
            continue
        number = first_reading if candidate_region == region else _parse(text, candidate_region)
        if number is None or not phonenumbers.is_valid_number(number):
            continue
        number_type = phonenumbers.number_type(number)
        if candidate_region == "FR" and number_type == PhoneNumberType.FIXED_LINE:
            metropolitan_fixed_line = number
        elif metropolitan_fixed_line is None or number_type == PhoneNumberType.FIXED_LINE:
            return number, candidate_region
    if metropolitan_fixed_line is not None:
        return metropolitan_fixed_line, "FR"
    return None, None


@cache
def _general_pattern(region: str) -> re.Pattern:
    """Return the pattern every national number of ``region`` matches, from phonenumbers' metadata."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return re.compile(metadata.general_desc.national_number_pattern)


def _parse_with_country_code(text: str) -> phonenumbers.PhoneNumber | None:
    """Read digits that start with a country code written without "+" or "00", such as "32470123456"."""
    digits = _PUNCTUATION.sub("", text)
    if not _INTERNATIONAL_DIGITS.fullmatch(digits):
        return None
    number = _parse("+" + digits, None)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return number


def _region_for_postal_code(number: phonenumbers.PhoneNumber, postal_code: str | None) -> str | None:
    """Return the French overseas region named by ``postal_code`` if the number is valid there."""
    digits = re.sub(r"\D", "", postal_code or "")
    if len(digits) != 5:
        return None
    region = OVERSEAS_POSTCODE_REGIONS.get(digits) or OVERSEAS_POSTCODE_REGIONS.get(digits[:3])
    if region and phonenumbers.is_valid_number_for_region(number, region):
        return region
    return None


def _describe(number: phonenumbers.PhoneNumber, region: str | None, assumed_country: bool) -> NumberInfo:
    number_type = _type_name(phonenumbers.number_type(number))
    eligible = number_type == "mobile"
    return NumberInfo(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        status=STATUS_VALID,
        type=number_type,
        region=region,
        time_zone=time_zone_for(number, region),
        assumed_country=assumed_country,
        sms_eligible=eligible,
        reason=None if eligible else REASON_NOT_MOBILE,
    )


def _type_name(number_type: int) -> str:
    return PhoneNumberType.to_string(number_type).lower()


def time_zone_for(number: phonenumbers.PhoneNumber, region: str | None) -> str | None:
    """Return the IANA time zone of ``number`` in ``region``, from phonenumbers and the tz database."""
    candidates = [
        zone for zone in phonenumbers_timezone.time_zones_for_number(number) if zone != _UNKNOWN_TIME_ZONE
    ]
    country_zones = list(pytz.country_timezones.get(region, ())) if region else []
    if not country_zones:
        return candidates[0] if len(candidates) == 1 else None

    matching = [zone for zone in country_zones if zone in candidates]
    if len(matching) == 1:
        return matching[0]
    if not matching and len(country_zones) == 1:
        # phonenumbers may name the neighbour's zone (America/Guadeloupe for Saint-Barthélemy).
        return country_zones[0]
    # NOTE: a mobile number does not tell which zone of a multi-zone country applies (French
    # Polynesia, the United States). The first zone pytz lists for the country (zone.tab order,
    # Pacific/Tahiti or America/New_York) is used, so an SMS can reach someone in another zone
    # outside their sending window.
    return (matching or country_zones)[0]


def format_international(e164: str) -> str:
    """Return an E.164 number in the international format people read, such as "+33 6 12 34 56 78"."""
    number = _parse(e164, None)
    if number is None:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
