import pytest
from casedata import case_id, expand_repeats, load_cases

from sms_gdpr_compliance.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    GSM7_REPLACEMENTS,
    count_segments,
    suggest_gsm7,
    suggested_replacements,
)

SEGMENT_CASES = load_cases("message_segments")


@pytest.mark.parametrize("row", SEGMENT_CASES, ids=[case_id(r["body"]) for r in SEGMENT_CASES])
def test_segments_table(row):
    body = expand_repeats(row["body"])
    count = count_segments(body)
    assert count.encoding == row["encoding"], f"{row['body']!r} encoded as {count.encoding}"
    assert count.units == int(row["septets_or_units"]), f"{row['body']!r} counted {count.units} units"
    assert count.segments == int(row["segments"]), f"{row['body']!r} split into {count.segments} parts"


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION), ids=lambda char: f"U+{ord(char):04X}")
def test_extension_counts_two(char):
    count = count_segments(f"a{char}b")
    assert count.encoding == "gsm7", f"{char!r} forced {count.encoding}"
    assert count.units == 4, f"a{char!r}b counted {count.units} septets, expected 4"


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION), ids=lambda char: f"U+{ord(char):04X}")
def test_extension_single_boundary(char):
    assert count_segments("x" * 158 + char).segments == 1, f"158 x + {char!r} (160 septets) is not one SMS"
    assert count_segments("x" * 159 + char).segments == 2, f"159 x + {char!r} (161 septets) is not two SMS"


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION), ids=lambda char: f"U+{ord(char):04X}")
def test_extension_never_split(char):
    # 152 + 2 + 152 = 306 septets fit two parts of 153 only if the escape and its code were split.
    count = count_segments("x" * 152 + char + "x" * 152)
    assert count.units == 306, f"counted {count.units} septets"
    assert count.segments == 3, f"{char!r} at a part boundary gave {count.segments} parts, expected 3"


def test_gsm7_multipart_exact():
    assert count_segments("x" * 306).segments == 2, "306 septets are not two parts of 153"
    assert count_segments("x" * 307).segments == 3, "307 septets are not three parts"


def test_ucs2_single_boundary():
    assert count_segments("ê" * 70).segments == 1, "70 UCS-2 characters are not one SMS"
    assert count_segments("ê" * 71).segments == 2, "71 UCS-2 characters are not two SMS"
    assert count_segments("ê" * 134).segments == 2, "134 UCS-2 characters are not two parts of 67"
    assert count_segments("ê" * 135).segments == 3, "135 UCS-2 characters are not three parts"


def test_emoji_two_units():
    count = count_segments("ok 😀")
    assert count.encoding == "ucs2", f"emoji encoded as {count.encoding}"
    assert count.units == 5, f"'ok 😀' counted {count.units} UTF-16 units, expected 5"
    assert count.ucs2_characters == ("😀",), f"forcing characters {count.ucs2_characters}"


def test_emoji_fills_single_sms():
    assert count_segments("a" * 68 + "😀").segments == 1, "68 + surrogate pair (70 units) is not one SMS"
    assert count_segments("a" * 69 + "😀").segments == 2, "69 + surrogate pair (71 units) is not two SMS"


def test_surrogate_pair_never_split():
    # 66 + 2 + 66 = 134 units fit two parts of 67 only if the surrogate pair were split.
    count = count_segments("a" * 66 + "😀" + "a" * 66)
    assert count.units == 134, f"counted {count.units} units"
    assert count.segments == 3, f"surrogate pair at a part boundary gave {count.segments} parts, expected 3"


# French characters that force UCS-2, including lowercase ç for cost estimates.
FRENCH_UCS2 = [
    "â", "ê", "î", "ô", "û", "ë", "ï", "œ", "À", "È", "Ê", "’", "«", "»", "…", "–", "—", "\u00a0", "\u202f", "ç",
]


@pytest.mark.parametrize("char", FRENCH_UCS2, ids=lambda char: f"U+{ord(char):04X}")
def test_french_char_forces_ucs2(char):
    count = count_segments(f"Bonjour {char} STOP au 36111")
    assert count.encoding == "ucs2", f"{char!r} kept GSM-7"
    assert count.ucs2_characters == (char,), f"{char!r} reported {count.ucs2_characters}"


@pytest.mark.parametrize("char", ["é", "è", "ù", "à", "É", "Ç", "ü", "ö", "ä", "ñ", "ì", "ò"])
def test_gsm_accent_stays_gsm7(char):
    count = count_segments(f"Bonjour {char}")
    assert count.encoding == "gsm7", f"{char!r} forced {count.encoding}"
    assert count.units == 9, f"'Bonjour {char}' counted {count.units} septets"


def test_ucs2_characters_order():
    count = count_segments("Prêt ? C’est sûr, prêt !")
    assert count.ucs2_characters == ("ê", "’", "û"), f"forcing characters {count.ucs2_characters}"


def test_empty_text():
    count = count_segments("")
    assert count.segments == 0, f"empty text gave {count.segments} parts"
    assert count.units == 0, f"empty text gave {count.units} units"
    assert count.encoding == "gsm7", f"empty text encoded as {count.encoding}"


def test_as_dict_keys():
    result = count_segments("Prêt").as_dict()
    assert list(result) == ["encoding", "units", "segments", "ucs2_characters"]
    assert result["ucs2_characters"] == ["ê"], f"ucs2_characters {result['ucs2_characters']}"


@pytest.mark.parametrize("char", sorted(GSM7_REPLACEMENTS), ids=lambda char: f"U+{ord(char):04X}")
def test_replacement_is_gsm7(char):
    replacement = GSM7_REPLACEMENTS[char]
    assert char not in GSM7_BASIC | GSM7_EXTENSION, f"{char!r} is GSM-7 and needs no replacement"
    assert count_segments(replacement).encoding == "gsm7", f"{char!r} is replaced by non-GSM-7 {replacement!r}"


@pytest.mark.parametrize("char", FRENCH_UCS2, ids=lambda char: f"U+{ord(char):04X}")
def test_french_char_has_replacement(char):
    assert char in GSM7_REPLACEMENTS, f"{char!r} forces UCS-2 and has no suggested replacement"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Prêt pour la rentrée ? STOP au 36111", "Pret pour la rentrée ? STOP au 36111"),
        ("C’est « simple » – voilà…", "C'est \" simple \" - voilà..."),
        ("Œuvre d’art, cœur", "OEuvre d'art, coeur"),
        ("À bientôt, ça va", "A bientot, ca va"),
        ("10\u00a0h\u202f30", "10 h 30"),
    ],
)
def test_suggest_gsm7(text, expected):
    suggestion = suggest_gsm7(text)
    assert suggestion == expected, f"{text!r} rewritten as {suggestion!r}"
    assert count_segments(suggestion).encoding == "gsm7", f"{suggestion!r} still needs UCS-2"


def test_suggest_gsm7_decomposed_accent():
    assert suggest_gsm7("Re\u0301union") == "Réunion", "a decomposed é was not composed into GSM-7 é"


def test_suggest_keeps_emoji():
    assert suggest_gsm7("Merci 🙏") == "Merci 🙏", "an emoji without replacement was changed"


def test_suggested_replacements_present_only():
    found = suggested_replacements("Prêt ? C’est sûr 🙏")
    assert found == {"ê": "e", "’": "'", "û": "u"}, f"replacements {found}"
