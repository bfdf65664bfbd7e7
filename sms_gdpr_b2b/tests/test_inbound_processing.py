from datetime import datetime, timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..compliance.inbound import InboundMessage, PayloadError
from .common import SmsGdprCase

CASES_FILE = Path(__file__).resolve().parents[2] / "tests" / "data" / "cases" / "inbound_replies.tsv"


def reply_cases():
    """Read the shared table of replies and their expected intent."""
    lines = [line for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line.strip()]


@tagged("post_install", "-at_install")
class TestInboundProcessing(SmsGdprCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(cls.env, login="inbound_rep", groups="sales_team.group_sale_salesman")
        cls.lead = cls._lead("Zoé Martin", "06 12 34 56 50", user_id=cls.salesperson.id)
        cls.Inbound = cls.env["sms.gdpr.inbound"]

    def _receive(self, body, message_id="m-1", number="+33612345650", company=None,
                 received_at=datetime(2026, 3, 26, 9, 0)):
        message = InboundMessage(provider="generic", provider_message_id=message_id, number=number, body=body,
                                 received_at=received_at)
        inbound, _created = self.Inbound._receive(message, company or self.company)
        return inbound

    def test_stop_from_any_channel_wording(self):
        inbound = self._receive("Merci de ne plus m'envoyer de messages")
        self.assertEqual(inbound.intent, "stop")
        self.assertEqual(inbound.state, "processed")
        self.assertTrue(self.lead.sms_gdpr_opt_out)
        notes = self.lead.message_ids.filtered(lambda message: "STOP received" in (message.body or ""))
        self.assertTrue(notes, "the lead's chatter must say why it was opted out")

    def test_start_without_new_consent_keeps_opt_out(self):
        self._receive("STOP", message_id="m-stop")
        inbound = self._receive("START", message_id="m-start")
        self.assertEqual(inbound.intent, "start")
        self.assertEqual(inbound.state, "kept")
        self.assertTrue(self.lead.sms_gdpr_opt_out)
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+33612345650")]).active)

    def test_start_with_new_consent_lifts_opt_out(self):
        self._receive("STOP", message_id="m-stop")
        opted_out_at = self.lead.sms_gdpr_opt_out_date
        self.lead.write({
            "sms_gdpr_legal_basis": "consent",
            "sms_gdpr_consent_date": opted_out_at + timedelta(days=1),
            "sms_gdpr_consent_proof": "Web form of the next day",
        })
        inbound = self._receive("START", message_id="m-start")
        self.assertEqual(inbound.state, "processed")
        self.assertFalse(self.lead.sms_gdpr_opt_out)
        blacklist = self.env["phone.blacklist"].with_context(active_test=False).search(
            [("number", "=", "+33612345650")]
        )
        self.assertFalse(blacklist.active)

    def test_start_kept_when_one_record_lacks_consent(self):
        partner = self._partner("Zoé Martin (contact)", "06 12 34 56 50")
        self._receive("STOP", message_id="m-stop")
        self.lead.write({
            "sms_gdpr_legal_basis": "consent",
            "sms_gdpr_consent_date": self.lead.sms_gdpr_opt_out_date + timedelta(days=1),
            "sms_gdpr_consent_proof": "Web form of the next day",
        })
        inbound = self._receive("START", message_id="m-start")
        self.assertEqual(inbound.state, "kept")
        self.assertTrue(self.lead.sms_gdpr_opt_out)
        self.assertTrue(partner.sms_gdpr_opt_out)

    def test_other_reply_goes_to_salesperson(self):
        inbound = self._receive("Rappelez-moi jeudi après 14h")
        self.assertEqual(inbound.intent, "reply")
        self.assertEqual(inbound.state, "processed")
        self.assertEqual(inbound.salesperson_id, self.salesperson)
        message = self.lead.message_ids.filtered(lambda message: "Rappelez-moi" in (message.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn(self.salesperson.partner_id, message.partner_ids)
        activity = self.lead.activity_ids.filtered(lambda activity: activity.user_id == self.salesperson)
        self.assertEqual(len(activity), 1)
        self.assertFalse(self.lead.sms_gdpr_opt_out)

    def test_further_replies_share_one_todo(self):
        self._receive("Rappelez-moi jeudi", message_id="r-1")
        self._receive("Plutôt vendredi en fait", message_id="r-2")
        activity = self.lead.activity_ids.filtered(lambda activity: activity.user_id == self.salesperson)
        self.assertEqual(len(activity), 1)
        self.assertIn("Rappelez-moi jeudi", activity.note)
        self.assertIn("Plutôt vendredi", activity.note)

    def test_reply_from_unknown_number(self):
        inbound = self._receive("Qui êtes-vous ?", number="+33699999999")
        self.assertEqual(inbound.state, "processed")
        self.assertFalse(inbound.lead_id)
        self.assertFalse(inbound.partner_id)

    def test_replies_table_classified(self):
        rows = reply_cases()
        self.assertGreater(len(rows), 10)
        for row in rows:
            body = row["body"].replace("\\n", "\n")
            with self.subTest(body=body):
                self.assertEqual(self.Inbound._classify(body, self.company), row["intent"])

    def test_company_extra_keywords(self):
        self.company.sms_gdpr_extra_stop_keywords = "basta, radiez-moi"
        self.company.sms_gdpr_extra_start_keywords = "je reviens"
        self.assertEqual(self.Inbound._classify("Basta !", self.company), "stop")
        self.assertEqual(self.Inbound._classify("Radiez-moi de vos listes", self.company), "stop")
        self.assertEqual(self.Inbound._classify("Je reviens", self.company), "start")
        self.assertEqual(self.Inbound._classify("Bastille", self.company), "reply")

    def test_disabled_automation_leaves_message_to_process(self):
        self.env.ref("sms_gdpr_b2b.automation_inbound_stop").active = False
        inbound = self._receive("STOP")
        self.assertEqual(inbound.state, "new")
        self.assertFalse(self.lead.sms_gdpr_opt_out)
        self.env.ref("sms_gdpr_b2b.automation_inbound_stop").active = True
        action = inbound.action_reprocess()
        self.assertEqual(inbound.state, "processed")
        self.assertEqual(action["params"]["type"], "success", "the user is told what happened")
        self.assertIn("Processed", action["params"]["message"])
        self.assertTrue(self.lead.sms_gdpr_opt_out)

    def test_rights_request_from_inbound(self):
        inbound = self._receive("Je veux savoir quelles données vous avez sur moi")
        action = inbound.action_create_rights_request()
        request = self.env["sms.gdpr.rights.request"].browse(action["res_id"])
        self.assertEqual(request.channel, "sms")
        self.assertEqual(request.request_type, "access")
        self.assertEqual(request.lead_id, self.lead)
        self.assertEqual(inbound.rights_request_id, request)
        self.assertEqual(inbound.action_create_rights_request()["res_id"], request.id, "no second request")

    def test_sales_rep_cannot_read_inbound(self):
        inbound = self._receive("Rappelez-moi")
        with self.assertRaises(AccessError):
            inbound.with_user(self.salesperson).read(["body"])

    def test_inbound_company_rule(self):
        other = self.env["res.company"].create({"name": "Other agency"})
        inbound = self._receive("Bonjour", company=other, message_id="m-other")
        manager = new_test_user(self.env, login="inbound_manager", groups="sms_gdpr_b2b.sms_gdpr_b2b_group_manager",
                                company_id=self.company.id, company_ids=[self.company.id])
        self.assertFalse(self.Inbound.with_user(manager).search([("id", "=", inbound.id)]))

    def test_unparseable_sender_raises(self):
        for sender in ("garbage", "+1", "MYCOMPANY"):
            with self.subTest(sender=sender), self.assertRaises(PayloadError) as raised:
                self._receive("STOP", message_id=f"m-{sender}", number=sender)
            self.assertEqual(raised.exception.code, "bad_number")
            self.assertEqual(raised.exception.params["value"], sender)
        self.assertFalse(self.Inbound.search([("provider_message_id", "in", ["m-garbage", "m-+1", "m-MYCOMPANY"])]))

    @freeze_time("2026-03-26 10:00:00")
    def test_future_provider_date_not_trusted(self):
        far = self._receive("Bonjour", message_id="m-far", received_at=datetime(2099, 1, 1))
        self.assertEqual(far.received_date, datetime(2026, 3, 26, 10, 0))
        self.assertEqual(far.provider_date, datetime(2099, 1, 1))
        near = self._receive("Bonjour", message_id="m-near", received_at=datetime(2026, 3, 26, 10, 4))
        self.assertEqual(near.received_date, datetime(2026, 3, 26, 10, 4), "a small clock difference is accepted")
        late = self._receive("Bonjour", message_id="m-late", received_at=datetime(2026, 3, 26, 10, 6))
        self.assertEqual(late.received_date, datetime(2026, 3, 26, 10, 0))
        missing = self._receive("Bonjour", message_id="m-none", received_at=None)
        self.assertEqual(missing.received_date, datetime(2026, 3, 26, 10, 0))
        self.assertFalse(missing.provider_date)

    @freeze_time("2026-03-26 11:30:00")
    def test_stop_opt_out_dated_at_reception(self):
        inbound = self._receive("STOP", received_at=datetime(2026, 3, 26, 9, 0))
        self.assertEqual(inbound.state, "processed")
        self.assertEqual(self.lead.sms_gdpr_opt_out_date, datetime(2026, 3, 26, 9, 0))

    def test_stop_processed_later_keeps_reception_date(self):
        self.env.ref("sms_gdpr_b2b.automation_inbound_stop").active = False
        with freeze_time("2026-03-26 09:05:00"):
            inbound = self._receive("STOP", received_at=datetime(2026, 3, 26, 9, 0))
        self.env.ref("sms_gdpr_b2b.automation_inbound_stop").active = True
        with freeze_time("2026-03-27 08:00:00"):
            inbound.action_reprocess()
        self.assertEqual(inbound.state, "processed")
        self.assertEqual(self.lead.sms_gdpr_opt_out_date, datetime(2026, 3, 26, 9, 0))

    def test_rejected_message_not_reprocessed(self):
        rejected = self.Inbound._reject(self.company, "generic", "The body is not valid UTF-8 JSON.", "{oops")
        with self.assertRaisesRegex(UserError, "rejected and cannot be processed. The body is not valid"):
            rejected.action_reprocess()

    @freeze_time("2026-03-26 23:58:00")
    def test_rights_request_from_message_dated_ahead(self):
        self.env.user.tz = "UTC"
        inbound = self._receive("Supprimez mes données", received_at=datetime(2026, 3, 27, 0, 2))
        self.assertEqual(inbound.received_date, datetime(2026, 3, 27, 0, 2))
        request = self.env["sms.gdpr.rights.request"].browse(inbound.action_create_rights_request()["res_id"])
        self.assertEqual(str(request.received_date), "2026-03-26")
