import logging
from urllib.parse import urlencode

import psycopg2

from odoo import SUPERUSER_ID, http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..compliance.inbound import (
    FORM_CONTENT_TYPES,
    MAX_BODY_BYTES,
    PROVIDER_SMSFACTOR,
    PROVIDER_TWILIO,
    PROVIDERS,
    PayloadError,
    check_body_size,
    check_content_type,
    parse_generic,
    parse_smsfactor_stop,
    parse_twilio,
    secrets_match,
    twilio_signature_valid,
)

_logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Sms-Gdpr-Token"
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
SMSFACTOR_SIGNATURE_HEADER = "X-SMSFactor-Signature"
# Werkzeug rejects bodies above this size with a 413 before this code runs, so they are not kept.
# Bodies between MAX_BODY_BYTES and this size also get a 413, and their start is kept.
HARD_MAX_BODY_BYTES = 1024 * 1024
# HTTP status of the payload errors that are not a plain 400 Bad Request.
ERROR_STATUS_CODES = {"too_large": 413, "form_encoded": 415}
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Unique constraint on the provider message id, whose violation means a concurrent replay.
MESSAGE_UNIQUE_CONSTRAINT = "sms_gdpr_inbound_provider_message_unique"


class SmsGdprInboundController(http.Controller):
    """Webhook that SMS providers post inbound messages to, one URL per company and provider.

    A request is authenticated before anything is stored. The generic format sends
    the company's token in a header and SMSFactor in the ``token`` query parameter,
    because SMSFactor posts to a fixed URL; the token is compared in constant time.
    Twilio requests carry a signature made with the company's auth token. An
    authenticated body that is too large or unreadable, or whose sender is not a
    phone number, is kept as a rejected message and gets a 413 or 400. Any other
    error of an authenticated request keeps the message too and gets a JSON response.
    Messages are stored and processed as OdooBot, so the audit log and the chatter
    do not show them as the work of the public user.
    """

    # NOTE: on a server with several databases, dbfilter must pick this database from the
    # host name, because providers call the webhook without a session.
    @http.route(
        "/sms_gdpr/inbound/<int:company_id>/<string:provider>",
        type="http", auth="public", methods=["POST"], csrf=False, save_session=False,
        max_content_length=HARD_MAX_BODY_BYTES,
    )
    def sms_gdpr_inbound(self, company_id, provider, **params):
        if provider not in PROVIDERS:
            return self._reply(provider, 404, "unknown_provider")
        company = request.env["res.company"].sudo().browse(company_id).exists()
        # An unknown company gets the response of a wrong token, so that callers cannot list company ids.
        raw = self._read_body(provider)
        if not company or not self._authenticated(company, provider):
            _logger.warning(
                "Inbound SMS rejected: authentication failed for company %s, provider %s, from %s",
                company_id, provider, request.httprequest.remote_addr,
            )
            return self._reply(provider, 401, "unauthenticated")

        Inbound = request.env["sms.gdpr.inbound"].with_user(SUPERUSER_ID).with_company(company).with_context(
            lang=company.partner_id.lang or "en_US",
        )
        try:
            with request.env.cr.savepoint():
                return self._store(Inbound, company, provider, raw)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # Odoo retries the whole request on these, from a clean transaction.
            # NOTE: after its last retry Odoo returns an HTML 500 and keeps nothing, so only the
            # provider's own retry delivers the message again.
            raise
        except Exception as error:  # noqa: BLE001 - an authenticated message must be kept, whatever failed
            return self._keep_after_error(Inbound, company, provider, raw, error)

    def _store(self, Inbound, company, provider, raw):
        """Reject, store or keep unprocessed one authenticated request body, and return the response."""
        try:
            check_body_size(self._body_size(raw))
            if provider != PROVIDER_TWILIO:
                check_content_type(request.httprequest.mimetype)
            message = self._parse(provider, raw)
            Inbound._sender_e164(message, company)
        except PayloadError as error:
            too_large = error.code == "too_large"
            sender = error.params.get("value") if error.code == "bad_number" else False
            rejected = Inbound._reject(
                company, provider, Inbound._payload_error_message(error, company),
                raw[:MAX_BODY_BYTES].decode("utf-8", errors="replace"), truncated=too_large, number=sender,
            )
            _logger.info("Inbound SMS %s rejected for company %s: %s", rejected.id, company.id, error.code)
            return self._reply(provider, ERROR_STATUS_CODES.get(error.code, 400), error.code, rejected)

        raw_text = raw.decode("utf-8", errors="replace")
        try:
            with request.env.cr.savepoint():
                inbound, created = Inbound._receive(message, company, raw_text)
        except psycopg2.IntegrityError as error:
            if error.diag.constraint_name != MESSAGE_UNIQUE_CONSTRAINT:
                return self._keep_unprocessed(Inbound, message, company, raw_text, error)
            # The same message id arrived twice at once and the other request stored it.
            return self._reply(provider, 200, "duplicate")
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception as error:  # noqa: BLE001 - the processing of a stored message must not lose it
            return self._keep_unprocessed(Inbound, message, company, raw_text, error)
        status = "received" if created else "duplicate"
        _logger.info("Inbound SMS %s %s for company %s, intent %s", inbound.id, status, company.id, inbound.intent)
        return self._reply(provider, 200, status, inbound)

    def _keep_unprocessed(self, Inbound, message, company, raw_text, error):
        """Keep a readable message whose storage or processing raised, and respond 202 Accepted.

        The message is stored, so a retry by the provider would only be a duplicate.
        202 confirms that the message arrived, and the row waits for "Process Again".
        """
        inbound = Inbound._keep_unprocessed(message, company, raw_text, error)
        _logger.error(
            "Inbound SMS %s of company %s kept unprocessed: its processing raised %s",
            inbound.id, company.id, type(error).__name__,
        )
        # The exception text may quote the sender's number, so the traceback is only logged at DEBUG.
        _logger.debug("Processing of inbound SMS %s failed", inbound.id, exc_info=error)
        return self._reply(message.provider, 202, "processing_failed", inbound)

    def _keep_after_error(self, Inbound, company, provider, raw, error):
        """Keep the body of a request that failed outside the known paths as rejected, and respond 500."""
        _logger.debug("Inbound SMS request of company %s failed", company.id, exc_info=error)
        try:
            with request.env.cr.savepoint():
                env = Inbound._company_env(company)
                rejected = Inbound._reject(
                    company, provider,
                    env._(
                        "The message could not be stored, so only its body is kept here. Once the cause is fixed, "
                        "ask the provider to send the message again. Error: %(error)s",
                        error=str(error) or type(error).__name__,
                    ),
                    raw[:MAX_BODY_BYTES].decode("utf-8", errors="replace"), truncated=len(raw) > MAX_BODY_BYTES,
                )
        except Exception as keep_error:  # noqa: BLE001 - the response must stay JSON
            _logger.error(
                "Inbound SMS request of company %s lost: it raised %s, then keeping it raised %s",
                company.id, type(error).__name__, type(keep_error).__name__,
            )
            return self._reply(provider, 500, "error")
        _logger.error(
            "Inbound SMS %s of company %s kept as rejected: the request raised %s",
            rejected.id, company.id, type(error).__name__,
        )
        return self._reply(provider, 500, "error", rejected)

    def _read_body(self, provider):
        """Return the request body (at most ``HARD_MAX_BODY_BYTES``, which the route enforces)."""
        httprequest = request.httprequest
        if provider == PROVIDER_TWILIO or httprequest.mimetype in FORM_CONTENT_TYPES:
            # Odoo has already parsed the form, so the stream is consumed: rebuild the body from it.
            return urlencode(list(httprequest.form.items(multi=True))).encode()
        return httprequest.get_data()

    def _body_size(self, raw):
        return max(request.httprequest.content_length or 0, len(raw))

    def _authenticated(self, company, provider):
        httprequest = request.httprequest
        company = company.sudo()
        if provider == PROVIDER_TWILIO:
            params = httprequest.form.to_dict(flat=False)
            return twilio_signature_valid(
                company.sms_gdpr_twilio_auth_token, httprequest.url, params,
                httprequest.headers.get(TWILIO_SIGNATURE_HEADER),
            )
        if provider == PROVIDER_SMSFACTOR:
            # SMSFactor sends the webhook's secret signature in this header when one is set
            # (https://dev.smsfactor.com/en/api/sms/webhook/update-webhook); the query token
            # serves accounts that set none.
            received = httprequest.headers.get(SMSFACTOR_SIGNATURE_HEADER) or httprequest.args.get("token")
        else:
            received = httprequest.headers.get(TOKEN_HEADER) or self._bearer_token()
        return secrets_match(company.sms_gdpr_webhook_token, received)

    def _bearer_token(self):
        authorization = request.httprequest.headers.get("Authorization") or ""
        scheme, _separator, token = authorization.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else None

    def _parse(self, provider, raw):
        if provider == PROVIDER_TWILIO:
            return parse_twilio(request.httprequest.form.to_dict())
        if provider == PROVIDER_SMSFACTOR:
            return parse_smsfactor_stop(raw)
        return parse_generic(raw)

    def _reply(self, provider, status_code, status, inbound=None):
        if provider == PROVIDER_TWILIO and 200 <= status_code < 300:
            # Twilio reads the response as TwiML, and an empty Response sends no SMS back.
            return request.make_response(EMPTY_TWIML, headers=[("Content-Type", "text/xml")], status=status_code)
        payload = {"status": status}
        if inbound:
            payload["id"] = inbound.id
            if inbound.intent:
                payload["intent"] = inbound.intent
        return request.make_json_response(payload, status=status_code)
