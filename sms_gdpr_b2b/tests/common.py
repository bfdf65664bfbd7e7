from datetime import datetime

from odoo.tests import Form, TransactionCase

# Thursday 26 March 2026, 08:00 UTC = 09:00 in Paris: before the 10:00 window opens.
THURSDAY_MORNING_UTC = datetime(2026, 3, 26, 8, 0)


class SmsGdprCase(TransactionCase):
    """Company rules, sample contacts and leads, and a way through the campaign wizard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.france = cls.env.ref("base.fr")
        cls.belgium = cls.env.ref("base.be")
        cls.company = cls.env.company
        cls.company.write({
            "country_id": cls.france.id,
            "sms_gdpr_sender_id": "MYBRAND",
            "sms_gdpr_short_code": "36111",
            "sms_gdpr_privacy_url": "https://ex.fr/rgpd",
            "sms_gdpr_advertiser_name": "MyBrand",
            "sms_gdpr_default_country_id": cls.france.id,
            "sms_gdpr_test_mode": True,
            "sms_gdpr_frequency_cap": 4,
            "sms_gdpr_frequency_days": 30,
        })
        cls.processing = cls.env.ref("sms_gdpr_b2b.sms_gdpr_processing_prospecting")

    @classmethod
    def _partner(cls, name, mobile, **vals):
        return cls.env["res.partner"].create({
            "name": name,
            "mobile": mobile,
            "country_id": cls.france.id,
            "function": "Purchasing Manager",
            "sms_gdpr_legal_basis": "legitimate_interest",
            "sms_gdpr_data_source": "event",
            **vals,
        })

    @classmethod
    def _lead(cls, name, mobile, **vals):
        return cls.env["crm.lead"].create({
            "name": name,
            "contact_name": name,
            "mobile": mobile,
            "country_id": cls.france.id,
            "function": "Purchasing Manager",
            "sms_gdpr_legal_basis": "legitimate_interest",
            "sms_gdpr_data_source": "event",
            **vals,
        })

    def _wizard_form(self, records, body="Offre MyBrand : -20 % sur votre CRM ce mois-ci."):
        wizard_form = Form(
            self.env["sms.gdpr.campaign.wizard"].with_context(active_model=records._name, active_ids=records.ids)
        )
        wizard_form.body = body
        return wizard_form

    def _confirm_campaign(self, records, date_start=THURSDAY_MORNING_UTC, **wizard_vals):
        """Run the wizard's four steps on ``records`` and return the confirmed campaign."""
        wizard = self._wizard_form(records, **wizard_vals).save()
        wizard.action_to_audience()
        wizard.date_start = date_start
        wizard.action_to_schedule()
        wizard.action_to_confirm()
        action = wizard.action_confirm()
        return self.env["sms.gdpr.campaign"].browse(action["res_id"])
