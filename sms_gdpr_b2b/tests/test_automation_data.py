from odoo.tests import TransactionCase, tagged
from odoo.tools.convert import convert_file

INBOUND_DATA = "data/sms_gdpr_inbound_automation_data.xml"
RIGHTS_REQUEST_DATA = "data/sms_gdpr_rights_request_data.xml"


@tagged("post_install", "-at_install")
class TestAutomationData(TransactionCase):
    """An update of the addon keeps what admins changed and refreshes what follows the code."""

    def _update(self, filename):
        """Load ``filename`` of the addon as an update of the addon does."""
        convert_file(self.env, "sms_gdpr_b2b", filename, {}, mode="update", kind="data")
        self.env.invalidate_all()

    def test_update_keeps_inbound_rule_edits(self):
        stop_rule = self.env.ref("sms_gdpr_b2b.automation_inbound_stop")
        reply_rule = self.env.ref("sms_gdpr_b2b.automation_inbound_reply")
        reply_rule.write({"active": False})
        stop_rule.write({"name": "STOP: opt out at once", "description": "Checked by our DPO."})
        edited_description = stop_rule.description
        stop_action = self.env.ref("sms_gdpr_b2b.action_inbound_stop")
        stop_action.code = "records._apply_stop_renamed()"

        self._update(INBOUND_DATA)

        self.assertFalse(reply_rule.active)
        self.assertEqual(stop_rule.name, "STOP: opt out at once")
        self.assertEqual(stop_rule.description, edited_description)
        self.assertEqual(stop_action.code, "records._apply_stop()", "the server action follows the code")
        self.assertEqual(stop_action.base_automation_id, stop_rule)

    def test_update_keeps_rights_request_edits(self):
        reminder_rule = self.env.ref("sms_gdpr_b2b.automation_rights_request_reminder")
        escalation_rule = self.env.ref("sms_gdpr_b2b.automation_rights_request_escalation")
        alias = self.env.ref("sms_gdpr_b2b.mail_alias_rights_request")
        sequence = self.env.ref("sms_gdpr_b2b.sequence_rights_request")
        reminder_rule.trg_date_range = -2
        escalation_rule.active = False
        alias.alias_name = "rgpd"
        sequence.prefix = "DR/%(year)s/"
        escalation_action = self.env.ref("sms_gdpr_b2b.action_rights_request_escalation")
        escalation_action.code = "records._escalate_renamed()"

        self._update(RIGHTS_REQUEST_DATA)

        self.assertEqual(reminder_rule.trg_date_range, -2)
        self.assertFalse(escalation_rule.active)
        self.assertEqual(alias.alias_name, "rgpd")
        self.assertEqual(sequence.prefix, "DR/%(year)s/")
        self.assertEqual(escalation_action.code, "records._escalate_overdue()", "the server action follows the code")
