from odoo import api, fields, models
from odoo.tools import format_datetime

from . import selections


class SmsGdprRecipientMixin(models.AbstractModel):
    """One person of a campaign audience and the decision taken for them.

    Shared by the wizard's preview rows and the campaign's recipient lines,
    which copy the preview at confirmation.
    """

    _name = "sms.gdpr.recipient.mixin"
    _description = "SMS campaign recipient decision"

    name = fields.Char(string="Recipient", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Lead", readonly=True, ondelete="set null", index="btree_not_null")
    partner_id = fields.Many2one(
        "res.partner", string="Contact", readonly=True, ondelete="set null", index="btree_not_null"
    )
    raw_number = fields.Char(string="Number as Entered", readonly=True)
    e164 = fields.Char(string="Number (E.164)", readonly=True, index=True)
    number_type = fields.Selection(selections.NUMBER_TYPE, string="Number Type", readonly=True)
    region = fields.Char(string="Region", readonly=True)
    time_zone = fields.Char(string="Time Zone", readonly=True)
    postal_code = fields.Char(string="Postal Code", readonly=True)
    country_assumed = fields.Boolean(string="Country Assumed", readonly=True)
    decision = fields.Selection(selections.DECISION, string="Decision", readonly=True, required=True)
    reason = fields.Selection(selections.EXCLUSION_REASON, string="Reason", readonly=True)
    reason_codes = fields.Char(
        string="All Reasons", readonly=True, help="Every reason found, the first one shown in Reason."
    )
    planned_utc = fields.Datetime(string="Planned Send Time", readonly=True, index=True)
    planned_local = fields.Char(
        string="Planned Local Time (ISO 8601)", readonly=True,
        help="Planned send time in the recipient's own time zone, with its UTC offset.",
    )
    planned_local_display = fields.Char(
        string="Planned Local Time", compute="_compute_planned_local_display",
        help="Planned send time in the recipient's own time zone, in the user's date format.",
    )

    @api.depends("planned_utc", "time_zone")
    def _compute_planned_local_display(self):
        for recipient in self:
            if not recipient.planned_utc or not recipient.time_zone:
                recipient.planned_local_display = False
                continue
            local = format_datetime(self.env, recipient.planned_utc, tz=recipient.time_zone, dt_format="short")
            recipient.planned_local_display = f"{local} ({recipient.time_zone})"
