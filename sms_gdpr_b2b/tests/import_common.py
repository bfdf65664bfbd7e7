from odoo.exceptions import UserError

# Bytes of no text encoding, with NUL bytes among them, as in a photo renamed .csv.
BINARY_DATA = bytes((index * 73 + 41) % 256 for index in range(2000))


class ImportFileAssertions:
    """Assertions shared by the tests of the lead-list and STOP-list imports."""

    def assert_file_rejected(self, wizard, message):
        """Assert that checking and importing the wizard's file both raise ``message`` and store no report line."""
        for action in (wizard.action_check, wizard.action_import):
            with self.subTest(file=wizard.filename, action=action.__name__):
                with self.assertRaisesRegex(UserError, message):
                    action()
        self.assertFalse(wizard.line_ids, f"report lines stored for {wizard.filename}")
