from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from . import selections


class SmsGdprProcessing(models.Model):
    """An entry of the GDPR art. 30(1) record of processing activities.

    Contains every section the article requires: controller and DPO, purposes,
    legal basis, data subjects, data categories with their retention, sensitive
    data, recipients, processors, transfers outside the EU with their
    safeguards and security measures. Every campaign names the entry it runs
    under, so that the register shows which campaigns were carried out for
    each purpose. Managers edit the register and export it; users read it.
    """

    _name = "sms.gdpr.processing"
    _description = "Processing Register Entry"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    reference = fields.Char(
        string="Reference", tracking=True, help="Your own number for this activity, e.g. REG-01."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        help="Leave empty to share the entry between companies.",
    )
    controller_id = fields.Many2one(
        "res.partner",
        string="Controller",
        default=lambda self: self.env.company.partner_id,
        tracking=True,
        help="Organisation that decides why and how the data is processed; its address, phone and "
        "email are printed in the register.",
    )
    dpo_id = fields.Many2one(
        "res.partner",
        string="Data Protection Officer",
        tracking=True,
        help="DPO, or the person in charge of data protection when no DPO is designated. Their "
        "contact details are printed in the register.",
    )
    purpose = fields.Text(
        string="Main Purpose", required=True, translate=True, tracking=True, help="Why the data is processed."
    )
    sub_purposes = fields.Text(
        string="Sub-purposes", translate=True, help="Detailed purposes, one per line."
    )
    legal_basis = fields.Selection(
        selections.PROCESSING_LEGAL_BASIS,
        string="Legal Basis",
        required=True,
        default="legitimate_interest",
        tracking=True,
        help="GDPR art. 6(1) basis that makes the processing lawful.",
    )
    legal_basis_detail = fields.Text(
        string="Legal Basis Details",
        translate=True,
        help="Texts and reasoning behind the legal basis, e.g. the balancing test of a legitimate interest.",
    )
    data_subject_categories = fields.Text(
        string="Data Subjects",
        translate=True,
        help="Categories of people whose data is processed, e.g. business prospects, customers' contact persons.",
    )
    data_line_ids = fields.One2many(
        "sms.gdpr.processing.data", "processing_id", string="Data Categories", copy=True
    )
    sensitive_data = fields.Boolean(
        string="Sensitive Data",
        tracking=True,
        help="The processing includes data of GDPR art. 9 or 10: health, opinions, union membership, "
        "offences, biometric data and the like.",
    )
    sensitive_data_description = fields.Text(
        string="Sensitive Data Description",
        translate=True,
        help="Which sensitive data is processed and under which exception of art. 9(2).",
    )
    recipients = fields.Text(
        string="Recipients",
        translate=True,
        help="Internal departments and external organisations that receive the data.",
    )
    processor_ids = fields.Many2many(
        "res.partner",
        "sms_gdpr_processing_processor_rel",
        "processing_id",
        "partner_id",
        string="Processors",
        help="Companies processing the data on your behalf, such as the SMS provider.",
    )
    processor_details = fields.Text(
        string="Processor Details", translate=True, help="What each processor does with the data."
    )
    transfer_outside_eu = fields.Boolean(
        string="Transfers Outside the EU",
        tracking=True,
        help="Data is sent to a country outside the European Economic Area.",
    )
    transfer_line_ids = fields.One2many(
        "sms.gdpr.processing.transfer", "processing_id", string="Transfers", copy=True
    )
    security_measures = fields.Text(
        string="Security Measures",
        translate=True,
        help="Technical and organisational measures protecting the data (GDPR art. 32).",
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

    @api.constrains("sensitive_data", "sensitive_data_description")
    def _check_sensitive_data_description(self):
        for entry in self:
            if entry.sensitive_data and not (entry.sensitive_data_description or "").strip():
                raise ValidationError(_(
                    "The entry “%(name)s” is marked as processing sensitive data but does not say which. "
                    "Describe the sensitive data and its art. 9(2) exception, or untick Sensitive Data.",
                    name=entry.name,
                ))

    @api.constrains("transfer_outside_eu", "transfer_line_ids")
    def _check_transfer_lines(self):
        for entry in self:
            if entry.transfer_outside_eu and not entry.transfer_line_ids:
                raise ValidationError(_(
                    "The entry “%(name)s” declares transfers outside the EU but lists none. Add each "
                    "recipient with its country and safeguard, or untick Transfers Outside the EU.",
                    name=entry.name,
                ))

    def action_view_campaigns(self):
        """Open the campaigns run under this entry."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sms_gdpr_b2b.sms_gdpr_campaign_action")
        action["domain"] = [("processing_id", "=", self.id)]
        action["context"] = {"default_processing_id": self.id}
        return action

    def _log_export(self, file_format, file_name=None):
        """Write an "export" audit event on each entry exported."""
        self.env["sms.gdpr.event"]._log(
            "export", self, new_value=file_format,
            details={"format": file_format, "file": file_name, "entries": self.ids},
        )

    def action_open_export(self):
        """Open the export wizard for these entries."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Export the Processing Register"),
            "res_model": "sms.gdpr.register.export",
            "view_mode": "form",
            "target": "new",
            "context": {"default_processing_ids": self.ids},
        }
