from datetime import datetime
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..wizards import campaign_audience
from .common import THURSDAY_MORNING_UTC, SmsGdprCase


@tagged("post_install", "-at_install")
class TestCampaignWizard(SmsGdprCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leads = (
            cls._lead("Claire Martin", "06 12 34 56 01")
            | cls._lead("Paul Durand", "06.12.34.56.02", zip="67000")
            | cls._lead("Jules Moreau", "0692 12 34 56")
            | cls._lead("Louis Lambert", "01 99 00 12 06")
            | cls._lead("Jade Fontaine", "n/a")
            | cls._lead("Sans base", "06 12 34 56 03", sms_gdpr_legal_basis="none")
            | cls._lead("Sans pays", "06 12 34 56 04", country_id=False)
        )

    def test_compose_appends_mentions(self):
        wizard_form = self._wizard_form(self.leads)
        self.assertIn("STOP au 36111", wizard_form.full_body)
        self.assertIn("https://ex.fr/rgpd", wizard_form.full_body)
        self.assertEqual(wizard_form.encoding, "gsm7")
        self.assertEqual(wizard_form.segment_count, 1)
        self.assertEqual(wizard_form.character_count, len(wizard_form.full_body))

    def test_compose_counts_ucs2(self):
        wizard_form = self._wizard_form(self.leads, body="Offre MyBrand : prêt pour la rentrée ? C’est simple.")
        self.assertEqual(wizard_form.encoding, "ucs2")
        self.assertIn("ê", wizard_form.ucs2_characters)
        self.assertIn("’", wizard_form.ucs2_characters)
        self.assertIn("ê → e", wizard_form.gsm7_suggestion)

    def test_compose_segment_count_includes_mentions(self):
        body = "Offre MyBrand " + "x" * 120
        wizard_form = self._wizard_form(self.leads, body=body)
        self.assertLessEqual(len(body), 160)
        self.assertEqual(wizard_form.segment_count, 2, "the appended mentions push the text past 160")

    def test_missing_opt_out_blocks(self):
        self.company.write({"sms_gdpr_short_code": False, "sms_gdpr_opt_out_url": False})
        wizard = self._wizard_form(self.leads).save()
        self.assertTrue(wizard.has_errors)
        with self.assertRaises(UserError) as raised:
            wizard.action_to_audience()
        self.assertIn("opt-out", str(raised.exception))
        self.assertFalse(wizard.recipient_ids, "a blocked message must not build an audience")

    def test_warnings_need_acknowledgement(self):
        wizard = self._wizard_form(self.leads, body="Bonjour, rappelez-nous au sujet de votre CRM.").save()
        self.assertTrue(wizard.has_warnings)
        self.assertFalse(wizard.has_errors)
        with self.assertRaises(UserError):
            wizard.action_to_audience()
        wizard.warnings_acknowledged = True
        wizard.action_to_audience()
        self.assertEqual(wizard.step, "audience")

    def test_invalid_sender_id_blocks(self):
        wizard_form = self._wizard_form(self.leads)
        wizard_form.sender_id = "INFO"
        wizard = wizard_form.save()
        self.assertTrue(wizard.has_errors)
        with self.assertRaises(UserError):
            wizard.action_to_audience()

    def test_audience_explains_exclusions(self):
        wizard = self._wizard_form(self.leads).save()
        wizard.action_to_audience()
        reasons = {row.name: row.reason for row in wizard.recipient_ids}
        self.assertEqual(reasons["Claire Martin"], False)
        self.assertEqual(reasons["Louis Lambert"], "not_mobile")
        self.assertEqual(reasons["Jade Fontaine"], "invalid_number")
        self.assertEqual(reasons["Sans base"], "no_legal_basis")
        self.assertEqual(wizard.included_count, 4)
        self.assertEqual(wizard.excluded_count, 3)
        self.assertEqual(wizard.assumed_count, 1)
        self.assertIn("Not a mobile number", wizard.exclusion_summary_html)

    def test_audience_deduplicates_leads_and_contacts(self):
        partner = self._partner("Claire Martin (contact)", "+33 6 12 34 56 01")
        wizard = self._wizard_form(self.leads).save()
        wizard.partner_ids = partner
        wizard.action_to_audience()
        same_number = wizard.recipient_ids.filtered(lambda row: row.e164 == "+33612345601")
        self.assertEqual(len(same_number), 2)
        self.assertEqual(same_number.filtered(lambda row: row.decision == "include").partner_id, partner)
        self.assertEqual(same_number.filtered(lambda row: row.decision == "exclude").reason, "duplicate")

    def test_audience_opt_out_on_contact_excludes_lead(self):
        self._partner("Opposed contact", "06 12 34 56 01", sms_gdpr_opt_out=True)
        wizard = self._wizard_form(self.leads).save()
        wizard.action_to_audience()
        row = wizard.recipient_ids.filtered(lambda row: row.name == "Claire Martin")
        self.assertEqual(row.decision, "exclude")
        self.assertEqual(row.reason, "blacklisted")

    def test_later_opt_out_excludes_earlier_record(self):
        """Contacts are decided first, so the lead's opt-out must be known before the contact is decided."""
        partner = self._partner("Claire Martin (contact)", "+33 6 12 34 56 01")
        opted_out = self._lead("Claire Martin (opted out)", "06 12 34 56 01")
        # The phone blacklist would exclude the contact on its own: only the record's opt-out is tested.
        opted_out.with_context(active_test=False).sms_gdpr_opt_out = True
        self.env["phone.blacklist"].sudo()._remove(["+33612345601"])
        wizard = self._wizard_form(self.leads | opted_out).save()
        wizard.partner_ids = partner
        # One record per chunk, so the contact and the lead are decided in different chunks.
        with patch.object(campaign_audience, "READ_CHUNK_SIZE", 1):
            wizard.action_to_audience()
        row = wizard.recipient_ids.filtered(lambda row: row.partner_id == partner)
        self.assertEqual((row.decision, row.reason), ("exclude", "opted_out"))

    def test_archived_selected_lead_left_out(self):
        wizard = self._wizard_form(self.leads).save()
        self.leads[0].action_archive()
        wizard.action_to_audience()
        self.assertEqual(wizard.selected_count, len(self.leads) - 1)
        self.assertNotIn(self.leads[0], wizard.recipient_ids.lead_id)

    def test_schedule_in_each_zone(self):
        wizard = self._wizard_form(self.leads).save()
        wizard.action_to_audience()
        wizard.date_start = THURSDAY_MORNING_UTC
        wizard.action_to_schedule()
        planned = {row.name: row.planned_local for row in wizard.included_recipient_ids}
        self.assertEqual(planned["Claire Martin"], "2026-03-26T10:00:00+01:00")
        self.assertEqual(planned["Jules Moreau"], "2026-03-26T12:00:00+04:00", "12:00 in Réunion is inside its window")
        self.assertIn("Indian/Reunion", wizard.schedule_summary_html)
        reunion = wizard.included_recipient_ids.filtered(lambda row: row.name == "Jules Moreau")
        self.assertEqual(reunion.planned_local_display, "3/26/26, 12:00 PM (Indian/Reunion)")

    def test_schedule_skips_alsace_good_friday(self):
        wizard = self._wizard_form(self.leads).save()
        wizard.action_to_audience()
        wizard.date_start = datetime(2026, 4, 3, 9, 0)
        wizard.action_to_schedule()
        planned = {row.name: row.planned_local for row in wizard.included_recipient_ids}
        self.assertEqual(planned["Paul Durand"], "2026-04-07T10:00:00+02:00")
        self.assertEqual(planned["Claire Martin"], "2026-04-03T11:00:00+02:00")

    def test_confirm_creates_campaign_and_sends_nothing(self):
        sms_before = self.env["sms.sms"].search_count([])
        campaign = self._confirm_campaign(self.leads)
        self.assertEqual(campaign.processing_id, self.processing)
        self.assertEqual(campaign.state, "scheduled")
        self.assertEqual(campaign.recipient_count, 7)
        self.assertEqual(campaign.scheduled_count, 4)
        self.assertEqual(campaign.excluded_count, 3)
        self.assertIn("STOP au 36111", campaign.full_body)
        self.assertEqual(self.env["sms.sms"].search_count([]), sms_before, "the wizard must not send")
        excluded = campaign.recipient_ids.filtered(lambda line: line.state == "excluded")
        self.assertTrue(all(excluded.mapped("reason")), "every excluded line carries its reason")

    def test_back_keeps_entries(self):
        wizard = self._wizard_form(self.leads).save()
        wizard.action_to_audience()
        wizard.action_back()
        self.assertEqual(wizard.step, "compose")
        self.assertTrue(wizard.body)

    def test_no_recipient_left_blocks_schedule(self):
        landline = self._lead("Landline", "01 99 00 12 34")
        wizard = self._wizard_form(landline).save()
        wizard.action_to_audience()
        with self.assertRaises(UserError):
            wizard.action_to_schedule()

    def test_selection_change_needs_update(self):
        wizard = self._wizard_form(self.leads).save()
        wizard.action_to_audience()
        wizard.lead_ids = self.leads[:2]
        with self.assertRaises(UserError):
            wizard.action_to_schedule()
        wizard.action_refresh_audience()
        wizard.action_to_schedule()
        self.assertEqual(len(wizard.recipient_ids), 2)

    def test_other_company_record_excluded(self):
        other_company = self.env["res.company"].create({"name": "Other Agency", "country_id": self.france.id})
        foreign = self._lead("Foreign lead", "06 12 34 56 09", company_id=other_company.id)
        wizard = self._wizard_form(self.leads | foreign).save()
        wizard.action_to_audience()
        row = wizard.recipient_ids.filtered(lambda row: row.lead_id == foreign)
        self.assertEqual(row.decision, "exclude")
        self.assertEqual(row.reason, "other_company")

    def test_blank_message_blocks(self):
        wizard = self._wizard_form(self.leads, body="   \n  ").save()
        self.assertTrue(wizard.has_errors)
        with self.assertRaises(UserError):
            wizard.action_to_audience()

    def test_launched_from_contact_list(self):
        partners = self._partner("A", "06 12 34 56 11") | self._partner("B", "06 12 34 56 12")
        wizard = self._wizard_form(partners).save()
        self.assertEqual(wizard.partner_ids, partners)
        self.assertFalse(wizard.lead_ids)
