import base64
from datetime import datetime

from odoo.tests import tagged

from .common import SmsGdprCase


@tagged("post_install", "-at_install")
class TestContactMerge(SmsGdprCase):

    def _attachment(self, name):
        return self.env["ir.attachment"].create({"name": name, "datas": base64.b64encode(name.encode())})

    def _merge(self, partners, survivor):
        self.env["base.partner.merge.automatic.wizard"]._merge(partners.ids, dst_partner=survivor)

    def _merge_event(self, record):
        return self.env["sms.gdpr.event"].search([
            ("res_model", "=", record._name), ("res_id", "=", record.id), ("event_type", "=", "merged"),
        ])

    def _pair(self):
        opted_out = self._partner(
            "Claire Martin", "06 12 34 56 01",
            sms_gdpr_opt_out=True, sms_gdpr_opt_out_channel="sms_reply",
            sms_gdpr_opt_out_date=datetime(2026, 2, 1, 10, 0),
            sms_gdpr_consent_proof="Opposition reçue par SMS",
            sms_gdpr_consent_attachment_ids=[(6, 0, self._attachment("stop.png").ids)],
        )
        consenting = self._partner(
            "Claire MARTIN", "06 12 34 56 02",
            sms_gdpr_legal_basis="consent", sms_gdpr_consent_date=datetime(2026, 1, 5, 8, 0),
            sms_gdpr_consent_proof="Formulaire signé au salon",
            sms_gdpr_consent_proof_url="https://ex.fr/salon",
            sms_gdpr_consent_attachment_ids=[(6, 0, self._attachment("formulaire.pdf").ids)],
        )
        return opted_out, consenting

    def test_opted_out_contact_survives(self):
        opted_out, consenting = self._pair()
        self._merge(opted_out | consenting, opted_out)
        self.assertFalse(consenting.exists())
        self.assertTrue(opted_out.sms_gdpr_opt_out)
        self.assertEqual(opted_out.sms_gdpr_opt_out_channel, "sms_reply")
        self.assertIn("Formulaire signé au salon", opted_out.sms_gdpr_consent_proof)
        self.assertIn("Opposition reçue par SMS", opted_out.sms_gdpr_consent_proof)
        self.assertEqual(opted_out.sms_gdpr_consent_proof_url, "https://ex.fr/salon")
        self.assertEqual(sorted(opted_out.sms_gdpr_consent_attachment_ids.mapped("name")), ["formulaire.pdf", "stop.png"])
        self.assertFalse(opted_out.sms_gdpr_eligible)

    def test_opted_out_contact_merged_away(self):
        opted_out, consenting = self._pair()
        self._merge(opted_out | consenting, consenting)
        self.assertFalse(opted_out.exists())
        self.assertTrue(consenting.sms_gdpr_opt_out, "the opt-out of the removed contact is kept")
        self.assertEqual(consenting.sms_gdpr_opt_out_channel, "sms_reply")
        self.assertEqual(consenting.sms_gdpr_opt_out_date, datetime(2026, 2, 1, 10, 0))
        self.assertTrue(consenting.sms_gdpr_blacklisted, "the surviving number is blacklisted too")
        self.assertEqual(consenting.sms_gdpr_legal_basis, "consent")
        self.assertIn("Opposition reçue par SMS", consenting.sms_gdpr_consent_proof)
        self.assertEqual(sorted(consenting.sms_gdpr_consent_attachment_ids.mapped("name")), ["formulaire.pdf", "stop.png"])
        self.assertFalse(consenting.sms_gdpr_eligible)

    def test_merge_logged_with_old_and_new_state(self):
        opted_out, consenting = self._pair()
        self._merge(opted_out | consenting, consenting)
        event = self._merge_event(consenting)
        self.assertEqual(len(event), 1)
        self.assertIn("Claire Martin", event.old_value)
        self.assertIn(f"res.partner,{opted_out.id}", event.details)
        self.assertIn("2026-02-01", event.new_value)
        self.assertEqual(event.user_id, self.env.user)
        self.assertIn("opt_out_set", self.env["sms.gdpr.event"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", consenting.id)]).mapped("event_type"))

    def test_personal_number_kind_wins(self):
        personal = self._partner("A", "06 12 34 56 01", sms_gdpr_number_kind="personal")
        professional = self._partner("B", "06 12 34 56 02", sms_gdpr_number_kind="professional")
        self._merge(personal | professional, professional)
        self.assertEqual(professional.sms_gdpr_number_kind, "personal")
        self.assertTrue(professional.sms_gdpr_interest_flagged)


@tagged("post_install", "-at_install")
class TestLeadMerge(SmsGdprCase):

    def _pair(self):
        opted_out = self._lead("Claire opted out", "06 12 34 56 01", sms_gdpr_opt_out=True,
                               sms_gdpr_opt_out_channel="email", sms_gdpr_consent_proof="Email du 3 février")
        other = self._lead("Claire", "06 12 34 56 02", sms_gdpr_consent_proof="Rencontrée au salon",
                           sms_gdpr_collection_date="2025-06-01")
        return opted_out, other

    def test_opted_out_lead_survives(self):
        opted_out, other = self._pair()
        opted_out.write({"type": "opportunity", "probability": 80})
        other.write({"type": "lead", "probability": 10})
        result = (opted_out | other).merge_opportunity()
        self.assertEqual(result, opted_out)
        self.assertFalse(other.exists())
        self.assertTrue(result.sms_gdpr_opt_out)
        self.assertEqual(result.sms_gdpr_opt_out_channel, "email")
        self.assertIn("Rencontrée au salon", result.sms_gdpr_consent_proof)
        self.assertEqual(str(result.sms_gdpr_collection_date), "2025-06-01")

    def test_opted_out_lead_merged_away(self):
        opted_out, other = self._pair()
        other.write({"type": "opportunity", "probability": 80})
        opted_out.write({"type": "lead", "probability": 10})
        result = (opted_out | other).merge_opportunity()
        self.assertEqual(result, other)
        self.assertFalse(opted_out.exists())
        self.assertTrue(result.sms_gdpr_opt_out, "the opt-out of the removed lead is kept")
        self.assertEqual(result.sms_gdpr_opt_out_channel, "email")
        self.assertTrue(result.sms_gdpr_blacklisted)
        self.assertIn("Email du 3 février", result.sms_gdpr_consent_proof)
        event = self.env["sms.gdpr.event"].search([
            ("res_model", "=", "crm.lead"), ("res_id", "=", result.id), ("event_type", "=", "merged"),
        ])
        self.assertIn("Claire opted out", event.old_value)

    def test_merge_wizard_keeps_opt_out(self):
        opted_out, other = self._pair()
        other.write({"type": "opportunity", "probability": 80})
        wizard = self.env["crm.merge.opportunity"].with_context(
            active_model="crm.lead", active_ids=(opted_out | other).ids,
        ).create({})
        wizard.action_merge()
        self.assertTrue(other.sms_gdpr_opt_out)
