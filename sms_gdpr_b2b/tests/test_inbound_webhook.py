import json
from datetime import datetime, timedelta

from freezegun import freeze_time
from twilio.request_validator import RequestValidator

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..compliance.inbound import MAX_BODY_BYTES
from .common import SmsGdprCase

# Thursday 26 March 2026, 09:30 UTC = 10:30 in Paris: inside the morning window.
RELEASE_TIME = "2026-03-26 09:30:00"
WEBHOOK_TOKEN = "test-webhook-token-0123456789"
TWILIO_AUTH_TOKEN = "twilio-auth-token-abcdef"


@tagged("post_install", "-at_install")
class TestInboundWebhook(HttpCase, SmsGdprCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sudo().write({
            "sms_gdpr_webhook_token": WEBHOOK_TOKEN,
            "sms_gdpr_twilio_auth_token": TWILIO_AUTH_TOKEN,
        })
        cls.leads = cls.env["crm.lead"]
        for index in range(3):
            cls.leads |= cls._lead(f"Prospect {index}", f"06 12 34 56 {index + 40:02d}")
        cls.stopper = cls.leads[0]
        cls.Inbound = cls.env["sms.gdpr.inbound"]
        cls.earlier_inbound = cls.Inbound.search([])

    def _url(self, provider, company=None):
        return f"{self.base_url()}/sms_gdpr/inbound/{(company or self.company).id}/{provider}"

    def _post_generic(self, payload, token=WEBHOOK_TOKEN, raw=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-Sms-Gdpr-Token"] = token
        data = raw if raw is not None else json.dumps(payload).encode()
        return self.url_open(self._url("generic"), data=data, headers=headers)

    def _post_twilio(self, params, auth_token=TWILIO_AUTH_TOKEN):
        url = self._url("twilio")
        signature = RequestValidator(auth_token).compute_signature(url, params)
        return self.url_open(url, data=params, headers={"X-Twilio-Signature": signature})

    def _inbound_rows(self):
        """Return the inbound rows stored by the test, ignoring those already in the database."""
        self.env.invalidate_all()
        return self.Inbound.search([("company_id", "=", self.company.id), ("id", "not in", self.earlier_inbound.ids)])

    def _stop_payload(self, message_id="msg-1", body="STOP"):
        return {"message_id": message_id, "from": "+33612345640", "body": body, "received_at": "2026-03-26T08:10:00Z"}

    def test_generic_stop_opts_out(self):
        response = self._post_generic(self._stop_payload(body="Stop merci"))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["status"], "received")
        inbound = self._inbound_rows()
        self.assertEqual(len(inbound), 1)
        self.assertEqual(inbound.intent, "stop")
        self.assertEqual(inbound.state, "processed")
        self.assertEqual(inbound.e164, "+33612345640")
        self.assertEqual(inbound.lead_id, self.stopper)
        self.assertTrue(self.stopper.sms_gdpr_opt_out)
        self.assertEqual(self.stopper.sms_gdpr_opt_out_channel, "sms_reply")
        blacklist = self.env["phone.blacklist"].search([("number", "=", "+33612345640")])
        self.assertTrue(blacklist.active)
        events = self.env["sms.gdpr.event"].search([("event_type", "=", "inbound_stop"), ("res_id", "=", inbound.id)])
        self.assertEqual(len(events), 1)

    def test_stop_between_confirmation_and_release(self):
        campaign = self._confirm_campaign(self.leads)
        self.assertEqual(campaign.scheduled_count, 3)
        response = self._post_generic(self._stop_payload())
        self.assertEqual(response.status_code, 200, response.text)
        self.env.invalidate_all()
        stopped_line = campaign.recipient_ids.filtered(lambda line: line.lead_id == self.stopper)
        self.assertEqual(stopped_line.state, "opted_out")
        with freeze_time(RELEASE_TIME):
            released = self.env["sms.gdpr.recipient"]._cron_release_due()
        self.assertEqual(released, 2)
        self.env.invalidate_all()
        self.assertEqual(stopped_line.state, "opted_out")
        self.assertFalse(stopped_line.sms_id)
        self.assertFalse(self.env["sms.sms"].search([("number", "=", "+33612345640")]))
        self.assertEqual(self._inbound_rows().campaign_id, campaign)

    def test_replay_changes_nothing(self):
        first = self._post_generic(self._stop_payload())
        second = self._post_generic(self._stop_payload(body="Bonjour"))
        self.assertEqual(first.json()["status"], "received")
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json()["status"], "duplicate")
        inbound = self._inbound_rows()
        self.assertEqual(len(inbound), 1)
        self.assertEqual(inbound.body, "STOP", "the replay must not overwrite the stored message")
        events = self.env["sms.gdpr.event"].search([("event_type", "=", "inbound_stop"), ("res_id", "=", inbound.id)])
        self.assertEqual(len(events), 1)

    def test_wrong_token_changes_nothing(self):
        with mute_logger("odoo.addons.sms_gdpr_b2b.controllers.inbound"):
            wrong = self._post_generic(self._stop_payload(), token="not-the-token")
            missing = self._post_generic(self._stop_payload(), token=None)
        self.assertEqual(wrong.status_code, 401)
        self.assertEqual(missing.status_code, 401)
        self.assertFalse(self._inbound_rows())
        self.assertFalse(self.stopper.sms_gdpr_opt_out)
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+33612345640")]))

    def test_company_without_token_refuses(self):
        self.company.sudo().sms_gdpr_webhook_token = False
        with mute_logger("odoo.addons.sms_gdpr_b2b.controllers.inbound"):
            response = self._post_generic(self._stop_payload(), token="")
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self._inbound_rows())

    def test_bearer_token_accepted(self):
        response = self.url_open(
            self._url("generic"), data=json.dumps(self._stop_payload()).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {WEBHOOK_TOKEN}"},
        )
        self.assertEqual(response.status_code, 200, response.text)

    def test_malformed_body_kept(self):
        response = self._post_generic(None, raw=b'{"message_id": "m-9", "body": "STOP"')
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["status"], "not_json")
        rejected = self._inbound_rows()
        self.assertEqual(len(rejected), 1)
        self.assertEqual(rejected.state, "rejected")
        self.assertEqual(rejected.raw_payload, '{"message_id": "m-9", "body": "STOP"')
        self.assertIn("JSON", rejected.error)
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+33612345640")]))

    def test_missing_field_kept(self):
        response = self._post_generic({"message_id": "m-10", "body": "STOP"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["status"], "missing_field")
        self.assertIn("from", self._inbound_rows().error)

    def test_oversized_body_kept(self):
        payload = self._stop_payload()
        payload["body"] = "STOP " + "x" * (MAX_BODY_BYTES + 10)
        response = self._post_generic(payload)
        self.assertEqual(response.status_code, 413)
        rejected = self._inbound_rows()
        self.assertEqual(len(rejected), 1)
        self.assertEqual(rejected.state, "rejected")
        self.assertTrue(rejected.payload_truncated)
        self.assertEqual(len(rejected.raw_payload), MAX_BODY_BYTES)
        self.assertFalse(self.stopper.sms_gdpr_opt_out)

    def test_twilio_signed_form(self):
        params = {"MessageSid": "SM0123456789", "AccountSid": "AC1", "From": "+33612345640", "To": "+33700000000",
                  "Body": "ARRÊT", "NumMedia": "0"}
        response = self._post_twilio(params)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("<Response>", response.text)
        inbound = self._inbound_rows()
        self.assertEqual(inbound.provider, "twilio")
        self.assertEqual(inbound.provider_message_id, "SM0123456789")
        self.assertEqual(inbound.intent, "stop")
        self.assertTrue(self.stopper.sms_gdpr_opt_out)

    def test_twilio_bad_signature(self):
        params = {"MessageSid": "SM0123456789", "From": "+33612345640", "Body": "STOP"}
        with mute_logger("odoo.addons.sms_gdpr_b2b.controllers.inbound"):
            wrong_token = self._post_twilio(params, auth_token="someone-else")
            unsigned = self.url_open(self._url("twilio"), data=params)
        self.assertEqual(wrong_token.status_code, 401)
        self.assertEqual(unsigned.status_code, 401)
        self.assertFalse(self._inbound_rows())
        self.assertFalse(self.stopper.sms_gdpr_opt_out)

    def test_smsfactor_stop(self):
        payload = {"date": "2026-03-26T10:05:00+01:00", "message": "Stop SMS", "from": "33612345640",
                   "account_id": "1234", "last_message_id": "abc"}
        url = f"{self._url('smsfactor')}?token={WEBHOOK_TOKEN}"
        response = self.url_open(url, data=json.dumps(payload), headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200, response.text)
        replay = self.url_open(url, data=json.dumps(payload), headers={"Content-Type": "application/json"})
        self.assertEqual(replay.json()["status"], "duplicate")
        inbound = self._inbound_rows()
        self.assertEqual(len(inbound), 1)
        self.assertEqual(inbound.provider, "smsfactor")
        self.assertEqual(inbound.intent, "stop")
        self.assertEqual(str(inbound.received_date), "2026-03-26 09:05:00")
        self.assertTrue(self.stopper.sms_gdpr_opt_out)

    def test_smsfactor_signature_header(self):
        payload = {"date": "2026-03-26T10:05:00+01:00", "message": "STOP", "from": "33612345640",
                   "last_message_id": "sig-1"}
        headers = {"Content-Type": "application/json", "X-SMSFactor-Signature": WEBHOOK_TOKEN}
        response = self.url_open(self._url("smsfactor"), data=json.dumps(payload), headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(self.stopper.sms_gdpr_opt_out)

    def test_smsfactor_without_token(self):
        payload = {"date": "2026-03-26T10:05:00+01:00", "message": "Stop", "from": "33612345640"}
        with mute_logger("odoo.addons.sms_gdpr_b2b.controllers.inbound"):
            response = self.url_open(self._url("smsfactor"), data=json.dumps(payload),
                                     headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self._inbound_rows())

    def test_unknown_company_or_provider(self):
        with mute_logger("odoo.addons.sms_gdpr_b2b.controllers.inbound"):
            unknown_company = self.url_open(
                f"{self.base_url()}/sms_gdpr/inbound/999999/generic", data=b"{}",
                headers={"Content-Type": "application/json", "X-Sms-Gdpr-Token": WEBHOOK_TOKEN},
            )
        unknown_provider = self.url_open(self._url("carrier-pigeon"), data=b"{}")
        self.assertEqual(unknown_company.status_code, 401, "an unknown company id looks like a wrong token")
        self.assertEqual(unknown_company.json()["status"], "unauthenticated")
        self.assertEqual(unknown_provider.status_code, 404)

    def test_form_encoded_json_explained(self):
        body = json.dumps(self._stop_payload()).encode()
        response = self.url_open(self._url("generic"), data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Sms-Gdpr-Token": WEBHOOK_TOKEN,
        })
        self.assertEqual(response.status_code, 415)
        self.assertEqual(response.json()["status"], "form_encoded")
        rejected = self._inbound_rows()
        self.assertEqual(rejected.state, "rejected")
        self.assertIn("application/json", rejected.error)
        self.assertIn("message_id", rejected.raw_payload, "the form is kept for audit")

    def test_other_company_token_refused(self):
        other = self.env["res.company"].create({"name": "Other agency", "sms_gdpr_webhook_token": "other-token"})
        with mute_logger("odoo.addons.sms_gdpr_b2b.controllers.inbound"):
            response = self.url_open(
                self._url("generic", company=other), data=json.dumps(self._stop_payload()).encode(),
                headers={"Content-Type": "application/json", "X-Sms-Gdpr-Token": WEBHOOK_TOKEN},
            )
        self.assertEqual(response.status_code, 401)

    def _failing_automation(self, domain, message="The CRM is locked for maintenance."):
        """Add an automation rule on inbound messages matching ``domain`` that raises ``message``."""
        automation = self.env["base.automation"].create({
            "name": "Failing rule",
            "model_id": self.env.ref("sms_gdpr_b2b.model_sms_gdpr_inbound").id,
            "trigger": "on_create_or_write",
            "filter_domain": domain,
        })
        self.env["ir.actions.server"].create({
            "name": "Raise",
            "model_id": self.env.ref("sms_gdpr_b2b.model_sms_gdpr_inbound").id,
            "base_automation_id": automation.id,
            "usage": "base_automation",
            "state": "code",
            "code": f"raise UserError({message!r})",
        })
        return automation

    def test_unparseable_sender_kept_as_rejected(self):
        for index, sender in enumerate(["garbage", "+1", "MYCOMPANY", "0033 6 12 34 56 40x"]):
            with self.subTest(sender=sender):
                payload = {"message_id": f"bad-{index}", "from": sender, "body": "STOP"}
                response = self._post_generic(payload)
                self.assertEqual(response.status_code, 400, response.text)
                self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
                answer = response.json()
                self.assertEqual(answer["status"], "bad_number")
                rejected = self.Inbound.browse(answer["id"])
                self.assertEqual(rejected.state, "rejected")
                self.assertEqual(rejected.number, sender)
                self.assertEqual(json.loads(rejected.raw_payload), payload)
                self.assertIn(f"“{sender}” is not a valid phone number", rejected.error)
        self.assertEqual(len(self._inbound_rows()), 4)
        self.assertFalse(self.env["phone.blacklist"].search([("number", "in", ["garbage", "+1", "MYCOMPANY"])]))
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+33612345640")]),
                         "a sender with a stray letter opts nobody out")

    def test_processing_error_keeps_message(self):
        # The rule fails once the shipped STOP rule has processed the row, so that rule's changes are undone too.
        failing = self._failing_automation([("state", "=", "processed")])
        with self.assertLogs("odoo.addons.sms_gdpr_b2b.controllers.inbound", "ERROR") as logs:
            response = self._post_generic(self._stop_payload())
        self.assertEqual(response.status_code, 202, response.text)
        answer = response.json()
        self.assertEqual(answer["status"], "processing_failed")
        inbound = self._inbound_rows()
        self.assertEqual(inbound.id, answer["id"])
        self.assertIn(f"Inbound SMS {inbound.id} of company {self.company.id} kept unprocessed", logs.output[0])
        self.assertNotIn("+33612345640", "".join(logs.output), "no phone number is logged above DEBUG")
        self.assertEqual(inbound.state, "failed")
        self.assertEqual(inbound.body, "STOP")
        self.assertEqual(inbound.e164, "+33612345640")
        self.assertEqual(inbound.provider_message_id, "msg-1")
        self.assertEqual(json.loads(inbound.raw_payload), self._stop_payload())
        self.assertIn("The CRM is locked for maintenance.", inbound.error)
        self.assertFalse(self.stopper.sms_gdpr_opt_out, "the failed processing is rolled back as a whole")

        replay = self._post_generic(self._stop_payload())
        self.assertEqual(replay.json()["status"], "duplicate")

        failing.active = False
        inbound.action_reprocess()
        self.assertEqual(inbound.state, "processed")
        self.assertFalse(inbound.error)
        self.assertEqual(inbound.lead_id, self.stopper)
        self.assertTrue(self.stopper.sms_gdpr_opt_out)

    def test_twilio_processing_error_returns_twiml(self):
        self._failing_automation([("state", "=", "processed")])
        params = {"MessageSid": "SM-failing", "From": "+33612345640", "To": "+33700000000", "Body": "STOP"}
        with self.assertLogs("odoo.addons.sms_gdpr_b2b.controllers.inbound", "ERROR"):
            response = self._post_twilio(params)
        self.assertEqual(response.status_code, 202, response.text)
        self.assertIn("<Response>", response.text)
        self.assertEqual(self._inbound_rows().state, "failed")

    def test_unexpected_error_kept_as_rejected(self):
        # Only the first try to keep the malformed body fails; the row kept after the error passes.
        self._failing_automation([("state", "=", "rejected"), ("error", "ilike", "not valid UTF-8 JSON")])
        with self.assertLogs("odoo.addons.sms_gdpr_b2b.controllers.inbound", "ERROR") as logs:
            response = self._post_generic(None, raw=b"{not json")
        self.assertEqual(response.status_code, 500)
        answer = response.json()
        self.assertEqual(answer["status"], "error")
        rejected = self._inbound_rows()
        self.assertEqual(rejected.id, answer["id"])
        self.assertIn(f"Inbound SMS {rejected.id} of company {self.company.id} kept as rejected", logs.output[0])
        self.assertEqual(rejected.state, "rejected")
        self.assertEqual(rejected.raw_payload, "{not json")
        self.assertIn("The message could not be stored", rejected.error)
        self.assertIn("The CRM is locked for maintenance.", rejected.error)

    def test_failed_keep_returns_json(self):
        self._failing_automation([("state", "=", "rejected")])
        with self.assertLogs("odoo.addons.sms_gdpr_b2b.controllers.inbound", "ERROR") as logs:
            response = self._post_generic(None, raw=b"{not json")
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.json(), {"status": "error"})
        self.assertIn(f"Inbound SMS request of company {self.company.id} lost", logs.output[0])
        self.assertFalse(self._inbound_rows())

    def test_future_received_at_not_trusted(self):
        payload = {**self._stop_payload(), "received_at": "2099-01-01T00:00:00Z"}
        before = datetime.now().replace(microsecond=0)
        response = self._post_generic(payload)
        after = datetime.now()
        self.assertEqual(response.status_code, 200, response.text)
        inbound = self._inbound_rows()
        self.assertGreaterEqual(inbound.received_date, before)
        self.assertLessEqual(inbound.received_date, after)
        self.assertEqual(inbound.provider_date, datetime(2099, 1, 1))
        self.assertIn("2099-01-01T00:00:00Z", inbound.raw_payload)
        self.assertLessEqual(self.stopper.sms_gdpr_opt_out_date, after, "the opt-out is not dated in the future")

    def test_slightly_ahead_received_at_kept(self):
        ahead = (datetime.now() + timedelta(minutes=2)).replace(microsecond=0)
        payload = {**self._stop_payload(), "received_at": ahead.isoformat() + "Z"}
        response = self._post_generic(payload)
        self.assertEqual(response.status_code, 200, response.text)
        inbound = self._inbound_rows()
        self.assertEqual(inbound.received_date, ahead)
        self.assertEqual(inbound.provider_date, ahead)

    def test_stop_attributed_to_odoobot(self):
        response = self._post_generic(self._stop_payload())
        self.assertEqual(response.status_code, 200, response.text)
        odoobot = self.env.ref("base.user_root")
        inbound = self._inbound_rows()
        self.assertEqual(inbound.create_uid, odoobot)
        events = self.env["sms.gdpr.event"].search([
            "|", "&", ("res_model", "=", "sms.gdpr.inbound"), ("res_id", "=", inbound.id),
            "&", "&", ("res_model", "=", "crm.lead"), ("res_id", "=", self.stopper.id),
            ("event_type", "=", "opt_out_set"),
        ])
        self.assertEqual(set(events.mapped("event_type")), {"inbound_stop", "opt_out_set"})
        self.assertEqual(events.user_id, odoobot)
        note = self.stopper.message_ids.filtered(lambda message: "STOP received" in (message.body or ""))
        self.assertEqual(note.author_id, odoobot.partner_id)
