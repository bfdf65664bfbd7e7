import json
import logging
from urllib.parse import urlencode

import psycopg2

from odoo import http
from odoo.http import request

from ..compliance.inbound import (
    MAX_BODY_BYTES,
    PROVIDER_SMSFACTOR,
    PROVIDER_TWILIO,
    PROVIDERS,
    PayloadError,
    check_body_size,
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
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class SmsGdprInboundController(http.Controller):
    """Webhook that SMS providers post inbound messages to, one URL per company and provider.

    A request is authenticated before anything is stored. The generic format sends
    the company's token in a header and SMSFactor in the ``token`` query parameter,
    because SMSFactor posts to a fixed URL; the token is compared in constant time.
    Twilio requests carry a signature made with the company's auth token. An
    authenticated body that is too large or unreadable is kept as a rejected
    message and gets a 413 or 400.
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
        if not company:
            return self._reply(provider, 404, "unknown_company")

        raw = self._read_body(provider)
        if not self._authenticated(company, provider):
            _logger.warning(
                "Inbound SMS rejected: authentication failed for company %s, provider %s, from %s",
                company.id, provider, request.httprequest.remote_addr,
            )
            return self._reply(provider, 401, "unauthenticated")

        Inbound = request.env["sms.gdpr.inbound"].sudo().with_company(company)
        try:
            check_body_size(self._body_size(raw))
            message = self._parse(provider, raw)
        except PayloadError as error:
            too_large = error.code == "too_large"
            rejected = Inbound._reject(
                company, provider, Inbound._payload_error_message(error, company),
                raw[:MAX_BODY_BYTES].decode("utf-8", errors="replace"), truncated=too_large,
            )
            _logger.info("Inbound SMS %s rejected for company %s: %s", rejected.id, company.id, error.code)
            return self._reply(provider, 413 if too_large else 400, error.code)

        try:
            with request.env.cr.savepoint():
                inbound, created = Inbound._receive(message, company, raw.decode("utf-8", errors="replace"))
        except psycopg2.IntegrityError:
            # The same message id arrived twice at once and the other request stored it.
            return self._reply(provider, 200, "duplicate")
        status = "received" if created else "duplicate"
        _logger.info("Inbound SMS %s %s for company %s, intent %s", inbound.id, status, company.id, inbound.intent)
        return self._reply(provider, 200, status, inbound)

    def _read_body(self, provider):
        """Return the request body (at most ``HARD_MAX_BODY_BYTES``, which the route enforces)."""
        httprequest = request.httprequest
        if provider == PROVIDER_TWILIO:
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
        if provider == PROVIDER_TWILIO and status_code == 200:
            # Twilio reads the response as TwiML, and an empty Response sends no SMS back.
            return request.make_response(EMPTY_TWIML, headers=[("Content-Type", "text/xml")], status=200)
        payload = {"status": status}
        if inbound:
            payload.update({"id": inbound.id, "intent": inbound.intent})
        return request.make_json_response(payload, status=status_code)
