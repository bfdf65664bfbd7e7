import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..compliance.segments import count_segments

_logger = logging.getLogger(__name__)

# Errors raised when another transaction locked or updated the same row first: the ones Odoo
# itself retries a request on.
CONCURRENCY_ERRORS = PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

# Fields that make the campaign what was checked and confirmed: only the application changes them.
PROTECTED_FIELDS = {
    "company_id", "processing_id", "sender_id", "body", "full_body", "state",
    "date_confirmed", "date_start", "recipient_ids",
}

CAMPAIGN_STATE = [
    ("scheduled", "Scheduled"),
    ("running", "Sending"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]



class SmsGdprCampaign(models.Model):
    """An SMS prospecting campaign confirmed through the campaign wizard.

    It keeps the exact text sent (mentions included), the register entry it
    runs under and one recipient line per person of the audience, excluded
    ones included, so that every decision can be shown afterwards.
    """

    _name = "sms.gdpr.campaign"
    _description = "SMS Prospecting Campaign"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True, index=True
    )
    test_mode = fields.Boolean(related="company_id.sms_gdpr_test_mode", string="Test Mode")
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    processing_id = fields.Many2one(
        "sms.gdpr.processing",
        string="Register Entry",
        required=True,
        check_company=True,
        tracking=True,
        help="Entry of the processing register this campaign is carried out under.",
    )
    sender_id = fields.Char(string="Sender ID", readonly=True)
    body = fields.Text(string="Message", readonly=True, help="The text written in the wizard.")
    full_body = fields.Text(
        string="Text Sent", readonly=True, help="The message with the mandatory mentions appended, as sent."
    )
    encoding = fields.Selection(
        [("gsm7", "GSM-7"), ("ucs2", "UCS-2 (Unicode)")], compute="_compute_segments", string="Encoding"
    )
    segment_count = fields.Integer(compute="_compute_segments", string="SMS Parts per Recipient")
    state = fields.Selection(CAMPAIGN_STATE, default="scheduled", required=True, tracking=True, readonly=True)
    date_confirmed = fields.Datetime(string="Confirmed On", readonly=True)
    date_start = fields.Datetime(
        string="Earliest Send Time", readonly=True, help="No SMS of the campaign leaves before this time."
    )
    recipient_ids = fields.One2many("sms.gdpr.recipient", "campaign_id", string="Recipients")
    recipient_count = fields.Integer(compute="_compute_recipient_counts", string="Recipients Count")
    scheduled_count = fields.Integer(compute="_compute_recipient_counts", string="Scheduled SMS")
    sent_count = fields.Integer(compute="_compute_recipient_counts", string="SMS Sent")
    excluded_count = fields.Integer(compute="_compute_recipient_counts", string="Recipients Excluded")
    cancelled_count = fields.Integer(compute="_compute_recipient_counts", string="Cancelled or Opted Out")
    failed_count = fields.Integer(compute="_compute_recipient_counts", string="Failed SMS")

    @api.depends("full_body")
    def _compute_segments(self):
        for campaign in self:
            count = count_segments(campaign.full_body or "")
            campaign.encoding = count.encoding
            campaign.segment_count = count.segments

    @api.depends("recipient_ids.state")
    def _compute_recipient_counts(self):
        groups = self.env["sms.gdpr.recipient"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"]
        )
        counts = {}
        for campaign, state, count in groups:
            counts.setdefault(campaign.id, {})[state] = count
        for campaign in self:
            by_state = counts.get(campaign.id, {})
            campaign.recipient_count = sum(by_state.values())
            campaign.scheduled_count = by_state.get("scheduled", 0)
            campaign.sent_count = sum(by_state.get(state, 0) for state in ("released", "sent", "delivered"))
            campaign.excluded_count = by_state.get("excluded", 0)
            campaign.cancelled_count = by_state.get("cancelled", 0) + by_state.get("opted_out", 0)
            campaign.failed_count = by_state.get("failed", 0)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(_("Campaigns are created by the SMS campaign wizard, which checks them first."))
        return super().create(vals_list)

    def write(self, vals):
        protected = PROTECTED_FIELDS.intersection(vals)
        if protected and not self.env.su:
            raise AccessError(_(
                "The text, sender, register entry, schedule and status of a confirmed campaign cannot be "
                "changed (%(fields)s): they are what was checked and sent. Cancel the campaign and run "
                "the wizard again.",
                fields=", ".join(sorted(protected)),
            ))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_cancel(self):
        """Cancel the campaign and every line not released yet."""
        self._check_manager()
        for campaign in self:
            if campaign.state in ("done", "cancelled"):
                raise UserError(_(
                    "The campaign “%(name)s” is already %(state)s and cannot be cancelled.",
                    name=campaign.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[campaign.state],
                ))
        pending = self.env["sms.gdpr.recipient"].sudo().search(
            [("campaign_id", "in", self.ids), ("state", "=", "scheduled")]
        )
        pending.write({"state": "cancelled"})
        self.sudo().write({"state": "cancelled"})
        for campaign in self:
            count = len(pending.filtered(lambda line: line.campaign_id == campaign))
            campaign.message_post(body=_("Campaign cancelled: %(count)s scheduled SMS will not be sent.", count=count))
            self.env["sms.gdpr.event"]._log("campaign_cancelled", campaign, details={"cancelled": count})
        return True

    def action_release_due(self):
        """Release the campaign's due lines now instead of waiting for the cron."""
        self._check_manager()
        closed = self.filtered(lambda campaign: campaign.state not in ("scheduled", "running"))
        if closed:
            raise UserError(_(
                "The campaign “%(name)s” is %(state)s: it has no SMS left to release.",
                name=closed[0].name,
                state=dict(self._fields["state"]._description_selection(self.env))[closed[0].state],
            ))
        recipients = self.env["sms.gdpr.recipient"].sudo()
        released = 0
        while True:
            lines = recipients._lock_due_batch(recipients._release_batch_size(), [("campaign_id", "in", self.ids)])
            if not lines:
                break
            sms = lines._release()
            sms.sms_gdpr_recipient_id._log_released()
            sms.send(auto_commit=False)
            released += len(sms)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _("%(count)s SMS released. Lines not due yet stay scheduled.", count=released),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_recipients(self):
        """Open the recipient lines, with one filter per status and reason."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sms_gdpr_b2b.sms_gdpr_recipient_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"search_default_group_state": 1}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _check_manager(self):
        if not self.env.user.has_group("sms_gdpr_b2b.sms_gdpr_b2b_group_manager"):
            raise AccessError(_("Only SMS compliance managers can cancel or release a campaign."))

    def _update_state_from_recipients(self):
        """Move campaigns to Sending once a line is released and to Done once none is scheduled.

        Several release workers may reach the same campaign at once. Its state
        is a summary of its lines, so a worker that loses that race skips the
        update instead of failing. The lines it released or sent and the
        provider's results stay committed, and the next run sets the state.
        """
        active = self.sudo().filtered(lambda campaign: campaign.state in ("scheduled", "running"))
        if not active:
            return
        groups = self.env["sms.gdpr.recipient"]._read_group(
            [("campaign_id", "in", active.ids), ("state", "in", ("scheduled", "released"))],
            ["campaign_id", "state"],
            ["__count"],
        )
        waiting = {(campaign.id, state) for campaign, state, _count in groups}
        for campaign in active:
            new_state = campaign._state_from_waiting_lines(waiting)
            if new_state != campaign.state:
                campaign._write_state_unless_concurrent(new_state)

    def _state_from_waiting_lines(self, waiting):
        self.ensure_one()
        if (self.id, "scheduled") not in waiting and (self.id, "released") not in waiting:
            return "done"
        if self.state == "scheduled" and ((self.id, "released") in waiting or self.sent_count):
            return "running"
        return self.state

    def _write_state_unless_concurrent(self, state):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self.state = state
        except CONCURRENCY_ERRORS:
            _logger.info("SMS campaign %s: state left to a concurrent worker", self.id)
