import json
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import split_every

from ..compliance.consent import is_web_url, normalize_ip_address
from ..compliance.eligibility import (
    legitimate_interest_flagged,
    record_exclusion_reasons,
    stored_number_reason,
)
from ..compliance.phone import normalize_numbers
from . import selections

# Country used when neither the contact, the company setting nor the company
# address gives one: the addon is built for French agencies.
FALLBACK_COUNTRY_CODE = "FR"

# Clock difference allowed between a browser or provider and the server for "not in the future".
FUTURE_TOLERANCE = timedelta(minutes=5)

# Numbers per blacklist query.
BLACKLIST_CHUNK_SIZE = 10000

# Fields whose changes are written to the audit log, and their state before a record exists.
AUDITED_FIELDS = {"sms_gdpr_legal_basis", "sms_gdpr_consent_date", "sms_gdpr_opt_out"}
EMPTY_AUDIT_STATE = {"sms_gdpr_legal_basis": "none", "sms_gdpr_consent_date": False, "sms_gdpr_opt_out": False}

# Fields logged one event per changed field, by event type.
FIELD_AUDIT_EVENTS = {
    "sms_gdpr_consent_wording": "consent_proof_changed",
    "sms_gdpr_consent_channel": "consent_proof_changed",
    "sms_gdpr_consent_proof": "consent_proof_changed",
    "sms_gdpr_consent_proof_url": "consent_proof_changed",
    "sms_gdpr_consent_proof_ip": "consent_proof_changed",
    "sms_gdpr_consent_attachment_ids": "consent_proof_changed",
    "sms_gdpr_data_source": "provenance_changed",
    "sms_gdpr_data_source_detail": "provenance_changed",
    "sms_gdpr_list_provider_id": "provenance_changed",
    "sms_gdpr_number_kind": "provenance_changed",
    "sms_gdpr_interest_justification": "provenance_changed",
}
AUDITED_FIELDS |= set(FIELD_AUDIT_EVENTS)

# Old value logged for proof and provenance fields cleared by an erasure, instead of the erased text.
ERASED_VALUE = "(erased)"
EMPTY_AUDIT_STATE |= dict.fromkeys(FIELD_AUDIT_EVENTS, False)


class SmsGdprComplianceMixin(models.AbstractModel):
    """Legal basis, provenance, consent, opt-out and normalised mobile of a person.

    Inherited by contacts and leads. The normalised number is computed by the
    pure core from the record's mobile (or phone when the mobile is empty).
    Odoo's ``phone.blacklist`` stays the one place a number is blocked: setting
    the opt-out blacklists the number, so Odoo's own SMS tools honour it too.
    """

    _name = "sms.gdpr.compliance.mixin"
    _description = "SMS prospecting compliance fields"

    sms_gdpr_legal_basis = fields.Selection(
        selections.LEGAL_BASIS,
        string="Legal Basis",
        default="none",
        tracking=True,
        help="GDPR art. 6 basis for texting this person. Prospecting SMS go only "
        "to consent, legitimate interest (B2B, message related to the job) or "
        "existing customers.",
    )
    sms_gdpr_data_source = fields.Selection(
        selections.DATA_SOURCE,
        string="Data Source",
        tracking=True,
        help="Where the number was collected.",
    )
    sms_gdpr_data_source_detail = fields.Char(
        string="Source Detail",
        help="Event name, web page, directory or list reference.",
    )
    sms_gdpr_collection_date = fields.Date(
        string="Collection Date",
        help="Day the data was collected. Retention periods start from it.",
    )
    sms_gdpr_consent_date = fields.Datetime(
        string="Consent Date",
        tracking=True,
        help="When the person agreed to receive SMS. Required when the legal basis is consent.",
    )
    sms_gdpr_consent_proof = fields.Text(
        string="Consent Proof",
        help="How the consent can be proven: form text, reference, recording.",
    )
    sms_gdpr_consent_wording = fields.Text(
        string="Consent Wording",
        help="The sentence the person agreed to, or the version of the form or terms that contains it, "
        "e.g. “Contact form, version 3 of 15/01/2026”.",
    )
    sms_gdpr_consent_channel = fields.Selection(
        selections.CONSENT_CHANNEL,
        string="Consent Channel",
        help="How the consent was collected.",
    )
    sms_gdpr_consent_proof_url = fields.Char(
        string="Consent Proof URL",
        help="Address of the form the consent was given on, or of the stored proof (http or https).",
    )
    sms_gdpr_consent_proof_ip = fields.Char(
        string="Consent IP Address",
        help="IPv4 or IPv6 address the consent was submitted from, for online forms.",
    )
    sms_gdpr_consent_attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Consent Proof Files",
        help="Signed form, screenshot, email or call recording proving the consent.",
    )
    sms_gdpr_list_provider_id = fields.Many2one(
        "res.partner",
        string="List Provider",
        check_company=True,
        help="Company that rented or sold the list the number comes from. Keep its proof that the "
        "people agreed to receive offers from its partners.",
    )
    sms_gdpr_number_kind = fields.Selection(
        selections.NUMBER_KIND,
        string="Number Kind",
        tracking=True,
        help="Nominative professional: the person's own work number. Generic: a switchboard or "
        "shared line of the company. Personal: a private number, which needs consent.",
    )
    sms_gdpr_interest_justification = fields.Text(
        string="Legitimate Interest Justification",
        help="Why the offer relates to the person's job, e.g. “Purchasing manager: we sell office "
        "furniture”. French law (CPCE art. L.34-5) allows B2B prospecting without consent only then.",
    )
    sms_gdpr_professional_context = fields.Boolean(
        string="Company or Job Known",
        compute="_compute_sms_gdpr_professional_context",
        store=True,
        help="A company or a job title is recorded, so an offer can relate to the person's job.",
    )
    sms_gdpr_interest_flagged = fields.Boolean(
        string="Legitimate Interest Not Applicable",
        compute="_compute_sms_gdpr_interest_flagged",
        store=True,
        help="Legitimate interest is recorded on a personal number, or on a person with neither a "
        "company nor a job title. Such a person needs consent and is excluded from campaigns.",
    )
    sms_gdpr_opt_out = fields.Boolean(
        string="SMS Opt-out",
        tracking=True,
        copy=False,
        help="The person objected to SMS prospecting. Setting it adds the number "
        "to the phone blacklist; lifting it requires a new consent.",
    )
    sms_gdpr_opt_out_date = fields.Datetime(string="Opt-out Date", copy=False)
    sms_gdpr_opt_out_channel = fields.Selection(
        selections.OPT_OUT_CHANNEL, string="Opt-out Channel", copy=False
    )
    sms_gdpr_e164 = fields.Char(
        string="Normalised Mobile",
        compute="_compute_sms_gdpr_number",
        store=True,
        index="btree_not_null",
        help="The mobile, or the phone when the mobile is empty, in E.164 format.",
    )
    sms_gdpr_number_status = fields.Selection(
        selections.NUMBER_STATUS,
        string="Number Status",
        compute="_compute_sms_gdpr_number",
        store=True,
    )
    sms_gdpr_number_type = fields.Selection(
        selections.NUMBER_TYPE,
        string="Number Type",
        compute="_compute_sms_gdpr_number",
        store=True,
    )
    sms_gdpr_number_region = fields.Char(
        string="Number Region",
        compute="_compute_sms_gdpr_number",
        store=True,
        help="ISO country or territory code of the number, e.g. FR, RE, BE.",
    )
    sms_gdpr_time_zone = fields.Char(
        string="Number Time Zone",
        compute="_compute_sms_gdpr_number",
        store=True,
        help="Time zone the sending window is applied in.",
    )
    sms_gdpr_country_assumed = fields.Boolean(
        string="Country Assumed",
        compute="_compute_sms_gdpr_number",
        store=True,
        help="The number was in national format on a record without a country, "
        "so the company's default country was assumed. Check it.",
    )
    sms_gdpr_exclusion_reason = fields.Selection(
        selections.EXCLUSION_REASON,
        string="Exclusion Reason",
        compute="_compute_sms_gdpr_exclusion_reason",
        store=True,
        help="Why this record cannot receive a prospecting SMS, blacklist aside.",
    )
    sms_gdpr_blacklisted = fields.Boolean(
        string="Number Blacklisted",
        compute="_compute_sms_gdpr_blacklisted",
        search="_search_sms_gdpr_blacklisted",
        compute_sudo=True,
    )
    sms_gdpr_number_fingerprint = fields.Char(
        string="Number Fingerprint",
        compute="_compute_sms_gdpr_number_fingerprint",
        store=True,
        index="btree_not_null",
        help="Keyed fingerprint of the normalised mobile, matched against the opposition list.",
    )
    sms_gdpr_suppressed = fields.Boolean(
        string="On the Opposition List",
        compute="_compute_sms_gdpr_suppressed",
        search="_search_sms_gdpr_suppressed",
        compute_sudo=True,
        help="The number belonged to a person who objected and whose data was erased.",
    )
    sms_gdpr_eligible = fields.Boolean(
        string="SMS Eligible",
        compute="_compute_sms_gdpr_eligible",
        search="_search_sms_gdpr_eligible",
        help="A prospecting SMS may be sent: valid mobile, legal basis, no opt-out, not blacklisted, "
        "not on the opposition list.",
    )

    @api.depends(lambda self: self._sms_gdpr_number_triggers())
    def _compute_sms_gdpr_number(self):
        infos = normalize_numbers(
            [(record._sms_gdpr_raw_number(), record._sms_gdpr_contact_country_code()) for record in self],
            self._sms_gdpr_company_country_code(),
        )
        for record, info in zip(self, infos):
            record.sms_gdpr_e164 = info.e164
            record.sms_gdpr_number_status = info.status
            record.sms_gdpr_number_type = info.type
            record.sms_gdpr_number_region = info.region
            record.sms_gdpr_time_zone = info.time_zone
            record.sms_gdpr_country_assumed = info.assumed_country

    @api.depends(lambda self: self._sms_gdpr_professional_context_fields())
    def _compute_sms_gdpr_professional_context(self):
        for record in self:
            record.sms_gdpr_professional_context = record._sms_gdpr_has_professional_context()

    @api.depends("sms_gdpr_legal_basis", "sms_gdpr_number_kind", "sms_gdpr_professional_context")
    def _compute_sms_gdpr_interest_flagged(self):
        for record in self:
            record.sms_gdpr_interest_flagged = legitimate_interest_flagged(
                record.sms_gdpr_legal_basis, record.sms_gdpr_number_kind, record.sms_gdpr_professional_context
            )

    @api.depends(
        "sms_gdpr_number_status",
        "sms_gdpr_number_type",
        "sms_gdpr_time_zone",
        "sms_gdpr_legal_basis",
        "sms_gdpr_consent_date",
        "sms_gdpr_opt_out",
        "sms_gdpr_number_kind",
        "sms_gdpr_professional_context",
    )
    def _compute_sms_gdpr_exclusion_reason(self):
        for record in self:
            reasons = record_exclusion_reasons(
                record._sms_gdpr_number_reason(),
                record.sms_gdpr_legal_basis,
                bool(record.sms_gdpr_consent_date),
                record.sms_gdpr_opt_out,
                record.sms_gdpr_time_zone,
                record.sms_gdpr_number_kind,
                record.sms_gdpr_professional_context,
            )
            record.sms_gdpr_exclusion_reason = reasons[0] if reasons else False

    @api.depends("sms_gdpr_e164")
    def _compute_sms_gdpr_blacklisted(self):
        blacklisted = self._sms_gdpr_blacklisted_numbers(self.mapped("sms_gdpr_e164"))
        for record in self:
            record.sms_gdpr_blacklisted = record.sms_gdpr_e164 in blacklisted

    @api.depends("sms_gdpr_e164")
    def _compute_sms_gdpr_number_fingerprint(self):
        fingerprints = self.env["sms.gdpr.suppression"]._fingerprints(self.mapped("sms_gdpr_e164"))
        for record in self:
            record.sms_gdpr_number_fingerprint = fingerprints.get(record.sms_gdpr_e164, False)

    @api.depends("sms_gdpr_number_fingerprint")
    def _compute_sms_gdpr_suppressed(self):
        fingerprints = [fingerprint for fingerprint in self.mapped("sms_gdpr_number_fingerprint") if fingerprint]
        found = set(self.env["sms.gdpr.suppression"].sudo().search(
            [("fingerprint", "in", fingerprints)]
        ).mapped("fingerprint")) if fingerprints else set()
        for record in self:
            record.sms_gdpr_suppressed = record.sms_gdpr_number_fingerprint in found

    @api.depends("sms_gdpr_exclusion_reason", "sms_gdpr_blacklisted", "sms_gdpr_suppressed")
    def _compute_sms_gdpr_eligible(self):
        for record in self:
            record.sms_gdpr_eligible = not (
                record.sms_gdpr_exclusion_reason or record.sms_gdpr_blacklisted or record.sms_gdpr_suppressed
            )

    def _search_sms_gdpr_blacklisted(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("The “Number Blacklisted” filter only supports “is set” and “is not set”."))
        blacklist_query = self.env["phone.blacklist"].sudo()._search([("active", "=", True)])
        in_blacklist = [("sms_gdpr_e164", "in", blacklist_query.subselect("number"))]
        wants_blacklisted = (operator == "=") == value
        return in_blacklist if wants_blacklisted else ["!", *in_blacklist]

    def _search_sms_gdpr_suppressed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("The “On the Opposition List” filter only supports “is set” and “is not set”."))
        suppression_query = self.env["sms.gdpr.suppression"].sudo()._search([])
        on_list = [("sms_gdpr_number_fingerprint", "in", suppression_query.subselect("fingerprint"))]
        wants_suppressed = (operator == "=") == value
        return on_list if wants_suppressed else ["!", *on_list]

    def _search_sms_gdpr_eligible(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("The “SMS Eligible” filter only supports “is set” and “is not set”."))
        eligible = [
            ("sms_gdpr_exclusion_reason", "=", False),
            ("sms_gdpr_blacklisted", "=", False),
            ("sms_gdpr_suppressed", "=", False),
        ]
        wants_eligible = (operator == "=") == value
        return eligible if wants_eligible else ["!", "&", "&", *eligible]

    @api.constrains("sms_gdpr_consent_proof_ip")
    def _check_sms_gdpr_consent_proof_ip(self):
        for record in self:
            try:
                normalize_ip_address(record.sms_gdpr_consent_proof_ip)
            except ValueError as error:
                raise ValidationError(_(
                    "“%(ip)s” on “%(name)s” is not an IP address. Enter an IPv4 address such as "
                    "203.0.113.7 or an IPv6 address such as 2001:db8::1, or leave the field empty.",
                    ip=record.sms_gdpr_consent_proof_ip,
                    name=record.display_name,
                )) from error

    @api.constrains("sms_gdpr_consent_date", "sms_gdpr_opt_out_date")
    def _check_sms_gdpr_dates_not_future(self):
        limit = fields.Datetime.now() + FUTURE_TOLERANCE
        for record in self:
            for fname in ("sms_gdpr_consent_date", "sms_gdpr_opt_out_date"):
                if record[fname] and record[fname] > limit:
                    raise ValidationError(_(
                        "%(field)s of “%(name)s” is in the future (%(date)s). Enter the date it happened.",
                        field=record._fields[fname]._description_string(self.env),
                        name=record.display_name,
                        date=record[fname],
                    ))

    @api.constrains("sms_gdpr_consent_proof_url")
    def _check_sms_gdpr_consent_proof_url(self):
        for record in self:
            url = record.sms_gdpr_consent_proof_url
            if url and not is_web_url(url):
                raise ValidationError(_(
                    "“%(url)s” on “%(name)s” is not a web address. Enter the full address starting "
                    "with https:// or http://, or leave the field empty.",
                    url=url,
                    name=record.display_name,
                ))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("sms_gdpr_opt_out"):
                self._sms_gdpr_complete_opt_out_vals(vals)
        records = super().create(vals_list)
        records._sms_gdpr_claim_proof_attachments()
        records.filtered("sms_gdpr_opt_out")._sms_gdpr_blacklist_numbers()
        records._sms_gdpr_log_changes({record.id: dict(EMPTY_AUDIT_STATE) for record in records})
        return records

    def write(self, vals):
        lifted = self.browse()
        self._sms_gdpr_check_opt_out_date_vals(vals)
        if vals.get("sms_gdpr_opt_out"):
            self._sms_gdpr_complete_opt_out_vals(vals)
        elif "sms_gdpr_opt_out" in vals:
            lifted = self.filtered("sms_gdpr_opt_out")
            lifted._sms_gdpr_check_opt_out_lift(vals)
        before = self._sms_gdpr_audit_state() if AUDITED_FIELDS.intersection(vals) else None
        result = super().write(vals)
        if "sms_gdpr_consent_attachment_ids" in vals:
            self._sms_gdpr_claim_proof_attachments()
        if vals.get("sms_gdpr_opt_out"):
            self._sms_gdpr_blacklist_numbers()
        elif set(self._sms_gdpr_number_fields()).intersection(vals):
            # The opt-out belongs to the person, so a new number of an opted-out record is blocked too.
            self.filtered("sms_gdpr_opt_out")._sms_gdpr_blacklist_numbers()
        lifted._sms_gdpr_unblacklist_numbers()
        if before is not None:
            self._sms_gdpr_log_changes(before)
        return result

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _sms_gdpr_professional_context_fields(self):
        """Return the fields telling whether a company or a job title is known."""
        return ["function"]

    def _sms_gdpr_has_professional_context(self):
        """Return True when a company or a job title is known for this person."""
        self.ensure_one()
        return bool(self.function)

    def _sms_gdpr_claim_proof_attachments(self):
        """Attach uploaded proof files that belong to no record yet to the record holding them.

        Files uploaded on a record not saved yet have no record id, and Odoo
        grants access to an attachment through the record it belongs to.
        """
        for record in self:
            orphans = record.sudo().sms_gdpr_consent_attachment_ids.filtered(
                lambda attachment: not attachment.res_id and attachment.res_model in (False, record._name)
            )
            orphans.write({"res_model": record._name, "res_id": record.id})

    def _sms_gdpr_number_triggers(self):
        return [*self._sms_gdpr_number_fields(), "country_id", "company_id"]

    def _sms_gdpr_number_fields(self):
        """Return the fields holding the number to text, in order of preference."""
        return ["mobile", "phone"]

    def _sms_gdpr_raw_number(self):
        self.ensure_one()
        for fname in self._sms_gdpr_number_fields():
            if self[fname]:
                return self[fname]
        return None

    def _sms_gdpr_contact_country_code(self):
        self.ensure_one()
        return self.country_id.code or None

    def _sms_gdpr_company_country_code(self):
        """Return the country assumed for national numbers of records without a country."""
        company = self.env.company
        if len(self.company_id) == 1:
            company = self.company_id
        return company._sms_gdpr_country_code()

    def _sms_gdpr_number_reason(self):
        self.ensure_one()
        return stored_number_reason(self.sms_gdpr_number_status, self.sms_gdpr_number_type)

    @api.model
    def _sms_gdpr_blacklisted_numbers(self, numbers):
        """Return the subset of ``numbers`` (E.164) that is actively blacklisted.

        The query is plain SQL because ``phone.blacklist`` re-formats every number
        of an ``in`` domain with phonenumbers: 5.5 s for 100,000 numbers that are
        already E.164, against well under a second here.
        """
        numbers = sorted(number for number in set(numbers) if number)
        self.env["phone.blacklist"].flush_model(["number", "active"])
        blacklisted = set()
        for chunk in split_every(BLACKLIST_CHUNK_SIZE, numbers):
            self.env.cr.execute(
                "SELECT number FROM phone_blacklist WHERE active AND number = ANY(%s)", [list(chunk)]
            )
            blacklisted.update(number for (number,) in self.env.cr.fetchall())
        return blacklisted

    @api.model
    def _sms_gdpr_complete_opt_out_vals(self, vals):
        vals.setdefault("sms_gdpr_opt_out_date", fields.Datetime.now())
        vals.setdefault("sms_gdpr_opt_out_channel", "manual")

    def _sms_gdpr_check_opt_out_lift(self, vals):
        """Raise unless each record records a proven consent given after its opt-out, and not in the future."""
        now = fields.Datetime.now()
        for record in self:
            consent_date = fields.Datetime.to_datetime(vals.get("sms_gdpr_consent_date") or record.sms_gdpr_consent_date)
            legal_basis = vals.get("sms_gdpr_legal_basis") or record.sms_gdpr_legal_basis
            opted_out_at = record.sms_gdpr_opt_out_date
            if legal_basis != "consent" or not consent_date or (opted_out_at and consent_date <= opted_out_at):
                raise UserError(_(
                    "The opt-out of “%(name)s” cannot be lifted without a new consent. "
                    "Set the legal basis to Consent and record a consent date later than "
                    "the opt-out (%(opt_out_date)s), then untick the opt-out.",
                    name=record.display_name,
                    opt_out_date=opted_out_at or _("date unknown"),
                ))
            if consent_date > now:
                raise UserError(_(
                    "The consent date of “%(name)s” (%(date)s) is in the future. Record the date the "
                    "person actually agreed, then untick the opt-out.",
                    name=record.display_name,
                    date=consent_date,
                ))
            if not record._sms_gdpr_has_consent_proof(vals):
                raise UserError(_(
                    "The opt-out of “%(name)s” cannot be lifted without proof of the new consent. Fill in "
                    "the consent proof, its link or a proof file, then untick the opt-out.",
                    name=record.display_name,
                ))

    def _sms_gdpr_has_consent_proof(self, vals):
        """Return whether the record has, or ``vals`` gives it, a consent proof text, link or file."""
        self.ensure_one()
        if vals.get("sms_gdpr_consent_proof") or vals.get("sms_gdpr_consent_proof_url"):
            return True
        if vals.get("sms_gdpr_consent_attachment_ids"):
            return True
        return bool(
            self.sms_gdpr_consent_proof or self.sms_gdpr_consent_proof_url or self.sms_gdpr_consent_attachment_ids
        )

    def _sms_gdpr_check_opt_out_date_vals(self, vals):
        """Raise when the opt-out date or channel is changed other than by recording the opt-out itself."""
        if self.env.su or vals.get("sms_gdpr_opt_out"):
            return
        changed = {"sms_gdpr_opt_out_date", "sms_gdpr_opt_out_channel"}.intersection(vals)
        if changed and self.filtered("sms_gdpr_opt_out_date"):
            raise UserError(_(
                "The date and channel of a recorded opt-out cannot be changed: they are part of the proof. "
                "If they are wrong, note the correction in the chatter."
            ))

    def _sms_gdpr_blacklist_numbers(self):
        """Add the records' numbers to Odoo's phone blacklist."""
        numbers = [number for number in set(self.mapped("sms_gdpr_e164")) if number]
        if numbers:
            self.env["phone.blacklist"].sudo()._add(
                numbers, message=_("Opt-out recorded on a contact or lead for SMS prospecting.")
            )

    @api.model
    def _sms_gdpr_opted_out_numbers(self, numbers):
        """Return the subset of ``numbers`` (E.164) held by an opted-out contact or lead, archived ones included."""
        opted_out = set()
        for model in ("res.partner", "crm.lead"):
            records = self.env[model].sudo().with_context(active_test=False)
            for chunk in split_every(BLACKLIST_CHUNK_SIZE, sorted(set(numbers))):
                found = records.search_read(
                    [("sms_gdpr_e164", "in", list(chunk)), ("sms_gdpr_opt_out", "=", True)], ["sms_gdpr_e164"]
                )
                opted_out.update(record["sms_gdpr_e164"] for record in found)
        return opted_out

    def _sms_gdpr_unblacklist_numbers(self):
        """Remove the records' numbers from the phone blacklist after a new consent."""
        numbers = [number for number in set(self.mapped("sms_gdpr_e164")) if number]
        if numbers:
            self.env["phone.blacklist"].sudo()._remove(
                numbers, message=_("Opt-out lifted after a new consent was recorded.")
            )

    # ------------------------------------------------------------------
    # Audit
    # ------------------------------------------------------------------

    def _sms_gdpr_audit_state(self):
        return {record.id: {name: record._sms_gdpr_audit_value(name) for name in AUDITED_FIELDS} for record in self}

    def _sms_gdpr_audit_value(self, fname):
        """Return the value of ``fname`` as the audit log stores it: names for relations."""
        value = self[fname]
        field = self._fields[fname]
        if field.type == "many2many":
            return ", ".join(f"{item.display_name} (#{item.id})" for item in value.sudo()) or False
        if field.type == "many2one":
            return value.display_name if value else False
        return value

    def _sms_gdpr_log_changes(self, before):
        """Write an audit event for each change of legal basis, consent, opt-out, proof or provenance."""
        Event = self.env["sms.gdpr.event"]
        context_details = self.env.context.get("sms_gdpr_audit_details")
        for record in self:
            old = before.get(record.id)
            if old is None:
                continue
            for event_type, old_value, new_value in record._sms_gdpr_audit_changes(old):
                Event._log(event_type, record, old_value=old_value, new_value=new_value, details=context_details)
            changes_by_type = {}
            for event_type, fname, old_value, new_value in record._sms_gdpr_audit_field_changes(old):
                changes_by_type.setdefault(event_type, []).append((fname, old_value, new_value))
            for event_type, changes in changes_by_type.items():
                record._sms_gdpr_log_field_changes(event_type, changes, context_details)

    def _sms_gdpr_log_field_changes(self, event_type, changes, context_details=None):
        """Write one audit event for the ``(field, old value, new value)`` changes of one kind.

        A single change stores its values as they are. Several changes made at
        once, typically when a record is created or imported, store one JSON
        object per side, keyed by field. A bulk import therefore adds one event
        per kind and record rather than one per field.
        """
        self.ensure_one()
        fnames = [fname for fname, _old, _new in changes]
        details = {
            "fields": fnames,
            "labels": [self._fields[fname]._description_string(self.env) for fname in fnames],
        }
        if context_details:
            details["context"] = context_details
        if self.env.su and self.env.context.get("sms_gdpr_erasure"):
            old_value, new_value = ERASED_VALUE, False
        elif len(changes) == 1:
            old_value, new_value = changes[0][1], changes[0][2]
        else:
            old_value = json.dumps({fname: old for fname, old, _new in changes}, ensure_ascii=False, default=str)
            new_value = json.dumps({fname: new for fname, _old, new in changes}, ensure_ascii=False, default=str)
        self.env["sms.gdpr.event"]._log(event_type, self, old_value=old_value, new_value=new_value, details=details)

    def _sms_gdpr_audit_field_changes(self, old):
        """Return ``(event type, field, old value, new value)`` for each proof or provenance field changed."""
        self.ensure_one()
        changes = []
        for fname, event_type in FIELD_AUDIT_EVENTS.items():
            new_value = self._sms_gdpr_audit_value(fname)
            if (old.get(fname) or False) != (new_value or False):
                changes.append((event_type, fname, old.get(fname), new_value))
        return changes

    def _sms_gdpr_audit_changes(self, old):
        """Return ``(event type, old value, new value)`` for what changed since ``old``."""
        self.ensure_one()
        changes = []
        old_basis, new_basis = old["sms_gdpr_legal_basis"] or "none", self.sms_gdpr_legal_basis or "none"
        if old_basis != new_basis:
            changes.append(("basis_changed", old_basis, new_basis))
        old_consent, new_consent = old["sms_gdpr_consent_date"], self.sms_gdpr_consent_date
        if new_consent and new_consent != old_consent:
            changes.append(("consent_given", old_consent, new_consent))
        elif old_consent and (not new_consent or (old_basis == "consent" and new_basis != "consent")):
            changes.append(("consent_withdrawn", old_consent, new_consent))
        if self.sms_gdpr_opt_out and not old["sms_gdpr_opt_out"]:
            changes.append(("opt_out_set", False, self.sms_gdpr_opt_out_channel))
        elif old["sms_gdpr_opt_out"] and not self.sms_gdpr_opt_out:
            changes.append(("opt_out_lifted", True, False))
        return changes

    # ------------------------------------------------------------------
    # Opt-out from any channel
    # ------------------------------------------------------------------

    @api.model
    def _sms_gdpr_opt_out_numbers(self, numbers, channel, company=None, note=None, dates=None):
        """Apply an objection to every trace of ``numbers`` at once and return what changed.

        The numbers are blacklisted, every contact and lead holding one gets the
        opt-out with ``channel`` and a chatter note, and the scheduled recipient
        lines of the company's campaigns are stopped. ``dates`` maps a number to
        the UTC datetime of its objection when that is known, as a STOP list or
        an inbound reply gives it. The other numbers get the current time.
        Returns a dict with the ``partners``, ``leads`` and ``lines`` recordsets touched.
        """
        numbers = sorted({number for number in numbers if number})
        company = company or self.env.company
        result = {"partners": self.env["res.partner"], "leads": self.env["crm.lead"],
                  "lines": self.env["sms.gdpr.recipient"]}
        if not numbers:
            return result
        note = note or self.env._("Opt-out from SMS prospecting recorded.")
        self.env["phone.blacklist"].sudo()._add(numbers, message=note)
        now = fields.Datetime.now()
        for key, model in (("partners", "res.partner"), ("leads", "crm.lead")):
            records = self.env[model].sudo().with_context(active_test=False).search([
                ("sms_gdpr_e164", "in", numbers), ("sms_gdpr_opt_out", "=", False),
            ])
            by_date = records.grouped(lambda record: (dates or {}).get(record.sms_gdpr_e164) or now)
            for date, dated_records in by_date.items():
                dated_records.write({
                    "sms_gdpr_opt_out": True, "sms_gdpr_opt_out_date": date, "sms_gdpr_opt_out_channel": channel,
                })
            for record in records:
                record.message_post(body=note, subtype_xmlid="mail.mt_note")
            result[key] = records
        lines = self.env["sms.gdpr.recipient"].sudo().search([
            ("e164", "in", numbers), ("state", "=", "scheduled"), ("company_id", "=", company.id),
        ])
        lines.write({"state": "opted_out", "reason": "blacklisted"})
        lines.campaign_id._update_state_from_recipients()
        result["lines"] = lines
        return result
