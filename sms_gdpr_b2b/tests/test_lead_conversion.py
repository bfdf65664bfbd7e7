import base64
from datetime import datetime

from odoo.tests import Form, tagged

from .common import SmsGdprCase


@tagged("post_install", "-at_install")
class TestLeadConversion(SmsGdprCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["res.partner"].create({"name": "Listes Pro SAS", "is_company": True})

    def _full_lead(self, **vals):
        attachment = self.env["ir.attachment"].create({
            "name": "consentement.pdf", "datas": base64.b64encode(b"%PDF signed"),
        })
        return self._lead(
            "Claire Martin", "06 12 34 56 01",
            sms_gdpr_legal_basis="consent",
            sms_gdpr_consent_date=datetime(2026, 1, 10, 9, 30),
            sms_gdpr_consent_wording="Formulaire de contact v3",
            sms_gdpr_consent_channel="web_form",
            sms_gdpr_consent_proof="Case cochée sur le formulaire",
            sms_gdpr_consent_proof_url="https://ex.fr/contact",
            sms_gdpr_consent_proof_ip="203.0.113.7",
            sms_gdpr_consent_attachment_ids=[(6, 0, attachment.ids)],
            sms_gdpr_data_source="rented_list",
            sms_gdpr_data_source_detail="Fichier acheteurs 2026",
            sms_gdpr_list_provider_id=self.provider.id,
            sms_gdpr_collection_date="2026-01-10",
            sms_gdpr_number_kind="professional",
            sms_gdpr_interest_justification="Acheteuse : offre de mobilier",
            **vals,
        )

    def _convert(self, lead, action, partner=None):
        wizard_form = Form(self.env["crm.lead2opportunity.partner"].with_context(
            active_model="crm.lead", active_id=lead.id, active_ids=lead.ids,
        ))
        wizard_form.name = "convert"
        wizard_form.action = action
        if partner:
            wizard_form.partner_id = partner
        wizard_form.save().action_apply()
        return lead.partner_id

    def _events(self, record, event_type):
        return self.env["sms.gdpr.event"].search([
            ("res_model", "=", record._name), ("res_id", "=", record.id), ("event_type", "=", event_type),
        ])

    def test_new_customer_carries_every_field(self):
        lead = self._full_lead()
        partner = self._convert(lead, "create")
        self.assertTrue(partner)
        recorded = self.env["sms.gdpr.compliance.merge"]._recorded_fields("res.partner")
        self.assertIn("sms_gdpr_consent_proof_ip", recorded)
        for fname in recorded:
            if fname == "sms_gdpr_consent_attachment_ids":
                continue
            with self.subTest(field=fname):
                self.assertEqual(partner[fname], lead[fname])
        self.assertEqual(partner.sms_gdpr_e164, "+33612345601")
        self.assertTrue(partner.sms_gdpr_eligible)

    def test_new_customer_gets_proof_file_copies(self):
        lead = self._full_lead()
        partner = self._convert(lead, "create")
        copy = partner.sms_gdpr_consent_attachment_ids
        self.assertEqual(len(copy), 1)
        self.assertNotEqual(copy, lead.sms_gdpr_consent_attachment_ids)
        self.assertEqual((copy.res_model, copy.res_id), ("res.partner", partner.id))
        self.assertEqual(copy.raw, b"%PDF signed")
        lead.unlink()
        self.assertTrue(copy.exists(), "the contact's proof must outlive the lead")

    def test_new_customer_carries_opt_out(self):
        lead = self._full_lead(sms_gdpr_opt_out=True, sms_gdpr_opt_out_channel="email")
        partner = self._convert(lead, "create")
        self.assertTrue(partner.sms_gdpr_opt_out)
        self.assertEqual(partner.sms_gdpr_opt_out_channel, "email")
        self.assertEqual(partner.sms_gdpr_opt_out_date, lead.sms_gdpr_opt_out_date)

    def test_conversion_logged_on_both(self):
        lead = self._full_lead()
        partner = self._convert(lead, "create")
        lead_event = self._events(lead, "converted")
        partner_event = self._events(partner, "converted")
        self.assertEqual(len(lead_event), 1)
        self.assertEqual(len(partner_event), 1)
        self.assertIn(f"res.partner,{partner.id}", lead_event.details)
        self.assertIn("Claire Martin", partner_event.old_value)
        self.assertTrue(self._events(partner, "consent_proof_changed"), "the carried proof is logged on the contact")

    def test_company_created_from_lead_keeps_opt_out(self):
        lead = self._full_lead(partner_name="Meubles Durand SARL", sms_gdpr_opt_out=True)
        partner = self._convert(lead, "create")
        self.assertTrue(partner.parent_id)
        self.assertTrue(partner.parent_id.sms_gdpr_opt_out, "the company record holds the same number")
        self.assertTrue(partner.sms_gdpr_opt_out)

    def test_link_to_opted_out_customer_keeps_opt_out(self):
        customer = self._partner("Claire M.", "06 12 34 56 01", sms_gdpr_opt_out=True, sms_gdpr_opt_out_channel="phone")
        lead = self._full_lead()
        self._convert(lead, "exist", customer)
        self.assertEqual(lead.partner_id, customer)
        self.assertTrue(customer.sms_gdpr_opt_out)
        self.assertEqual(customer.sms_gdpr_opt_out_channel, "phone")
        self.assertEqual(customer.sms_gdpr_legal_basis, "consent", "the lead's consent is the more demanding basis")
        self.assertEqual(customer.sms_gdpr_consent_proof_ip, "203.0.113.7")
        self.assertIn("Case cochée", customer.sms_gdpr_consent_proof)
        self.assertEqual(customer.sms_gdpr_consent_attachment_ids, lead.sms_gdpr_consent_attachment_ids)
        self.assertTrue(lead.sms_gdpr_opt_out, "the customer's opt-out reaches the lead")
        self.assertEqual(self._events(customer, "converted").event_type, "converted")

    def test_link_opted_out_lead_to_customer(self):
        customer = self._partner("Claire M.", "06 12 34 56 09", sms_gdpr_consent_proof="Carte de visite")
        lead = self._full_lead(sms_gdpr_opt_out=True, sms_gdpr_opt_out_channel="sms_reply")
        self._convert(lead, "exist", customer)
        self.assertTrue(customer.sms_gdpr_opt_out)
        self.assertEqual(customer.sms_gdpr_opt_out_channel, "sms_reply")
        self.assertTrue(customer.sms_gdpr_blacklisted, "the customer's own number is blacklisted too")
        self.assertIn("Carte de visite", customer.sms_gdpr_consent_proof)
        self.assertIn("Case cochée", customer.sms_gdpr_consent_proof)
        event = self._events(customer, "converted")
        self.assertIn("Claire Martin", event.old_value)
        self.assertIn("opt-out", event.new_value)
