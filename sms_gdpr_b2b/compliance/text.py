"""Text folding shared by the keyword and mention checks."""

from __future__ import annotations

import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def strip_accents(text: str) -> str:
    """Remove diacritics and compatibility forms, so "Arrêt" becomes "Arret" and "ﬁ" becomes "fi"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Return ``text`` without accents and in case-folded form, for case- and accent-insensitive matching."""
    return strip_accents(text).casefold()
