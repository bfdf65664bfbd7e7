from datetime import datetime

import psycopg2
from freezegun import freeze_time

from odoo.addons.sms.tools.sms_api import SmsApi
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SmsGdprCase

# Thursday 26 March 2026, 09:30 UTC = 10:30 in Paris: inside the morning window.
RELEASE_TIME = "2026-03-26 09:30:00"


@tagged("post_install", "-at_install")
class TestRelease(SmsGdprCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leads = cls.env["crm.lead"]
        for index in range(5):
            cls.leads |= cls._lead(f"Prospect {index}", f"06 12 34 56 {index + 20:02d}")
        cls.recipients = cls.env["sms.gdpr.recipient"]

    def _replace_provider_call(self, provider_state):
        """Replace the network call of Odoo's SMS API by one returning ``provider_state`` for every SMS.

        Return the list the batches sent are appended to.
        """
        calls = []

        def send_sms_batch(api, messages, delivery_reports_url=False):
            calls.append(messages)
            return [
                {"uuid": number["uuid"], "state": provider_state}
                for message in messages for number in message["numbers"]
            ]

        self.patch(SmsApi, "_send_sms_batch", send_sms_batch)
        return calls

    def _sms_of(self, campaign):
        return self.env["sms.sms"].search([("sms_gdpr_recipient_id.campaign_id", "=", campaign.id)])

    def _sms_count_per_line(self, campaign):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT sms.sms_gdpr_recipient_id, count(*)
                 FROM sms_sms sms
                 JOIN sms_gdpr_recipient line ON line.id = sms.sms_gdpr_recipient_id
                WHERE line.campaign_id = %s
             GROUP BY sms.sms_gdpr_recipient_id""",
            [campaign.id],
        )
        return dict(self.env.cr.fetchall())

    def test_nothing_released_before_planned_time(self):
        campaign = self._confirm_campaign(self.leads)
        with freeze_time("2026-03-26 08:30:00"):
            released = self.recipients._cron_release_due()
        self.assertEqual(released, 0)
        self.assertEqual(campaign.scheduled_count, 5)

    def test_release_creates_one_sms_per_line(self):
        campaign = self._confirm_campaign(self.leads)
        with freeze_time(RELEASE_TIME):
            released = self.recipients._cron_release_due()
        self.assertEqual(released, 5)
        lines = campaign.recipient_ids
        self.assertEqual(set(lines.mapped("state")), {"sent"}, "test mode records every SMS as sent")
        self.assertEqual(self._sms_count_per_line(campaign), {line.id: 1 for line in lines})
        self.assertEqual(set(lines.mapped("e164")), set(lines.sms_id.mapped("number")))
        self.assertEqual(campaign.state, "done")

    def test_cron_twice_sends_once(self):
        campaign = self._confirm_campaign(self.leads)
        with freeze_time(RELEASE_TIME):
            first = self.recipients._cron_release_due()
            second = self.recipients._cron_release_due()
        self.assertEqual(first, 5)
        self.assertEqual(second, 0)
        self.assertEqual(len(self._sms_of(campaign)), 5)

    def test_batches_release_everything(self):
        campaign = self._confirm_campaign(self.leads)
        with freeze_time(RELEASE_TIME):
            first = self.recipients._cron_release_due(batch_size=2, max_batches=1)
            rest = self.recipients._cron_release_due(batch_size=2)
        self.assertEqual(first, 2)
        self.assertEqual(rest, 3)
        self.assertEqual(len(set(self._sms_count_per_line(campaign))), 5)

    def test_failure_mid_batch_then_retry_sends_once(self):
        campaign = self._confirm_campaign(self.leads)
        with freeze_time(RELEASE_TIME):
            self.recipients._cron_release_due(batch_size=2, max_batches=1)
        # A real PostgreSQL error on the fourth SMS insert: the second batch fails half-way.
        self.env.cr.execute("""
            CREATE FUNCTION sms_gdpr_test_fail() RETURNS trigger AS $$
            BEGIN
                IF (SELECT count(*) FROM sms_sms WHERE sms_gdpr_recipient_id IS NOT NULL) >= 3 THEN
                    RAISE EXCEPTION 'injected failure';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER sms_gdpr_test_fail BEFORE INSERT ON sms_sms
                FOR EACH ROW EXECUTE FUNCTION sms_gdpr_test_fail();
        """)
        with freeze_time(RELEASE_TIME), mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error):
            with self.env.cr.savepoint():
                self.recipients._cron_release_due(batch_size=2)
        self.env.invalidate_all()
        self.assertEqual(campaign.scheduled_count, 3, "the failed batch must leave its lines scheduled")
        self.env.cr.execute("DROP TRIGGER sms_gdpr_test_fail ON sms_sms; DROP FUNCTION sms_gdpr_test_fail()")
        with freeze_time(RELEASE_TIME):
            self.recipients._cron_release_due(batch_size=2)
        counts = self._sms_count_per_line(campaign)
        self.assertEqual(len(counts), 5)
        self.assertEqual(set(counts.values()), {1})

    def test_second_sms_for_same_line_rejected(self):
        campaign = self._confirm_campaign(self.leads)
        with freeze_time(RELEASE_TIME):
            self.recipients._cron_release_due()
        line = campaign.recipient_ids[0]
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.env["sms.sms"].create({"number": line.e164, "body": "x", "sms_gdpr_recipient_id": line.id})
                self.env.flush_all()

    def test_stop_after_confirmation_wins(self):
        campaign = self._confirm_campaign(self.leads)
        stopped = campaign.recipient_ids[0]
        self.env["phone.blacklist"].sudo()._add([stopped.e164])
        with freeze_time(RELEASE_TIME):
            released = self.recipients._cron_release_due()
        self.assertEqual(released, 4)
        self.assertEqual(stopped.state, "opted_out")
        self.assertEqual(stopped.reason, "blacklisted")
        self.assertFalse(stopped.sms_id)
        self.assertFalse(self.env["sms.sms"].search([("number", "=", stopped.e164)]))

    def test_record_opt_out_after_confirmation_wins(self):
        campaign = self._confirm_campaign(self.leads)
        line = campaign.recipient_ids[0]
        line.lead_id.sms_gdpr_opt_out = True
        with freeze_time(RELEASE_TIME):
            self.recipients._cron_release_due()
        self.assertEqual(line.state, "opted_out")

    def test_basis_withdrawn_after_confirmation_wins(self):
        campaign = self._confirm_campaign(self.leads)
        line = campaign.recipient_ids[0]
        line.lead_id.sms_gdpr_legal_basis = "none"
        with freeze_time(RELEASE_TIME):
            released = self.recipients._cron_release_due()
        self.assertEqual(released, 4)
        self.assertEqual(line.state, "cancelled")
        self.assertEqual(line.reason, "no_legal_basis")
        self.assertFalse(line.sms_id)

    def test_outside_window_postponed(self):
        campaign = self._confirm_campaign(self.leads)
        # 12:30 UTC = 13:30 in Paris, the lunch break: due lines move to 14:00.
        with freeze_time("2026-03-26 12:30:00"):
            released = self.recipients._cron_release_due()
        self.assertEqual(released, 0)
        lines = campaign.recipient_ids
        self.assertEqual(set(lines.mapped("state")), {"scheduled"})
        self.assertEqual(set(lines.mapped("planned_local")), {"2026-03-26T14:00:00+01:00"})
        self.assertEqual(set(lines.mapped("planned_utc")), {datetime(2026, 3, 26, 13, 0)})

    def test_frequency_cap_at_release(self):
        self.company.sms_gdpr_frequency_cap = 1
        first = self._confirm_campaign(self.leads)
        second = self._confirm_campaign(self.leads)
        with freeze_time(RELEASE_TIME):
            self.recipients._cron_release_due()
        released = (first | second).recipient_ids.filtered(lambda line: line.state == "sent")
        capped = (first | second).recipient_ids.filtered(lambda line: line.state == "cancelled")
        self.assertEqual(len(released), 5, "each number gets one SMS under a cap of 1")
        self.assertEqual(len(capped), 5)
        self.assertEqual(set(capped.mapped("reason")), {"frequency_cap"})

    def test_frequency_cap_at_audience(self):
        self.company.sms_gdpr_frequency_cap = 1
        self._confirm_campaign(self.leads)
        with freeze_time(RELEASE_TIME):
            self.recipients._cron_release_due()
        with freeze_time("2026-03-27 10:00:00"):
            wizard = self._wizard_form(self.leads).save()
            wizard.action_to_audience()
        self.assertEqual(set(wizard.recipient_ids.mapped("reason")), {"frequency_cap"})

    def test_cancel_campaign(self):
        campaign = self._confirm_campaign(self.leads)
        campaign.action_cancel()
        self.assertEqual(campaign.state, "cancelled")
        self.assertEqual(set(campaign.recipient_ids.mapped("state")), {"cancelled"})
        with freeze_time(RELEASE_TIME):
            self.assertEqual(self.recipients._cron_release_due(), 0)

    def test_release_now_button(self):
        campaign = self._confirm_campaign(self.leads)
        with freeze_time(RELEASE_TIME):
            campaign.action_release_due()
        self.assertEqual(campaign.sent_count, 5)

    def test_provider_path_without_test_mode(self):
        """Without test mode the SMS go through Odoo's SMS API; only its network call is replaced."""
        self.company.sms_gdpr_test_mode = False
        campaign = self._confirm_campaign(self.leads)
        calls = self._replace_provider_call("success")
        with freeze_time(RELEASE_TIME):
            self.recipients._cron_release_due()
        self.assertEqual(len(calls), 1)
        sent_numbers = {number["number"] for number in calls[0][0]["numbers"]}
        self.assertEqual(sent_numbers, set(campaign.recipient_ids.mapped("e164")))
        self.assertEqual(calls[0][0]["content"], campaign.full_body)
        self.assertEqual(set(campaign.recipient_ids.mapped("state")), {"sent"})

    def test_provider_error_marks_line_failed(self):
        self.company.sms_gdpr_test_mode = False
        campaign = self._confirm_campaign(self.leads)
        self._replace_provider_call("insufficient_credit")
        with freeze_time(RELEASE_TIME):
            self.recipients._cron_release_due()
        self.assertEqual(set(campaign.recipient_ids.mapped("state")), {"failed"})
        self.assertEqual(set(campaign.recipient_ids.mapped("error")), {"sms_credit"})
