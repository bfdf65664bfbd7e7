import logging
from datetime import datetime

import pytz

from odoo import fields, models

from ..compliance.errors import ComplianceError
from ..compliance.lists import summarize
from ..compliance.stop_lists import mark_already_blacklisted, read_stop_list

_logger = logging.getLogger(__name__)

# Time zone of the dates of a STOP list that gives no offset, when neither the user nor the company has one.
DEFAULT_TIME_ZONE = "Europe/Paris"


class SmsGdprStopListImport(models.TransientModel):
    """Import the STOP list an SMS platform exports: every readable number is opted out.

    The numbers go through the one opt-out path of the compliance fields. They
    are blacklisted, and every lead and contact with one of them is opted out
    with the channel "STOP-list import" and the date the file gives. Pending
    campaign lines are stopped. Rows without a readable number are reported.
    """

    _name = "sms.gdpr.stop.list.import"
    _inherit = ["sms.gdpr.import.mixin"]
    _description = "Import a STOP List"

    reference = fields.Char(
        string="Reference",
        help="Where the list comes from, such as the SMS platform and export date. Written in the "
        "chatter note of every contact and lead opted out.",
    )
    time_zone = fields.Selection(
        "_tz_get",
        string="Time Zone of the File",
        default=lambda self: self._default_time_zone(),
        help="Time zone of the dates in the file when they give no offset.",
    )
    line_ids = fields.One2many("sms.gdpr.import.line", "stop_list_import_id", string="Report", readonly=True)
    opt_out_count = fields.Integer(string="Numbers to Opt Out", readonly=True)
    skip_count = fields.Integer(string="Repeated Numbers", readonly=True)
    reject_count = fields.Integer(string="Unreadable Numbers", readonly=True)
    partner_count = fields.Integer(string="Contacts Opted Out", readonly=True)
    lead_count = fields.Integer(string="Leads Opted Out", readonly=True)
    recipient_count = fields.Integer(string="Campaign SMS Stopped", readonly=True)

    def _default_time_zone(self):
        """Return the time zone an SMS platform of the company's country exports its dates in.

        The platform's zone follows the company's country, not the user's, so the
        company's own zone comes first, then the first zone of its country.
        """
        company = self.env.company
        if company.partner_id.tz:
            return company.partner_id.tz
        country_zones = pytz.country_timezones.get(company.country_id.code or "", [])
        return country_zones[0] if country_zones else self.env.user.tz or DEFAULT_TIME_ZONE

    def _tz_get(self):
        return [(zone, zone) for zone in pytz.common_timezones]

    def _line_inverse_name(self):
        return "stop_list_import_id"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_check(self):
        """Read the file without opting anyone out, and show the report."""
        self.ensure_one()
        entries, _data = self._read_entries()
        self._store_report(entries)
        self.state = "checked"
        return self._reopen()

    def action_import(self):
        """Opt out every readable number of the file, with its own date, then show the report."""
        self.ensure_one()
        entries, data = self._read_entries()
        to_opt_out = [entry for entry in entries if entry.decision == "opt_out"]
        dates = self._opt_out_dates(to_opt_out)
        result = self.env["sms.gdpr.compliance.mixin"]._sms_gdpr_opt_out_numbers(
            list(dates), "stop_list", company=self.company_id, note=self._opt_out_note(), dates=dates
        )
        self._store_report(entries, dates)
        self.write({
            "state": "done",
            "partner_count": len(result["partners"]),
            "lead_count": len(result["leads"]),
            "recipient_count": len(result["lines"]),
        })
        self._log_import(entries, data, dates, result)
        return self._reopen()

    def action_back(self):
        """Go back to the upload step, to change the file."""
        self.ensure_one()
        self.state = "upload"
        return self._reopen()

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------

    def _read_entries(self):
        """Return the STOP entries of the file, noting those already blacklisted, and the file's bytes."""
        data = self._file_data()
        try:
            table, entries = read_stop_list(data, self.filename, self._company_country(), now=self._local_now())
        except ComplianceError as error:
            raise self._file_error(error) from error
        numbers = {number for entry in entries for number in entry.numbers}
        mark_already_blacklisted(entries, self.env["sms.gdpr.compliance.mixin"]._sms_gdpr_blacklisted_numbers(numbers))
        self.file_summary = self._file_summary(table)
        return entries, data

    def _company_country(self):
        return self.env["res.partner"].with_company(self.company_id)._sms_gdpr_company_country_code()

    def _local_now(self):
        zone = pytz.timezone(self.time_zone or DEFAULT_TIME_ZONE)
        return datetime.now(zone).replace(tzinfo=None)

    def _opt_out_dates(self, entries):
        """Return ``{e164: naive UTC datetime}``, from the file's date or the current time, first entry winning."""
        zone = pytz.timezone(self.time_zone or DEFAULT_TIME_ZONE)
        now = fields.Datetime.now()
        dates = {}
        for entry in entries:
            date = self._utc(entry.date, zone) if entry.date else now
            for number in entry.numbers:
                dates.setdefault(number, date)
        return dates

    def _utc(self, value, zone):
        aware = value if value.tzinfo else zone.localize(value)
        return aware.astimezone(pytz.utc).replace(tzinfo=None)

    def _opt_out_note(self):
        if self.reference:
            return self.env._(
                "Opt-out imported from the STOP list %(file)s (%(reference)s).",
                file=self.filename or "", reference=self.reference,
            )
        return self.env._("Opt-out imported from the STOP list %(file)s.", file=self.filename or "")

    # ------------------------------------------------------------------
    # Report and audit
    # ------------------------------------------------------------------

    def _store_report(self, entries, dates=None):
        """Replace the report lines and counts by those of ``entries``; ``dates`` are the opt-out dates applied."""
        dates = dates or {}
        vals_list = [
            {
                **self._line_vals(entry),
                "stop_list_import_id": self.id,
                "raw_number": entry.raw or False,
                "e164": ", ".join(entry.numbers) or False,
                "opt_out_date": dates.get(entry.numbers[0]) if entry.numbers else False,
            }
            for entry in entries
        ]
        self._replace_lines(vals_list)
        counts = self._decision_counts()
        self.write({
            "opt_out_count": counts.get("opt_out", 0),
            "skip_count": counts.get("skip", 0),
            "reject_count": counts.get("reject", 0),
        })
        self._write_report()

    def _log_import(self, entries, data, dates, result):
        """Write one audit event with the counts and, as proof, each number opted out with its date and channel."""
        summary = summarize(entries)
        channels = {number: entry.channel for entry in entries for number in entry.numbers if entry.channel}
        self.env["sms.gdpr.event"]._log(
            "import",
            company=self.company_id,
            new_value=len(dates),
            details={
                "kind": "stop_list",
                "file": self.filename,
                "sha256": self._file_fingerprint(data),
                "reference": self.reference or None,
                "rows": summary["rows"],
                "decisions": summary["decisions"],
                "reasons": summary["reasons"],
                "opt_outs": [
                    {"e164": number, "date": date, "channel": "stop_list", "file_channel": channels.get(number)}
                    for number, date in dates.items()
                ],
                "partner_ids": result["partners"].ids,
                "lead_ids": result["leads"].ids,
                "recipient_ids": result["lines"].ids,
            },
        )
        _logger.info(
            "STOP-list import %s: %s rows read, %s numbers opted out, %s unreadable.",
            self.id, summary["rows"], len(dates), summary["decisions"].get("reject", 0),
        )
