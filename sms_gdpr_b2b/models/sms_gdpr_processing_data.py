from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SmsGdprProcessingData(models.Model):
    """A category of personal data of a register entry, with how long it is kept."""

    _name = "sms.gdpr.processing.data"
    _description = "Processing Register Data Category"
    _order = "processing_id, sequence, id"

    processing_id = fields.Many2one(
        "sms.gdpr.processing", string="Register Entry", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Category", required=True, translate=True, help="e.g. Identification, Contact data.")
    description = fields.Text(
        string="Data", translate=True, help="The data items of this category, e.g. last name, first name, job title."
    )
    retention_months = fields.Integer(
        string="Retention (months)", required=True, default=36, help="How long the data is kept, in months."
    )
    retention_start = fields.Char(
        string="Counted From",
        translate=True,
        help="Event the retention period starts from, e.g. the last contact initiated by the person.",
    )

    @api.constrains("retention_months")
    def _check_retention_months(self):
        for line in self:
            if line.retention_months <= 0:
                raise ValidationError(_(
                    "The retention of “%(category)s” is %(months)s months. Enter a period of at least one month.",
                    category=line.name,
                    months=line.retention_months,
                ))
