import base64
import io

import openpyxl
from odf import teletype
from odf.opendocument import load as load_ods
from odf.table import Table

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SmsGdprCase

DEFAULT_ENTRIES = (
    "sms_gdpr_b2b.sms_gdpr_processing_prospecting",
    "sms_gdpr_b2b.sms_gdpr_processing_opposition",
    "sms_gdpr_b2b.sms_gdpr_processing_rights_requests",
)

# Section titles every activity sheet carries, in the English export.
ENTRY_SECTIONS = (
    "Description",
    "Actors",
    "Purposes",
    "Legal Basis",
    "Categories of data subjects",
    "Categories of personal data",
    "Sensitive Data",
    "Recipients",
    "Processors",
    "Transfers Outside the EU",
    "Security Measures",
    "Campaigns run under this entry",
)


@tagged("post_install", "-at_install")
class TestProcessingRegister(SmsGdprCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, "register_manager", groups="sales_team.group_sale_manager")
        cls.sales_rep = new_test_user(cls.env, "register_rep", groups="sales_team.group_sale_salesman")
        cls.entries = cls.env["sms.gdpr.processing"].browse([cls.env.ref(xmlid).id for xmlid in DEFAULT_ENTRIES])

    def _export(self, file_format, entries=None, user=None):
        wizard = self.env["sms.gdpr.register.export"].with_user(user or self.manager).with_context(
            active_model="sms.gdpr.processing", active_ids=(entries or self.entries).ids,
        ).create({"file_format": file_format})
        action = wizard.action_export()
        return wizard, action

    def _export_events(self, entry):
        return self.env["sms.gdpr.event"].search([
            ("res_model", "=", "sms.gdpr.processing"), ("res_id", "=", entry.id), ("event_type", "=", "export"),
        ])

    def test_default_entries_fully_filled(self):
        text_fields = ("reference", "purpose", "sub_purposes", "legal_basis_detail", "data_subject_categories",
                       "recipients", "processor_details", "security_measures")
        for entry in self.entries:
            with self.subTest(entry=entry.name):
                for fname in text_fields:
                    self.assertTrue(entry[fname], f"{fname} is empty")
                self.assertTrue(entry.controller_id)
                self.assertTrue(entry.dpo_id)
                self.assertTrue(entry.data_line_ids)
                self.assertTrue(all(line.retention_months > 0 for line in entry.data_line_ids))
                self.assertFalse(entry.sensitive_data)
                self.assertFalse(entry.transfer_outside_eu)
        self.assertEqual(self.entries[0].name, "SMS prospecting (B2B)")
        self.assertEqual(self.entries[1:].mapped("legal_basis"), ["legal_obligation", "legal_obligation"])

    def test_sensitive_data_needs_description(self):
        entry = self.entries[0]
        with self.assertRaises(ValidationError):
            entry.sensitive_data = True
        entry.write({"sensitive_data": True, "sensitive_data_description": "Health data: none expected"})
        self.assertTrue(entry.sensitive_data)

    def test_transfer_needs_lines(self):
        entry = self.entries[0]
        with self.assertRaises(ValidationError):
            entry.transfer_outside_eu = True
        entry.write({
            "transfer_outside_eu": True,
            "transfer_line_ids": [(0, 0, {
                "recipient": "SMS Global Ltd", "country_id": self.env.ref("base.us").id,
                "safeguard": "standard_clauses", "documentation_url": "https://ex.com/scc",
            })],
        })
        self.assertEqual(entry.transfer_line_ids.safeguard, "standard_clauses")

    def test_retention_at_least_one_month(self):
        with self.assertRaises(ValidationError) as caught:
            self.entries[0].data_line_ids[0].retention_months = 0
        self.assertIn("at least one month", str(caught.exception))

    def test_campaigns_shown_in_form(self):
        campaign = self._confirm_campaign(self._lead("Claire", "06 12 34 56 01"))
        self.assertIn(campaign, self.processing.campaign_ids)
        entry_form = Form(self.processing)
        self.assertIn(campaign.id, entry_form.campaign_ids.ids)
        arch = self.env["sms.gdpr.processing"].get_view(view_type="form")["arch"]
        self.assertIn('name="campaigns"', arch)

    def test_user_reads_but_cannot_edit_or_export(self):
        entry = self.entries[0].with_user(self.sales_rep)
        self.assertTrue(entry.data_line_ids.mapped("name"))
        with self.assertRaises(AccessError):
            entry.purpose = "Changed"
        with self.assertRaises(AccessError):
            entry.data_line_ids[0].retention_months = 12
        with self.assertRaises(AccessError):
            self._export("xlsx", user=self.sales_rep)
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.sales_rep)._render_qweb_html(
                "sms_gdpr_b2b.sms_gdpr_processing_report", entry.ids)

    def test_manager_edits_register(self):
        entry = self.entries[0].with_user(self.manager)
        entry.write({"data_line_ids": [(0, 0, {"name": "Call notes", "retention_months": 24})]})
        self.assertIn("Call notes", entry.data_line_ids.mapped("name"))

    def test_xlsx_export_follows_template(self):
        campaign = self._confirm_campaign(self._lead("Claire", "06 12 34 56 01"))
        wizard, action = self._export("xlsx")
        self.assertIn("/web/content/sms.gdpr.register.export", action["url"])
        self.assertTrue(wizard.file_name.endswith(".xlsx"))
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        self.assertEqual(workbook.sheetnames[0], "Register")
        self.assertEqual(len(workbook.sheetnames), 1 + len(self.entries))
        self.assertEqual(workbook.sheetnames[1], "REG-01 SMS prospecting (B2B)")
        summary = [cell for row in workbook["Register"].iter_rows(values_only=True) for cell in row if cell]
        for entry in self.entries:
            self.assertIn(entry.name, summary)
        self.assertIn("Record of processing activities", summary)
        sheet = [cell for row in workbook.worksheets[1].iter_rows(values_only=True) for cell in row if cell is not None]
        for section in ENTRY_SECTIONS:
            with self.subTest(section=section):
                self.assertIn(section, sheet)
        self.assertIn("Legal basis and consent proof", sheet)
        self.assertIn(60, sheet, "retention months are numbers")
        self.assertIn(campaign.name, sheet)
        self.assertIn("No transfer outside the EU.", sheet)

    def test_ods_export_follows_template(self):
        wizard, _action = self._export("ods")
        self.assertTrue(wizard.file_name.endswith(".ods"))
        document = load_ods(io.BytesIO(base64.b64decode(wizard.file_data)))
        tables = document.spreadsheet.getElementsByType(Table)
        self.assertEqual([table.getAttribute("name") for table in tables][:2],
                         ["Register", "REG-01 SMS prospecting (B2B)"])
        self.assertEqual(len(tables), 1 + len(self.entries))
        summary_text = teletype.extractText(tables[0])
        for entry in self.entries:
            self.assertIn(entry.name, summary_text)
        opposition_text = teletype.extractText(tables[2])
        for section in ENTRY_SECTIONS:
            with self.subTest(section=section):
                self.assertIn(section, opposition_text)
        self.assertIn("Fingerprint after erasure", opposition_text)

    def test_pdf_report_content(self):
        campaign = self._confirm_campaign(self._lead("Claire", "06 12 34 56 01"))
        html, _report_type = self.env["ir.actions.report"].with_user(self.manager)._render_qweb_html(
            "sms_gdpr_b2b.sms_gdpr_processing_report", self.entries.ids)
        html = html.decode()
        self.assertIn("Record of processing activities", html)
        for section in ENTRY_SECTIONS:
            with self.subTest(section=section):
                self.assertIn(section, html)
        for entry in self.entries:
            self.assertIn(entry.name, html)
        self.assertIn(campaign.name, html)
        self.assertIn("Identity proof", html)
        self.assertEqual(html.count("page-break-before"), len(self.entries))

    def test_pdf_from_wizard_is_report_action(self):
        wizard, action = self._export("pdf")
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], "sms_gdpr_b2b.report_processing_register")

    def test_exports_logged(self):
        self._export("xlsx")
        self._export("ods", entries=self.entries[0])
        self.env["ir.actions.report"].with_user(self.manager)._render_qweb_html(
            "sms_gdpr_b2b.sms_gdpr_processing_report", self.entries[0].ids)
        events = self._export_events(self.entries[0])
        self.assertEqual(sorted(events.mapped("new_value")), ["ods", "pdf", "xlsx"])
        self.assertEqual(events.user_id, self.manager)
        self.assertEqual(len(self._export_events(self.entries[1])), 1)

    def test_sheet_names_unique_and_short(self):
        long_name = "Prospection commerciale par SMS auprès des entreprises clientes"
        twins = self.env["sms.gdpr.processing"].create([
            {"name": long_name, "purpose": "Test"}, {"name": long_name, "purpose": "Test"},
        ])
        wizard, _action = self._export("xlsx", entries=twins)
        names = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data))).sheetnames
        self.assertEqual(len(set(names)), 3)
        self.assertTrue(all(len(name) <= 31 for name in names))
