"""Checks of the mandatory mentions and sender ID of a prospecting SMS under French rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import ComplianceError
from .segments import SegmentCount, count_segments
from .text import fold, is_blank

SEVERITY_ERROR = "error"
SEVERITY_WARNING = "warning"

SENDER_ID_MIN_LENGTH = 3
SENDER_ID_MAX_LENGTH = 11
# Above this many SMS parts a message gets a warning, because each part is billed as one SMS.
MAX_SEGMENTS = 3
# Above this many SMS parts a message is blocked. The GSM 03.40 concatenation header counts the
# parts in one byte, so the protocol allows 255 parts. Providers cap far lower, often at 6 to 10
# parts, and every part is billed for every recipient.
MAX_SEGMENTS_BLOCKING = 10
# Shown in place of the short code in an opt_out_missing finding when none is configured.
SHORT_CODE_PLACEHOLDER = "36xxx"

# Sender IDs that do not identify an advertiser or that imitate banks, public bodies,
# delivery or security services, all common in SMS fraud. A sender ID made only of these
# words and digits ("INFO24", "SMSINFO") is rejected too.
GENERIC_SENDER_WORDS = frozenset(
    {
        "ACCOUNT", "ADMIN", "AIDE", "ALERT", "ALERTE", "ALERTS", "AMELI", "ANTAI", "AUTH", "AVIS",
        "BANK", "BANQUE", "CAF", "CODE", "COLIS", "COMPTE", "CONTACT", "CPF", "DELIVERY", "DOUANE",
        "DOUANES", "FACTURE", "FRAUDE", "FRAUD", "GENDARMERIE", "GOUV", "GOUVFR", "HELP", "IMPOTS",
        "INFO", "INFOS", "JUSTICE", "LIVRAISON", "LOGIN", "MAIRIE", "MESSAGE", "MSG", "NEWS",
        "NOREPLY", "NOTIF", "OFFRE", "OTP", "PAIEMENT", "PAYMENT", "PIN", "POLICE", "PROMO", "PUB",
        "RAPPEL", "RDV", "REMINDER", "SECU", "SECURE", "SECURITE", "SECURITY", "SERVICE",
        "SERVICES", "SMS", "SUPPORT", "TEST", "TRESOR", "URGENT", "URSSAF", "VERIF", "VERIFY",
    }
)

# Words and patterns that mark a message as advertising (matched accent- and case-insensitively
# on whole words). A price cut written as "-20 %" or "-20 €" counts as well.
ADVERTISING_MARKERS = (
    "pub",
    "publicite",
    "publicitaire",
    "annonce",
    "offre",
    "offres",
    "promo",
    "promos",
    "promotion",
    "promotions",
    "promotionnel",
    "promotionnelle",
    "remise",
    "remises",
    "reduction",
    "reductions",
    "rabais",
    "soldes",
    "gratuit",
    "gratuite",
    "gratuits",
    "gratuites",
    "offert",
    "offerte",
    "offerts",
    "offertes",
    "code promo",
    "bon plan",
    "vente privee",
)
_PRICE_CUT = re.compile(
    r"-\s?\d+(?:[.,]\d+)?\s?(?:%|€|eur\b|euros?\b)"  # "-20 %", "-15 €", "-10 euros"
    r"|\d+\s?(?:%|€)\s?(?:de remise|de reduction|offerts?)"  # "10 € offerts", "20 % de remise"
)

_SENDER_ID_ALLOWED = re.compile(r"[A-Za-z0-9]+")
_SHORT_CODE = re.compile(r"[3-8]\d{4}")
# "STOP au 36111", "STOP 36111", "Stop SMS au 36 111" (folded text). Four to six digits, so that
# "non-stop 24h/24" is no mention while a mistyped short code is still reported.
_STOP_MENTION = re.compile(r"\bstop\b(?:\s+sms)?\s*(?:au\b|a\b|:|-)?\s*(\d{2} \d{3}(?!\d)|\d{4,6}(?!\d))")
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}/[^\s<>\"]*",
    re.IGNORECASE,
)
_LEGAL_FORMS = re.compile(r"\b(?:sarl|sas|sasu|sa|eurl|sci|snc|selarl|scop|gmbh|ltd|inc|llc|bv|nv|srl|sprl)\b")
_NON_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Finding:
    """One problem found in a message or sender ID, with the values to rebuild a translated message."""

    code: str
    severity: str
    message: str
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict:
        """Return the code, severity and message as a JSON-ready dict."""
        return {"code": self.code, "severity": self.severity, "message": self.message}


def _error(code: str, message: str, **params) -> Finding:
    return Finding(code, SEVERITY_ERROR, message, params)


def _warning(code: str, message: str, **params) -> Finding:
    return Finding(code, SEVERITY_WARNING, message, params)


def check_ok(findings: list[Finding]) -> bool:
    """Return whether ``findings`` contain no error (warnings need an acknowledgement only)."""
    return not any(finding.severity == SEVERITY_ERROR for finding in findings)


def check_sender_id(sender_id: str | None) -> list[Finding]:
    """Check an alphanumeric sender ID against the French operators' rules."""
    value = sender_id or ""
    findings = []
    if not SENDER_ID_MIN_LENGTH <= len(value) <= SENDER_ID_MAX_LENGTH:
        findings.append(
            _error(
                "sender_id_length",
                f'Sender ID "{value}" has {len(value)} characters. Use 3 to 11 letters or digits.',
                sender_id=value,
                length=len(value),
            )
        )
    if value and not _SENDER_ID_ALLOWED.fullmatch(value):
        invalid = "".join(dict.fromkeys(char for char in value if not _SENDER_ID_ALLOWED.fullmatch(char)))
        findings.append(
            _error(
                "sender_id_characters",
                f'Sender ID "{value}" contains characters other than ASCII letters and digits ("{invalid}"). '
                "Remove them.",
                sender_id=value,
                characters=invalid,
            )
        )
    if value and not any(char.isascii() and char.isalpha() for char in value):
        findings.append(
            _error(
                "sender_id_no_letter",
                f'Sender ID "{value}" has no letter. Include at least one letter, such as the company name.',
                sender_id=value,
            )
        )
    if value and _is_generic_sender(value):
        findings.append(
            _error(
                "sender_id_generic",
                f'Sender ID "{value}" is a generic word that does not identify the advertiser. '
                "Use the company or brand name.",
                sender_id=value,
            )
        )
    return findings


def _is_generic_sender(sender_id: str) -> bool:
    """Return whether ``sender_id`` consists only of generic words and digits."""
    letters = re.sub(r"[^A-Z]", "", sender_id.upper())
    if not letters:
        return False
    # can_split[i] is True when letters[:i] splits into generic words.
    can_split = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        can_split[end] = any(
            can_split[start] and letters[start:end] in GENERIC_SENDER_WORDS for start in range(end)
        )
    return can_split[-1]


def check_short_code(short_code: str | None) -> list[Finding]:
    """Check that a short code is a French SMS short code: 5 digits, the first from 3 to 8."""
    if short_code is None:
        return []
    digits = re.sub(r"\s", "", short_code)
    if _SHORT_CODE.fullmatch(digits):
        return []
    return [
        _error(
            "short_code_invalid",
            f'Short code "{short_code}" is invalid. French SMS short codes have 5 digits and start with 3 to 8.',
            short_code=short_code,
        )
    ]


def _clean_short_code(short_code: str | None) -> str | None:
    return re.sub(r"\s", "", short_code) if short_code else None


def _folded_words(text: str) -> str:
    return " " + _NON_ALPHANUMERIC.sub(" ", fold(text)).strip() + " "


def stop_mentions(body: str) -> list[str]:
    """Return the short codes of every "STOP au <number>" mention in ``body``, spaces removed."""
    return [match.group(1).replace(" ", "") for match in _STOP_MENTION.finditer(fold(body or ""))]


def links(body: str) -> list[str]:
    """Return the web links and short links found in ``body``."""
    return _LINK.findall(body or "")


def _url_key(url: str) -> str:
    key = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.strip().casefold())
    return key.rstrip("/")


def contains_url(body: str, url: str) -> bool:
    """Return whether ``body`` contains ``url``, ignoring case, the scheme, "www." and a final slash."""
    key = _url_key(url)
    return bool(key) and key in (body or "").casefold()


def _has_advertising_marker(body: str) -> bool:
    words = _folded_words(body)
    if any(f" {marker} " in words for marker in ADVERTISING_MARKERS):
        return True
    return bool(_PRICE_CUT.search(fold(body)))


def _advertiser_in_body(advertiser: str, body: str) -> bool:
    name = _folded_words(advertiser)
    short_name = " " + " ".join(_LEGAL_FORMS.sub(" ", name).split()) + " "
    words = _folded_words(body)
    return any(candidate.strip() and candidate in words for candidate in (name, short_name))


def _has_opt_out_link(body: str, opt_out_url: str | None, privacy_url: str | None) -> bool:
    if opt_out_url:
        return contains_url(body, opt_out_url)
    privacy_key = _url_key(privacy_url) if privacy_url else None
    return any(not privacy_key or _url_key(link) != privacy_key for link in links(body))


def check_opt_out(
    body: str,
    short_code: str | None = None,
    opt_out_url: str | None = None,
    privacy_url: str | None = None,
) -> list[Finding]:
    """Check that ``body`` carries "STOP au <short code>" or an opt-out link."""
    code = _clean_short_code(short_code)
    mentioned = stop_mentions(body)
    findings = []
    wrong = [number for number in mentioned if code and number != code]
    if wrong:
        findings.append(
            _error(
                "opt_out_wrong_short_code",
                f'The opt-out mention names short code {wrong[0]} but the company short code is {code}. '
                f'Write "STOP au {code}".',
                found=wrong[0],
                short_code=code,
            )
        )
    has_stop = code in mentioned if code else any(_SHORT_CODE.fullmatch(number) for number in mentioned)
    if not has_stop and not wrong and not _has_opt_out_link(body, opt_out_url, privacy_url):
        if code or opt_out_url:
            target = f'"{opt_out_mention(code, opt_out_url)}"'
        else:
            target = '"STOP au <short code>" or an opt-out link'
        findings.append(
            _error(
                "opt_out_missing",
                f"The message has no opt-out mention. Add {target}.",
                mention=target,
                short_code=code or SHORT_CODE_PLACEHOLDER,
                opt_out_url=opt_out_url,
            )
        )
    return findings


def check_identity(body: str, sender_id: str | None, advertiser: str | None) -> list[Finding]:
    """Check that the advertiser is identified by a valid sender ID or by its name in ``body``."""
    sender_valid = bool(sender_id) and not check_sender_id(sender_id)
    if sender_valid:
        return []
    if advertiser:
        if _advertiser_in_body(advertiser, body):
            return []
        return [
            _error(
                "identity_missing",
                f'Advertiser "{advertiser}" is not named in the message and no valid sender ID identifies it. '
                "Add the name to the message or use it as sender ID.",
                advertiser=advertiser,
            )
        ]
    return [
        _warning(
            "identity_unverified",
            "Neither a valid sender ID nor an advertiser name was given, so the advertiser's identity "
            "could not be checked. Set the sender ID or the advertiser name.",
        )
    ]


def check_message(
    body: str | None,
    sender_id: str | None = None,
    short_code: str | None = None,
    opt_out_url: str | None = None,
    advertiser: str | None = None,
    privacy_url: str | None = None,
) -> list[Finding]:
    """Check the mandatory mentions of a prospecting SMS, errors first.

    A blank body (only white space or invisible characters) gives ``body_empty`` and the
    findings on the short code and sender ID, but none about the text it lacks.
    """
    body = body or ""
    sender_findings = check_sender_id(sender_id) if sender_id is not None else []
    if is_blank(body):
        empty = _error("body_empty", "The message body is empty. Write the message text.")
        return [empty, *check_short_code(short_code), *sender_findings]

    short_code_findings = check_short_code(short_code)
    findings = list(short_code_findings)
    findings += _check_opt_out_with_valid_code(body, short_code, opt_out_url, privacy_url, short_code_findings)
    findings += check_identity(body, sender_id, advertiser)
    findings += sender_findings
    findings += _check_commercial_nature(body)
    findings += _check_privacy_link(body, privacy_url)
    count = count_segments(body)
    findings += _check_segments(count)
    findings += _check_avoidable_ucs2(body, count)
    return sorted(findings, key=lambda finding: finding.severity != SEVERITY_ERROR)


def _check_opt_out_with_valid_code(body, short_code, opt_out_url, privacy_url, short_code_findings):
    """Check the opt-out mention, leaving an invalid short code to its own ``short_code_invalid`` finding.

    Asking for "STOP au abc" would contradict that finding, so an invalid short code only
    leaves the opt-out link to check, when one is configured.
    """
    if not short_code_findings:
        return check_opt_out(body, short_code, opt_out_url, privacy_url)
    if opt_out_url:
        return check_opt_out(body, None, opt_out_url, privacy_url)
    return []


def _check_commercial_nature(body: str) -> list[Finding]:
    if _has_advertising_marker(body):
        return []
    return [
        _warning(
            "commercial_nature_unclear",
            'The message does not show that it is advertising. Add a marker such as "Pub", "Offre" or "Promo".',
        )
    ]


# Typographic characters that word processors put into French text, outside the GSM-7 alphabet,
# and the GSM-7 text that replaces each of them.
GSM7_REPLACEMENTS = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2026": "...", "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u202f": " ", "\u0153": "oe", "\u0152": "OE",
})


def _check_avoidable_ucs2(body: str, count: SegmentCount) -> list[Finding]:
    """Warn when typographic characters alone switch the message to UCS-2 and so add SMS parts.

    ``count`` is the ``count_segments`` result of ``body``.
    """
    if count.encoding != "ucs2":
        return []
    plain = count_segments(body.translate(GSM7_REPLACEMENTS))
    if plain.encoding != "gsm7" or plain.segments >= count.segments:
        return []
    characters = " ".join(count.ucs2_characters)
    return [
        _warning(
            "ucs2_avoidable",
            f"The characters {characters} are not in the GSM-7 alphabet, so the message is sent in UCS-2 and "
            f"takes {count.segments} SMS parts instead of {plain.segments}. Replace them, for example ’ by ', "
            "to pay for fewer parts.",
            characters=characters,
            segments=count.segments,
            gsm7_segments=plain.segments,
        )
    ]


def _check_segments(count: SegmentCount) -> list[Finding]:
    if count.segments > MAX_SEGMENTS_BLOCKING:
        return [
            _error(
                "message_too_long",
                f"The message takes {count.segments} SMS parts in {count.encoding.upper()}, more than the "
                f"{MAX_SEGMENTS_BLOCKING} a campaign may send. Shorten it to {MAX_SEGMENTS} parts or fewer.",
                segments=count.segments,
                encoding=count.encoding,
                max_segments=MAX_SEGMENTS_BLOCKING,
            )
        ]
    if count.segments <= MAX_SEGMENTS:
        return []
    return [
        _warning(
            "too_many_segments",
            f"The message takes {count.segments} SMS parts in {count.encoding.upper()}. "
            f"Shorten it to {MAX_SEGMENTS} parts or fewer.",
            segments=count.segments,
            encoding=count.encoding,
        )
    ]


def _check_privacy_link(body: str, privacy_url: str | None) -> list[Finding]:
    present = contains_url(body, privacy_url) if privacy_url else bool(links(body))
    if present:
        return []
    notice = f"privacy notice {privacy_url}" if privacy_url else "privacy notice"
    return [
        _warning(
            "privacy_link_missing",
            f"The message has no link to the {notice}. Add it to the first SMS sent to each contact.",
            privacy_url=privacy_url,
        )
    ]


def opt_out_mention(short_code: str | None = None, opt_out_url: str | None = None) -> str:
    """Return the French opt-out mention: "STOP au <short code>", else "Désinscription : <link>"."""
    code = _clean_short_code(short_code)
    if code:
        return f"STOP au {code}"
    if opt_out_url:
        return f"Désinscription : {opt_out_url}"
    raise ComplianceError(
        "opt_out_source_missing",
        "An opt-out mention needs a short code or an opt-out URL. Set one of them.",
    )


def privacy_mention(privacy_url: str) -> str:
    """Return the French privacy notice mention for ``privacy_url``."""
    return f"Vie privée : {privacy_url}"


def compose_body(
    body: str,
    short_code: str | None = None,
    opt_out_url: str | None = None,
    privacy_url: str | None = None,
) -> str:
    """Append the missing opt-out and privacy mentions to ``body`` on a new line, never twice.

    A blank body gives an empty text: mentions alone are no message.
    """
    if is_blank(body):
        return ""
    body = body.rstrip()
    additions = []
    if (short_code or opt_out_url) and not _opt_out_present(body, short_code, opt_out_url):
        additions.append(opt_out_mention(short_code, opt_out_url))
    if privacy_url and not contains_url(body, privacy_url):
        additions.append(privacy_mention(privacy_url))
    if not additions:
        return body
    mentions = " - ".join(additions)
    return f"{body}\n{mentions}" if body else mentions


def _opt_out_present(body: str, short_code: str | None, opt_out_url: str | None) -> bool:
    code = _clean_short_code(short_code)
    if code and code in stop_mentions(body):
        return True
    return bool(opt_out_url) and contains_url(body, opt_out_url)
