from odoo import fields, models

from . import selections


class SmsGdprProcessingTransfer(models.Model):
    """A transfer of personal data outside the EU, with the safeguard that allows it (GDPR art. 44 to 49)."""

    _name = "sms.gdpr.processing.transfer"
    _description = "Processing Register Transfer Outside the EU"
    _order = "processing_id, id"

    processing_id = fields.Many2one(
        "sms.gdpr.processing", string="Register Entry", required=True, index=True, ondelete="cascade"
    )
    recipient = fields.Char(string="Recipient", required=True, help="Organisation receiving the data.")
    country_id = fields.Many2one("res.country", string="Country", required=True)
    safeguard = fields.Selection(selections.TRANSFER_SAFEGUARD, string="Safeguard", required=True)
    documentation_url = fields.Char(
        string="Documentation", help="Link to the signed clauses, the decision or the rules that apply."
    )
