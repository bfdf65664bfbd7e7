from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SmsGdprCase


@tagged("post_install", "-at_install")
class TestCompanySettings(SmsGdprCase):

    def test_invalid_sender_ids_rejected(self):
        for sender_id in ("AB", "TWELVECHARSX", "MY BRAND", "12345", "INFO", "Société"):
            with self.subTest(sender_id=sender_id), self.assertRaises(ValidationError):
                self.company.sms_gdpr_sender_id = sender_id

    def test_valid_sender_id_accepted(self):
        self.company.sms_gdpr_sender_id = "Agence75"
        self.assertEqual(self.company.sms_gdpr_sender_id, "Agence75")

    def test_window_outside_hard_limits_rejected(self):
        with self.assertRaises(ValidationError):
            self.company.sms_gdpr_weekday_morning_start = 7.5
        with self.assertRaises(ValidationError):
            self.company.sms_gdpr_weekday_afternoon_end = 21.0

    def test_saturday_limits(self):
        with self.assertRaises(ValidationError):
            self.company.write({"sms_gdpr_saturday_enabled": True, "sms_gdpr_saturday_end": 19.0})
        self.company.write({"sms_gdpr_saturday_enabled": True, "sms_gdpr_saturday_start": 10.0, "sms_gdpr_saturday_end": 12.0})
        rules = self.company._sms_gdpr_sending_rules()
        self.assertEqual(len(rules.saturday_windows), 1)

    def test_invalid_links_rejected(self):
        for fname in ("sms_gdpr_opt_out_url", "sms_gdpr_privacy_url"):
            for url in ("not a url", "javascript:alert(1)", "ftp://example.fr"):
                with self.subTest(field=fname, url=url), self.assertRaises(ValidationError):
                    self.company[fname] = url
        self.company.sms_gdpr_opt_out_url = "https://example.fr/stop"

    def test_invalid_short_codes_rejected(self):
        for short_code in ("abc", "12", "123456", "16111"):
            with self.subTest(short_code=short_code), self.assertRaises(ValidationError):
                self.company.sms_gdpr_short_code = short_code

    def test_window_hour_out_of_day_rejected(self):
        for value in (-5.0, 25.0):
            with self.subTest(value=value), self.assertRaises(ValidationError) as raised:
                self.company.sms_gdpr_weekday_morning_start = value
            self.assertIn("hour of the day", str(raised.exception))

    def test_reminder_days_range(self):
        for days in (-3, 400):
            with self.subTest(days=days), self.assertRaises(ValidationError):
                self.company.sms_gdpr_rights_reminder_days = days

    def test_negative_frequency_cap_rejected(self):
        with self.assertRaises(ValidationError):
            self.company.sms_gdpr_frequency_cap = -1

    def test_settings_form_saves_company_rules(self):
        settings = Form(self.env["res.config.settings"])
        settings.sms_gdpr_short_code = "36222"
        settings.sms_gdpr_test_mode = False
        settings.save().execute()
        self.assertEqual(self.company.sms_gdpr_short_code, "36222")
        self.assertFalse(self.company.sms_gdpr_test_mode)

    def test_default_register_entry_in_french(self):
        self.assertEqual(self.processing.legal_basis, "legitimate_interest")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["sms_gdpr_b2b"], ["fr_FR"], overwrite=True)
        self.assertEqual(
            self.processing.with_context(lang="fr_FR").name, "Prospection commerciale par SMS (B2B)"
        )
