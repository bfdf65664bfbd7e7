from odoo import fields, models


class MailNotification(models.Model):
    """Let the chatter show why an SMS to an opted-out number was cancelled.

    Odoo gives the "opted out" failure to ``sms.sms`` only, because it sets it
    in mass sending, which creates no notification. The addon also cancels an
    SMS sent from a record's chatter, whose notification needs the same value.
    """

    _inherit = "mail.notification"

    failure_type = fields.Selection(selection_add=[("sms_optout", "Opted Out")])
