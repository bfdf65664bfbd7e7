from odoo.tests import TransactionCase, tagged

from ..compliance.mentions import check_message
from ..compliance.window import RuleError, SendingRules
from ..models.sms_gdpr_messages import FINDING_MESSAGES, finding_message, rule_error_message
from ..models.res_company import float_to_time


@tagged("post_install", "-at_install")
class TestMessages(TransactionCase):
    """Every code the core returns reaches the user as a whole translated sentence."""

    def _findings(self):
        samples = [
            {"body": ""},
            {"body": "Bonjour", "sender_id": "AB"},
            {"body": "Bonjour", "sender_id": "MY BRAND!"},
            {"body": "Bonjour", "sender_id": "12345"},
            {"body": "Bonjour", "sender_id": "INFO"},
            {"body": "Bonjour STOP au 36222", "short_code": "36111"},
            {"body": "Bonjour", "short_code": "123"},
            {"body": "Bonjour", "advertiser": "MyBrand"},
            {"body": "Bonjour " + "x" * 600},
        ]
        return [finding for sample in samples for finding in check_message(**sample)]

    def test_every_finding_has_a_sentence(self):
        for finding in self._findings():
            with self.subTest(code=finding.code):
                self.assertIn(finding.code, FINDING_MESSAGES)
                message = finding_message(self.env, finding)
                self.assertNotIn("%(", message)
                self.assertNotEqual(message, finding.message, "the translated template must be used")

    def test_rule_errors_have_sentences(self):
        invalid_rules = [
            SendingRules(weekday_windows=((float_to_time(7.0), float_to_time(12.0)),)),
            SendingRules(weekday_windows=((float_to_time(14.0), float_to_time(12.0)),)),
            SendingRules(weekday_windows=((float_to_time(10.0), float_to_time(14.0)),
                                          (float_to_time(13.0), float_to_time(18.0)))),
            SendingRules(weekday_windows=()),
        ]
        for rules in invalid_rules:
            with self.assertRaises(RuleError) as raised:
                rules.validate()
            message = rule_error_message(self.env, raised.exception)
            with self.subTest(code=raised.exception.code):
                self.assertNotIn("%(", message)
                self.assertNotEqual(message, raised.exception.message)
