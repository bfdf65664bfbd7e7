import base64
import csv
import io
import json
from datetime import datetime

from odoo.tests import tagged

from .common import SmsGdprCase
from .import_common import BINARY_DATA, ImportFileAssertions

# A platform export: ";" separators, French headers, local Paris times, and two unreadable numbers.
STOP_EXPORT = (
    "Numéro;Date de désinscription;Mot-clé\r\n"
    "33612345601;12/03/2026 14:05;STOP\r\n"
    "+33 6 12 34 56 02;2026-03-13 09:30:00;stop merci\r\n"
    "abc;2026-03-13 10:00:00;STOP\r\n"
    "0612345601;2026-03-20 10:00:00;STOP\r\n"
    "06 12 34;2026-03-13 11:00:00;STOP\r\n"
    "+33612345699;31/02/2026;ARRET\r\n"
).encode("cp1252")


@tagged("post_install", "-at_install")
class TestStopListImport(SmsGdprCase, ImportFileAssertions):

    def _wizard(self, data, filename="stop.csv", **vals):
        return self.env["sms.gdpr.stop.list.import"].create({
            "file": base64.b64encode(data),
            "filename": filename,
            "time_zone": "Europe/Paris",
            **vals,
        })

    def _line(self, wizard, number):
        line = wizard.line_ids.filtered(lambda report_line: report_line.line_number == number)
        self.assertEqual(len(line), 1, f"expected one report line {number}")
        return line

    def test_export_opts_out_with_file_dates(self):
        lead = self._lead("Claire", "06 12 34 56 01")
        partner = self._partner("Paul", "06 12 34 56 02")
        wizard = self._wizard(STOP_EXPORT, reference="Platform export")
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertTrue(lead.sms_gdpr_opt_out)
        self.assertEqual(lead.sms_gdpr_opt_out_channel, "stop_list")
        # 14:05 in Paris in March (UTC+1) is 13:05 UTC.
        self.assertEqual(lead.sms_gdpr_opt_out_date, datetime(2026, 3, 12, 13, 5))
        self.assertEqual(partner.sms_gdpr_opt_out_date, datetime(2026, 3, 13, 8, 30))
        self.assertTrue(partner.sms_gdpr_blacklisted)
        self.assertTrue(partner.message_ids.filtered(lambda message: "Platform export" in (message.body or "")))
        blacklisted = self.env["sms.gdpr.compliance.mixin"]._sms_gdpr_blacklisted_numbers(
            ["+33612345601", "+33612345602", "+33612345699"]
        )
        self.assertEqual(blacklisted, {"+33612345601", "+33612345602", "+33612345699"})
        self.assertEqual((wizard.opt_out_count, wizard.skip_count, wizard.reject_count), (3, 1, 2))
        self.assertEqual((wizard.lead_count, wizard.partner_count), (1, 1))

    def test_time_zone_follows_company_country(self):
        self.company.partner_id.tz = False
        self.company.country_id = self.env.ref("base.fr")
        wizard = self.env["sms.gdpr.stop.list.import"].with_company(self.company).create({})
        self.assertEqual(wizard.time_zone, "Europe/Paris")

    def test_unclosed_quote_loses_no_opt_out(self):
        lead = self._lead("Claire", "06 12 34 56 03")
        data = b'Numero;Date\r\n"33612345601;2026-03-12\r\n33612345603;2026-03-13\r\n'
        wizard = self._wizard(data)
        wizard.action_import()
        self.assertTrue(lead.sms_gdpr_opt_out, "the number swallowed by the open quote is opted out")
        line = self._line(wizard, 2)
        self.assertEqual(line.reason_codes, "unclosed_quote_stop")
        self.assertIn("Close the quote", line.reasons)

    def test_unparsable_numbers_reported(self):
        wizard = self._wizard(STOP_EXPORT)
        wizard.action_import()
        expected = {
            2: ("opt_out", False),
            3: ("opt_out", False),
            4: ("reject", "unparsable_number"),
            5: ("skip", "duplicate_in_file"),
            6: ("reject", "unparsable_number"),
            7: ("opt_out", "invalid_stop_date"),
        }
        for number, (decision, codes) in expected.items():
            line = self._line(wizard, number)
            with self.subTest(line=number):
                self.assertEqual(line.decision, decision, line.reasons)
                self.assertEqual(line.reason_codes, codes, line.reasons)
        self.assertIn("abc", self._line(wizard, 4).reasons)
        self.assertEqual(self._line(wizard, 2).e164, "+33612345601")
        self.assertEqual(self._line(wizard, 2).opt_out_date, datetime(2026, 3, 12, 13, 5))

    def test_headerless_list(self):
        wizard = self._wizard(b"+33612345601\n0033612345602\nnot a number\n")
        wizard.action_import()
        self.assertEqual(wizard.line_ids.mapped("decision"), ["opt_out", "opt_out", "reject"])
        self.assertEqual(wizard.line_ids.mapped("line_number"), [1, 2, 3])

    def test_pending_campaign_lines_stopped(self):
        lead = self._lead("Claire", "06 12 34 56 01")
        other = self._lead("Paul", "06 12 34 56 02")
        campaign = self._confirm_campaign(lead | other)
        wizard = self._wizard(b"Number\n+33612345601\n")
        wizard.action_import()
        stopped = campaign.recipient_ids.filtered(lambda line: line.lead_id == lead)
        self.assertEqual(stopped.state, "opted_out")
        self.assertEqual(campaign.recipient_ids.filtered(lambda line: line.lead_id == other).state, "scheduled")
        self.assertEqual(wizard.recipient_count, 1)

    def test_stop_then_list_import_skips(self):
        self._wizard(b"Number\n+33612345601\n").action_import()
        lead_import = self.env["sms.gdpr.list.import"].create({
            "file": base64.b64encode("Nom;Portable\r\nMartin;06 12 34 56 01\r\n".encode("cp1252")),
            "filename": "list.csv",
            "default_legal_basis": "legitimate_interest",
            "default_data_source": "event",
            "default_collection_date": "2026-03-01",
        })
        lead_import.action_import()
        self.assertEqual(lead_import.line_ids.reason_codes, "blacklisted,country_assumed")
        self.assertFalse(lead_import.lead_ids)

    def test_already_blacklisted_noted(self):
        self.env["phone.blacklist"].sudo()._add(["+33612345601"])
        wizard = self._wizard(b"Number\n+33612345601\n")
        wizard.action_check()
        self.assertEqual(wizard.line_ids.decision, "opt_out")
        self.assertEqual(wizard.line_ids.reason_codes, "already_blacklisted")

    def test_check_changes_nothing(self):
        lead = self._lead("Claire", "06 12 34 56 01")
        wizard = self._wizard(STOP_EXPORT)
        wizard.action_check()
        self.assertEqual(len(wizard.line_ids), 6)
        self.assertFalse(lead.sms_gdpr_opt_out)
        self.assertFalse(lead.sms_gdpr_blacklisted)

    def test_import_logged_with_dates(self):
        wizard = self._wizard(STOP_EXPORT)
        wizard.action_import()
        event = self.env["sms.gdpr.event"].search([("event_type", "=", "import")], order="sequence desc", limit=1)
        details = json.loads(event.details)
        self.assertEqual(details["kind"], "stop_list")
        self.assertEqual(event.new_value, "3")
        opt_outs = {entry["e164"]: entry for entry in details["opt_outs"]}
        self.assertEqual(opt_outs["+33612345601"]["date"], "2026-03-12 13:05:00")
        self.assertEqual(opt_outs["+33612345601"]["file_channel"], "STOP")
        self.assertEqual(details["decisions"], {"opt_out": 3, "skip": 1, "reject": 2})

    def test_huge_cells(self):
        claire = self._lead("Claire", "06 12 34 56 01")
        paul = self._lead("Paul", "06 12 34 56 02")
        data = (
            f"Numéro;Date;Mot-clé\r\n+33612345601;2026-03-12;{'STOP ' * 400_000}\r\n"
            f"{'0' * 5000};;STOP\r\n+33612345602;;STOP\r\n"
        )
        wizard = self._wizard(data.encode("utf-8"))
        wizard.action_import()
        huge_channel, huge_number = self._line(wizard, 2), self._line(wizard, 3)
        self.assertEqual((huge_channel.decision, huge_channel.reason_codes), ("opt_out", "long_cell_ignored"))
        self.assertIn("The “Mot-clé” cell has 1999999 characters", huge_channel.reasons)
        self.assertTrue(claire.sms_gdpr_opt_out, "an over-long channel cell lost the opt-out")
        self.assertEqual((huge_number.decision, huge_number.reason_codes), ("reject", "cell_too_long"))
        self.assertLess(len(huge_number.raw_number), 100)
        self.assertTrue(paul.sms_gdpr_opt_out)
        event = self.env["sms.gdpr.event"].search([("event_type", "=", "import")], order="sequence desc", limit=1)
        self.assertLess(len(event.details), 5000, "the audit log carries the huge cell")

    def test_report_csv_escapes_formulas(self):
        wizard = self._wizard(b'Number;Keyword\n+33612345601;STOP\n"=HYPERLINK(""http://evil.example"")";STOP\n')
        wizard.action_check()
        text = base64.b64decode(wizard.report_file).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        self.assertEqual(rows[1][2:4], ["'+33612345601", "'+33612345601"])
        self.assertEqual(rows[2][2], "'=HYPERLINK(\"http://evil.example\")")
        self.assertEqual(self._line(wizard, 3).raw_number, '=HYPERLINK("http://evil.example")')

    def test_empty_and_header_only_files(self):
        cases = [
            (b"", "empty.csv", "The file “empty.csv” is empty"),
            (b"Num\xe9ro;Date de d\xe9sinscription\r\n", "header.csv",
             "The file “header.csv” has a header line but no data rows"),
        ]
        for data, filename, message in cases:
            self.assert_file_rejected(self._wizard(data, filename), message)

    def test_binary_file_rejected(self):
        lead = self._lead("Claire", "06 12 34 56 01")
        wizard = self._wizard(BINARY_DATA + b"\n+33612345601\n", "photo.csv")
        self.assert_file_rejected(wizard, "The file “photo.csv” cannot be read as CSV or XLSX")
        self.assertFalse(lead.sms_gdpr_opt_out)
