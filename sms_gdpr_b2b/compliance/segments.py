"""SMS encoding and segment count (GSM 03.38 and UCS-2), with GSM-7 replacements for French text."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# GSM 03.38 default alphabet, without the escape character (0x1B) that introduces the extension
# table. Position 0x09 is the capital "Ç", so lowercase "ç" forces UCS-2 here. A gateway that
# sends "ç" as 0x09 bills less than estimated, never more.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# GSM 03.38 extension table. Each character is sent as escape + code, so it takes 2 septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE_SMS = 160
GSM7_PART = 153
UCS2_SINGLE_SMS = 70
UCS2_PART = 67

ENCODING_GSM7 = "gsm7"
ENCODING_UCS2 = "ucs2"

# Replacements that keep French text in GSM-7. Every key forces UCS-2 and every value is GSM-7.
GSM7_REPLACEMENTS = {
    "â": "a", "ê": "e", "î": "i", "ô": "o", "û": "u",
    "ë": "e", "ï": "i", "ÿ": "y", "ç": "c",
    "á": "a", "í": "i", "ó": "o", "ú": "u", "ã": "a", "õ": "o",
    "À": "A", "Â": "A", "Á": "A", "Ã": "A",
    "È": "E", "Ê": "E", "Ë": "E",
    "Î": "I", "Ï": "I", "Ì": "I", "Í": "I",
    "Ô": "O", "Ò": "O", "Ó": "O", "Õ": "O",
    "Û": "U", "Ù": "U", "Ú": "U", "Ÿ": "Y",
    "œ": "oe", "Œ": "OE",
    "’": "'", "‘": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"',
    "…": "...",
    "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-", "•": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
    "\t": " ",
    "\u200b": "", "\ufeff": "", "\u00ad": "",
    "°": "o", "º": "o", "ª": "a",
    "©": "(c)", "®": "(R)", "™": "TM",
    "×": "x", "÷": "/",
    "½": "1/2", "¼": "1/4", "¾": "3/4",
}


@dataclass(frozen=True)
class SegmentCount:
    """Encoding, length and number of SMS parts of one message body."""

    encoding: str
    units: int
    segments: int
    ucs2_characters: tuple[str, ...]

    def as_dict(self) -> dict:
        """Return the fields as a JSON-ready dict."""
        return {
            "encoding": self.encoding,
            "units": self.units,
            "segments": self.segments,
            "ucs2_characters": list(self.ucs2_characters),
        }


def gsm7_septets(char: str) -> int | None:
    """Return the septets ``char`` takes in GSM-7 (1 or 2), or None when it forces UCS-2."""
    if char in GSM7_BASIC:
        return 1
    if char in GSM7_EXTENSION:
        return 2
    return None


def ucs2_characters(text: str) -> tuple[str, ...]:
    """Return the distinct characters of ``text`` that force UCS-2, in order of first appearance."""
    return tuple(dict.fromkeys(char for char in text if gsm7_septets(char) is None))


def count_segments(text: str) -> SegmentCount:
    """Count the encoding, units and SMS parts of ``text`` the way a gateway splits it."""
    text = text or ""
    forcing = ucs2_characters(text)
    if forcing:
        costs = [2 if ord(char) > 0xFFFF else 1 for char in text]
        return SegmentCount(ENCODING_UCS2, sum(costs), _parts(costs, UCS2_SINGLE_SMS, UCS2_PART), forcing)
    costs = [gsm7_septets(char) for char in text]
    return SegmentCount(ENCODING_GSM7, sum(costs), _parts(costs, GSM7_SINGLE_SMS, GSM7_PART), ())


def _parts(costs: list[int], single_limit: int, part_limit: int) -> int:
    """Count parts, moving a character to the next part rather than splitting its units."""
    total = sum(costs)
    if total == 0:
        return 0
    if total <= single_limit:
        return 1
    parts, used = 1, 0
    for cost in costs:
        if used + cost > part_limit:
            parts += 1
            used = 0
        used += cost
    return parts


def suggested_replacements(text: str) -> dict[str, str]:
    """Return the GSM-7 replacement of each character of ``text`` that forces UCS-2 and has one."""
    text = unicodedata.normalize("NFC", text or "")
    return {char: GSM7_REPLACEMENTS[char] for char in ucs2_characters(text) if char in GSM7_REPLACEMENTS}


def suggest_gsm7(text: str) -> str:
    """Rewrite ``text`` with the GSM-7 replacements, leaving characters without one unchanged."""
    text = unicodedata.normalize("NFC", text or "")
    return "".join(GSM7_REPLACEMENTS.get(char, char) for char in text)
