from odoo import fields, models


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
