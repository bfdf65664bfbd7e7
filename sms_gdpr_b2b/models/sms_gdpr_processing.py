from odoo import api, fields, models

from . import selections


class SmsGdprProcessing(models.Model):
    """An entry of the GDPR art. 30 record of processing activities.

    Every campaign names the entry it runs under, so that the register shows
    which campaigns were carried out for each purpose.
    """

    _name = "sms.gdpr.processing"
    _description = "Processing Register Entry"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        help="Leave empty to share the entry between companies.",
    )
    purpose = fields.Text(required=True, translate=True, tracking=True, help="Why the data is processed.")
    legal_basis = fields.Selection(
        selections.LEGAL_BASIS,
        string="Legal Basis",
        required=True,
        default="legitimate_interest",
        tracking=True,
    )
    campaign_ids = fields.One2many("sms.gdpr.campaign", "processing_id", string="Campaigns")
    campaign_count = fields.Integer(compute="_compute_campaign_count", string="Campaign Count")

    @api.depends("campaign_ids")
    def _compute_campaign_count(self):
        counts = dict(
            self.env["sms.gdpr.campaign"]._read_group(
                [("processing_id", "in", self.ids)], ["processing_id"], ["__count"]
            )
        )
        for entry in self:
            entry.campaign_count = counts.get(entry, 0)

    def action_view_campaigns(self):
        """Open the campaigns run under this entry."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sms_gdpr_b2b.sms_gdpr_campaign_action")
        action["domain"] = [("processing_id", "=", self.id)]
        action["context"] = {"default_processing_id": self.id}
        return action
