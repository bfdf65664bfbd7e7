import logging

from odoo import fields, models

_logger = logging.getLogger(__name__)


class SmsSms(models.Model):
    """Link outgoing SMS to campaign recipient lines, and the per-company test mode.

    In test mode nothing leaves Odoo: the SMS is recorded as sent and logged,
    which lets demos and staging databases run whole campaigns.
    """

    _inherit = "sms.sms"

    sms_gdpr_recipient_id = fields.Many2one(
        "sms.gdpr.recipient", string="Campaign Recipient", readonly=True, ondelete="set null", copy=False
    )

    _sql_constraints = [
        (
            "sms_gdpr_recipient_unique",
            "unique(sms_gdpr_recipient_id)",
            "A campaign recipient line can be released into one SMS only.",
        ),
    ]

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            linked = self.filtered("sms_gdpr_recipient_id")
            for (state, failure_type), messages in linked.grouped(lambda sms: (sms.state, sms.failure_type)).items():
                messages.sms_gdpr_recipient_id.sudo()._sync_from_sms(state, failure_type)
        return result

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        opposed = self._sms_gdpr_opposed()
        if opposed:
            opposed._update_sms_state_and_trackers("canceled", failure_type="sms_optout")
            _logger.info("SMS opt-out: %d SMS to blacklisted or opposed numbers cancelled before sending", len(opposed))
        allowed = self - opposed
        test_mode = allowed.filtered(lambda message: message._sms_gdpr_company().sms_gdpr_test_mode)
        if test_mode:
            test_mode._sms_gdpr_record_as_sent(unlink_sent)
        others = allowed - test_mode
        if others:
            return super(SmsSms, others)._send(
                unlink_failed=unlink_failed, unlink_sent=unlink_sent, raise_exception=raise_exception
            )
        return None

    def _sms_gdpr_opposed(self):
        """Return the SMS whose number is blacklisted, opted out on a record, or on their company's opposition list.

        Checked here, just before any provider is called, so that every SMS of Odoo's
        own tools honours an opt-out too. Odoo itself checks the blacklist only when
        sending to many records, not for one SMS from a record's chatter.
        """
        opposed = self.browse()
        Mixin = self.env["sms.gdpr.compliance.mixin"]
        for company, messages in self.grouped(lambda message: message._sms_gdpr_company()).items():
            e164_by_message = {message: company._sms_gdpr_e164(message.number) or message.number for message in messages}
            numbers = [number for number in e164_by_message.values() if number]
            blocked = Mixin._sms_gdpr_blacklisted_numbers(numbers)
            blocked |= Mixin._sms_gdpr_opted_out_numbers(numbers)
            blocked |= self.env["sms.gdpr.suppression"]._suppressed_numbers(numbers, company)
            opposed |= messages.filtered(lambda message: e164_by_message[message] in blocked)
        return opposed

    def _sms_gdpr_company(self):
        self.ensure_one()
        return self.sms_gdpr_recipient_id.company_id or self.env.company

    def _sms_gdpr_record_as_sent(self, unlink_sent):
        """Mark the SMS as sent without any network call, as a provider success would."""
        _logger.info("SMS test mode: %d SMS recorded as sent without contacting a provider", len(self))
        to_delete = {"to_delete": True} if unlink_sent else {}
        self.sms_tracker_id._action_update_from_sms_state("pending")
        self.write({"state": "pending", "failure_type": False, **to_delete})

