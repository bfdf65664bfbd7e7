"""Consistency checks of the French translation against the exported template.

Pure polib checks, so they run without Odoo: ``pytest -p no:odoo tests``.
"""

import collections
import re
from pathlib import Path

import polib
import pytest

I18N_DIR = Path(__file__).resolve().parents[1] / "sms_gdpr_b2b" / "i18n"
POT_PATH = I18N_DIR / "sms_gdpr_b2b.pot"
FR_PATH = I18N_DIR / "fr.po"

REGISTER_ENTRY_MSGID = "SMS prospecting (B2B)"
REGISTER_ENTRY_FR = "Prospection commerciale par SMS (B2B)"

# printf-style placeholders that Python's % operator fills: %(name)s, %s, %d.
# "%%" is matched too so that "%%s" is not read as "%s", then dropped.
# "-20 % sur" is not a placeholder, because the conversion must follow the % directly.
PLACEHOLDER_RE = re.compile(r"%%|%(?:\([A-Za-z_]\w*\))?[sd]")
# An opening, closing or self-closing tag. Group 1 is "/" for a closing tag,
# group 2 the tag name and group 3 the attributes.
TAG_RE = re.compile(r"<(/?)([A-Za-z][\w.:-]*)((?:\s+[^<>]*?)?)\s*/?>")
ATTRIBUTE_NAME_RE = re.compile(r"([A-Za-z_:][\w.:-]*)\s*=")

POT = polib.pofile(str(POT_PATH))
FR = polib.pofile(str(FR_PATH))
FR_ENTRIES = [entry for entry in FR if not entry.obsolete]


def entry_key(entry):
    return (entry.msgctxt, entry.msgid)


def entry_label(entry):
    """Return the msgid cut to 60 characters, as the pytest id of the entry."""
    text = entry.msgid.replace("\n", "\\n")
    return text if len(text) <= 60 else text[:57] + "..."


def placeholders(text):
    return collections.Counter(match for match in PLACEHOLDER_RE.findall(text) if match != "%%")


def tags(text):
    """Return the multiset of (closing, tag name, sorted attribute names) of the tags in ``text``."""
    return collections.Counter(
        (closing, name, tuple(sorted(ATTRIBUTE_NAME_RE.findall(attributes))))
        for closing, name, attributes in TAG_RE.findall(text)
    )


def translations(entry):
    """Return every msgstr of an entry: one, or one per plural form."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


fr_entry_params = pytest.mark.parametrize("entry", FR_ENTRIES, ids=[entry_label(e) for e in FR_ENTRIES])


def test_pot_msgids_all_in_fr():
    fr_keys = {entry_key(entry) for entry in FR_ENTRIES}
    for entry in POT:
        assert entry_key(entry) in fr_keys, f"msgid {entry.msgid!r} of the .pot is missing from fr.po"


def test_fr_msgids_all_in_pot():
    pot_keys = {entry_key(entry) for entry in POT}
    for entry in FR_ENTRIES:
        assert entry_key(entry) in pot_keys, (
            f"msgid {entry.msgid!r} of fr.po is not in the .pot: remove it or mark it obsolete"
        )


@fr_entry_params
def test_entry_translated(entry):
    for msgstr in translations(entry):
        assert msgstr.strip(), f"msgid {entry.msgid!r} has an empty msgstr"
    assert "fuzzy" not in entry.flags, f"msgid {entry.msgid!r} is marked fuzzy"


@fr_entry_params
def test_entry_placeholders_kept(entry):
    expected = placeholders(entry.msgid)
    for msgstr in translations(entry):
        assert placeholders(msgstr) == expected, (
            f"msgid {entry.msgid!r}: placeholders {sorted(placeholders(msgstr).elements())} "
            f"differ from {sorted(expected.elements())}"
        )


@fr_entry_params
def test_entry_tags_kept(entry):
    expected = tags(entry.msgid)
    for msgstr in translations(entry):
        assert tags(msgstr) == expected, (
            f"msgid {entry.msgid!r}: tags {sorted(tags(msgstr).elements())} differ from {sorted(expected.elements())}"
        )


def test_register_entry_name():
    entry = FR.find(REGISTER_ENTRY_MSGID)
    assert entry is not None, f"msgid {REGISTER_ENTRY_MSGID!r} is missing from fr.po"
    assert entry.msgstr == REGISTER_ENTRY_FR, (
        f"msgid {REGISTER_ENTRY_MSGID!r} is translated {entry.msgstr!r}, expected {REGISTER_ENTRY_FR!r}"
    )
