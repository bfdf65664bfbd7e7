import base64
import json

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SmsGdprCase


@tagged("post_install", "-at_install")
class TestConsentProvenance(SmsGdprCase):

    def _events(self, record, event_type):
        return self.env["sms.gdpr.event"].search([
            ("res_model", "=", record._name), ("res_id", "=", record.id), ("event_type", "=", event_type),
        ], order="sequence")

    def _attachment(self, name, content=b"signed form"):
        return self.env["ir.attachment"].create({"name": name, "datas": base64.b64encode(content)})

    def test_proof_fields_stored(self):
        provider = self.env["res.partner"].create({"name": "Listes Pro SAS", "is_company": True})
        partner = self._partner(
            "Claire", "06 12 34 56 01",
            sms_gdpr_legal_basis="consent",
            sms_gdpr_consent_date=fields.Datetime.now(),
            sms_gdpr_consent_wording="J'accepte de recevoir des offres par SMS (formulaire v3)",
            sms_gdpr_consent_channel="web_form",
            sms_gdpr_consent_proof_url="https://ex.fr/contact",
            sms_gdpr_consent_proof_ip="203.0.113.7",
            sms_gdpr_data_source="rented_list",
            sms_gdpr_list_provider_id=provider.id,
            sms_gdpr_number_kind="professional",
            sms_gdpr_interest_justification="Purchasing manager: office furniture offers",
        )
        self.assertEqual(partner.sms_gdpr_consent_channel, "web_form")
        self.assertEqual(partner.sms_gdpr_list_provider_id, provider)
        self.assertTrue(partner.sms_gdpr_eligible)

    def test_invalid_ip_rejected(self):
        partner = self._partner("Claire", "06 12 34 56 01")
        for value in ("203.0.113", "not an ip", "300.1.1.1"):
            with self.subTest(value=value), self.assertRaises(ValidationError) as caught:
                partner.sms_gdpr_consent_proof_ip = value
                partner.flush_recordset()
            self.assertIn(value, str(caught.exception))
        partner.sms_gdpr_consent_proof_ip = "2001:db8::1"
        partner.flush_recordset()

    def test_invalid_url_rejected(self):
        lead = self._lead("Claire", "06 12 34 56 01")
        with self.assertRaises(ValidationError) as caught:
            lead.sms_gdpr_consent_proof_url = "ex.fr/form"
            lead.flush_recordset()
        self.assertIn("https://", str(caught.exception))

    def test_personal_number_flagged(self):
        partner = self._partner("Claire", "06 12 34 56 01", sms_gdpr_number_kind="personal")
        self.assertTrue(partner.sms_gdpr_interest_flagged)
        self.assertEqual(partner.sms_gdpr_exclusion_reason, "interest_not_professional")
        self.assertFalse(partner.sms_gdpr_eligible)
        partner.write({"sms_gdpr_legal_basis": "consent", "sms_gdpr_consent_date": fields.Datetime.now()})
        self.assertFalse(partner.sms_gdpr_interest_flagged, "consent makes a personal number usable")
        self.assertTrue(partner.sms_gdpr_eligible)

    def test_generic_number_not_flagged(self):
        partner = self._partner("Standard", "06 12 34 56 01", sms_gdpr_number_kind="generic")
        self.assertFalse(partner.sms_gdpr_interest_flagged)
        self.assertTrue(partner.sms_gdpr_eligible)

    def test_contact_without_company_or_job_flagged(self):
        partner = self._partner("Claire", "06 12 34 56 01", function=False)
        self.assertTrue(partner.sms_gdpr_interest_flagged)
        self.assertEqual(partner.sms_gdpr_exclusion_reason, "interest_not_professional")
        company = self.env["res.partner"].create({"name": "Meubles Durand SARL", "is_company": True})
        partner.parent_id = company
        self.assertFalse(partner.sms_gdpr_interest_flagged, "a contact of a company has a professional context")
        partner.write({"parent_id": False, "function": "Office manager"})
        self.assertFalse(partner.sms_gdpr_interest_flagged)

    def test_lead_company_name_is_context(self):
        lead = self._lead("Claire", "06 12 34 56 01", function=False)
        self.assertTrue(lead.sms_gdpr_interest_flagged)
        lead.partner_name = "Meubles Durand SARL"
        self.assertFalse(lead.sms_gdpr_interest_flagged)

    def test_flag_filter_finds_records(self):
        flagged = self._partner("Perso", "06 12 34 56 01", sms_gdpr_number_kind="personal")
        fine = self._partner("Pro", "06 12 34 56 02", sms_gdpr_number_kind="professional")
        found = self.env["res.partner"].search([("sms_gdpr_interest_flagged", "=", True)])
        self.assertIn(flagged, found)
        self.assertNotIn(fine, found)
        flagged_lead = self._lead("Perso", "06 12 34 56 03", function=False)
        self.assertIn(flagged_lead, self.env["crm.lead"].search([("sms_gdpr_interest_flagged", "=", True)]))

    def test_flagged_record_excluded_from_campaign(self):
        flagged = self._lead("Perso", "06 12 34 56 01", sms_gdpr_number_kind="personal")
        fine = self._lead("Pro", "06 12 34 56 02")
        wizard = self._wizard_form(flagged | fine).save()
        wizard.action_to_audience()
        line = wizard.recipient_ids.filtered(lambda line: line.lead_id == flagged)
        self.assertEqual(line.reason, "interest_not_professional")
        self.assertEqual(wizard.recipient_ids.filtered(lambda line: line.lead_id == fine).decision, "include")

    def test_form_shows_flag_warning_and_filter(self):
        for model in ("res.partner", "crm.lead"):
            with self.subTest(model=model):
                arch = self.env[model].get_view(view_type="form")["arch"]
                self.assertIn("sms_gdpr_interest_warning", arch)
                self.assertIn("sms_gdpr_consent_attachment_ids", arch)
                search_arch = self.env[model].get_view(view_type="search")["arch"]
                self.assertIn("sms_gdpr_interest_flagged", search_arch)

    def test_proof_changes_logged(self):
        partner = self._partner("Claire", "06 12 34 56 01", sms_gdpr_consent_proof_url="https://ex.fr/v1")
        created = self._events(partner, "consent_proof_changed")
        self.assertEqual(len(created), 1)
        self.assertEqual(created.new_value, "https://ex.fr/v1")
        partner.sms_gdpr_consent_proof_url = "https://ex.fr/v2"
        event = self._events(partner, "consent_proof_changed")[-1]
        self.assertEqual((event.old_value, event.new_value), ("https://ex.fr/v1", "https://ex.fr/v2"))
        self.assertIn("sms_gdpr_consent_proof_url", event.details)
        self.assertEqual(event.user_id, self.env.user)
        self.assertTrue(event.date)

    def test_attachment_and_provenance_changes_logged(self):
        partner = self._partner("Claire", "06 12 34 56 01")
        attachment = self._attachment("formulaire.pdf")
        partner.write({"sms_gdpr_consent_attachment_ids": [(4, attachment.id)], "sms_gdpr_number_kind": "generic"})
        proof_event = self._events(partner, "consent_proof_changed")[-1]
        self.assertIn("formulaire.pdf", proof_event.new_value)
        self.assertFalse(proof_event.old_value)
        kind_event = self._events(partner, "provenance_changed").filtered(lambda e: "number_kind" in e.details)
        self.assertEqual(kind_event.new_value, "generic")

    def test_uploaded_proof_attached_to_record(self):
        attachment = self._attachment("capture.png")
        lead = self._lead("Claire", "06 12 34 56 01", sms_gdpr_consent_attachment_ids=[(6, 0, attachment.ids)])
        self.assertEqual((attachment.res_model, attachment.res_id), ("crm.lead", lead.id))

    def test_creation_logs_one_event_per_kind(self):
        lead = self._lead(
            "Claire", "06 12 34 56 01",
            sms_gdpr_consent_wording="Formulaire v3",
            sms_gdpr_consent_channel="web_form",
            sms_gdpr_consent_proof_ip="203.0.113.7",
            sms_gdpr_number_kind="professional",
        )
        proof_event = self._events(lead, "consent_proof_changed")
        self.assertEqual(len(proof_event), 1)
        new_values = json.loads(proof_event.new_value)
        self.assertEqual(new_values["sms_gdpr_consent_proof_ip"], "203.0.113.7")
        self.assertEqual(new_values["sms_gdpr_consent_channel"], "web_form")
        self.assertFalse(json.loads(proof_event.old_value)["sms_gdpr_consent_wording"])
        provenance_event = self._events(lead, "provenance_changed")
        self.assertEqual(len(provenance_event), 1)
        self.assertEqual(json.loads(provenance_event.new_value)["sms_gdpr_number_kind"], "professional")
