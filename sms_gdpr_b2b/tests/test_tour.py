from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCampaignTour(HttpCase):

    def test_campaign_wizard_tour(self):
        company = self.env.ref("base.main_company")
        company.write({
            "country_id": self.env.ref("base.fr").id,
            "sms_gdpr_sender_id": "MYBRAND",
            "sms_gdpr_short_code": "36111",
            "sms_gdpr_privacy_url": "https://ex.fr/rgpd",
            "sms_gdpr_test_mode": True,
        })
        admin = self.env.ref("base.user_admin")
        for name, mobile in (("Tour Prospect A", "06 12 34 56 91"), ("Tour Prospect B", "01 99 00 12 91")):
            self.env["crm.lead"].create({
                "name": name,
                "type": "opportunity",
                "user_id": admin.id,
                "mobile": mobile,
                "function": "Purchasing Manager",
                "country_id": self.env.ref("base.fr").id,
                "sms_gdpr_legal_basis": "legitimate_interest",
            })
        self.start_tour("/odoo/action-crm.crm_lead_opportunities?view_type=list", "sms_gdpr_campaign_tour", login="admin")
        campaign = self.env["sms.gdpr.campaign"].search([("name", "=", "Tour campaign")])
        self.assertEqual(len(campaign), 1)
        self.assertEqual(campaign.scheduled_count, 1)
        self.assertEqual(campaign.excluded_count, 1)
        self.assertEqual(campaign.recipient_ids.filtered(lambda line: line.state == "excluded").reason, "not_mobile")


@tagged("post_install", "-at_install")
class TestRightsRequestTour(HttpCase):

    def test_objection_and_chain_tour(self):
        company = self.env.ref("base.main_company")
        company.country_id = self.env.ref("base.fr")
        lead = self.env["crm.lead"].create({
            "name": "Tour Objector",
            "mobile": "06 12 34 56 93",
            "country_id": self.env.ref("base.fr").id,
            "sms_gdpr_legal_basis": "legitimate_interest",
        })
        self.start_tour("/odoo/action-sms_gdpr_b2b.sms_gdpr_rights_request_action", "sms_gdpr_rights_request_tour",
                        login="admin")
        request = self.env["sms.gdpr.rights.request"].search([("subject_name", "=", "Tour Objector")])
        self.assertEqual(request.state, "done")
        self.assertEqual(request.outcome, "granted")
        self.assertTrue(lead.sms_gdpr_opt_out, "the objection opts the lead out")

        self.start_tour("/odoo/action-sms_gdpr_b2b.sms_gdpr_event_action", "sms_gdpr_audit_chain_tour", login="admin")
        verified = self.env["sms.gdpr.event"].search([("event_type", "=", "chain_verified")])
        self.assertEqual(len(verified), 1)
