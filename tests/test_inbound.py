import json
from datetime import datetime

import pytest

from sms_gdpr_compliance.inbound import (
    MAX_BODY_BYTES,
    PayloadError,
    check_body_size,
    is_phone_text,
    parse_generic,
    parse_smsfactor_stop,
    parse_twilio,
    secrets_match,
    twilio_signature,
    twilio_signature_valid,
)

# Signatures computed with the twilio package's RequestValidator (twilio 9.13) for these inputs.
TWILIO_DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_DOC_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
TWILIO_DOC_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
SMS_URL = "https://example.odoo.fr/sms_gdpr/inbound/1/twilio"
SMS_PARAMS = {"MessageSid": "SM1", "From": "+33612345678", "Body": "Stop merci é"}
SMS_SIGNATURE = "LgZ/IojcITYI7hkxPkWYOptZFcM="


def test_generic_payload_read():
    raw = json.dumps({"message_id": "m-1", "from": "+33612345678", "body": "STOP", "received_at": "2026-03-26T11:00:00+01:00"})
    message = parse_generic(raw.encode())
    assert message.provider == "generic"
    assert message.provider_message_id == "m-1"
    assert message.number == "+33612345678"
    assert message.body == "STOP"
    assert message.received_at == datetime(2026, 3, 26, 10, 0)
    assert message.forced_intent is None


def test_generic_payload_without_date():
    message = parse_generic(b'{"message_id": 42, "from": "33612345678", "body": ""}')
    assert message.provider_message_id == "42"
    assert message.number == "+33612345678", "digits-only international numbers get their +"
    assert message.body == ""
    assert message.received_at is None


@pytest.mark.parametrize(
    "raw, code",
    [
        (b"not json", "not_json"),
        (b"\xff\xfe", "not_json"),
        (b"[1, 2]", "not_object"),
        (b'{"from": "+33612345678", "body": "STOP"}', "missing_field"),
        (b'{"message_id": "", "from": "+33612345678", "body": "STOP"}', "missing_field"),
        (b'{"message_id": "m", "body": "STOP"}', "missing_field"),
        (b'{"message_id": "m", "from": "+33612345678"}', "missing_field"),
        (b'{"message_id": "m", "from": ["+336"], "body": "STOP"}', "bad_type"),
        (b'{"message_id": "m", "from": "+33612345678", "body": "STOP", "received_at": "yesterday"}', "bad_date"),
    ],
)
def test_generic_payload_rejected(raw, code):
    with pytest.raises(PayloadError) as error:
        parse_generic(raw)
    assert error.value.code == code, error.value.message


def test_generic_field_too_long():
    raw = json.dumps({"message_id": "m", "from": "+33612345678", "body": "x" * 5001}).encode()
    with pytest.raises(PayloadError) as error:
        parse_generic(raw)
    assert error.value.code == "field_too_long"


def test_twilio_form_read():
    message = parse_twilio({"MessageSid": "SM1", "From": "+33612345678", "Body": "Arrêt", "To": "+33700000000"})
    assert (message.provider, message.provider_message_id, message.number, message.body) == (
        "twilio", "SM1", "+33612345678", "Arrêt",
    )


def test_twilio_form_without_sid():
    with pytest.raises(PayloadError) as error:
        parse_twilio({"From": "+33612345678", "Body": "STOP"})
    assert error.value.code == "missing_field"
    assert error.value.params["field"] == "MessageSid"


def test_smsfactor_stop_read():
    raw = b'{"date":"2017-08-07T13:01:29+02:00","message":"Stop SMS","from":"33612345678",' \
          b'"account_id":"1234","last_message_id":"abc"}'
    message = parse_smsfactor_stop(raw)
    assert message.provider == "smsfactor"
    assert message.number == "+33612345678"
    assert message.body == "Stop SMS"
    assert message.received_at == datetime(2017, 8, 7, 11, 1, 29)
    assert message.forced_intent == "stop"
    assert message.provider_message_id == "stop:+33612345678:2017-08-07T11:01:29"
    assert parse_smsfactor_stop(raw).provider_message_id == message.provider_message_id, "a replay keeps its id"


def test_smsfactor_stop_needs_date():
    with pytest.raises(PayloadError) as error:
        parse_smsfactor_stop(b'{"message":"Stop","from":"33612345678"}')
    assert error.value.code == "missing_field"


def test_body_size_limit():
    check_body_size(MAX_BODY_BYTES)
    check_body_size(None)
    with pytest.raises(PayloadError) as error:
        check_body_size(MAX_BODY_BYTES + 1)
    assert error.value.code == "too_large"
    assert error.value.params == {"size": MAX_BODY_BYTES + 1, "limit": MAX_BODY_BYTES}


@pytest.mark.parametrize(
    "expected, received, matches",
    [("s3cret", "s3cret", True), ("s3cret", "s3cret ", False), ("s3cret", "", False), ("", "", False),
     (None, None, False), ("é", "é", True)],
)
def test_secrets_match(expected, received, matches):
    assert secrets_match(expected, received) is matches


def test_twilio_signature_matches_twilio_package():
    assert twilio_signature("12345", TWILIO_DOC_URL, TWILIO_DOC_PARAMS) == TWILIO_DOC_SIGNATURE
    assert twilio_signature("12345", SMS_URL, SMS_PARAMS) == SMS_SIGNATURE


@pytest.mark.parametrize(
    "url",
    [SMS_URL, "https://example.odoo.fr:443/sms_gdpr/inbound/1/twilio"],
)
def test_twilio_signature_valid_with_or_without_port(url):
    assert twilio_signature_valid("12345", url, SMS_PARAMS, SMS_SIGNATURE)


@pytest.mark.parametrize(
    "token, url, params, signature",
    [
        ("wrong", SMS_URL, SMS_PARAMS, SMS_SIGNATURE),
        ("12345", SMS_URL + "?x=1", SMS_PARAMS, SMS_SIGNATURE),
        ("12345", SMS_URL, {**SMS_PARAMS, "Body": "Bonjour"}, SMS_SIGNATURE),
        ("12345", "https://example.odoo.fr:8443/sms_gdpr/inbound/1/twilio", SMS_PARAMS, SMS_SIGNATURE),
        ("12345", SMS_URL, SMS_PARAMS, None),
        ("", SMS_URL, SMS_PARAMS, SMS_SIGNATURE),
    ],
)
def test_twilio_signature_rejected(token, url, params, signature):
    assert not twilio_signature_valid(token, url, params, signature)


@pytest.mark.parametrize("number, expected", [
    ("+33 6 12 34 56 78", True),
    ("(0033) 6.12.34.56.78", True),
    ("0612345678x", False),
    ("MYBANK", False),
    ("", False),
    (None, False),
])
def test_is_phone_text(number, expected):
    assert is_phone_text(number) is expected
