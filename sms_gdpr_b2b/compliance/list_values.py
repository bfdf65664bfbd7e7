"""Reading of the values found in agency lists: column headers, countries, legal bases, sources and dates.

Headers and words are compared after folding (no accents, no case, punctuation turned into
spaces), so "Tél. portable", "TEL PORTABLE" and "tel-portable" are the same header.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from .text import fold

# Fields of a lead list, as the keys of ``HEADER_ALIASES``.
FIELD_COMPANY = "company"
FIELD_LAST_NAME = "last_name"
FIELD_FIRST_NAME = "first_name"
FIELD_FULL_NAME = "full_name"
FIELD_FUNCTION = "function"
FIELD_MOBILE = "mobile"
FIELD_PHONE = "phone"
FIELD_EMAIL = "email"
FIELD_STREET = "street"
FIELD_ZIP = "zip"
FIELD_CITY = "city"
FIELD_COUNTRY = "country"
FIELD_SOURCE = "source"
FIELD_COLLECTION_DATE = "collection_date"
FIELD_LEGAL_BASIS = "legal_basis"
FIELD_PROVIDER = "provider"
FIELD_CONSENT_DATE = "consent_date"

# Fields of a STOP list exported by an SMS platform.
FIELD_NUMBER = "number"
FIELD_DATE = "date"
FIELD_CHANNEL = "channel"

# Folded headers of lead lists, French and English, for each field.
HEADER_ALIASES = {
    FIELD_COMPANY: (
        "societe", "entreprise", "raison sociale", "nom de la societe", "nom entreprise", "etablissement",
        "organisation", "organisme", "company", "company name", "organization", "account", "compte",
    ),
    FIELD_LAST_NAME: ("nom", "nom de famille", "last name", "lastname", "surname", "family name"),
    FIELD_FIRST_NAME: ("prenom", "first name", "firstname", "given name"),
    FIELD_FULL_NAME: ("nom complet", "contact", "nom du contact", "full name", "contact name", "name"),
    FIELD_FUNCTION: ("fonction", "poste", "titre", "intitule de poste", "job title", "title", "position",
                     "function", "job"),
    FIELD_MOBILE: (
        "portable", "mobile", "tel portable", "telephone portable", "tel mobile", "telephone mobile",
        "numero de portable", "n de portable", "no portable", "num portable", "gsm", "cellulaire",
        "mobile phone", "cell", "cell phone", "cellphone", "mobile number",
    ),
    FIELD_PHONE: (
        "telephone", "tel", "tel fixe", "telephone fixe", "fixe", "ligne directe", "standard", "numero",
        "numero de telephone", "n de telephone", "phone", "phone number", "landline", "work phone",
        "business phone",
    ),
    FIELD_EMAIL: ("e mail", "email", "courriel", "mail", "adresse e mail", "adresse email", "adresse mail",
                  "email address", "e mail address"),
    FIELD_STREET: ("adresse", "rue", "adresse postale", "address", "street", "address line 1", "adresse 1"),
    FIELD_ZIP: ("code postal", "cp", "postal code", "postcode", "zip", "zip code", "code post"),
    FIELD_CITY: ("ville", "commune", "localite", "city", "town"),
    FIELD_COUNTRY: ("pays", "country", "code pays", "country code"),
    FIELD_SOURCE: ("source", "origine", "provenance", "source de collecte", "origine du contact",
                   "lead source", "origin"),
    FIELD_COLLECTION_DATE: ("date de collecte", "date collecte", "date de collecte des donnees",
                            "date d acquisition", "date de recueil", "collection date", "date collected",
                            "date of collection", "date"),
    FIELD_LEGAL_BASIS: ("base legale", "base juridique", "fondement", "fondement juridique",
                        "fondement legal", "legal basis", "lawful basis"),
    FIELD_PROVIDER: ("fournisseur", "fournisseur du fichier", "loueur", "prestataire", "courtier",
                     "provider", "list provider", "data provider", "vendor", "broker"),
    FIELD_CONSENT_DATE: ("date de consentement", "date du consentement", "date consentement",
                         "date opt in", "consent date", "date of consent", "opt in date"),
}

# Folded headers of STOP lists (SMS platform exports), for each field.
STOP_HEADER_ALIASES = {
    FIELD_NUMBER: (
        "numero", "numero de telephone", "numero mobile", "mobile", "portable", "telephone", "tel",
        "destinataire", "msisdn", "number", "phone", "phone number", "mobile number", "recipient", "sms",
        "expediteur", "sender", "from",
    ),
    FIELD_DATE: (
        "date", "date de desinscription", "date desinscription", "date de desabonnement", "date stop",
        "date d opposition", "date de reception", "recu le", "cree le", "date opt out", "opt out date",
        "unsubscribed at", "unsubscribe date", "date unsubscribed", "received at", "created at", "timestamp",
    ),
    FIELD_CHANNEL: ("canal", "channel", "mot cle", "keyword", "message", "contenu", "texte", "text", "motif",
                    "raison", "reason", "source"),
}

_NON_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def fold_words(text: str | None) -> str:
    """Return ``text`` folded to lowercase ASCII words separated by single spaces."""
    return _NON_ALPHANUMERIC.sub(" ", fold(text or "")).strip()


def _alias_index(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias: name for name, names in aliases.items() for alias in names}


_HEADER_INDEX = _alias_index(HEADER_ALIASES)
_STOP_HEADER_INDEX = _alias_index(STOP_HEADER_ALIASES)


def field_for_header(header: str | None) -> str | None:
    """Return the lead-list field a column header names, or None for an unknown header."""
    return _HEADER_INDEX.get(fold_words(header))


def stop_field_for_header(header: str | None) -> str | None:
    """Return the STOP-list field a column header names, or None for an unknown header."""
    return _STOP_HEADER_INDEX.get(fold_words(header))


# ----------------------------------------------------------------------
# Countries
# ----------------------------------------------------------------------

# Folded French and English names of the countries and territories French agencies meet most,
# with the ISO 3166-1 alpha-2 code phonenumbers and Odoo use. The overseas departments and
# collectivities have codes of their own.
COUNTRY_NAMES = {
    "FR": ("france", "france metropolitaine", "metropole", "fra"),
    "RE": ("la reunion", "reunion", "ile de la reunion", "reu"),
    "GP": ("guadeloupe", "glp"),
    "MQ": ("martinique", "mtq"),
    "GF": ("guyane", "guyane francaise", "french guiana", "guf"),
    "YT": ("mayotte", "myt"),
    "PM": ("saint pierre et miquelon", "st pierre et miquelon", "spm"),
    "BL": ("saint barthelemy", "st barthelemy", "saint barth", "st barth", "blm"),
    "MF": ("saint martin", "st martin", "saint martin partie francaise", "maf"),
    "NC": ("nouvelle caledonie", "new caledonia", "ncl"),
    "PF": ("polynesie francaise", "polynesie", "french polynesia", "pyf"),
    "WF": ("wallis et futuna", "wallis and futuna", "wlf"),
    "MC": ("monaco", "mco"),
    "BE": ("belgique", "belgium", "bel"),
    "CH": ("suisse", "switzerland", "che"),
    "LU": ("luxembourg", "lux"),
    "DE": ("allemagne", "germany", "deutschland", "deu"),
    "ES": ("espagne", "spain", "espana", "esp"),
    "IT": ("italie", "italy", "italia", "ita"),
    "PT": ("portugal", "prt"),
    "NL": ("pays bas", "netherlands", "hollande", "nld"),
    "GB": ("royaume uni", "united kingdom", "grande bretagne", "great britain", "angleterre", "england",
           "uk", "gbr"),
    "IE": ("irlande", "ireland", "irl"),
    "AT": ("autriche", "austria", "aut"),
    "AD": ("andorre", "andorra", "and"),
    "MA": ("maroc", "morocco", "mar"),
    "TN": ("tunisie", "tunisia", "tun"),
    "DZ": ("algerie", "algeria", "dza"),
    "SN": ("senegal", "sen"),
    "CI": ("cote d ivoire", "cote divoire", "ivory coast", "civ"),
    "CA": ("canada", "can"),
    "US": ("etats unis", "etats unis d amerique", "united states", "united states of america", "usa"),
    "KM": ("comores", "comoros", "com"),
    "MU": ("maurice", "ile maurice", "mauritius", "mus"),
}
_COUNTRY_INDEX = {name: code for code, names in COUNTRY_NAMES.items() for name in names}
_ISO_CODE = re.compile(r"[A-Za-z]{2}")


def country_code(text: str | None, known_codes=None) -> str | None:
    """Return the ISO alpha-2 code of a country written as a French or English name or as a code.

    ``known_codes`` is the set of alpha-2 codes accepted when the cell contains a bare code, such as
    phonenumbers' supported regions. Returns None for an unknown name.
    """
    value = (text or "").strip()
    words = fold_words(value)
    if words in _COUNTRY_INDEX:
        return _COUNTRY_INDEX[words]
    if _ISO_CODE.fullmatch(value) and (known_codes is None or value.upper() in known_codes):
        return value.upper()
    return None


# ----------------------------------------------------------------------
# Legal basis and data source
# ----------------------------------------------------------------------

LEGAL_BASIS_WORDS = {
    "consent": ("consentement", "consenti", "opt in", "optin", "accord", "accord expres", "consent",
                "consented", "explicit consent"),
    "legitimate_interest": ("interet legitime", "interets legitimes", "interet legitime b2b", "b2b",
                            "il", "legitimate interest", "legitimate interests", "li"),
    "contract": ("contrat", "client", "client existant", "execution du contrat", "execution d un contrat",
                 "relation contractuelle", "contract", "customer", "existing customer"),
    "none": ("aucune", "aucun", "sans", "none", "n a", "na"),
}
_LEGAL_BASIS_INDEX = {word: code for code, words in LEGAL_BASIS_WORDS.items() for word in words}


def legal_basis(text: str | None) -> str | None:
    """Return the legal basis code written in a cell: "consent", "legitimate_interest", "contract" or "none".

    Returns None when the words are not recognised.
    """
    return _LEGAL_BASIS_INDEX.get(fold_words(text))


# Words of a free-text source, checked in this order, and the data source code they give.
SOURCE_KEYWORDS = (
    ("rented_list", ("location", "loue", "louee", "fichier loue", "achat", "achete", "achetee", "rented",
                     "purchased", "bought", "list rental", "fournisseur", "courtier")),
    ("event", ("salon", "evenement", "event", "conference", "congres", "webinar", "webinaire", "seminaire",
               "trade show", "foire", "atelier", "workshop", "meetup")),
    ("web_form", ("formulaire", "site web", "site internet", "web form", "landing", "inscription",
                  "newsletter", "website", "form")),
    ("public_directory", ("annuaire", "directory", "pages jaunes", "societe com", "kompass", "linkedin",
                          "registre", "infogreffe")),
    ("phone_call", ("appel", "telephone", "phone", "call", "telephonique")),
    ("partner", ("partenaire", "partner", "co registration", "coregistration", "co enregistrement",
                 "parrainage", "referral")),
    ("existing_customer", ("client", "customer")),
    ("import", ("import", "crm", "export", "migration")),
)

_PROVIDER_IN_TEXT = re.compile(r"(?:fournisseur|provider|loueur|courtier|vendor)\s*:?\s*([^()\[\];,]+)",
                               re.IGNORECASE)


def data_source(text: str | None) -> str | None:
    """Return the data source code a free-text source names ("Salon Préventica" gives "event"), or "other".

    Returns None for an empty cell.
    """
    words = fold_words(text)
    if not words:
        return None
    padded = f" {words} "
    for code, keywords in SOURCE_KEYWORDS:
        if any(f" {keyword} " in padded for keyword in keywords):
            return code
    return "other"


def provider_in_source(text: str | None) -> str | None:
    """Return the provider named inside a source text, as in "Location fichier (fournisseur Exemple Data)"."""
    match = _PROVIDER_IN_TEXT.search(text or "")
    return match.group(1).strip() if match and match.group(1).strip() else None


# ----------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------

_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})")
_TIME = re.compile(r"(\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,]\d+)?)?")
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
EARLIEST_YEAR = 1900


class DateValueError(ValueError):
    """A date cell that cannot be read or names a day that does not exist."""


def parse_date(text: str | None) -> date | None:
    """Return the day written as dd/mm/yyyy, dd-mm-yy, dd.mm.yyyy or yyyy-mm-dd, with an optional time.

    Returns None for an empty cell and raises DateValueError for anything else that is not a
    real day, such as 31/02/2026. Days come first as in France: 03/04/2026 is 3 April.
    """
    value = (text or "").strip()
    if not value:
        return None
    day_part = re.split(r"[T\s]", value, maxsplit=1)[0]
    year_first = _YEAR_FIRST.fullmatch(day_part)
    day_first = _DAY_FIRST.fullmatch(day_part)
    if year_first:
        year, month, day = (int(part) for part in year_first.groups())
    elif day_first:
        day, month, year = (int(part) for part in day_first.groups())
        if len(day_first.group(3)) == 2:
            year += 2000
    else:
        raise DateValueError(value)
    if year < EARLIEST_YEAR:
        raise DateValueError(value)
    try:
        return date(year, month, day)
    except ValueError as error:
        raise DateValueError(value) from error


def parse_datetime(text: str | None) -> datetime | None:
    """Return the instant of a cell as a datetime: aware when the cell gives Z or an offset, else naive local time.

    Accepts the forms of ``parse_date`` followed by HH:MM or HH:MM:SS, and ISO 8601. A date
    without time gives midnight. Returns None for an empty cell, raises DateValueError otherwise.
    """
    value = (text or "").strip()
    if not value:
        return None
    if _OFFSET.search(value) and "T" in value.upper():
        try:
            return datetime.fromisoformat(re.sub(r"[Zz]$", "+00:00", value))
        except ValueError as error:
            raise DateValueError(value) from error
    day = parse_date(value)
    rest = re.split(r"[T\s]", value, maxsplit=1)[1:] or [""]
    time_text = rest[0].strip()
    if not time_text:
        return datetime.combine(day, datetime.min.time())
    match = _TIME.fullmatch(time_text)
    if not match:
        raise DateValueError(value)
    hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError as error:
        raise DateValueError(value) from error
