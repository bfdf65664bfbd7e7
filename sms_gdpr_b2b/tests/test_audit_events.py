from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SmsGdprCase


@tagged("post_install", "-at_install")
class TestAuditEvents(SmsGdprCase):

    def _events(self, record):
        return self.env["sms.gdpr.event"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="sequence"
        )

    def test_consent_and_opt_out_logged(self):
        partner = self._partner("Claire", "06 12 34 56 01", sms_gdpr_legal_basis="none")
        partner.write({"sms_gdpr_legal_basis": "consent", "sms_gdpr_consent_date": fields.Datetime.now()})
        partner.sms_gdpr_opt_out = True
        events = self._events(partner).filtered(lambda event: event.event_type != "provenance_changed")
        self.assertEqual(events.mapped("event_type"), ["basis_changed", "consent_given", "opt_out_set"])
        self.assertEqual(events[0].old_value, "none")
        self.assertEqual(events[0].new_value, "consent")
        self.assertEqual(events[2].new_value, "manual")
        self.assertEqual(events.user_id, self.env.user)

    def test_consent_withdrawn_logged(self):
        partner = self._partner("Claire", "06 12 34 56 01", sms_gdpr_legal_basis="consent",
                                sms_gdpr_consent_date=fields.Datetime.now())
        partner.sms_gdpr_legal_basis = "none"
        self.assertIn("consent_withdrawn", self._events(partner).mapped("event_type"))

    def test_events_cannot_be_changed(self):
        partner = self._partner("Claire", "06 12 34 56 01")
        event = self._events(partner)[:1]
        self.assertTrue(event)
        with self.assertRaises(UserError):
            event.sudo().write({"new_value": "forged"})
        with self.assertRaises(UserError):
            event.sudo().unlink()
        with self.assertRaises(UserError):
            self.env["sms.gdpr.event"].sudo().create({"event_type": "opt_out_set", "company_id": self.company.id})

    def test_values_shown_with_labels(self):
        partner = self._partner("Claire", "06 12 34 56 01", sms_gdpr_legal_basis="none")
        partner.sms_gdpr_legal_basis = "legitimate_interest"
        event = self._events(partner).filtered(lambda event: event.event_type == "basis_changed")[-1]
        self.assertEqual(event.new_value, "legitimate_interest", "the log keeps the code")
        self.assertEqual(event.new_value_display, "Legitimate interest (B2B)")
        self.assertEqual(event.display_name, "Legal basis changed – Claire")
        self.assertEqual(event.res_model_name, "Contact")

    def test_chain_intact(self):
        self._partner("A", "06 12 34 56 01")
        self._partner("B", "06 12 34 56 02", sms_gdpr_opt_out=True)
        Event = self.env["sms.gdpr.event"]
        self.assertFalse(Event._find_broken_event(self.company))
        result = Event.action_verify_chain()
        self.assertEqual(result["params"]["type"], "success")

    def test_tampered_row_detected(self):
        self._partner("A", "06 12 34 56 01")
        opted_out = self._partner("B", "06 12 34 56 02", sms_gdpr_opt_out=True)
        self._partner("C", "06 12 34 56 03")
        target = self._events(opted_out).filtered(lambda event: event.event_type == "opt_out_set")
        self.env.flush_all()
        self.env.cr.execute("UPDATE sms_gdpr_event SET new_value = 'nothing' WHERE id = %s", [target.id])
        self.env.invalidate_all()
        Event = self.env["sms.gdpr.event"]
        self.assertEqual(Event._find_broken_event(self.company), target)
        result = Event.action_verify_chain()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn(f"#{target.sequence}", result["params"]["message"])

    def test_cleared_row_without_erasure_detected(self):
        self._partner("A", "06 12 34 56 01")
        opted_out = self._partner("B", "06 12 34 56 02", sms_gdpr_opt_out=True)
        target = self._events(opted_out).filtered(lambda event: event.event_type == "opt_out_set")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sms_gdpr_event SET record_name = NULL, old_value = NULL, new_value = NULL, details = NULL, "
            "personal_salt = NULL, personal_erased = TRUE WHERE id = %s",
            [target.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self.env["sms.gdpr.event"]._find_broken_event(self.company), target)

    def test_erased_values_keep_chain(self):
        self._partner("A", "06 12 34 56 01")
        opted_out = self._partner("B", "06 12 34 56 02", sms_gdpr_opt_out=True)
        Event = self.env["sms.gdpr.event"]
        erased = Event._erase_personal_values({"res.partner": opted_out.ids})
        self.assertEqual(sorted(erased[self.company.id]), self._events(opted_out).mapped("sequence"))
        self.assertEqual(Event._find_broken_event(self.company), self._events(opted_out)[0],
                         "cleared events no erasure event lists break the chain")
        Event._log("erasure", company=self.company, details={"audit_events_erased": erased[self.company.id]})
        self.assertFalse(Event._find_broken_event(self.company))
        for event in self._events(opted_out):
            self.assertTrue(event.personal_erased)
            self.assertFalse(event.record_name)
            self.assertFalse(event.new_value)

    def test_deleted_row_detected(self):
        self._partner("A", "06 12 34 56 01")
        opted_out = self._partner("B", "06 12 34 56 02", sms_gdpr_opt_out=True)
        self._partner("C", "06 12 34 56 03")
        target = self._events(opted_out)[:1]
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM sms_gdpr_event WHERE id = %s", [target.id])
        self.env.invalidate_all()
        self.assertTrue(self.env["sms.gdpr.event"]._find_broken_event(self.company))

    def test_deleted_newest_rows_detected(self):
        self._partner("A", "06 12 34 56 01", sms_gdpr_opt_out=True)
        self._partner("B", "06 12 34 56 02", sms_gdpr_opt_out=True)
        Event = self.env["sms.gdpr.event"]
        self.assertEqual(Event._missing_tail(self.company), 0)
        newest = Event.search([("company_id", "=", self.company.id)], order="sequence desc", limit=1)
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM sms_gdpr_event WHERE id = %s", [newest.id])
        self.env.invalidate_all()
        self.assertFalse(Event._find_broken_event(self.company), "the links left are intact")
        self.assertEqual(Event._missing_tail(self.company), 1)
        result = Event.action_verify_chain()
        self.assertEqual(result["params"]["type"], "danger")

    def test_campaign_steps_logged(self):
        leads = self._lead("Claire", "06 12 34 56 01")
        campaign = self._confirm_campaign(leads)
        campaign.action_cancel()
        self.assertEqual(self._events(campaign).mapped("event_type"), ["campaign_confirmed", "campaign_cancelled"])


@tagged("post_install", "-at_install")
class TestOptOutService(SmsGdprCase):

    def test_opt_out_reaches_every_trace(self):
        partner = self._partner("Claire", "06 12 34 56 01")
        lead = self._lead("Claire lead", "+33 6 12 34 56 01")
        other = self._lead("Paul", "06 12 34 56 02")
        campaign = self._confirm_campaign(lead | other)
        result = self.env["sms.gdpr.compliance.mixin"]._sms_gdpr_opt_out_numbers(["+33612345601"], "sms_reply")
        self.assertEqual(result["partners"], partner)
        self.assertEqual(result["leads"], lead)
        self.assertTrue(partner.sms_gdpr_opt_out)
        self.assertEqual(lead.sms_gdpr_opt_out_channel, "sms_reply")
        self.assertTrue(partner.sms_gdpr_blacklisted)
        stopped = campaign.recipient_ids.filtered(lambda line: line.e164 == "+33612345601")
        self.assertEqual(stopped.state, "opted_out")
        self.assertEqual(campaign.recipient_ids.filtered(lambda line: line.lead_id == other).state, "scheduled")
        self.assertTrue(partner.message_ids.filtered(lambda message: "Opt-out" in (message.body or "")))


@tagged("post_install", "-at_install")
class TestOppositionList(SmsGdprCase):

    def test_fingerprint_excludes_at_audience(self):
        lead = self._lead("Erased", "06 12 34 56 01")
        self.env["sms.gdpr.suppression"]._add_numbers(["+33612345601"], self.company)
        wizard = self._wizard_form(lead).save()
        wizard.action_to_audience()
        self.assertEqual(wizard.recipient_ids.reason, "suppressed")

    def test_fingerprint_excludes_at_release(self):
        lead = self._lead("Erased", "06 12 34 56 01")
        campaign = self._confirm_campaign(lead)
        self.env["sms.gdpr.suppression"]._add_numbers(["+33612345601"], self.company)
        line = campaign.recipient_ids
        line._release()
        self.assertEqual(line.state, "opted_out")
        self.assertEqual(line.reason, "suppressed")

    def test_opposition_list_shows_on_records(self):
        self.env["sms.gdpr.suppression"]._add_numbers(["+33612345601"], self.company)
        lead = self._lead("Same number again", "06 12 34 56 01")
        self.assertTrue(lead.sms_gdpr_suppressed)
        self.assertFalse(lead.sms_gdpr_eligible)
        Lead = self.env["crm.lead"]
        self.assertIn(lead, Lead.search([("sms_gdpr_suppressed", "=", True)]))
        self.assertNotIn(lead, Lead.search([("sms_gdpr_eligible", "=", True)]))

    def test_odoo_sms_to_opposed_number_cancelled(self):
        """Odoo's own SMS tools go through sms.sms too: an opposed number is never sent to."""
        self.env["sms.gdpr.suppression"]._add_numbers(["+33612345601"], self.company)
        opposed, other = self.env["sms.sms"].create([
            {"number": "+33612345601", "body": "Odoo composer"},
            {"number": "+33612345602", "body": "Odoo composer"},
        ])
        (opposed | other).send(auto_commit=False)
        self.assertEqual(opposed.state, "canceled")
        self.assertEqual(opposed.failure_type, "sms_optout")
        self.assertEqual(other.state, "pending", "the other SMS goes through test mode")

    def test_single_sms_to_opted_out_lead_cancelled(self):
        """Odoo's composer skips the blacklist for one SMS from a record's chatter: the addon does not."""
        lead = self.env["crm.lead"].create({"name": "Opted-out prospect", "mobile": "06 12 34 56 09",
                                            "sms_gdpr_opt_out": True})
        composer = self.env["sms.composer"].with_context(
            active_model="crm.lead", active_id=lead.id, default_composition_mode="comment",
        ).create({"body": "Direct offer outside any campaign"})
        composer.action_send_sms()
        sms = self.env["sms.sms"].search([("number", "=", "+33612345609")])
        self.assertEqual(sms.state, "canceled")
        self.assertEqual(sms.failure_type, "sms_optout")

    def test_new_number_of_opted_out_lead_blocked(self):
        lead = self.env["crm.lead"].create({"name": "Opted-out prospect", "mobile": "06 12 34 56 09",
                                            "sms_gdpr_opt_out": True})
        lead.mobile = "06 12 34 56 19"
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+33612345619")]))
        self.env["phone.blacklist"].sudo()._remove(["+33612345619"])
        sms = self.env["sms.sms"].create({"number": "+33612345619", "body": "Direct offer"})
        sms.send(auto_commit=False)
        self.assertEqual(sms.state, "canceled", "the lead's own opt-out blocks it, blacklist or not")

    def test_sms_in_national_format_checked(self):
        self._partner("B", "06 12 34 56 02", sms_gdpr_opt_out=True)
        sms = self.env["sms.sms"].create({"number": "06 12 34 56 02", "body": "Typed by hand"})
        sms.send(auto_commit=False)
        self.assertEqual(sms.state, "canceled")

    def test_fingerprint_keeps_no_number(self):
        entry = self.env["sms.gdpr.suppression"]._add_numbers(["+33612345601"], self.company)
        self.assertNotIn("612345601", entry.fingerprint)
        self.assertEqual(
            self.env["sms.gdpr.suppression"]._suppressed_numbers(["+33612345601", "+33612345602"], self.company),
            {"+33612345601"},
        )


@tagged("post_install", "-at_install")
class TestAuditEventProtection(SmsGdprCase):

    def _merged_partner_event(self):
        kept = self._partner("Claire", "06 12 34 56 01")
        removed = self._partner("Claire M.", "06 12 34 56 02", sms_gdpr_opt_out=True)
        self.env["base.partner.merge.automatic.wizard"]._merge((kept | removed).ids, dst_partner=kept)
        return self.env["sms.gdpr.event"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", kept.id), ("event_type", "=", "merged"),
        ])

    def test_nobody_changes_or_deletes_events(self):
        event = self._merged_partner_event()
        admin = self.env.ref("base.user_admin")
        manager = self.env["res.users"].create({
            "name": "DPO", "login": "dpo_audit", "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_manager").id])],
        })
        for label, candidate in (("admin", event.with_user(admin)), ("superuser", event.sudo()),
                                 ("manager", event.with_user(manager))):
            with self.subTest(user=label):
                with self.assertRaises(UserError):
                    candidate.write({"old_value": "forged"})
                with self.assertRaises(UserError):
                    candidate.sudo()._write({"old_value": "forged"})
                with self.assertRaises(UserError):
                    candidate.unlink()
        self.env.invalidate_all()
        self.assertNotEqual(event.old_value, "forged")
        self.assertTrue(event.exists())

    def test_tampered_merge_event_detected(self):
        event = self._merged_partner_event()
        self.assertFalse(self.env["sms.gdpr.event"]._find_broken_event(self.company))
        self.env.flush_all()
        self.env.cr.execute("UPDATE sms_gdpr_event SET old_value = 'no opt-out' WHERE id = %s", [event.id])
        self.env.invalidate_all()
        self.assertEqual(self.env["sms.gdpr.event"]._find_broken_event(self.company), event)

    def test_tampered_export_event_detected(self):
        entry = self.env.ref("sms_gdpr_b2b.sms_gdpr_processing_prospecting")
        entry._log_export("xlsx", "register.xlsx")
        self._partner("After", "06 12 34 56 03")
        export = self.env["sms.gdpr.event"].search([("event_type", "=", "export"), ("res_id", "=", entry.id)])
        self.env.flush_all()
        self.env.cr.execute("UPDATE sms_gdpr_event SET user_id = NULL WHERE id = %s", [export.id])
        self.env.invalidate_all()
        self.assertEqual(self.env["sms.gdpr.event"]._find_broken_event(self.company), export)
