from odoo import _, api, models
from odoo.exceptions import AccessError

from ..wizards.register_layout import build_register


class ReportSmsGdprProcessing(models.AbstractModel):
    """Values of the processing register PDF: the same sheets as the XLSX and ODS exports."""

    _name = "report.sms_gdpr_b2b.report_processing_register"
    _description = "Processing Register Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not self.env.user.has_group("sms_gdpr_b2b.sms_gdpr_b2b_group_manager"):
            raise AccessError(_("Only SMS compliance managers can export the processing register."))
        entries = self.env["sms.gdpr.processing"].browse(docids).sorted()
        entries._log_export("pdf")
        return {
            "doc_ids": entries.ids,
            "doc_model": "sms.gdpr.processing",
            "docs": entries,
            "company": entries[:1].company_id or self.env.company,
            "sheets": build_register(self.env, entries),
            "table_width": 7,
        }
