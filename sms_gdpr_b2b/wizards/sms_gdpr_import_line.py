from odoo import fields, models

from ..models import selections


class SmsGdprImportLine(models.TransientModel):
    """One line of an import report: a row of the imported file, the decision taken on it and why.

    A line belongs to a lead-list import or to a STOP-list import, never to both.
    """

    _name = "sms.gdpr.import.line"
    _description = "SMS Compliance Import Report Line"
    _order = "line_number, id"

    list_import_id = fields.Many2one("sms.gdpr.list.import", ondelete="cascade", index=True)
    stop_list_import_id = fields.Many2one("sms.gdpr.stop.list.import", ondelete="cascade", index=True)
    line_number = fields.Integer(string="Line", help="Line of the row in the file; the header is line 1.")
    name = fields.Char(string="Name")
    raw_number = fields.Char(string="Number in File")
    e164 = fields.Char(string="Normalised Number")
    opt_out_date = fields.Datetime(string="Opt-out Date")
    decision = fields.Selection(selections.IMPORT_DECISION, string="Decision", required=True)
    reason_codes = fields.Char(string="Reason Codes")
    reasons = fields.Text(string="Reasons")
    lead_id = fields.Many2one("crm.lead", string="Lead Created", ondelete="set null")
