from odoo import fields, models


class SmsGdprCampaignWizardRecipient(models.TransientModel):
    """A preview row of the campaign wizard: one person and the decision taken."""

    _name = "sms.gdpr.campaign.wizard.recipient"
    _description = "SMS Campaign Wizard Recipient"
    _inherit = ["sms.gdpr.recipient.mixin"]
    _order = "decision desc, reason, id"

    wizard_id = fields.Many2one("sms.gdpr.campaign.wizard", required=True, ondelete="cascade", index=True)
