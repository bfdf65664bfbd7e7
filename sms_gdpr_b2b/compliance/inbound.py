"""Parsing and authentication of inbound SMS webhooks: generic JSON, Twilio and SMSFactor STOP.

Everything here works on bytes, strings and dicts, so the controller only moves data between
HTTP and these functions. Each parser returns an ``InboundMessage`` or raises ``PayloadError``
with a stable code, which the Odoo layer turns into a translated message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

from .errors import ComplianceError

PROVIDER_GENERIC = "generic"
PROVIDER_TWILIO = "twilio"
PROVIDER_SMSFACTOR = "smsfactor"
PROVIDERS = (PROVIDER_GENERIC, PROVIDER_TWILIO, PROVIDER_SMSFACTOR)

# Largest request body accepted, in bytes. An SMS of 10 concatenated UCS-2 parts is under
# 3 KB as JSON, so 32 KiB leaves room for provider metadata and still bounds what is kept.
MAX_BODY_BYTES = 32 * 1024

# Longest text field kept from a payload (body, number, identifiers), in characters.
MAX_FIELD_CHARS = 5000

_DIGITS_ONLY = re.compile(r"\d{8,15}")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class PayloadError(ComplianceError):
    """A webhook body that cannot be read as an inbound message."""


# Content types that web servers parse as a form, so the JSON body they carry is not kept as sent.
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def check_content_type(mimetype: str | None) -> None:
    """Raise ``PayloadError`` "form_encoded" when a JSON webhook body was sent as a form."""
    if (mimetype or "").lower() in FORM_CONTENT_TYPES:
        raise PayloadError(
            "form_encoded",
            f"The body was sent as {mimetype}. Send it with the content type application/json.",
            value=mimetype,
        )


@dataclass(frozen=True)
class InboundMessage:
    """One inbound SMS as read from a provider's webhook."""

    provider: str
    provider_message_id: str
    number: str
    body: str
    received_at: datetime | None = None
    # Intent decided by the provider itself: SMSFactor only calls its STOP webhook for opt-outs.
    forced_intent: str | None = None


def check_body_size(size: int | None, limit: int = MAX_BODY_BYTES) -> None:
    """Raise ``PayloadError("too_large")`` when ``size`` bytes exceed ``limit``."""
    if size is not None and size > limit:
        raise PayloadError(
            "too_large", f"The request body has {size} bytes, more than the {limit} accepted.", size=size, limit=limit
        )


def secrets_match(expected: str | None, received: str | None) -> bool:
    """Compare a configured secret with a received one in constant time; an empty secret never matches."""
    if not expected or not received:
        return False
    return hmac.compare_digest(expected.encode(), received.encode())


def parse_generic(raw: bytes) -> InboundMessage:
    """Read the generic JSON format: ``{"message_id", "from", "body", "received_at"?}``.

    ``received_at`` is ISO 8601; a value without offset is taken as UTC.
    """
    data = _json_object(raw)
    return InboundMessage(
        provider=PROVIDER_GENERIC,
        provider_message_id=_required_text(data, "message_id"),
        number=_international_number(_required_text(data, "from")),
        body=_text(data, "body", required=True),
        received_at=_iso_datetime(data, "received_at"),
    )


def parse_twilio(form: dict[str, str]) -> InboundMessage:
    """Read Twilio's incoming-message webhook (form fields ``MessageSid``, ``From``, ``Body``)."""
    return InboundMessage(
        provider=PROVIDER_TWILIO,
        provider_message_id=_required_text(form, "MessageSid"),
        number=_international_number(_required_text(form, "From")),
        body=_text(form, "Body", required=True),
    )


def parse_smsfactor_stop(raw: bytes) -> InboundMessage:
    """Read SMSFactor's STOP webhook.

    Format as documented at https://dev.smsfactor.com/it/api/sms/webhook/stop: a POST whose raw
    body is a JSON object with ``date`` (ISO 8601 with offset), ``message`` (the reply),
    ``from`` (the number in international format without "+"), ``account_id`` and
    ``last_message_id`` (the id of the last SMS sent to that number). The payload has no id
    of its own, so the number and the date identify it: a replayed call has both unchanged.
    """
    data = _json_object(raw)
    number = _international_number(_required_text(data, "from"))
    received_at = _iso_datetime(data, "date", required=True)
    return InboundMessage(
        provider=PROVIDER_SMSFACTOR,
        provider_message_id=f"stop:{number}:{received_at.isoformat()}",
        number=number,
        body=_text(data, "message") or "STOP",
        received_at=received_at,
        forced_intent="stop",
    )


def twilio_signature(auth_token: str, url: str, params: dict[str, str | list[str]]) -> str:
    """Return the ``X-Twilio-Signature`` Twilio computes for a POST of form ``params`` to ``url``.

    Twilio appends each parameter name and value to the full URL, in name order (values of a
    repeated name in sorted order), signs the string with HMAC-SHA1 under the account's auth
    token and encodes the digest in Base64.
    """
    payload = url
    for name in sorted(params):
        values = params[name]
        values = values if isinstance(values, list | tuple) else [values]
        for value in sorted(set(values)):
            payload += f"{name}{value}"
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(auth_token: str | None, url: str, params: dict, signature: str | None) -> bool:
    """Check a Twilio signature in constant time, with and without the URL's default port.

    The twilio package's own RequestValidator (9.x) accepts both forms, because the URL
    Twilio signs may or may not carry ":443" (or ":80").
    """
    if not auth_token or not signature:
        return False
    return any(
        secrets_match(twilio_signature(auth_token, variant, params), signature) for variant in _port_variants(url)
    )


def _port_variants(url: str) -> list[str]:
    parts = urlsplit(url)
    default_port = _DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    if parts.port not in (None, default_port):
        return [url]
    without_port = urlunsplit(parts._replace(netloc=_netloc(parts, host)))
    with_port = urlunsplit(parts._replace(netloc=_netloc(parts, f"{host}:{default_port}")))
    return [url, without_port, with_port]


def _netloc(parts, host_port: str) -> str:
    credentials = parts.netloc.rpartition("@")[0]
    return f"{credentials}@{host_port}" if credentials else host_port


def _json_object(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PayloadError("not_json", f"The request body is not valid UTF-8 JSON: {error}.") from error
    if not isinstance(data, dict):
        raise PayloadError("not_object", "The request body must be a JSON object.")
    return data


def _text(data: dict, name: str, required: bool = False) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise PayloadError("missing_field", f"The field {name!r} is missing.", field=name)
        return ""
    if not isinstance(value, str | int):
        raise PayloadError("bad_type", f"The field {name!r} must be a string.", field=name)
    value = str(value)
    if len(value) > MAX_FIELD_CHARS:
        raise PayloadError(
            "field_too_long",
            f"The field {name!r} has {len(value)} characters, more than {MAX_FIELD_CHARS}.",
            field=name,
            limit=MAX_FIELD_CHARS,
        )
    return value


def _required_text(data: dict, name: str) -> str:
    value = _text(data, name, required=True).strip()
    if not value:
        raise PayloadError("missing_field", f"The field {name!r} is empty.", field=name)
    return value


# Characters a sender number may contain: digits and the separators people and gateways write.
_PHONE_TEXT = re.compile(r"[\d\s+().\-/]+")


def is_phone_text(number: str | None) -> bool:
    """Return whether ``number`` is written with digits and separators only, with no letter or stray sign."""
    return bool(number) and bool(_PHONE_TEXT.fullmatch(number.strip()))


def _international_number(number: str) -> str:
    """Add the "+" that SMSFactor and some gateways leave out of international numbers."""
    number = number.strip()
    if _DIGITS_ONLY.fullmatch(number) and not number.startswith("0"):
        return f"+{number}"
    return number


def _iso_datetime(data: dict, name: str, required: bool = False) -> datetime | None:
    """Return the field as a naive UTC datetime."""
    value = _text(data, name, required=required).strip()
    if not value:
        if required:
            raise PayloadError("missing_field", f"The field {name!r} is empty.", field=name)
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise PayloadError(
            "bad_date", f"The field {name!r} is not an ISO 8601 date: {value!r}.", field=name, value=value
        ) from error
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed
