import secrets
from datetime import time

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..compliance.consent import is_web_url
from ..compliance.mentions import check_sender_id, check_short_code
from ..compliance.phone import normalize_number
from ..compliance.window import RuleError, SendingRules
from .sms_gdpr_compliance_mixin import FALLBACK_COUNTRY_CODE
from .sms_gdpr_messages import finding_message, rule_error_message


def float_to_time(value):
    """Convert an Odoo ``float_time`` value (hours) to a ``datetime.time``."""
    minutes = round(value * 60)
    if minutes >= 24 * 60:
        return time.max.replace(second=0, microsecond=0)
    return time(minutes // 60, minutes % 60)


# A rights request is due one month after receipt: a reminder earlier than that is meaningless.
MAX_REMINDER_DAYS = 30

WINDOW_HOUR_FIELDS = (
    "sms_gdpr_weekday_morning_start",
    "sms_gdpr_weekday_morning_end",
    "sms_gdpr_weekday_afternoon_start",
    "sms_gdpr_weekday_afternoon_end",
    "sms_gdpr_saturday_start",
    "sms_gdpr_saturday_end",
)


class ResCompany(models.Model):
    """Per-company SMS prospecting rules: sender, mentions, sending window, cap, test mode."""

    _inherit = "res.company"

    sms_gdpr_sender_id = fields.Char(
        string="SMS Sender ID",
        help="Alphanumeric sender shown on the recipient's phone: 3 to 11 letters "
        "and digits with at least one letter, e.g. your brand.",
    )
    sms_gdpr_short_code = fields.Char(
        string="STOP Short Code",
        help="Five-digit short code that receives STOP replies, e.g. 36111. "
        "Appended as “STOP au 36111” to every prospecting SMS.",
    )
    sms_gdpr_opt_out_url = fields.Char(
        string="Opt-out Link",
        help="Link where recipients can object, used when no short code is set.",
    )
    sms_gdpr_advertiser_name = fields.Char(
        string="Advertiser Name",
        help="Name that identifies the advertiser in the message when the sender ID does not.",
    )
    sms_gdpr_privacy_url = fields.Char(
        string="Privacy Notice Link",
        help="Short link to the privacy notice, appended to the first SMS sent to a contact.",
    )
    sms_gdpr_default_country_id = fields.Many2one(
        "res.country",
        string="Default Country for Numbers",
        help="Country assumed for national-format numbers of contacts without a country. "
        "Empty means the company's own country. Such numbers are flagged.",
    )
    sms_gdpr_test_mode = fields.Boolean(
        string="SMS Test Mode (Log Only)",
        help="Record every SMS of this company as sent without contacting any provider. "
        "For demos and staging databases.",
    )
    sms_gdpr_weekday_morning_start = fields.Float(string="Weekday Morning From", default=10.0)
    sms_gdpr_weekday_morning_end = fields.Float(string="Weekday Morning To", default=13.0)
    sms_gdpr_weekday_afternoon_start = fields.Float(string="Weekday Afternoon From", default=14.0)
    sms_gdpr_weekday_afternoon_end = fields.Float(string="Weekday Afternoon To", default=20.0)
    sms_gdpr_saturday_enabled = fields.Boolean(
        string="Send on Saturdays",
        help="Allowed between 10:00 and 18:00 at most. Sundays and public holidays are always off.",
    )
    sms_gdpr_saturday_start = fields.Float(string="Saturday From", default=10.0)
    sms_gdpr_saturday_end = fields.Float(string="Saturday To", default=18.0)
    sms_gdpr_frequency_cap = fields.Integer(
        string="Frequency Cap",
        default=4,
        help="Maximum number of prospecting SMS per recipient over the cap period. 0 disables the cap.",
    )
    sms_gdpr_frequency_days = fields.Integer(
        string="Cap Period (Days)", default=30, help="Rolling period the frequency cap counts over, in days."
    )
    sms_gdpr_webhook_token = fields.Char(
        string="Inbound Webhook Token",
        groups="base.group_system",
        copy=False,
        help="Secret that SMS providers send with each inbound message, in the X-Sms-Gdpr-Token header "
        "(generic format) or the token parameter of the webhook URL (SMSFactor). Empty refuses them all.",
    )
    sms_gdpr_twilio_auth_token = fields.Char(
        string="Twilio Auth Token",
        groups="base.group_system",
        copy=False,
        help="Auth token of the Twilio account, used to check the X-Twilio-Signature of inbound messages.",
    )
    sms_gdpr_extra_stop_keywords = fields.Char(
        string="Extra STOP Keywords",
        help="Comma-separated words that also mean opt-out anywhere in a reply, on top of the built-in ones.",
    )
    sms_gdpr_extra_start_keywords = fields.Char(
        string="Extra START Keywords",
        help="Comma-separated words that ask to receive SMS again when they make up the whole reply.",
    )
    sms_gdpr_rights_reminder_days = fields.Integer(
        string="Rights Request Reminder (Days)",
        default=7,
        help="Days before the legal deadline of a rights request when its responsible is reminded.",
    )
    sms_gdpr_rights_escalation_user_id = fields.Many2one(
        "res.users",
        string="Rights Request Escalation",
        help="Person alerted when a rights request passes its legal deadline, e.g. the DPO. "
        "Empty alerts the request's responsible only.",
    )

    @api.constrains("sms_gdpr_short_code")
    def _check_sms_gdpr_short_code(self):
        for company in self.filtered("sms_gdpr_short_code"):
            findings = check_short_code(company.sms_gdpr_short_code)
            if findings:
                raise ValidationError(finding_message(self.env, findings[0]))

    @api.constrains("sms_gdpr_opt_out_url", "sms_gdpr_privacy_url")
    def _check_sms_gdpr_links(self):
        for company in self:
            for fname in ("sms_gdpr_opt_out_url", "sms_gdpr_privacy_url"):
                url = company[fname]
                if url and not is_web_url(url):
                    raise ValidationError(_(
                        "%(field)s “%(url)s” is not a web address. Enter the full address starting with "
                        "https:// or http://, e.g. https://example.fr/stop.",
                        field=company._fields[fname]._description_string(self.env),
                        url=url,
                    ))

    @api.constrains("sms_gdpr_rights_reminder_days")
    def _check_sms_gdpr_rights_reminder_days(self):
        for company in self:
            if not 0 <= company.sms_gdpr_rights_reminder_days <= MAX_REMINDER_DAYS:
                raise ValidationError(_(
                    "The rights request reminder (%(days)s days) must be between 0 and %(max)s days "
                    "before the deadline.",
                    days=company.sms_gdpr_rights_reminder_days,
                    max=MAX_REMINDER_DAYS,
                ))

    @api.constrains("sms_gdpr_sender_id")
    def _check_sms_gdpr_sender_id(self):
        for company in self.filtered("sms_gdpr_sender_id"):
            findings = check_sender_id(company.sms_gdpr_sender_id)
            if findings:
                raise ValidationError(finding_message(self.env, findings[0]))

    @api.constrains(
        "sms_gdpr_weekday_morning_start",
        "sms_gdpr_weekday_morning_end",
        "sms_gdpr_weekday_afternoon_start",
        "sms_gdpr_weekday_afternoon_end",
        "sms_gdpr_saturday_enabled",
        "sms_gdpr_saturday_start",
        "sms_gdpr_saturday_end",
    )
    def _check_sms_gdpr_sending_window(self):
        for company in self:
            company._check_sms_gdpr_window_hours()
            try:
                company._sms_gdpr_sending_rules().validate()
            except RuleError as error:
                raise ValidationError(rule_error_message(self.env, error)) from error

    @api.constrains("sms_gdpr_frequency_cap", "sms_gdpr_frequency_days")
    def _check_sms_gdpr_frequency_cap(self):
        for company in self:
            if company.sms_gdpr_frequency_cap < 0 or company.sms_gdpr_frequency_days < 1:
                raise ValidationError(_(
                    "The frequency cap (%(cap)s) must be 0 or more and its period "
                    "(%(days)s days) at least 1 day.",
                    cap=company.sms_gdpr_frequency_cap,
                    days=company.sms_gdpr_frequency_days,
                ))

    def _check_sms_gdpr_window_hours(self):
        """Raise when a sending-window hour is not a time of day, before it is turned into one."""
        self.ensure_one()
        for fname in WINDOW_HOUR_FIELDS:
            if not 0 <= self[fname] <= 24:
                raise ValidationError(_(
                    "%(field)s (%(value)s) is not an hour of the day. Enter a time between 00:00 and 24:00.",
                    field=self._fields[fname]._description_string(self.env),
                    value=self[fname],
                ))

    def _sms_gdpr_sending_rules(self):
        """Return the company's sending window as core ``SendingRules``."""
        self.ensure_one()
        weekday_windows = (
            (float_to_time(self.sms_gdpr_weekday_morning_start), float_to_time(self.sms_gdpr_weekday_morning_end)),
            (float_to_time(self.sms_gdpr_weekday_afternoon_start), float_to_time(self.sms_gdpr_weekday_afternoon_end)),
        )
        saturday_windows = ()
        if self.sms_gdpr_saturday_enabled:
            saturday_windows = (
                (float_to_time(self.sms_gdpr_saturday_start), float_to_time(self.sms_gdpr_saturday_end)),
            )
        return SendingRules(weekday_windows=weekday_windows, saturday_windows=saturday_windows)

    def _sms_gdpr_advertiser(self):
        self.ensure_one()
        return self.sms_gdpr_advertiser_name or self.name

    def _sms_gdpr_keyword_list(self, field_name):
        """Return the comma-separated keywords of ``field_name`` as a list."""
        self.ensure_one()
        return [keyword.strip() for keyword in (self[field_name] or "").split(",") if keyword.strip()]

    def _sms_gdpr_country_code(self):
        """Return the country assumed for national numbers: the SMS default country, else the company's."""
        self.ensure_one()
        country = self.sms_gdpr_default_country_id or self.country_id
        return country.code or FALLBACK_COUNTRY_CODE

    def _sms_gdpr_e164(self, number):
        """Return the E.164 form of ``number`` read with the company's country, or False when it is invalid."""
        return normalize_number(number, self._sms_gdpr_country_code()).e164 or False

    def action_sms_gdpr_generate_webhook_token(self):
        """Replace the inbound webhook token by a new random one."""
        for company in self:
            company.sudo().sms_gdpr_webhook_token = secrets.token_urlsafe(32)
        return True
