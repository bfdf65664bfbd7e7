"""Classification of inbound SMS replies into opt-out (stop), re-subscription (start) or plain reply.

Missing an opt-out breaks the law while honouring a false one only loses a prospect, so the
stop rules match widely: inflections, typos, spaced or leetspeak letters and whole phrases.
START is matched narrowly: only when the whole reply is a start word and no stop signal is
present, because a re-subscription must not come from an ordinary sentence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from .text import fold

INTENT_STOP = "stop"
INTENT_START = "start"
INTENT_REPLY = "reply"

# Keywords that mean opt-out wherever they appear in a reply (after normalize_reply).
STOP_KEYWORDS = (
    "stop",
    "stop sms",
    "stopall",
    "arret",
    "arreter",
    "desabonner",
    "desinscrire",
    "desinscription",
    "unsubscribe",
    "optout",
    "opt out",
    "revoke",
)

# Patterns matched against whole words, covering inflections and common typos.
STOP_WORD_PATTERNS = (
    r"s+t+o+p+[a-z]*",  # stop, stopp, stoop, sttop, stopper, stoppez, stopall, stopsms
    r"sotp|stpo|tsop|sopt|stopo",
    r"a+r+e+t+(?:e|es|er|ez|ons|ent|iez|s|te|tes|ter|tez|tons)?",  # arret, aret, arrete, arretez, arrettez
    r"cess(?:e|er|ez|ent)",
    r"d[ei]s+a+bo+n*[a-z]*",  # desabonner, desabonnez, desabonnement, desabone, desabo
    r"d[ei]s+in?s?c?r[iy][a-z]*",  # desinscrire, desinscris, desinscrivez, desincription, desinsription
    r"un+sub[a-z]*|un+sus?c?ri[a-z]*",  # unsubscribe, unsub, unsuscribe
    r"opt+out[a-z]*",
    r"revo(?:ke|ked|quer|quez|que)",
    r"spam+[a-z]*",  # spam, spams, spammer, spammez
    r"harcel[a-z]*",
    r"oppos(?:e|es|er|ez|ition|itions)",  # opposition is the legal word for an objection
    r"radi(?:er|ez|ation)",  # radiez-moi, radiation
)

# Phrases that mean "stop sending me messages" wherever they appear.
STOP_PHRASES = (
    "ne plus recevoir",
    "plus recevoir",
    "ne plus etre contacte",
    "ne plus etre sollicite",
    "plus etre contacte",
    "plus etre contactee",
    "plus etre sollicite",
    "plus etre sollicitee",
    "plus etre derange",
    "plus etre deranger",
    "ne pas deranger",
    "ne me derangez",
    "plus de sms",
    "plus de message",
    "plus de messages",
    "plus de texto",
    "plus de textos",
    "plus de pub",
    "plus de publicite",
    "plus de relance",
    "plus de relances",
    "m envoyez plus",
    "m envoyer plus",
    "plus m envoyer",
    "me contactez plus",
    "plus me contacter",
    "me recontactez plus",
    "plus me recontacter",
    "m ecrivez plus",
    "plus m ecrire",
    "me derangez plus",
    "plus me deranger",
    "m appelez plus",
    "plus m appeler",
    "me sollicitez plus",
    "plus me solliciter",
    "ne plus envoyer",
    "plus envoyer",
    "n envoyez plus",
    "envoyez plus rien",
    "plus de vos",
    "ne souhaite plus",
    "ne veux plus",
    "je refuse",
    "refuse vos",
    "refuse les",
    "oubliez moi",
    "oubliez mon numero",
    "oubliez mes coordonnees",
    "ca suffit",
    "liste noire",
    "retirez moi",
    "retirer moi",
    "retirez mon numero",
    "retirer mon numero",
    "supprimez moi",
    "supprimez mon numero",
    "supprimer mon numero",
    "supprimez mes donnees",
    "supprimiez mes donnees",
    "supprimiez mon numero",
    "effaciez mes donnees",
    "supprimer mes donnees",
    "supprimez mes coordonnees",
    "effacez mes donnees",
    "effacer mes donnees",
    "effacez mes coordonnees",
    "droit a l oubli",
    "droit d opposition",
    "je m oppose",
    "liste rouge",
    "bloctel",
    "effacez moi",
    "effacez mon numero",
    "enlevez moi",
    "enlevez mon numero",
    "rayez moi",
    "laissez moi tranquille",
    "laisser tranquille",
    "fichez moi la paix",
    "foutez moi la paix",
    "lachez moi",
    "pas interesse",
    "pas interessee",
    "pas interesses",
    "non interesse",
    "aucun interet",
    "m interesse pas",
    "je me desinscris",
    "remove me",
    "take me off",
    "do not text",
    "don t text",
    "dont text",
    "stop texting",
    "stop messaging",
    "do not contact",
    "don t contact",
    "dont contact",
    "leave me alone",
    "not interested",
    "no more",
)

# Phrases that contain a stop word without asking to stop, removed before matching.
NOT_STOP_PHRASES = (
    "arret maladie",
    "arret de travail",
    "ne m y oppose pas",
    "ne m oppose pas",
    "ne nous opposons pas",
    "aucune opposition",
    "pas d opposition",
    "refuse pas",
)

# Emoji sent on their own to refuse messages (stop sign, no entry, prohibited).
STOP_EMOJI = ("\U0001f6d1", "\u26d4", "\U0001f6ab")

# Ambiguous words that mean opt-out only when they make up the whole reply, so that
# "Rappelez-moi en fin de semaine" stays a reply. "stp" alone is read as a mistyped STOP.
STANDALONE_STOP_WORDS = (
    "end",
    "quit",
    "cancel",
    "fin",
    "annuler",
    "annulation",
    "non",
    "no",
    "stp",
    "sto",
    "halt",
    "halte",
    "retirer",
    "retirez",
    "retrait",
    "supprimer",
    "supprimez",
    "suppression",
    "effacer",
    "effacez",
    "refus",
    "refuse",
    "jamais",
    "resilier",
    "resiliez",
    "resiliation",
)

# Re-subscription words, honoured only when they make up the whole reply.
START_KEYWORDS = (
    "start",
    "unstop",
    "restart",
    "reprendre",
    "abonner",
    "m abonner",
    "reabonner",
    "me reabonner",
    "resubscribe",
    "subscribe",
)

# Words dropped before a whole-reply comparison, so "STOP merci" or "START svp" still match.
POLITENESS_PHRASES = (
    "s il vous plait",
    "s il te plait",
    "svp",
    "stp",
    "merci beaucoup",
    "merci bien",
    "merci",
    "mrc",
    "please",
    "plz",
    "pls",
    "thank you",
    "thanks",
    "thx",
    "cordialement",
    "cdlt",
    "bonjour",
    "bonsoir",
    "salut",
    "slt",
    "hello",
    "hi",
    "ok",
    "au revoir",
    "bye",
)

_NON_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
_LEET_DIGITS = str.maketrans("0134578", "oieastb")
_LEET_SYMBOLS = str.maketrans({"$": "s", "@": "a", "€": "e"})
_STOP_WORD_RE = re.compile("|".join(f"(?:{pattern})" for pattern in STOP_WORD_PATTERNS))
_SHORT_CODE_TAIL = re.compile(r"\b(?:au|a)?\s*\d[\d ]*$")
# Words that count as stop when written in two parts ("st op", "des inscription", "opt out").
# Only whole keywords are joined, so "des abonnements" stays two words.
_SPLIT_STOP_WORDS = frozenset(
    [keyword for keyword in STOP_KEYWORDS if " " not in keyword]
    + ["stopper", "stoppez", "arretez", "desabonnez", "desinscrivez", "desinscris", "unsub"]
)
# Long stop words also matched one typo away ("desincription", "unsubscibe").
_FUZZY_STOP_WORDS = (
    "desinscription",
    "desinscrire",
    "desabonner",
    "desabonnement",
    "unsubscribe",
    "arreter",
    "arretez",
)


def normalize_reply(body: str | None) -> str:
    """Return ``body`` in lower case without accents, punctuation, emoji or repeated whitespace."""
    return _NON_ALPHANUMERIC.sub(" ", fold(body or "")).strip()


def classify_reply(
    body: str | None,
    extra_stop_keywords: Iterable[str] = (),
    extra_start_keywords: Iterable[str] = (),
) -> str:
    """Return "stop", "start" or "reply" for an inbound SMS body.

    Extra stop keywords count anywhere in the reply, like STOP. Extra start keywords count
    only as the whole reply, like START.
    """
    body = body or ""
    if any(emoji in body for emoji in STOP_EMOJI):
        return INTENT_STOP
    variants = _reply_variants(body)
    extra_stop = tuple(keyword for keyword in map(normalize_reply, extra_stop_keywords) if keyword)
    if any(_has_stop_signal(text, extra_stop) for text in variants):
        return INTENT_STOP

    start_words = set(START_KEYWORDS) | {keyword for keyword in map(normalize_reply, extra_start_keywords) if keyword}
    if _core_of(variants[0]) in start_words:
        return INTENT_START
    return INTENT_REPLY


def _reply_variants(body: str) -> list[str]:
    """Return the normalised reply, its leetspeak reading and its reading with spaced letters joined."""
    plain = normalize_reply(body)
    leet = " ".join(
        _deleet(word) for word in normalize_reply(body.translate(_LEET_SYMBOLS)).split()
    )
    variants = [plain]
    for text in (leet, _join_spaced_letters(plain), _join_spaced_letters(leet)):
        if text not in variants:
            variants.append(text)
    return variants


def _deleet(word: str) -> str:
    has_letter = any(char.isalpha() for char in word)
    has_digit = any(char.isdigit() for char in word)
    return word.translate(_LEET_DIGITS) if has_letter and has_digit else word


def _join_spaced_letters(text: str) -> str:
    """Join runs of three or more single letters, so "s t o p" reads "stop"."""
    return re.sub(r"\b[a-z](?: [a-z]\b){2,}", lambda match: match.group(0).replace(" ", ""), text)


def _has_stop_signal(text: str, extra_stop: tuple[str, ...]) -> bool:
    for phrase in NOT_STOP_PHRASES:
        text = _remove_phrase(text, phrase)
    padded = f" {text} "
    if any(f" {phrase} " in padded for phrase in STOP_KEYWORDS + STOP_PHRASES + extra_stop):
        return True

    words = text.split()
    if any(_is_stop_word(word) for word in words):
        return True
    if any(first + second in _SPLIT_STOP_WORDS for first, second in itertools.pairwise(words)):
        return True
    if text in STANDALONE_STOP_WORDS:
        return True
    return _core_of(text) in STANDALONE_STOP_WORDS


def _is_stop_word(word: str) -> bool:
    if _STOP_WORD_RE.fullmatch(word):
        return True
    return len(word) >= 6 and any(_within_one_edit(word, keyword) for keyword in _FUZZY_STOP_WORDS)


def _remove_phrase(text: str, phrase: str) -> str:
    return re.sub(rf"\b{re.escape(phrase)}\b", " ", text)


def _core_of(text: str) -> str:
    """Return the reply without politeness words and a trailing short code ("START au 36111" gives "start")."""
    for phrase in POLITENESS_PHRASES:
        text = _remove_phrase(text, phrase)
    text = " ".join(text.split())
    return _SHORT_CODE_TAIL.sub("", text).strip()


def _within_one_edit(word: str, keyword: str) -> bool:
    """Return whether one insertion, deletion, substitution or swap of neighbours turns ``word`` into ``keyword``."""
    if abs(len(word) - len(keyword)) > 1:
        return False
    if len(word) == len(keyword):
        differences = [index for index, (a, b) in enumerate(zip(word, keyword)) if a != b]
        if len(differences) <= 1:
            return True
        first, second = differences[0], differences[-1]
        return (
            len(differences) == 2
            and second == first + 1
            and word[first] == keyword[second]
            and word[second] == keyword[first]
        )
    shorter, longer = sorted((word, keyword), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))
