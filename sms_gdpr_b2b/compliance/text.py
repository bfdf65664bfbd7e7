"""Text folding shared by the keyword and mention checks."""

from __future__ import annotations

import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def strip_accents(text: str) -> str:
    """Remove diacritics and compatibility forms, so "Arrêt" becomes "Arret" and "ﬁ" becomes "fi"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def is_blank(text: str | None) -> bool:
    """Return whether ``text`` is empty or contains only white space and invisible format characters.

    Format characters (Unicode category Cf) such as the zero-width space, the soft hyphen and
    the byte order mark are invisible, yet ``str.strip`` keeps them.
    """
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text or "")


def fold(text: str) -> str:
    """Return ``text`` without accents and in case-folded form, for case- and accent-insensitive matching."""
    return strip_accents(text).casefold()
