import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..compliance.inbound import PROVIDER_GENERIC, PROVIDER_SMSFACTOR, PROVIDER_TWILIO, PayloadError, is_phone_text
from ..compliance.keywords import INTENT_REPLY, INTENT_START, INTENT_STOP, classify_reply

_logger = logging.getLogger(__name__)

PROVIDER = [
    (PROVIDER_GENERIC, "Generic JSON"),
    (PROVIDER_TWILIO, "Twilio"),
    (PROVIDER_SMSFACTOR, "SMSFactor"),
]

INTENT = [
    (INTENT_STOP, "STOP (opt-out)"),
    (INTENT_START, "START (re-subscription)"),
    (INTENT_REPLY, "Other reply"),
]

STATE = [
    ("new", "To Process"),
    ("processed", "Processed"),
    ("kept", "Opt-out Kept"),
    ("rejected", "Rejected"),
    ("failed", "Processing Failed"),
]

# A provider's reception time further ahead of the server clock than this is not trusted:
# a sender clock set in the future would list the message first for years and would date
# its opt-out in the future. Clocks of providers and servers synchronised by NTP differ by
# seconds, and this margin also covers a slow request.
MAX_PROVIDER_CLOCK_AHEAD = timedelta(minutes=5)


class SmsGdprInbound(models.Model):
    """An SMS received from a recipient, kept as received and as the proof of what it changed.

    Rows come from the provider webhook. A provider message id is stored once per
    company and provider, so a replayed webhook creates nothing. Rejected rows keep
    a malformed or oversized body, or a sender that is not a phone number, for audit
    and are never processed. The automated actions shipped as data process rows in
    state "To Process" according to their intent: STOP opts the number out, START
    lifts an opt-out only where a new consent is recorded, and other replies go to
    the salesperson of the lead. A row whose processing raised is kept as "Processing
    Failed" and runs again with "Process Again".
    """

    _name = "sms.gdpr.inbound"
    _description = "Inbound SMS"
    _inherit = ["mail.thread"]
    _order = "received_date desc, id desc"
    _rec_name = "number"

    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    provider = fields.Selection(PROVIDER, string="Provider", required=True, readonly=True, default=PROVIDER_GENERIC)
    provider_message_id = fields.Char(string="Provider Message ID", readonly=True, index=True)
    number = fields.Char(string="From", readonly=True, help="Sender number as the provider sent it.")
    e164 = fields.Char(string="Number (E.164)", readonly=True, index=True)
    body = fields.Text(string="Message", readonly=True)
    received_date = fields.Datetime(
        string="Received On", required=True, readonly=True, default=fields.Datetime.now, index=True,
        help="Reception time given by the provider, or the server's when the provider gave none or gave a "
        "time ahead of the server clock.",
    )
    provider_date = fields.Datetime(
        string="Provider Date", readonly=True,
        help="Reception time as the provider sent it. It is not used when it is more than 5 minutes ahead of "
        "the server clock.",
    )
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True, check_company=True, index="btree_not_null")
    lead_id = fields.Many2one("crm.lead", string="Lead", readonly=True, check_company=True, index="btree_not_null")
    campaign_id = fields.Many2one(
        "sms.gdpr.campaign", string="Campaign", readonly=True, check_company=True,
        help="Latest campaign that texted this number.",
    )
    salesperson_id = fields.Many2one(related="lead_id.user_id", string="Salesperson")
    intent = fields.Selection(INTENT, string="Intent", readonly=True, index=True)
    state = fields.Selection(STATE, string="Status", required=True, default="new", readonly=True, index=True, tracking=True)
    error = fields.Char(string="Error", readonly=True, help="Why the message was rejected or its processing failed.")
    raw_payload = fields.Text(string="Raw Payload", readonly=True, help="Request body as received, kept for audit.")
    payload_truncated = fields.Boolean(string="Payload Truncated", readonly=True)
    rights_request_id = fields.Many2one("sms.gdpr.rights.request", string="Rights Request", readonly=True)

    _sql_constraints = [
        (
            "provider_message_unique",
            "unique(company_id, provider, provider_message_id)",
            "This provider message was already received.",
        ),
    ]

    # ------------------------------------------------------------------
    # Reception
    # ------------------------------------------------------------------

    @api.model
    def _receive(self, message, company, raw_payload=None):
        """Store a parsed ``InboundMessage`` for ``company``; return ``(row, created)``.

        A message id already stored for the company and provider returns that row
        unchanged, so a replayed webhook changes nothing. A sender that is not a phone
        number raises ``PayloadError("bad_number")`` and stores nothing.
        """
        existing = self.sudo().search([
            ("company_id", "=", company.id),
            ("provider", "=", message.provider),
            ("provider_message_id", "=", message.provider_message_id),
        ], limit=1)
        if existing:
            return existing, False
        vals = self._prepare_received_vals(message, company, raw_payload)
        vals.update(self._match_vals(vals["e164"], company))
        inbound = self.sudo().with_company(company).create(vals)
        if vals["provider_date"] and vals["provider_date"] != vals["received_date"]:
            _logger.info(
                "Inbound SMS %s: the provider's time %s is ahead of the server clock, the reception time is kept",
                inbound.id, vals["provider_date"],
            )
        return inbound, True

    @api.model
    def _prepare_received_vals(self, message, company, raw_payload):
        return {
            "company_id": company.id,
            "provider": message.provider,
            "provider_message_id": message.provider_message_id,
            "number": message.number,
            "e164": self._sender_e164(message, company),
            "body": message.body,
            "provider_date": message.received_at or False,
            "received_date": self._reception_date(message.received_at),
            "intent": message.forced_intent or self._classify(message.body, company),
            "raw_payload": raw_payload,
        }

    @api.model
    def _reception_date(self, provider_date):
        """Return the reception time to store: the provider's, unless it is missing or ahead of the server clock."""
        now = fields.Datetime.now()
        if not provider_date or provider_date > now + MAX_PROVIDER_CLOCK_AHEAD:
            return now
        return provider_date

    @api.model
    def _sender_e164(self, message, company):
        """Return the sender's number in E.164, or raise ``PayloadError("bad_number")``.

        An alphanumeric sender, a short code or a truncated number cannot be matched
        to a person, opted out or blacklisted, so such a message is rejected.
        """
        # A letter in the sender ("0612345678x") would be dropped by the phone library, so the
        # number read might not be the sender's.
        e164 = is_phone_text(message.number) and self._normalize(message.number, company)
        if not e164:
            raise PayloadError(
                "bad_number", f"The sender {message.number!r} is not a valid phone number.", value=message.number
            )
        return e164

    @api.model
    def _reject(self, company, provider, error, raw_payload, truncated=False, number=False):
        """Keep a request body that could not be read, for audit, and return the rejected row."""
        return self.sudo().create({
            "company_id": company.id,
            "provider": provider,
            "number": number,
            "state": "rejected",
            "error": error,
            "raw_payload": raw_payload,
            "payload_truncated": truncated,
        })

    @api.model
    def _keep_unprocessed(self, message, company, raw_payload, error):
        """Keep a message whose storage or processing raised ``error`` as "Processing Failed" and return it.

        The row is created in a state no automated action handles, so it is stored
        without running the processing that failed; "Process Again" runs it.
        """
        vals = self._prepare_received_vals(message, company, raw_payload)
        env = self._company_env(company)
        vals.update({
            "state": "failed",
            "error": env._(
                "The processing failed, so the message is kept unprocessed. Once the cause is fixed, click "
                "“Process Again”. Error: %(error)s",
                error=str(error) or type(error).__name__,
            ),
        })
        return self.sudo().with_company(company).create(vals)

    @api.model
    def _company_env(self, company):
        """Return an environment in the company's language, for texts stored on webhook rows."""
        return self.with_context(lang=company.partner_id.lang or self.env.lang).env

    @api.model
    def _payload_error_message(self, error, company):
        """Return the reason a webhook body was rejected, in the company's language."""
        env = self._company_env(company)
        params = error.params
        messages = {
            "too_large": env._(
                "The body has %(size)s bytes, more than the %(limit)s accepted. Only its start is kept.",
                size=params.get("size"), limit=params.get("limit"),
            ),
            "not_json": env._("The body is not valid UTF-8 JSON. Check the provider's webhook format."),
            "form_encoded": env._(
                "The body was sent with the content type %(value)s, so it was read as a form and is kept below "
                "as a form. Configure the provider to send JSON with the content type application/json.",
                value=params.get("value"),
            ),
            "not_object": env._("The body is JSON but not an object. Check the provider's webhook format."),
            "missing_field": env._(
                "The field “%(field)s” is missing or empty. Check the provider's webhook format.",
                field=params.get("field"),
            ),
            "bad_type": env._("The field “%(field)s” must be text.", field=params.get("field")),
            "field_too_long": env._(
                "The field “%(field)s” is longer than %(limit)s characters.",
                field=params.get("field"), limit=params.get("limit"),
            ),
            "bad_date": env._(
                "The field “%(field)s” is not an ISO 8601 date: %(value)s.",
                field=params.get("field"), value=params.get("value"),
            ),
            "bad_number": env._(
                "The sender “%(value)s” is not a valid phone number, so the message cannot be matched to a person "
                "or opted out. Check that the provider sends the sender's number, in international format.",
                value=params.get("value"),
            ),
        }
        return messages.get(error.code, error.message)

    @api.model
    def _classify(self, body, company):
        """Return the intent of ``body`` with the company's extra keywords."""
        return classify_reply(
            body,
            company._sms_gdpr_keyword_list("sms_gdpr_extra_stop_keywords"),
            company._sms_gdpr_keyword_list("sms_gdpr_extra_start_keywords"),
        )

    @api.model
    def _normalize(self, number, company):
        """Return the E.164 form of ``number``, or False when it is not a valid phone number."""
        return company._sms_gdpr_e164(number)

    @api.model
    def _match_vals(self, e164, company):
        """Return the contact, lead and latest campaign that hold ``e164`` in ``company``."""
        if not e164:
            return {}
        company_domain = [("company_id", "in", [company.id, False])]
        partner = self.env["res.partner"].sudo().search(
            [("sms_gdpr_e164", "=", e164), *company_domain], order="write_date desc", limit=1
        )
        lead = self.env["crm.lead"].sudo().search(
            [("sms_gdpr_e164", "=", e164), *company_domain], order="write_date desc", limit=1
        )
        line = self.env["sms.gdpr.recipient"].sudo().search(
            [("e164", "=", e164), ("company_id", "=", company.id), ("decision", "=", "include")],
            order="planned_utc desc, id desc",
            limit=1,
        )
        return {"partner_id": partner.id, "lead_id": lead.id, "campaign_id": line.campaign_id.id}

    # ------------------------------------------------------------------
    # Processing, called by the automated actions
    # ------------------------------------------------------------------

    def _apply_stop(self):
        """Opt the senders out everywhere through the one opt-out path and mark the rows processed."""
        for inbound in self._to_process(INTENT_STOP):
            note = self.env._(
                "STOP received by SMS on %(date)s UTC: the number is opted out of SMS prospecting.",
                date=fields.Datetime.to_string(inbound.received_date),
            )
            # The objection dates from its reception, not from this processing, which may run later.
            changed = self.env["sms.gdpr.compliance.mixin"].with_company(inbound.company_id)._sms_gdpr_opt_out_numbers(
                [inbound.e164], "sms_reply", company=inbound.company_id, note=note,
                dates={inbound.e164: inbound.received_date},
            )
            inbound.message_post(body=note, subtype_xmlid="mail.mt_note")
            self.env["sms.gdpr.event"]._log(
                "inbound_stop",
                inbound,
                company=inbound.company_id,
                new_value="opted_out",
                details={
                    "provider": inbound.provider,
                    "contacts": len(changed["partners"]),
                    "leads": len(changed["leads"]),
                    "cancelled_lines": len(changed["lines"]),
                },
            )
            inbound.state = "processed"
            _logger.info(
                "Inbound STOP %s applied: %d contacts, %d leads, %d recipient lines cancelled",
                inbound.id, len(changed["partners"]), len(changed["leads"]), len(changed["lines"]),
            )

    def _apply_start(self):
        """Lift the opt-out where every opted-out record of the number has a consent recorded after it."""
        for inbound in self._to_process(INTENT_START):
            opted_out = [records.filtered("sms_gdpr_opt_out") for records in inbound._records_of_number()]
            consented = all(_has_new_consent(record) for records in opted_out for record in records)
            if consented and any(opted_out):
                for records in opted_out:
                    records.write({"sms_gdpr_opt_out": False})
                note = self.env._("START received by SMS: the opt-out is lifted because a new consent is recorded.")
                inbound.state = "processed"
            else:
                note = self.env._(
                    "START received by SMS, but the opt-out is kept: no consent was recorded after it. "
                    "Record the person's new consent (legal basis Consent, consent date and proof), then untick "
                    "the opt-out."
                )
                inbound.state = "kept"
            inbound.message_post(body=note, subtype_xmlid="mail.mt_note")
            for records in opted_out:
                for record in records:
                    record.message_post(body=note, subtype_xmlid="mail.mt_note")

    def _forward_reply(self):
        """Post other replies on the matching lead (or contact) and give its salesperson an activity."""
        for inbound in self._to_process(INTENT_REPLY):
            target = inbound.lead_id or inbound.partner_id
            if target:
                inbound._notify_salesperson(target)
            inbound.state = "processed"

    def _notify_salesperson(self, target):
        self.ensure_one()
        salesperson = target.user_id
        body = self.env._(
            "SMS reply from %(number)s: “%(body)s”", number=self.number, body=self.body or ""
        )
        target = target.sudo()
        target.message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=salesperson.partner_id.ids,
        )
        if not salesperson:
            return
        summary = self.env._("Answer the SMS reply")
        open_todo = target.activity_ids.filtered(
            lambda activity: activity.user_id == salesperson and activity.summary == summary
        )[:1]
        if open_todo:
            # One to-do per conversation: a further reply is added to the open one.
            open_todo.note = Markup("%s<p>%s</p>") % (open_todo.note or "", body)
            return
        target.activity_schedule("mail.mail_activity_data_todo", summary=summary, note=body, user_id=salesperson.id)

    def _to_process(self, intent):
        return self.filtered(lambda inbound: inbound.state == "new" and inbound.intent == intent)

    def _records_of_number(self):
        """Return the contacts and the leads of the company holding the sender's number."""
        self.ensure_one()
        if not self.e164:
            return self.env["res.partner"], self.env["crm.lead"]
        domain = [("sms_gdpr_e164", "=", self.e164), ("company_id", "in", [self.company_id.id, False])]
        partners = self.env["res.partner"].sudo().with_context(active_test=False).search(domain)
        leads = self.env["crm.lead"].sudo().with_context(active_test=False).search(domain)
        return partners, leads

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_reprocess(self):
        """Run the automated actions again on rows whose processing did not apply."""
        rejected = self.filtered(lambda inbound: inbound.state == "rejected")
        if rejected:
            raise UserError(self.env._(
                "This message was rejected and cannot be processed. %(error)s",
                error=rejected[0].error,
            ))
        for failed in self.filtered(lambda inbound: inbound.state == "failed"):
            # A failed row is kept without its contact, lead and campaign, whose search may be what failed.
            failed.sudo().write(self._match_vals(failed.e164, failed.company_id))
        self.filtered(lambda inbound: inbound.state != "new").write({"state": "new", "error": False})
        # Writing an unchanged state triggers no rule, so the active rules run on the rows here.
        # Disabled rules stay disabled.
        automations = self.env["base.automation"]._get_actions(self, ["on_create_or_write"])
        for automation in automations:
            automation._process(automation._filter_post(self.sudo()))
        states = dict(self._fields["state"]._description_selection(self.env))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if all(inbound.state != "failed" for inbound in self) else "warning",
                "message": self.env._(
                    "%(count)s message(s) processed again. Status now: %(states)s.",
                    count=len(self),
                    states=", ".join(sorted({states[inbound.state] for inbound in self})),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_create_rights_request(self):
        """Open a rights request prefilled from this message."""
        self.ensure_one()
        if self.rights_request_id:
            request = self.rights_request_id
        else:
            request = self.env["sms.gdpr.rights.request"].create(self._prepare_rights_request_vals())
            self.sudo().rights_request_id = request
        return {
            "type": "ir.actions.act_window",
            "res_model": "sms.gdpr.rights.request",
            "res_id": request.id,
            "view_mode": "form",
        }

    def _prepare_rights_request_vals(self):
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "channel": "sms",
            "request_type": self.env["sms.gdpr.rights.request"]._guess_type(self.body),
            # The reception time may be a few minutes ahead of the server clock, which must not date
            # the request tomorrow.
            "received_date": fields.Date.context_today(self, min(self.received_date, fields.Datetime.now())),
            "partner_id": self.partner_id.id,
            "lead_id": self.lead_id.id,
            "subject_name": self.partner_id.name or self.lead_id.contact_name or self.number,
            "phone": self.e164 or self.number,
            "description": self.body,
            "inbound_ids": [fields.Command.link(self.id)],
        }



def _has_new_consent(record):
    """Return whether the mixin's opt-out lift rule accepts lifting ``record``'s opt-out as it is."""
    try:
        record._sms_gdpr_check_opt_out_lift({})
    except UserError:
        return False
    return True
