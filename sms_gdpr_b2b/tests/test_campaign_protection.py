from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SmsGdprCase


@tagged("post_install", "-at_install")
class TestCampaignProtection(SmsGdprCase):
    """A confirmed campaign is what was checked: users cannot rewrite, create or delete it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_rep = new_test_user(cls.env, "protect_rep", groups="sales_team.group_sale_salesman")
        cls.manager = new_test_user(cls.env, "protect_manager", groups="sales_team.group_sale_manager")
        cls.leads = cls._lead("Claire Martin", "06 12 34 56 01", user_id=cls.sales_rep.id)

    def test_rep_cannot_rewrite_text(self):
        campaign = self._confirm_campaign(self.leads)
        for vals in ({"full_body": "Buy now"}, {"sender_id": "HACKED"}, {"state": "cancelled"}, {"name": "x"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                campaign.with_user(self.sales_rep).write(vals)
        self.assertIn("STOP au 36111", campaign.full_body)

    def test_manager_cannot_rewrite_text(self):
        campaign = self._confirm_campaign(self.leads)
        with self.assertRaises(AccessError):
            campaign.with_user(self.manager).write({"full_body": "Buy now"})
        campaign.with_user(self.manager).write({"name": "Spring offer"})
        self.assertEqual(campaign.name, "Spring offer")

    def test_nobody_creates_campaign_directly(self):
        vals = {"name": "Direct", "processing_id": self.processing.id, "full_body": "x"}
        for user in (self.sales_rep, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["sms.gdpr.campaign"].with_user(user).create(vals)

    def test_nobody_deletes_campaign(self):
        campaign = self._confirm_campaign(self.leads)
        with self.assertRaises(AccessError):
            campaign.with_user(self.manager).unlink()

    def test_rep_cannot_write_recipient_lines(self):
        campaign = self._confirm_campaign(self.leads)
        with self.assertRaises(AccessError):
            campaign.recipient_ids.with_user(self.sales_rep).write({"state": "cancelled"})

    def test_release_now_on_cancelled_campaign(self):
        campaign = self._confirm_campaign(self.leads)
        campaign.with_user(self.manager).action_cancel()
        with self.assertRaises(UserError):
            campaign.with_user(self.manager).action_release_due()

    def test_user_without_email_confirms(self):
        no_email = new_test_user(self.env, "no_email_rep", groups="sales_team.group_sale_salesman", email=False)
        self.leads.user_id = no_email
        self.env = self.env(user=no_email)
        campaign = self._confirm_campaign(self.leads.with_user(no_email))
        self.assertEqual(campaign.user_id, no_email)
        self.assertEqual(campaign.scheduled_count, 1)
