from datetime import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SmsGdprCase


@tagged("post_install", "-at_install")
class TestComplianceFields(SmsGdprCase):

    def test_french_mobile_normalised(self):
        partner = self._partner("Claire Martin", "06 12 34 56 78")
        self.assertEqual(partner.sms_gdpr_e164, "+33612345678")
        self.assertEqual(partner.sms_gdpr_number_status, "valid")
        self.assertEqual(partner.sms_gdpr_number_type, "mobile")
        self.assertEqual(partner.sms_gdpr_number_region, "FR")
        self.assertEqual(partner.sms_gdpr_time_zone, "Europe/Paris")
        self.assertFalse(partner.sms_gdpr_country_assumed)

    def test_belgian_contact_keeps_own_country(self):
        partner = self._partner("Hugo Bernard", "0470 12 34 56", country_id=self.belgium.id)
        self.assertEqual(partner.sms_gdpr_e164, "+32470123456")
        self.assertEqual(partner.sms_gdpr_number_type, "mobile")
        self.assertEqual(partner.sms_gdpr_time_zone, "Europe/Brussels")

    def test_no_country_is_assumed_and_flagged(self):
        partner = self._partner("Sans Pays", "0470 12 34 56", country_id=False)
        self.assertEqual(partner.sms_gdpr_e164, "+33470123456")
        self.assertTrue(partner.sms_gdpr_country_assumed, "a national number without country must be flagged")
        self.assertEqual(partner.sms_gdpr_exclusion_reason, "not_mobile")

    def test_reunion_mobile_in_national_format(self):
        lead = self._lead("Jules Moreau", "0692 12 34 56")
        self.assertEqual(lead.sms_gdpr_e164, "+262692123456")
        self.assertEqual(lead.sms_gdpr_time_zone, "Indian/Reunion")

    def test_phone_used_when_mobile_empty(self):
        lead = self._lead("Fixe Seulement", False, phone="01 99 00 12 34")
        self.assertEqual(lead.sms_gdpr_e164, "+33199001234")
        self.assertEqual(lead.sms_gdpr_exclusion_reason, "not_mobile")

    def test_number_recomputed_on_change(self):
        partner = self._partner("Change", "06 12 34 56 78")
        partner.mobile = "+32 469 12 45 78"
        self.assertEqual(partner.sms_gdpr_e164, "+32469124578")
        self.assertEqual(partner.sms_gdpr_number_region, "BE")

    def test_exclusion_reasons(self):
        cases = [
            ({"mobile": False}, "no_number"),
            ({"mobile": "n/a"}, "invalid_number"),
            ({"mobile": "01 99 00 12 34"}, "not_mobile"),
            ({"sms_gdpr_legal_basis": "none"}, "no_legal_basis"),
            ({"sms_gdpr_legal_basis": "consent"}, "consent_missing"),
            ({"sms_gdpr_legal_basis": "consent", "sms_gdpr_consent_date": fields.Datetime.now()}, False),
            ({}, False),
        ]
        for vals, expected in cases:
            with self.subTest(vals=vals):
                partner = self._partner("Cas", vals.pop("mobile", "06 12 34 56 78"), **vals)
                self.assertEqual(partner.sms_gdpr_exclusion_reason, expected)
                self.assertEqual(partner.sms_gdpr_eligible, not expected)

    def test_opt_out_blacklists_number(self):
        partner = self._partner("Objecting", "06 12 34 56 70")
        partner.sms_gdpr_opt_out = True
        blacklist = self.env["phone.blacklist"].search([("number", "=", "+33612345670")])
        self.assertTrue(blacklist.active, "the opt-out must blacklist the number")
        self.assertTrue(partner.sms_gdpr_opt_out_date)
        self.assertEqual(partner.sms_gdpr_opt_out_channel, "manual")
        self.assertFalse(partner.sms_gdpr_eligible)

    def test_blacklist_shared_by_lead(self):
        self._partner("Objecting", "06 12 34 56 71", sms_gdpr_opt_out=True)
        lead = self._lead("Same number", "+33 6 12 34 56 71")
        self.assertTrue(lead.sms_gdpr_blacklisted)
        self.assertFalse(lead.sms_gdpr_eligible)
        self.assertFalse(lead.sms_gdpr_exclusion_reason, "the lead's own fields are complete")

    def test_opt_out_lift_needs_new_consent(self):
        with freeze_time("2026-03-01 10:00:00"):
            partner = self._partner("Objecting", "06 12 34 56 72", sms_gdpr_opt_out=True)
        with freeze_time("2026-03-10 10:00:00"):
            with self.assertRaises(UserError):
                partner.sms_gdpr_opt_out = False
            with self.assertRaises(UserError, msg="a consent without proof does not lift an opt-out"):
                partner.write({
                    "sms_gdpr_legal_basis": "consent",
                    "sms_gdpr_consent_date": datetime(2026, 3, 5, 9, 0),
                    "sms_gdpr_opt_out": False,
                })
            with self.assertRaises(UserError, msg="a consent in the future is refused"):
                partner.write({
                    "sms_gdpr_legal_basis": "consent",
                    "sms_gdpr_consent_date": datetime(2026, 3, 20, 9, 0),
                    "sms_gdpr_consent_proof": "Signed form",
                    "sms_gdpr_opt_out": False,
                })
            partner.write({
                "sms_gdpr_legal_basis": "consent",
                "sms_gdpr_consent_date": datetime(2026, 3, 5, 9, 0),
                "sms_gdpr_consent_proof": "Signed form of 5 March",
                "sms_gdpr_opt_out": False,
            })
        self.assertFalse(partner.sms_gdpr_opt_out)
        self.assertFalse(partner.sms_gdpr_blacklisted, "lifting with consent removes the blacklist entry")

    def test_opt_out_date_cannot_be_backdated(self):
        rep = new_test_user(self.env, "backdating_rep", groups="sales_team.group_sale_salesman")
        lead = self._lead("Objecting", "06 12 34 56 73", sms_gdpr_opt_out=True, user_id=rep.id)
        with self.assertRaises(UserError):
            lead.with_user(rep).sms_gdpr_opt_out_date = datetime(2000, 1, 1)
        with self.assertRaises(UserError):
            lead.with_user(rep).sms_gdpr_opt_out_channel = "email"

    def test_consent_date_in_future_rejected(self):
        with self.assertRaises(ValidationError):
            self._partner("Future", "06 12 34 56 74", sms_gdpr_legal_basis="consent",
                          sms_gdpr_consent_date=datetime(2099, 1, 1))

    def test_search_filters(self):
        eligible = self._partner("Eligible", "06 12 34 56 73")
        no_basis = self._partner("No basis", "06 12 34 56 74", sms_gdpr_legal_basis="none")
        opted_out = self._partner("Opted out", "06 12 34 56 75", sms_gdpr_opt_out=True)
        partners = eligible | no_basis | opted_out
        Partner = self.env["res.partner"]
        self.assertEqual(Partner.search([("id", "in", partners.ids), ("sms_gdpr_eligible", "=", True)]), eligible)
        self.assertEqual(
            Partner.search([("id", "in", partners.ids), ("sms_gdpr_eligible", "=", False)]), no_basis | opted_out
        )
        self.assertEqual(
            Partner.search([("id", "in", partners.ids), ("sms_gdpr_legal_basis", "in", [False, "none"])]), no_basis
        )
        self.assertEqual(
            Partner.search([("id", "in", partners.ids), ("sms_gdpr_blacklisted", "=", True)]), opted_out
        )
        self.assertEqual(
            Partner.search([("id", "in", partners.ids), ("sms_gdpr_blacklisted", "!=", True)]), eligible | no_basis
        )

    def test_lead_search_eligible(self):
        eligible = self._lead("Eligible lead", "06 12 34 56 76")
        landline = self._lead("Landline lead", "01 99 00 12 34")
        leads = self.env["crm.lead"].search([("id", "in", (eligible | landline).ids), ("sms_gdpr_eligible", "=", True)])
        self.assertEqual(leads, eligible)
