from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SmsGdprCase


@tagged("post_install", "-at_install")
class TestSecurity(SmsGdprCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_rep = new_test_user(cls.env, "sms_rep", groups="sales_team.group_sale_salesman")
        cls.manager = new_test_user(cls.env, "sms_manager", groups="sales_team.group_sale_manager")
        cls.outsider = new_test_user(cls.env, "sms_outsider", groups="base.group_user")
        cls.leads = (
            cls._lead("Claire Martin", "06 12 34 56 01", user_id=cls.sales_rep.id)
            | cls._lead("Paul Durand", "06 12 34 56 02", user_id=cls.sales_rep.id)
        )

    def test_sales_rep_is_compliance_user(self):
        self.assertTrue(self.sales_rep.has_group("sms_gdpr_b2b.sms_gdpr_b2b_group_user"))
        self.assertFalse(self.sales_rep.has_group("sms_gdpr_b2b.sms_gdpr_b2b_group_manager"))
        self.assertTrue(self.manager.has_group("sms_gdpr_b2b.sms_gdpr_b2b_group_manager"))
        self.assertTrue(self.env.ref("base.user_admin").has_group("sms_gdpr_b2b.sms_gdpr_b2b_group_admin"))

    def test_sales_rep_runs_campaign(self):
        self.env = self.env(user=self.sales_rep)
        campaign = self._confirm_campaign(self.leads.with_user(self.sales_rep))
        self.assertEqual(campaign.scheduled_count, 2)
        self.assertEqual(campaign.create_uid, self.sales_rep)

    def test_sales_rep_cannot_cancel(self):
        campaign = self._confirm_campaign(self.leads)
        with self.assertRaises(AccessError):
            campaign.with_user(self.sales_rep).action_cancel()
        campaign.with_user(self.manager).action_cancel()
        self.assertEqual(campaign.state, "cancelled")

    def test_sales_rep_cannot_edit_register(self):
        with self.assertRaises(AccessError):
            self.processing.with_user(self.sales_rep).name = "Changed"

    def test_outsider_sees_no_campaign(self):
        campaign = self._confirm_campaign(self.leads)
        with self.assertRaises(AccessError):
            campaign.with_user(self.outsider).read(["name"])

    def test_other_company_campaign_hidden(self):
        other_company = self.env["res.company"].create({"name": "Other Agency", "country_id": self.france.id})
        campaign = self._confirm_campaign(self.leads)
        campaign.sudo().company_id = other_company
        visible = self.env["sms.gdpr.campaign"].with_user(self.manager).search([("id", "=", campaign.id)])
        self.assertFalse(visible, "a campaign of another company must stay hidden")

    def test_manager_reads_blacklist(self):
        self._partner("Opposed", "06 12 34 56 09", sms_gdpr_opt_out=True)
        entries = self.env["phone.blacklist"].with_user(self.manager).search([("number", "=", "+33612345609")])
        self.assertEqual(len(entries), 1)
