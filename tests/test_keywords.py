import pytest
from casedata import case_id, load_cases, unescape_newlines

from sms_gdpr_compliance.keywords import STOP_KEYWORDS, classify_reply, normalize_reply

REPLY_CASES = load_cases("inbound_replies")


@pytest.mark.parametrize("row", REPLY_CASES, ids=[case_id(r["body"]) for r in REPLY_CASES])
def test_replies_table(row):
    body = unescape_newlines(row["body"])
    assert classify_reply(body) == row["intent"], f"{body!r} classified as {classify_reply(body)}"


@pytest.mark.parametrize(
    "body, expected",
    [
        ("  Arrêt\n", "arret"),
        ("STOP 🙏", "stop"),
        ("Désinscrivez-moi !!!", "desinscrivez moi"),
        ("Ne m’envoyez\tplus   rien", "ne m envoyez plus rien"),
        ("Œuvre", "oeuvre"),
        ("STOP au 36111", "stop au 36111"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_reply(body, expected):
    assert normalize_reply(body) == expected, f"{body!r} normalised as {normalize_reply(body)!r}"


@pytest.mark.parametrize("keyword", STOP_KEYWORDS)
def test_stop_keyword_alone(keyword):
    assert classify_reply(keyword.upper()) == "stop", f"{keyword.upper()!r} not classified as stop"


STOP_SPELLINGS = [
    # The keyword list, with and without extra words.
    "STOP", "Stop.", "stop!", "STOP SMS", "Stop SMS merci", "STOPALL", "ARRET", "Arrêt", "ARRETER", "arrêter",
    "DESABONNER", "Désabonner", "DESINSCRIRE", "Désinscrire", "DESINSCRIPTION", "désinscription",
    "UNSUBSCRIBE", "Unsubscribe me", "OPTOUT", "CANCEL", "END", "QUIT", "REVOKE",
    "stop merci", "STOP au 36111", "Stop au 36 111 svp", "Stop 🙏", "🛑", "⛔",
    # Inflections.
    "stopper", "Stoppez", "stoppez tout", "Arrêtez", "arrête", "arrêtez svp", "Arrêtez de m'envoyer des SMS",
    "Désabonnez-moi", "désabonnez moi svp", "Désinscrivez-moi", "je me désinscris", "Je veux me désinscrire",
    "Je souhaite me désabonner", "Cessez de m'écrire",
    # Typos.
    "stp stop", "sotp", "stoop", "Stooooop", "sttop", "stpo", "arret", "aret", "arrette", "desincription",
    "désinsription", "desinscritpion", "désabonement", "unsuscribe", "stp",
    # Spaced, dotted and leetspeak letters.
    "S T O P", "s.t.o.p", "S-T-O-P", "s t o p merci", "st0p", "5T0P", "$TOP", "St0p svp",
    # Words split in two.
    "st op", "dés inscription", "un subscribe", "des abonner", "Arrettez", "arrêtons",
    # Phrases.
    "Je ne veux plus recevoir vos messages", "ne plus recevoir", "Plus de SMS svp", "plus de messages merci",
    "Ne m'envoyez plus rien", "Ne m’envoyez plus de pub", "Ne me contactez plus", "ne plus me contacter",
    "Retirez-moi de votre liste", "Retirer mon numéro svp", "Supprimez mon numéro",
    "Supprimez mes données", "Laissez-moi tranquille", "Pas intéressé, ne plus m'écrire", "Pas intéressée",
    "Ça ne m'intéresse pas", "spam", "C'est du spam", "Arrêtez le spam", "opt out", "opt-out", "OPT OUT",
    "Vous me harcelez", "Fichez-moi la paix", "Enlevez-moi de vos fichiers", "Ne m'appelez plus",
    "Non merci", "NON", "Fin", "fin merci", "Cancel please", "Quit.",
    "Remove me from your list", "Please do not text me again", "Stop texting me", "Leave me alone",
    "Je ne souhaite plus être contacté", "je ne veux plus être contactée", "Ne pas déranger",
    "RGPD : effacez mes coordonnées", "J'exerce mon droit d'opposition", "Je m'oppose à ce traitement",
    "Droit à l'oubli svp", "Je suis inscrit sur Bloctel",
    # Objection, removal and cancellation words.
    "NE PLUS ENVOYER", "Merci de ne plus m'envoyer de SMS", "N'envoyez plus rien", "Opposition", "opposition svp",
    "Je m'y oppose", "Je m'oppose", "radiez-moi", "Radiez moi de votre fichier", "radiation", "oubliez-moi",
    "Oubliez mon numéro", "je refuse", "Je refuse vos SMS", "Refus", "Retirer", "Retirez", "résilier",
    "Résiliation", "Résiliez svp", "halte", "Supprimer", "Effacez", "Je ne souhaite plus", "Je ne veux plus de vos messages",
    "Ça suffit", "Mettez-moi sur liste noire", "Jamais", "Je veux que vous supprimiez mes données",
]


@pytest.mark.parametrize("body", STOP_SPELLINGS)
def test_stop_spelling(body):
    assert classify_reply(body) == "stop", f"{body!r} not classified as stop"


NOT_STOP = [
    "Je refuse pas, appelez-moi",
    "Je ne m'oppose pas à un rendez-vous",
    "Aucune opposition, envoyez le devis",
    "Je dois résilier mon contrat actuel avant de signer",
    "Oui, rappelez-moi demain matin",
    "Qui êtes-vous ?",
    "Rappelez-moi en fin de semaine",
    "Je suis intéressé",
    "Intéressé, envoyez-moi la documentation",
    "C'est top merci",
    "Top !",
    "D'accord pour mardi 14h",
    "Quel est le prix ?",
    "Appelez-moi au 06 12 34 56 78",
    "Je suis en arrêt maladie jusqu'au 12, rappelez ensuite",
    "Bonjour, oui je suis disponible",
    "Pouvez-vous me rappeler à 14h ?",
    "Merci pour l'info",
    "Ok pour une démo",
    "Oui stp",
    "OK",
    "Merci",
    "Bonne fin de journée",
    "Je vous rappelle en fin de journée",
    "Pouvez-vous annuler le rendez-vous de demain ?",
    "Je souhaite reprendre contact avec votre commercial",
    "Je désire un devis",
    "Description de l'offre ?",
    "Je suis à Paris la semaine prochaine",
    "Date à retenir : mardi 10h",
    "Nous avons déjà des abonnements chez un concurrent",
    "Je gère des abonnés pour mon club",
]


@pytest.mark.parametrize("body", NOT_STOP)
def test_reply_not_stop(body):
    assert classify_reply(body) == "reply", f"{body!r} classified as {classify_reply(body)}"


@pytest.mark.parametrize("body", ["START", "start", "Start.", "START merci", "start svp", "START au 36111",
                                  "Unstop", "Reprendre", "Me réabonner"])
def test_start_alone(body):
    assert classify_reply(body) == "start", f"{body!r} classified as {classify_reply(body)}"


@pytest.mark.parametrize("body", ["STOP START", "start stop", "START puis STOP", "Start? Non, stop"])
def test_stop_wins_over_start(body):
    assert classify_reply(body) == "stop", f"{body!r} classified as {classify_reply(body)}"


def test_start_in_sentence_is_reply():
    body = "On peut start le projet lundi ?"
    assert classify_reply(body) == "reply", f"{body!r} classified as {classify_reply(body)}"


def test_extra_stop_keyword():
    assert classify_reply("Basta !", extra_stop_keywords=["BASTA"]) == "stop", "extra stop keyword ignored"
    assert classify_reply("Basta !") == "reply", "Basta classified without the extra keyword"


def test_extra_stop_keyword_anywhere():
    assert classify_reply("ça suffit, basta", extra_stop_keywords=["Basta"]) == "stop", "extra keyword not found"


def test_extra_start_keyword():
    assert classify_reply("Go merci", extra_start_keywords=["GO"]) == "start", "extra start keyword ignored"
    assert classify_reply("On y go demain", extra_start_keywords=["GO"]) == "reply", "extra start matched a sentence"


def test_empty_reply():
    assert classify_reply("") == "reply", "an empty body was not a plain reply"
    assert classify_reply(None) == "reply", "a missing body was not a plain reply"
