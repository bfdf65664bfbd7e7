import pytest

from sms_gdpr_compliance.mentions import (
    GENERIC_SENDER_WORDS,
    Finding,
    check_message,
    check_ok,
    check_sender_id,
    compose_body,
    opt_out_mention,
)
from sms_gdpr_compliance.segments import count_segments

GOOD_BODY = "Acme : -20 % sur votre CRM ce mois-ci. acme.fr/rgpd STOP au 36111"


def _codes(findings):
    return [finding.code for finding in findings]


@pytest.mark.parametrize("sender_id", ["ACME", "Acme", "AcmeCRM", "ACME2026", "Bankin", "ABC", "ABCDEFGHIJK"])
def test_sender_id_valid(sender_id):
    assert check_sender_id(sender_id) == [], f"{sender_id!r} rejected: {_codes(check_sender_id(sender_id))}"


@pytest.mark.parametrize(
    "sender_id, code",
    [
        ("AB", "sender_id_length"),
        ("ABCDEFGHIJKL", "sender_id_length"),
        ("", "sender_id_length"),
        (None, "sender_id_length"),
        ("ACME-SA", "sender_id_characters"),
        ("ACME SA", "sender_id_characters"),
        ("Écoles", "sender_id_characters"),
        ("36111", "sender_id_no_letter"),
        ("INFO", "sender_id_generic"),
        ("info", "sender_id_generic"),
        ("Info24", "sender_id_generic"),
        ("SMSINFO", "sender_id_generic"),
        ("NoReply", "sender_id_generic"),
    ],
)
def test_sender_id_rejected(sender_id, code):
    codes = _codes(check_sender_id(sender_id))
    assert code in codes, f"{sender_id!r} gave {codes}, expected {code}"


@pytest.mark.parametrize("word", sorted(word for word in GENERIC_SENDER_WORDS if 3 <= len(word) <= 11))
def test_generic_word_rejected(word):
    assert _codes(check_sender_id(word)) == ["sender_id_generic"], f"{word} accepted as sender ID"


@pytest.mark.parametrize("word", ["ALERT", "INFO", "RDV", "BANK", "SMS", "TEST", "NOREPLY", "SERVICE", "PROMO",
                                  "VERIFY", "CODE", "OTP", "ADMIN", "SECURITE", "BANQUE", "URGENT", "IMPOTS",
                                  "AMELI", "POLICE", "GOUV"])
def test_required_generic_words(word):
    assert word in GENERIC_SENDER_WORDS, f"{word} missing from the generic sender words"


def test_sender_id_errors_only():
    severities = {finding.severity for finding in check_sender_id("A-")}
    assert severities == {"error"}, f"sender ID findings with severities {severities}"


def test_message_compliant():
    findings = check_message(GOOD_BODY, sender_id="ACME", short_code="36111", privacy_url="https://acme.fr/rgpd")
    assert findings == [], f"compliant message gave {_codes(findings)}"
    assert check_ok(findings), "compliant message not ok"


def test_body_table_row_compliant():
    findings = check_message("Bonjour, -20 € sur votre CRM ce mois-ci. STOP au 36111", sender_id="ACME",
                             short_code="36111")
    assert check_ok(findings), f"table message has errors {_codes(findings)}"


def test_body_empty():
    findings = check_message("   ", sender_id="ACME", short_code="36111")
    assert findings[0].code == "body_empty", f"empty body gave {_codes(findings)}"
    assert not check_ok(findings), "empty body is ok"


BLANK_BODIES = ["", "   ", "\n\t \r\n", "\u00a0\u202f", "\u200b", " \ufeff\u00ad "]


@pytest.mark.parametrize("body", BLANK_BODIES, ids=["empty", "spaces", "line-breaks", "nbsp", "zwsp", "bom-shy"])
def test_blank_body_only_empty(body):
    findings = check_message(body, sender_id="ACME", short_code="36111", privacy_url="https://acme.fr/rgpd")
    assert _codes(findings) == ["body_empty"], f"{body!r} gave {_codes(findings)}"


def test_blank_body_keeps_settings_findings():
    codes = _codes(check_message("  ", sender_id="INFO", short_code="abc"))
    assert codes == ["body_empty", "short_code_invalid", "sender_id_generic"], f"blank body gave {codes}"


@pytest.mark.parametrize("body", BLANK_BODIES, ids=["empty", "spaces", "line-breaks", "nbsp", "zwsp", "bom-shy"])
def test_compose_blank_body_empty(body):
    composed = compose_body(body, short_code="36111", opt_out_url="https://acme.fr/stop",
                            privacy_url="https://acme.fr/rgpd")
    assert composed == "", f"{body!r} composed into {composed!r}"
    assert _codes(check_message(composed, sender_id="ACME", short_code="36111"))[0] == "body_empty"


@pytest.mark.parametrize(
    "body",
    ["Promo STOP au 36111", "Promo STOP 36111", "Promo Stop SMS au 36111", "Promo STOP au 36 111",
     "Promo stop au 36111", "Promo STOP à 36111", "Promo. Stop : 36111"],
)
def test_opt_out_spellings(body):
    codes = _codes(check_message(body, sender_id="ACME", short_code="36111"))
    assert "opt_out_missing" not in codes, f"{body!r} gave {codes}"
    assert "opt_out_wrong_short_code" not in codes, f"{body!r} gave {codes}"


def test_opt_out_missing():
    codes = _codes(check_message("Promo sur votre CRM", sender_id="ACME", short_code="36111"))
    assert "opt_out_missing" in codes, f"message without STOP gave {codes}"


def _finding(findings, code):
    return next(finding for finding in findings if finding.code == code)


def test_opt_out_missing_params():
    finding = _finding(check_message("Promo", sender_id="ACME", short_code="36111"), "opt_out_missing")
    assert finding.params["short_code"] == "36111", f"params {finding.params}"
    unset = _finding(check_message("Promo", sender_id="ACME"), "opt_out_missing")
    assert unset.params["short_code"] == "36xxx", f"params without a configured short code {unset.params}"


def test_opt_out_no_number():
    codes = _codes(check_message("Promo. Répondez STOP", sender_id="ACME", short_code="36111"))
    assert "opt_out_missing" in codes, f"STOP without short code gave {codes}"


def test_non_stop_not_mention():
    body = "Promo : service non-stop 24h/24. STOP au 36111"
    codes = _codes(check_message(body, sender_id="ACME", short_code="36111"))
    assert "opt_out_wrong_short_code" not in codes, f"'non-stop 24h/24' read as a short code: {codes}"


def test_opt_out_wrong_short_code():
    findings = check_message("Promo STOP au 36222", sender_id="ACME", short_code="36111")
    assert "opt_out_wrong_short_code" in _codes(findings), f"wrong short code gave {_codes(findings)}"
    wrong = next(f for f in findings if f.code == "opt_out_wrong_short_code")
    assert "36222" in wrong.message, f"message does not name the wrong code: {wrong.message}"
    assert wrong.params == {"found": "36222", "short_code": "36111"}, f"params {wrong.params}"


def test_opt_out_link_given():
    body = "Promo https://acme.fr/stop"
    codes = _codes(check_message(body, sender_id="ACME", opt_out_url="https://acme.fr/stop"))
    assert "opt_out_missing" not in codes, f"given opt-out link present, got {codes}"


def test_opt_out_link_other():
    body = "Promo https://acme.fr/other"
    codes = _codes(check_message(body, sender_id="ACME", opt_out_url="https://acme.fr/stop"))
    assert "opt_out_missing" in codes, f"another link accepted as the opt-out link: {codes}"


def test_opt_out_any_link():
    codes = _codes(check_message("Promo bit.ly/acme-stop", sender_id="ACME"))
    assert "opt_out_missing" not in codes, f"short link not accepted as opt-out link: {codes}"


def test_opt_out_privacy_link_not_counted():
    codes = _codes(check_message("Promo acme.fr/rgpd", sender_id="ACME", privacy_url="https://acme.fr/rgpd"))
    assert "opt_out_missing" in codes, f"the privacy link counted as opt-out link: {codes}"


def test_opt_out_link_instead_of_stop():
    body = "Promo https://acme.fr/stop"
    codes = _codes(check_message(body, sender_id="ACME", short_code="36111", opt_out_url="https://acme.fr/stop"))
    assert "opt_out_missing" not in codes, f"opt-out link with a short code configured gave {codes}"


def test_any_short_code_without_config():
    codes = _codes(check_message("Promo STOP au 36111", sender_id="ACME"))
    assert "opt_out_missing" not in codes, f"STOP with a valid short code and none configured gave {codes}"


@pytest.mark.parametrize("short_code", ["1234", "123456", "21234", "91234", "3611a"])
def test_short_code_invalid(short_code):
    codes = _codes(check_message(f"Promo STOP au {short_code}", sender_id="ACME", short_code=short_code))
    assert "short_code_invalid" in codes, f"short code {short_code!r} gave {codes}"


@pytest.mark.parametrize(
    "body",
    ["Offre Acme. STOP au abc - Vie privée : https://acme.fr/rgpd", "Offre Acme. https://acme.fr/rgpd",
     "Offre Acme. STOP au 36111 https://acme.fr/rgpd"],
    ids=["stop-au-abc", "no-mention", "other-code"],
)
def test_invalid_short_code_only_finding(body):
    findings = check_message(body, sender_id="ACME", short_code="abc", privacy_url="https://acme.fr/rgpd")
    assert _codes(findings) == ["short_code_invalid"], f"{body!r} gave {_codes(findings)}"


def test_invalid_short_code_link_checked():
    codes = _codes(check_message("Offre Acme. STOP au abc", sender_id="ACME", short_code="abc",
                                 opt_out_url="https://acme.fr/stop"))
    assert codes == ["short_code_invalid", "opt_out_missing", "privacy_link_missing"], f"gave {codes}"
    missing = _finding(check_message("Offre Acme", sender_id="ACME", short_code="abc",
                                     opt_out_url="https://acme.fr/stop"), "opt_out_missing")
    assert "abc" not in missing.message, f"the invalid code is asked for: {missing.message}"
    assert missing.params["short_code"] == "36xxx", f"params {missing.params}"


@pytest.mark.parametrize("short_code", ["36111", "38 111", "81234"])
def test_short_code_valid(short_code):
    codes = _codes(check_message("Promo STOP au 36111", sender_id="ACME", short_code=short_code))
    assert "short_code_invalid" not in codes, f"short code {short_code!r} gave {codes}"


def test_identity_by_sender_id():
    codes = _codes(check_message("Promo STOP au 36111", sender_id="ACME", advertiser="Acme SAS"))
    assert "identity_missing" not in codes, f"valid sender ID did not identify the advertiser: {codes}"


def test_identity_in_body():
    codes = _codes(check_message("Acme : promo STOP au 36111", advertiser="Acme SAS"))
    assert "identity_missing" not in codes, f"advertiser named in body gave {codes}"
    assert "identity_unverified" not in codes, f"advertiser named in body gave {codes}"


def test_identity_accent_insensitive():
    codes = _codes(check_message("ÉLAN CONSEIL : promo STOP au 36111", advertiser="Élan Conseil"))
    assert "identity_missing" not in codes, f"advertiser in capitals without accent gave {codes}"


def test_identity_missing():
    codes = _codes(check_message("Promo STOP au 36111", sender_id="INFO", advertiser="Acme"))
    assert "identity_missing" in codes, f"generic sender and absent advertiser gave {codes}"


def test_identity_unverified():
    findings = check_message("Promo STOP au 36111")
    unverified = [f for f in findings if f.code == "identity_unverified"]
    assert unverified, f"no sender ID nor advertiser gave {_codes(findings)}"
    assert unverified[0].severity == "warning", f"identity_unverified is {unverified[0].severity}"


@pytest.mark.parametrize(
    "body",
    ["Pub : nouveau CRM. STOP au 36111", "Publicité Acme STOP au 36111", "Offre spéciale STOP au 36111",
     "Code promo ACME STOP au 36111", "Promotion de printemps STOP au 36111", "Remise de fin d'année STOP au 36111",
     "Réduction sur l'abonnement STOP au 36111", "-20 % sur tout STOP au 36111", "-20% ce mois STOP au 36111",
     "-15 € sur la licence STOP au 36111", "10 € offerts STOP au 36111", "Essai gratuit STOP au 36111"],
)
def test_advertising_marker(body):
    codes = _codes(check_message(body, sender_id="ACME"))
    assert "commercial_nature_unclear" not in codes, f"{body!r} gave {codes}"


def test_commercial_nature_unclear():
    findings = check_message("Bonjour, êtes-vous dispo mardi ? STOP au 36111", sender_id="ACME")
    unclear = [f for f in findings if f.code == "commercial_nature_unclear"]
    assert unclear, f"message without marker gave {_codes(findings)}"
    assert unclear[0].severity == "warning", f"commercial_nature_unclear is {unclear[0].severity}"


def test_pub_inside_word_not_marker():
    codes = _codes(check_message("Republique STOP au 36111", sender_id="ACME"))
    assert "commercial_nature_unclear" in codes, f"'pub' inside a word counted as a marker: {codes}"


def test_privacy_link_given():
    body = "Promo ACME.fr/RGPD STOP au 36111"
    codes = _codes(check_message(body, sender_id="ACME", privacy_url="https://www.acme.fr/rgpd/"))
    assert "privacy_link_missing" not in codes, f"privacy link present in another form gave {codes}"


def test_privacy_link_missing():
    codes = _codes(check_message("Promo STOP au 36111", sender_id="ACME", privacy_url="https://acme.fr/rgpd"))
    assert "privacy_link_missing" in codes, f"message without privacy link gave {codes}"


def test_privacy_any_link():
    codes = _codes(check_message("Promo https://acme.fr/p STOP au 36111", sender_id="ACME"))
    assert "privacy_link_missing" not in codes, f"a link with no privacy URL configured gave {codes}"


def test_too_many_segments():
    findings = check_message("Promo " + "x" * 460 + " STOP au 36111", sender_id="ACME")
    assert "too_many_segments" in _codes(findings), f"4-part message gave {_codes(findings)}"


def test_three_segments_accepted():
    body = "Promo " + "x" * 430 + " STOP au 36111"
    codes = _codes(check_message(body, sender_id="ACME"))
    assert "too_many_segments" not in codes, f"3-part message gave {codes}"


def test_ten_segments_warned_only():
    body = "Promo " + "x" * (153 * 10 - 30) + " STOP au 36111"
    assert count_segments(body).segments == 10, count_segments(body)
    findings = check_message(body, sender_id="ACME", short_code="36111")
    assert "too_many_segments" in _codes(findings), f"10-part message gave {_codes(findings)}"
    assert check_ok(findings), f"10-part message blocked: {_codes(findings)}"


@pytest.mark.parametrize(
    "body, segments",
    [
        ("Promo " + "x" * (153 * 10) + " STOP au 36111", 11),
        ("Offre ACME " + "x" * 5000 + " STOP au 36111", 33),
        ("Offre ACME " + "é" * 200000 + " STOP au 36111", 1308),
    ],
    ids=["11-parts", "5000-letters", "200000-accents"],
)
def test_message_too_long_blocked(body, segments):
    findings = check_message(body, sender_id="ACME", short_code="36111")
    too_long = _finding(findings, "message_too_long")
    assert too_long.severity == "error", f"{segments}-part message gave {too_long}"
    assert too_long.params["segments"] == segments, f"params {too_long.params}"
    assert too_long.params["max_segments"] == 10, f"params {too_long.params}"
    assert "too_many_segments" not in _codes(findings), f"warning repeated with the error: {_codes(findings)}"
    assert not check_ok(findings), f"{segments}-part message is ok"


def test_sender_findings_included():
    codes = _codes(check_message("Promo STOP au 36111", sender_id="A-B"))
    assert "sender_id_characters" in codes, f"sender ID findings missing: {codes}"


def test_errors_first():
    findings = check_message("Bonjour", sender_id="INFO", short_code="36111")
    severities = [finding.severity for finding in findings]
    assert severities == sorted(severities, key=lambda severity: severity != "error"), f"order {severities}"
    assert "warning" in severities, f"expected warnings too: {_codes(findings)}"


def test_finding_as_dict():
    finding = check_message("", sender_id="ACME", short_code="36111")[0]
    assert list(finding.as_dict()) == ["code", "severity", "message"], f"keys {list(finding.as_dict())}"


def test_check_ok_warnings_only():
    assert check_ok([Finding("x", "warning", "w", {})]), "warnings alone are not ok"
    assert not check_ok([Finding("x", "error", "e", {})]), "an error is ok"


def test_opt_out_mention():
    assert opt_out_mention("36 111") == "STOP au 36111"
    assert opt_out_mention(opt_out_url="https://acme.fr/stop") == "Désinscription : https://acme.fr/stop"
    assert opt_out_mention("36111", "https://acme.fr/stop") == "STOP au 36111"


def test_opt_out_mention_needs_source():
    with pytest.raises(ValueError):
        opt_out_mention()


def test_compose_appends_mentions():
    body = compose_body("Acme : -20 % ce mois-ci. ", short_code="36111", privacy_url="https://acme.fr/rgpd")
    assert body == "Acme : -20 % ce mois-ci.\nSTOP au 36111 - Vie privée : https://acme.fr/rgpd", repr(body)
    assert check_ok(check_message(body, sender_id="ACME", short_code="36111")), "composed body has errors"


def test_compose_no_duplicate():
    body = "Acme : promo. STOP au 36 111 acme.fr/rgpd"
    composed = compose_body(body, short_code="36111", privacy_url="https://acme.fr/rgpd")
    assert composed == body, f"present mentions appended again: {composed!r}"


def test_compose_opt_out_url():
    composed = compose_body("Acme : promo", opt_out_url="https://acme.fr/stop")
    assert composed == "Acme : promo\nDésinscription : https://acme.fr/stop", repr(composed)


def test_compose_keeps_gsm7():
    composed = compose_body("Acme : promo", short_code="36111", privacy_url="https://acme.fr/rgpd")
    assert count_segments(composed).encoding == "gsm7", f"mentions forced UCS-2 in {composed!r}"


def test_avoidable_ucs2_warned():
    body = "Offre Atelier : l’agence vous offre -20 % ce mois-ci. STOP au 36111 " + "x" * 60
    (finding,) = [finding for finding in check_message(body, short_code="36111") if finding.code == "ucs2_avoidable"]
    assert finding.severity == "warning"
    assert finding.params["characters"] == "’"
    assert finding.params["segments"] > finding.params["gsm7_segments"]


def test_intended_emoji_not_warned():
    body = "Offre Atelier 🎉 : -20 % ce mois-ci. STOP au 36111 " + "x" * 60
    assert "ucs2_avoidable" not in [finding.code for finding in check_message(body, short_code="36111")]
