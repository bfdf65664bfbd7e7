from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SmsGdprCase


@tagged("post_install", "-at_install")
class TestMessageLimits(SmsGdprCase):
    """The campaign wizard on blank and over-long messages, checked on the text sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls._lead("Claire", "06 12 34 56 01")

    def _wizard(self, body):
        wizard = self._wizard_form(self.lead, body=body).save()
        wizard.warnings_acknowledged = True
        return wizard

    def test_blank_body_blocked(self):
        for body in ("   ", "\n\t", "\u00a0\u200b"):
            with self.subTest(body=body):
                wizard = self._wizard(body)
                self.assertFalse(wizard.full_body, "mentions were appended to a blank body")
                self.assertTrue(wizard.has_errors)
                self.assertIn("The message is empty", wizard.findings_html)
                self.assertNotIn("opt-out", wizard.findings_html)
                with self.assertRaisesRegex(UserError, "The message is empty"):
                    wizard.action_to_audience()

    def test_four_parts_warned(self):
        wizard = self._wizard("Offre MyBrand : " + "x" * 500)
        self.assertEqual(wizard.segment_count, 4)
        self.assertFalse(wizard.has_errors)
        self.assertTrue(wizard.has_warnings)
        self.assertIn("4 SMS parts", wizard.findings_html)
        wizard.action_to_audience()
        self.assertEqual(wizard.step, "audience")
        self.assertTrue(wizard.recipient_ids)

    def test_over_ten_parts_blocked(self):
        for body, parts in (("Offre MyBrand : " + "x" * 5000, 34), ("Offre MyBrand : " + "é" * 200000, 1308)):
            with self.subTest(parts=parts):
                wizard = self._wizard(body)
                self.assertEqual(wizard.segment_count, parts)
                self.assertTrue(wizard.has_errors)
                with self.assertRaisesRegex(UserError, f"{parts} SMS parts, more than the 10"):
                    wizard.action_to_audience()
                self.assertFalse(wizard.recipient_ids)
