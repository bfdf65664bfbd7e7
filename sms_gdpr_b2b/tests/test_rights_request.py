import base64
import csv
import io
import json
import zipfile
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..compliance.inbound import InboundMessage
from ..compliance.rights import add_months
from .common import SmsGdprCase

NUMBER = "+33612345660"


@tagged("post_install", "-at_install")
class TestRightsRequest(SmsGdprCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dpo = new_test_user(cls.env, login="rights_dpo", groups="sms_gdpr_b2b.sms_gdpr_b2b_group_manager")
        cls.escalation = new_test_user(cls.env, login="rights_escalation",
                                       groups="sms_gdpr_b2b.sms_gdpr_b2b_group_manager")
        cls.company.sms_gdpr_rights_escalation_user_id = cls.escalation
        cls.lead = cls._lead("Zoé Martin", "06 12 34 56 60", email_from="zoe@example.fr")
        cls.Request = cls.env["sms.gdpr.rights.request"]

    def _request(self, request_type, **vals):
        return self.Request.create({
            "request_type": request_type,
            "channel": "email",
            "received_date": date(2026, 1, 31),
            "subject_name": "Zoé Martin",
            "lead_id": self.lead.id,
            "user_id": self.dpo.id,
            **vals,
        })

    def _events(self, request, event_type):
        return self.env["sms.gdpr.event"].search([
            ("event_type", "=", event_type), ("res_model", "=", request._name), ("res_id", "=", request.id),
        ])

    # Deadlines

    def test_deadline_month_end(self):
        request = self._request("access")
        self.assertEqual(request.deadline, date(2026, 2, 28))
        self.assertRegex(request.name, r"^RR/\d{4}/\d{4}$")

    def test_extension_two_months(self):
        request = self._request("access")
        request.write({"extension_months": 2, "extension_reason": "Numerous requests this month.",
                       "extension_notified_date": date(2026, 2, 20)})
        self.assertEqual(request.initial_deadline, date(2026, 2, 28))
        self.assertEqual(request.deadline, date(2026, 4, 30))

    def test_extension_needs_reason(self):
        request = self._request("access")
        with self.assertRaises(ValidationError):
            request.write({"extension_months": 1, "extension_notified_date": date(2026, 2, 20)})

    def test_extension_notified_late(self):
        request = self._request("access")
        with self.assertRaisesRegex(ValidationError, "outside the first month"):
            request.write({"extension_months": 1, "extension_reason": "Complex.",
                           "extension_notified_date": date(2026, 3, 1)})

    def test_extension_beyond_two_months(self):
        request = self._request("access")
        with self.assertRaises(ValidationError):
            request.write({"extension_months": 3, "extension_reason": "Complex.",
                           "extension_notified_date": date(2026, 2, 1)})

    def test_identity_check_pauses_clock(self):
        request = self._request("access", received_date=date(2026, 3, 1))
        self.assertEqual(request.deadline, date(2026, 4, 1))
        with freeze_time("2026-03-05 10:00:00"):
            request.action_request_identity()
        self.assertEqual(request.identity_state, "pending")
        self.assertFalse(request.deadline, "the clock is paused while proof is awaited")
        with freeze_time("2026-03-15 10:00:00"):
            request.action_identity_verified()
        self.assertEqual(request.deadline, date(2026, 4, 11))
        todo = request.activity_ids.filtered(lambda activity: activity.user_id == self.dpo)
        self.assertEqual(todo.date_deadline, date(2026, 4, 11), "the to-do follows the deadline")

    def test_pending_identity_without_date_pauses(self):
        with freeze_time("2026-02-10"):
            request = self._request("access", identity_state="pending")
            self.assertEqual(request.identity_requested_date, date(2026, 2, 10))
            self.assertFalse(request.deadline, "the clock is paused")
            other = self._request("access")
            other.identity_state = "pending"
            self.assertEqual(other.identity_requested_date, date(2026, 2, 10))
            self.assertFalse(other.deadline)
            with self.assertRaises(ValidationError):
                other.identity_requested_date = False

    def test_received_date_in_future_refused(self):
        with freeze_time("2026-03-10 10:00:00"):
            with self.assertRaises(ValidationError) as tomorrow:
                self._request("access", received_date=date(2026, 3, 11))
            request = self._request("access", received_date=date(2026, 3, 10))
            with self.assertRaises(ValidationError) as later:
                request.received_date = date(2030, 1, 1)
        self.assertIn("dated 2026-03-11, which is in the future", str(tomorrow.exception))
        self.assertIn("dated 2030-01-01, which is in the future", str(later.exception))
        self.assertEqual(request.deadline, date(2026, 4, 10))

    def test_identity_verified_without_request(self):
        request = self._request("access")
        with self.assertRaises(UserError):
            request.action_identity_verified()

    # Automated actions

    def test_activity_scheduled_on_deadline(self):
        request = self._request("rectification")
        todo = request.activity_ids
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.dpo)
        self.assertEqual(todo.date_deadline, date(2026, 2, 28))

    def test_reassignment_moves_activity(self):
        request = self._request("rectification")
        request.user_id = self.escalation
        self.assertEqual(request.activity_ids.user_id, self.escalation)
        self.assertEqual(len(request.activity_ids), 1)

    def test_reminder_then_escalation(self):
        request = self._request("rectification")
        self.assertEqual(request.reminder_date, date(2026, 2, 21))
        automations = self.env.ref("sms_gdpr_b2b.automation_rights_request_reminder") | self.env.ref(
            "sms_gdpr_b2b.automation_rights_request_escalation"
        )
        automations.write({"last_run": datetime(2026, 2, 1)})
        with freeze_time("2026-02-21 12:00:00"):
            self.env["base.automation"]._check()
        reminder = request.message_ids.filtered(lambda message: "Reminder" in (message.body or ""))
        self.assertEqual(len(reminder), 1)
        self.assertFalse(request.escalated)
        with freeze_time("2026-03-01 12:00:00"):
            self.env["base.automation"]._check()
        self.assertTrue(request.escalated)
        overdue = request.activity_ids.filtered(lambda activity: activity.user_id == self.escalation)
        self.assertEqual(len(overdue), 1)
        self.assertIn(self.escalation.partner_id, request.message_ids[0].partner_ids)
        self.assertIn("escalated", self._events(request, "rights_request").mapped("new_value"))

    def test_answered_request_not_escalated(self):
        request = self._request("rectification")
        request.action_start()
        request.outcome = "granted"
        request.action_done()
        self.env.ref("sms_gdpr_b2b.automation_rights_request_escalation").last_run = datetime(2026, 2, 1)
        with freeze_time("2026-03-02 12:00:00"):
            self.env["base.automation"]._check()
        self.assertFalse(request.escalated)
        self.assertFalse(request.activity_ids)

    # Request types

    def test_objection_opts_out_at_once(self):
        request = self._request("objection")
        self.assertTrue(request.opt_out_applied)
        self.assertTrue(self.lead.sms_gdpr_opt_out)
        self.assertEqual(self.lead.sms_gdpr_opt_out_channel, "rights_request")
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", NUMBER)]))
        self.assertIn("opt_out", self._events(request, "rights_request").mapped("new_value"))

    def test_consent_withdrawal_by_phone_number(self):
        partner = self._partner("Zoé Martin", "06 12 34 56 61")
        request = self._request("consent_withdrawal", lead_id=False, phone="06 12 34 56 61")
        self.assertTrue(request.opt_out_applied)
        self.assertTrue(partner.sms_gdpr_opt_out)

    def test_objection_without_number_says_so(self):
        request = self._request("objection", lead_id=False)
        self.assertFalse(request.opt_out_applied)
        self.assertIn("No phone number", request.message_ids[0].body)
        request.phone = "06 12 34 56 60"
        request.action_apply_opt_out()
        self.assertTrue(self.lead.sms_gdpr_opt_out)

    def test_rectification_and_restriction_lifecycle(self):
        for request_type in ("rectification", "restriction"):
            with self.subTest(request_type=request_type):
                request = self._request(request_type)
                request.action_start()
                with self.assertRaises(UserError):
                    request.action_done()
                request.write({"outcome": "granted", "outcome_note": "Address corrected."})
                request.action_done()
                self.assertEqual(request.state, "done")
                self.assertFalse(request.activity_ids)
                self.assertFalse(self.lead.sms_gdpr_opt_out)
                self.assertEqual(self._events(request, "rights_request").mapped("new_value")[-1:], ["received"])

    def test_refusal_needs_reason(self):
        request = self._request("erasure")
        with self.assertRaises(UserError):
            request.action_refuse()
        request.outcome_note = "Data kept to defend a pending legal claim."
        request.action_refuse()
        self.assertEqual(request.state, "refused")

    def test_access_export_content(self):
        campaign = self._confirm_campaign(self.lead)
        message = InboundMessage(provider="generic", provider_message_id="m-1", number=NUMBER, body="Bonjour")
        self.env["sms.gdpr.inbound"]._receive(message, self.company)
        for request_type in ("access", "portability"):
            with self.subTest(request_type=request_type):
                request = self._request(request_type)
                action = request.action_export_data()
                self.assertIn(f"/web/content/{request.export_attachment_id.id}", action["url"])
                content = base64.b64decode(request.export_attachment_id.datas)
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    names = set(archive.namelist())
                    document = json.loads(archive.read("data.json"))
                    leads_csv = list(csv.DictReader(io.StringIO(archive.read("leads.csv").decode())))
                self.assertEqual(names, {"data.json", "contacts.csv", "leads.csv", "consents.csv", "campaigns.csv",
                                         "campaign_recipients.csv", "inbound_messages.csv", "audit_events.csv"})
                self.assertEqual(document["metadata"]["request"], request.name)
                self.assertEqual([row["id"] for row in document["leads"]], [self.lead.id])
                self.assertEqual(leads_csv[0]["sms_gdpr_e164"], "'" + NUMBER, "a spreadsheet must not run it")
                self.assertEqual(document["campaigns"][0]["name"], campaign.name)
                self.assertEqual(document["campaign_recipients"][0]["e164"], NUMBER)
                self.assertEqual(document["inbound_messages"][0]["body"], "Bonjour")
                self.assertEqual(document["consents"][0]["sms_gdpr_legal_basis"], "Legitimate interest (B2B)")
                self.assertTrue(document["audit_events"], "the lead's audit trail is part of the export")
                self.assertEqual(len(self._events(request, "export")), 1)

    def test_access_export_proof_files(self):
        proof = self.env["ir.attachment"].create({"name": "signed-form.pdf", "raw": b"%PDF-1.4 proof"})
        self.lead.write({"sms_gdpr_consent_attachment_ids": [(6, 0, proof.ids)],
                         "sms_gdpr_consent_wording": "J'accepte de recevoir des SMS"})
        request = self._request("access")
        request.action_export_data()
        content = base64.b64decode(request.export_attachment_id.datas)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            document = json.loads(archive.read("data.json"))
        lead_row = document["leads"][0]
        self.assertEqual(lead_row["sms_gdpr_consent_attachment_ids"], "signed-form.pdf")
        self.assertEqual(lead_row["sms_gdpr_consent_wording"], "J'accepte de recevoir des SMS")

    def test_export_only_for_access(self):
        with self.assertRaises(UserError):
            self._request("rectification").action_export_data()

    def test_export_needs_a_person(self):
        unknown_email = self._request("access", lead_id=False, email="nobody@example.org")
        nothing = self._request("portability", lead_id=False)
        for request in (unknown_email, nothing):
            with self.subTest(request=request.name):
                with self.assertRaisesRegex(UserError, "No contact, lead or phone number matches"):
                    request.action_export_data()
                self.assertFalse(request.export_attachment_id)
                self.assertFalse(self._events(request, "export"))

    def test_export_by_email_only(self):
        request = self._request("access", lead_id=False, email="ZOE@example.fr")
        request.action_export_data()
        content = base64.b64decode(request.export_attachment_id.datas)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            document = json.loads(archive.read("data.json"))
        self.assertEqual([row["id"] for row in document["leads"]], [self.lead.id])

    def test_export_refused_when_closed(self):
        request = self._request("access")
        request.action_export_data()
        first_export = request.export_attachment_id
        request.write({"outcome": "granted"})
        request.action_start()
        request.action_done()
        with self.assertRaisesRegex(UserError, "already closed"):
            request.action_export_data()
        self.assertEqual(request.export_attachment_id, first_export, "the export sent with the answer stays")
        self.assertEqual(len(self._events(request, "export")), 1)

    def test_erasure_keeps_fingerprint(self):
        campaign = self._confirm_campaign(self.lead)
        message = InboundMessage(provider="generic", provider_message_id="m-1", number=NUMBER, body="STOP")
        inbound, _created = self.env["sms.gdpr.inbound"]._receive(message, self.company)
        request = self._request("erasure")
        request.action_erase()

        self.assertTrue(request.erased)
        self.assertFalse(self.lead.active)
        self.assertFalse(self.lead.mobile)
        self.assertFalse(self.lead.email_from)
        self.assertNotIn("Zoé", self.lead.name)
        self.assertFalse(self.lead.message_ids.filtered(lambda message: "STOP" in (message.body or "")))
        self.assertFalse(inbound.body)
        self.assertFalse(inbound.number)
        self.assertFalse(campaign.recipient_ids.e164)
        self.assertFalse(self.env["phone.blacklist"].with_context(active_test=False).search([("number", "=", NUMBER)]))
        suppressed = self.env["sms.gdpr.suppression"]._suppressed_numbers([NUMBER], self.company)
        self.assertEqual(suppressed, {NUMBER})
        erasure = self._events(request, "erasure")
        self.assertEqual(len(erasure), 1)
        self.assertNotIn("12345660", erasure.details)
        self.assertNotIn("12 34 56 60", erasure.details or "")
        lead_events = self.env["sms.gdpr.event"].search([("res_model", "=", "crm.lead"), ("res_id", "=", self.lead.id)])
        self.assertTrue(lead_events)
        self.assertTrue(all(event.personal_erased for event in lead_events))
        self.assertFalse(any(lead_events.mapped("record_name")), "the lead's name leaves the audit log")
        self.assertEqual(json.loads(erasure.details)["audit_events"], len(lead_events) + 1,
                         "the lead's events and the inbound STOP's event are cleared")
        self.assertFalse(self.env["sms.gdpr.event"]._find_broken_event(self.company), "the chain still holds")

        # A later import of the same number is still excluded from campaigns.
        reimported = self._lead("Zoé M.", "06 12 34 56 60")
        wizard = self._wizard_form(reimported).save()
        wizard.action_to_audience()
        self.assertEqual(wizard.recipient_ids.decision, "exclude")
        self.assertEqual(wizard.recipient_ids.reason, "suppressed")

    def test_erasure_leaves_no_trace(self):
        rejected = self.env["sms.gdpr.inbound"].sudo().create({
            "company_id": self.company.id,
            "provider": "generic",
            "state": "rejected",
            "error": "invalid date",
            "raw_payload": '{"from": "06 12 34 56 60", "body": "Zoé ici", "received_at": "yesterday"}',
        })
        form_encoded = self.env["sms.gdpr.inbound"].sudo().create({
            "company_id": self.company.id,
            "provider": "generic",
            "state": "rejected",
            "error": "The sender “+33 6 12 34 56 60 x” is not a valid phone number",
            "raw_payload": "from=%2B33+6+12+34+56+60&body=Zo%C3%A9",
        })
        other = self.env["sms.gdpr.inbound"].sudo().create({
            "company_id": self.company.id,
            "provider": "generic",
            "state": "rejected",
            "raw_payload": '{"from": "06 12 34 56 61"}',
        })
        self.lead.contact_name = "Zoé Martin"
        self.env.cr.precommit.run()  # writes the tracking of the changes above, as a commit would
        tracked_before = self.env["mail.tracking.value"].sudo().search([])
        self._request("erasure").action_erase()
        self.env.cr.precommit.run()

        self.assertFalse(rejected.raw_payload, "a rejected body that holds the number is cleared too")
        self.assertFalse(form_encoded.raw_payload, "so is a form-encoded one")
        self.assertFalse(form_encoded.error, "the rejection reason quoted the number")
        self.assertTrue(other.raw_payload, "another person's rejected body stays")
        tracked = self.env["mail.tracking.value"].sudo().search([
            ("mail_message_id.model", "=", "crm.lead"), ("mail_message_id.res_id", "=", self.lead.id),
        ]) - tracked_before
        self.assertFalse(tracked, "the chatter of the anonymised lead keeps no old value")

    def test_erasure_deletes_earlier_export(self):
        access = self._request("access")
        access.action_export_data()
        export = access.export_attachment_id
        erasure = self._request("erasure", lead_id=False, email="ZOE@example.fr")
        erasure.action_erase()
        self.assertFalse(export.exists(), "the ZIP of the earlier access request holds the erased data")
        self.assertFalse(access.export_attachment_id)
        self.assertFalse(access.message_ids.attachment_ids, "nor does the chatter note keep the file")
        self.assertFalse(access.email, "the earlier request keeps no contact details")
        self.assertEqual(access.subject_name, "Zoé Martin", "its subject's name stays as proof of who asked")
        self.assertEqual(json.loads(self._events(erasure, "erasure").details)["data_exports"], 1)

    def test_erasure_refused_for_user_contact(self):
        request = self._request("erasure", lead_id=False, partner_id=self.dpo.partner_id.id)
        with self.assertRaises(UserError):
            request.action_erase()

    def test_erasure_needs_a_person(self):
        request = self._request("erasure", lead_id=False)
        with self.assertRaises(UserError):
            request.action_erase()

    # Channels

    def test_created_by_hand_in_form(self):
        request_form = Form(self.Request)
        request_form.request_type = "access"
        request_form.channel = "phone"
        request_form.subject_name = "Zoé Martin"
        request = request_form.save()
        self.assertEqual(request.deadline, add_months(request.received_date, 1))
        self.assertEqual(request.user_id, self.env.user)
        self.assertTrue(request.activity_ids)

    def test_created_from_email(self):
        alias = self.env.ref("sms_gdpr_b2b.mail_alias_rights_request")
        self.assertEqual(alias.alias_model_id.model, "sms.gdpr.rights.request")
        email = (
            "From: Zoé Martin <zoe@example.fr>\r\n"
            f"To: {alias.alias_name}@example.com\r\n"
            "Subject: Demande d'effacement\r\n"
            "Message-ID: <rights-1@example.fr>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "Bonjour, merci de supprimer toutes mes données.\r\n"
        )
        thread_id = self.env["mail.thread"].message_process("sms.gdpr.rights.request", email)
        request = self.Request.browse(thread_id)
        self.assertEqual(request.channel, "email")
        self.assertEqual(request.request_type, "erasure")
        self.assertEqual(request.email, "zoe@example.fr")
        self.assertRegex(request.name, r"^RR/")
        self.assertIn("supprimer", request.description)
        self.assertTrue(request.activity_ids)

    def test_sales_rep_cannot_read_requests(self):
        rep = new_test_user(self.env, login="rights_rep", groups="sales_team.group_sale_salesman")
        request = self._request("access")
        with self.assertRaises(AccessError):
            request.with_user(rep).read(["subject_name"])
