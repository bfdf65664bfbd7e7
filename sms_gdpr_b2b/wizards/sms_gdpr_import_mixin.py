import base64
import csv
import hashlib
import io
from urllib.parse import quote

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..compliance.errors import ComplianceError
from ..compliance.export import escape_csv_formula
from ..compliance.tables import empty_file_error
from ..models.sms_gdpr_messages import import_file_error_message, import_reason_message

STATES = [
    ("upload", "Upload"),
    ("checked", "Checked"),
    ("done", "Done"),
]

# Report lines written per create() call.
LINE_CHUNK_SIZE = 5000


class SmsGdprImportMixin(models.AbstractModel):
    """Upload, report and audit shared by the lead-list and STOP-list imports.

    The file is read again on every check and on the import itself, so the
    report always matches what was imported. Each row of the file becomes one
    ``sms.gdpr.import.line`` with its line number, decision and reasons, and
    the report can be downloaded as CSV.
    """

    _name = "sms.gdpr.import.mixin"
    _description = "SMS Compliance File Import"

    state = fields.Selection(STATES, default="upload", required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    file = fields.Binary(string="File", attachment=False, help="CSV (any separator, UTF-8 or Windows-1252) or XLSX.")
    filename = fields.Char(string="File Name")
    file_summary = fields.Char(string="File Read As", readonly=True)
    report_file = fields.Binary(string="Report File", attachment=False, readonly=True)
    report_filename = fields.Char(string="Report File Name", readonly=True)

    @api.onchange("file")
    def _onchange_file(self):
        self.state = "upload"

    def _file_data(self):
        """Return the uploaded file's bytes, or raise when no file is chosen or the file is empty."""
        self.ensure_one()
        if not self.file and self.filename:
            # The web client stores an empty upload as no file, but keeps its name.
            raise self._file_error(empty_file_error(self.filename))
        if not self.file:
            raise UserError(self.env._("Choose the file to import first."))
        return base64.b64decode(self.file)

    def _file_error(self, error: ComplianceError):
        """Return a UserError with the translated sentence of a file the core could not read."""
        return UserError(import_file_error_message(self.env, error))

    def _file_summary(self, table):
        if table.format == "xlsx":
            return self.env._("XLSX workbook, first sheet")
        separators = {";": ";", ",": ",", "\t": self.env._("tab"), "|": "|"}
        return self.env._(
            "CSV, encoding %(encoding)s, separator %(separator)s",
            encoding=table.encoding,
            separator=separators.get(table.delimiter, table.delimiter),
        )

    def _line_vals(self, row):
        """Return the report line values shared by every kind of row: line, decision and translated reasons."""
        return {
            "line_number": row.line,
            "decision": row.decision,
            "reason_codes": ",".join(reason.code for reason in row.reasons) or False,
            "reasons": "\n".join(import_reason_message(self.env, reason) for reason in row.reasons) or False,
        }

    def _replace_lines(self, vals_list):
        """Replace the report lines by ``vals_list``, created in chunks."""
        self.ensure_one()
        self.line_ids.unlink()
        Line = self.env["sms.gdpr.import.line"]
        for start in range(0, len(vals_list), LINE_CHUNK_SIZE):
            Line.create(vals_list[start:start + LINE_CHUNK_SIZE])

    def _decision_counts(self):
        """Return ``{decision: number of report lines}``."""
        self.ensure_one()
        groups = self.env["sms.gdpr.import.line"]._read_group(
            [(self._line_inverse_name(), "=", self.id)], ["decision"], ["__count"]
        )
        return dict(groups)

    def _line_inverse_name(self):
        """Return the field of ``sms.gdpr.import.line`` pointing to this kind of import."""
        raise NotImplementedError

    def _write_report(self):
        """Store the report lines as a CSV file (UTF-8 with BOM and ";", as French Excel opens it).

        Cells that a spreadsheet would run as a formula get a leading single quote, because they
        come from the imported file. The leads keep the values as written.
        """
        self.ensure_one()
        decisions = dict(self.line_ids._fields["decision"]._description_selection(self.env))
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([
            self.env._("Line"), self.env._("Name"), self.env._("Number in File"),
            self.env._("Normalised Number"), self.env._("Decision"), self.env._("Reasons"),
        ])
        for line in self.line_ids:
            cells = [
                line.line_number, line.name, line.raw_number, line.e164,
                decisions.get(line.decision, line.decision), (line.reasons or "").replace("\n", " | "),
            ]
            writer.writerow([escape_csv_formula(cell) for cell in cells])
        stem = (self.filename or "import").rsplit(".", 1)[0]
        self.report_file = base64.b64encode(("\ufeff" + buffer.getvalue()).encode("utf-8"))
        self.report_filename = self.env._("%(file)s - report.csv", file=stem)

    def _file_fingerprint(self, data):
        """Return the SHA-256 of the imported file, kept in the audit log as proof of which file was read."""
        return hashlib.sha256(data).hexdigest()

    def action_download_report(self):
        """Download the report of the last check or import as CSV."""
        self.ensure_one()
        if not self.report_file:
            raise UserError(self.env._("There is no report yet. Check or import the file first."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/report_file/{quote(self.report_filename)}?download=true",
            "target": "self",
        }

    def _reopen(self):
        """Return the action that shows this wizard again, at its current step."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            # The model's name as stored in ir.model is translated, unlike _description.
            "name": self.env["ir.model"]._get(self._name).name,
        }
