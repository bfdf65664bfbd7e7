from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sms_gdpr_sender_id = fields.Char(related="company_id.sms_gdpr_sender_id", readonly=False)
    sms_gdpr_short_code = fields.Char(related="company_id.sms_gdpr_short_code", readonly=False)
    sms_gdpr_opt_out_url = fields.Char(related="company_id.sms_gdpr_opt_out_url", readonly=False)
    sms_gdpr_advertiser_name = fields.Char(related="company_id.sms_gdpr_advertiser_name", readonly=False)
    sms_gdpr_privacy_url = fields.Char(related="company_id.sms_gdpr_privacy_url", readonly=False)
    sms_gdpr_default_country_id = fields.Many2one(
        related="company_id.sms_gdpr_default_country_id", readonly=False
    )
    sms_gdpr_test_mode = fields.Boolean(related="company_id.sms_gdpr_test_mode", readonly=False)
    sms_gdpr_weekday_morning_start = fields.Float(
        related="company_id.sms_gdpr_weekday_morning_start", readonly=False
    )
    sms_gdpr_weekday_morning_end = fields.Float(related="company_id.sms_gdpr_weekday_morning_end", readonly=False)
    sms_gdpr_weekday_afternoon_start = fields.Float(
        related="company_id.sms_gdpr_weekday_afternoon_start", readonly=False
    )
    sms_gdpr_weekday_afternoon_end = fields.Float(
        related="company_id.sms_gdpr_weekday_afternoon_end", readonly=False
    )
    sms_gdpr_saturday_enabled = fields.Boolean(related="company_id.sms_gdpr_saturday_enabled", readonly=False)
    sms_gdpr_saturday_start = fields.Float(related="company_id.sms_gdpr_saturday_start", readonly=False)
    sms_gdpr_saturday_end = fields.Float(related="company_id.sms_gdpr_saturday_end", readonly=False)
    sms_gdpr_frequency_cap = fields.Integer(related="company_id.sms_gdpr_frequency_cap", readonly=False)
    sms_gdpr_frequency_days = fields.Integer(related="company_id.sms_gdpr_frequency_days", readonly=False)
    sms_gdpr_webhook_token = fields.Char(related="company_id.sms_gdpr_webhook_token", readonly=False)
    sms_gdpr_twilio_auth_token = fields.Char(related="company_id.sms_gdpr_twilio_auth_token", readonly=False)
    sms_gdpr_extra_stop_keywords = fields.Char(related="company_id.sms_gdpr_extra_stop_keywords", readonly=False)
    sms_gdpr_extra_start_keywords = fields.Char(related="company_id.sms_gdpr_extra_start_keywords", readonly=False)
    sms_gdpr_rights_reminder_days = fields.Integer(related="company_id.sms_gdpr_rights_reminder_days", readonly=False)
    sms_gdpr_rights_escalation_user_id = fields.Many2one(
        related="company_id.sms_gdpr_rights_escalation_user_id", readonly=False
    )
    sms_gdpr_inbound_url = fields.Char(
        string="Inbound Webhook URL",
        compute="_compute_sms_gdpr_inbound_url",
        help="Address to give to the SMS provider; replace the last part by twilio or smsfactor for those formats.",
    )

    @api.depends("company_id")
    def _compute_sms_gdpr_inbound_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for settings in self:
            settings.sms_gdpr_inbound_url = f"{base_url}/sms_gdpr/inbound/{settings.company_id.id}/generic"

    def action_sms_gdpr_generate_webhook_token(self):
        """Give the company a new inbound webhook token."""
        self.company_id.action_sms_gdpr_generate_webhook_token()
        return {"type": "ir.actions.client", "tag": "reload"}
