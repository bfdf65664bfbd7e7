import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .register_layout import build_register, write_ods, write_xlsx

FILE_WRITERS = {
    "xlsx": write_xlsx,
    "ods": write_ods,
}


class SmsGdprRegisterExport(models.TransientModel):
    """Export of processing register entries as XLSX, ODS or PDF, for managers.

    Each export writes an "export" audit event on every entry it contains.
    """

    _name = "sms.gdpr.register.export"
    _description = "Processing Register Export"

    processing_ids = fields.Many2many(
        "sms.gdpr.processing",
        string="Register Entries",
        default=lambda self: self._default_processing_ids(),
        help="Entries to export. All active entries when opened from the menu.",
    )
    file_format = fields.Selection(
        [("xlsx", "Excel (XLSX)"), ("ods", "OpenDocument (ODS)"), ("pdf", "PDF")],
        string="Format",
        required=True,
        default="xlsx",
    )
    file_data = fields.Binary(string="File", readonly=True, attachment=False)
    file_name = fields.Char(string="File Name", readonly=True)

    @api.model
    def _default_processing_ids(self):
        if self.env.context.get("active_model") == "sms.gdpr.processing" and self.env.context.get("active_ids"):
            return self.env["sms.gdpr.processing"].browse(self.env.context["active_ids"])
        return self.env["sms.gdpr.processing"].search([])

    def action_export(self):
        """Build the file of the selected entries, log the export and download it."""
        self.ensure_one()
        if not self.processing_ids:
            raise UserError(_("Select at least one register entry to export."))
        entries = self.processing_ids.sorted()
        if self.file_format == "pdf":
            return self.env.ref("sms_gdpr_b2b.sms_gdpr_processing_report").report_action(entries)
        content = FILE_WRITERS[self.file_format](build_register(self.env, entries))
        file_name = _("Processing register %(date)s.%(extension)s",
                      date=fields.Date.context_today(self), extension=self.file_format)
        self.write({"file_data": base64.b64encode(content), "file_name": file_name})
        entries._log_export(self.file_format, file_name)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file_data/{file_name}?download=true",
            "target": "self",
        }
