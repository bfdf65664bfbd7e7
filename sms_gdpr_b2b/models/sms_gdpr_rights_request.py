import base64
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize, html2plaintext

from ..compliance import rights
from ..compliance.export import build_export_zip
from .sms_gdpr_event import ERASED_SEQUENCES_KEY

_logger = logging.getLogger(__name__)

REQUEST_TYPE = [
    ("access", "Access"),
    ("rectification", "Rectification"),
    ("erasure", "Erasure"),
    ("restriction", "Restriction of processing"),
    ("objection", "Objection"),
    ("portability", "Portability"),
    ("consent_withdrawal", "Consent withdrawal"),
]
CHANNEL = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("phone", "Phone call"),
    ("letter", "Letter"),
    ("web", "Web form"),
    ("in_person", "In person"),
    ("other", "Other"),
]
IDENTITY_STATE = [
    ("not_needed", "Not needed"),
    ("pending", "Proof requested (clock paused)"),
    ("verified", "Verified"),
    ("failed", "Not proven"),
]
STATE = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("done", "Answered"),
    ("refused", "Refused"),
]
OUTCOME = [
    ("granted", "Granted"),
    ("partially_granted", "Partially granted"),
    ("refused", "Refused"),
    ("no_data", "No data held"),
]
# Types whose receipt opts the person out at once.
OPT_OUT_TYPES = ("objection", "consent_withdrawal")
OPEN_STATES = ("new", "in_progress")


class SmsGdprRightsRequest(models.Model):
    """A data-subject rights request (GDPR art. 15 to 21) and the proof of how and when it was answered.

    The deadline is one month from receipt, extendable by two months when the
    person is told why within the first month; while proof of identity is awaited
    the clock is paused and the deadline is empty. Objections and consent
    withdrawals opt the person out as soon as the request is recorded. Each step
    is written to the audit log.
    """

    _name = "sms.gdpr.rights.request"
    _description = "Rights Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "received_date desc, id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company
    )
    request_type = fields.Selection(REQUEST_TYPE, string="Right Exercised", required=True, tracking=True)
    channel = fields.Selection(CHANNEL, string="Received By", required=True, default="email")
    received_date = fields.Date(
        string="Received On", required=True, default=fields.Date.context_today, tracking=True,
        help="Day the request reached the company. The legal deadline runs from it.",
    )
    description = fields.Text(string="Request", help="What the person asked, in their words.")
    partner_id = fields.Many2one("res.partner", string="Contact", check_company=True, tracking=True)
    lead_id = fields.Many2one("crm.lead", string="Lead", check_company=True)
    subject_name = fields.Char(string="Data Subject", tracking=True, help="Name of the person exercising the right.")
    email = fields.Char(string="Email")
    phone = fields.Char(string="Phone", help="Number the person is known under; used to find and opt out their data.")
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, check_company=True, tracking=True,
        domain="[('share', '=', False)]",
    )
    state = fields.Selection(STATE, string="Status", required=True, default="new", tracking=True, index=True)
    identity_state = fields.Selection(
        IDENTITY_STATE, string="Identity Check", required=True, default="not_needed", tracking=True,
        help="Ask for proof of identity only when there is a reasonable doubt. The legal clock is paused "
        "from the day proof is requested until the day it is received.",
    )
    identity_requested_date = fields.Date(string="Proof Requested On", tracking=True)
    identity_received_date = fields.Date(string="Proof Received On", tracking=True)
    extension_months = fields.Integer(
        string="Extension (Months)", default=0, tracking=True,
        help="0, 1 or 2 extra months, for complex or numerous requests only.",
    )
    extension_reason = fields.Text(string="Extension Reason")
    extension_notified_date = fields.Date(
        string="Extension Notified On", help="Day the person was told of the extension and why; within the first month."
    )
    initial_deadline = fields.Date(string="One-Month Deadline", compute="_compute_deadlines", store=True)
    deadline = fields.Date(
        string="Deadline", compute="_compute_deadlines", store=True, index=True, tracking=True,
        help="Legal deadline to answer. Empty while the identity check pauses the clock.",
    )
    reminder_date = fields.Date(string="Reminder On", compute="_compute_deadlines", store=True)
    escalated = fields.Boolean(string="Escalated", readonly=True, copy=False)
    outcome = fields.Selection(OUTCOME, string="Outcome", tracking=True)
    outcome_note = fields.Text(string="Answer Given", help="What was answered or done, kept as proof.")
    closed_date = fields.Date(string="Answered On", readonly=True, copy=False)
    opt_out_applied = fields.Boolean(string="Opt-out Applied", readonly=True, copy=False)
    export_attachment_id = fields.Many2one("ir.attachment", string="Data Export", readonly=True, copy=False)
    erased = fields.Boolean(string="Data Erased", readonly=True, copy=False)
    inbound_ids = fields.One2many("sms.gdpr.inbound", "rights_request_id", string="Inbound SMS")

    @api.depends(
        "received_date", "extension_months", "identity_state", "identity_requested_date", "identity_received_date",
        "company_id.sms_gdpr_rights_reminder_days",
    )
    def _compute_deadlines(self):
        for request in self:
            pause_start, pause_end = request._identity_pause()
            received = request.received_date or fields.Date.context_today(request)
            months = min(max(request.extension_months, 0), rights.MAX_EXTENSION_MONTHS)
            request.initial_deadline = rights.initial_deadline(received, pause_start, pause_end)
            request.deadline = rights.response_deadline(received, months, pause_start, pause_end)
            request.reminder_date = rights.reminder_date(
                request.deadline, request.company_id.sms_gdpr_rights_reminder_days
            )

    @api.constrains("extension_months", "extension_reason", "extension_notified_date", "received_date")
    def _check_extension(self):
        for request in self.filtered("extension_months"):
            try:
                rights.check_extension_months(request.extension_months)
                if not (request.extension_reason or "").strip():
                    raise ValidationError(self.env._(
                        "The extension of “%(name)s” needs its reason: write why the request is complex or "
                        "numerous, as told to the person.",
                        name=request.name,
                    ))
                pause_start, pause_end = request._identity_pause()
                rights.check_extension_notice(
                    request.received_date, request.extension_notified_date, pause_start, pause_end
                )
            except rights.DeadlineError as error:
                raise ValidationError(request._deadline_error_message(error)) from error

    @api.constrains("received_date")
    def _check_received_date(self):
        today = fields.Date.context_today(self)
        for request in self:
            if request.received_date > today:
                raise ValidationError(self.env._(
                    "The rights request %(name)s is dated %(date)s, which is in the future. Enter the day the "
                    "request reached the company, today at the latest: the legal deadline runs from it.",
                    name=request.name, date=request.received_date,
                ))

    @api.constrains("identity_state", "identity_requested_date", "identity_received_date", "received_date")
    def _check_identity_dates(self):
        for request in self:
            if request.identity_state == "pending" and not request.identity_requested_date:
                raise ValidationError(self.env._(
                    "The identity check of “%(name)s” is awaiting proof, so it needs the date the proof was "
                    "requested, from which the deadline is paused. Enter that date.",
                    name=request.name,
                ))
            try:
                rights.paused_days(request.identity_requested_date, request.identity_received_date)
            except rights.DeadlineError as error:
                raise ValidationError(request._deadline_error_message(error)) from error
            if request.identity_requested_date and request.identity_requested_date < request.received_date:
                raise ValidationError(self.env._(
                    "Proof of identity of “%(name)s” is dated %(date)s, before the request was received. "
                    "Correct the date the proof was requested.",
                    name=request.name,
                    date=request.identity_requested_date,
                ))

    def _deadline_error_message(self, error):
        self.ensure_one()
        messages = {
            "extension_out_of_range": self.env._(
                "An extension of %(months)s months is not allowed for “%(name)s”: choose 0, 1 or 2 months.",
                months=error.params.get("months"), name=self.name,
            ),
            "extension_not_notified": self.env._(
                "The extension of “%(name)s” needs the date the person was told of it and its reasons.",
                name=self.name,
            ),
            "extension_notice_late": self.env._(
                "The extension of “%(name)s” was notified on %(date)s, outside the first month "
                "(%(received)s to %(limit)s). An extension must be notified within the first month; "
                "answer the request by its one-month deadline instead.",
                name=self.name, date=error.params.get("notified_on"), received=error.params.get("received"),
                limit=error.params.get("limit"),
            ),
            "pause_end_before_start": self.env._(
                "The proof of identity of “%(name)s” is marked received on %(end)s, before it was requested on "
                "%(start)s. Correct one of the two dates.",
                name=self.name, start=error.params.get("start"), end=error.params.get("end"),
            ),
        }
        return messages.get(error.code, error.message)

    def _identity_pause(self):
        """Return the start and end of the identity pause, the end None while proof is awaited."""
        self.ensure_one()
        if self.identity_state == "not_needed" or not self.identity_requested_date:
            return None, None
        if self.identity_state == "pending":
            return self.identity_requested_date, None
        return self.identity_requested_date, self.identity_received_date or self.identity_requested_date

    # ------------------------------------------------------------------
    # CRUD and mail gateway
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("sms.gdpr.rights.request") or "/"
            self._default_identity_request_date(vals)
        requests = super().create(vals_list)
        for request in requests:
            request._log_step("received")
        requests.filtered(lambda request: request.request_type in OPT_OUT_TYPES)._apply_opt_out()
        return requests

    def write(self, vals):
        if vals.get("identity_state") == "pending" and "identity_requested_date" not in vals:
            undated = self.filtered(lambda request: not request.identity_requested_date)
            if undated:
                super(SmsGdprRightsRequest, undated).write(
                    {"identity_requested_date": fields.Date.context_today(self)}
                )
        result = super().write(vals)
        if "request_type" in vals:
            self.filtered(
                lambda request: request.request_type in OPT_OUT_TYPES and not request.opt_out_applied
            )._apply_opt_out()
        if {"received_date", "extension_months", "identity_state", "identity_requested_date",
                "identity_received_date"}.intersection(vals):
            self._reschedule_deadline_activity()
        return result

    @api.model
    def _default_identity_request_date(self, vals):
        """Date a pending identity check from today when no date is given, so that it pauses the clock."""
        if vals.get("identity_state") == "pending" and not vals.get("identity_requested_date"):
            vals["identity_requested_date"] = fields.Date.context_today(self)

    @api.onchange("identity_state")
    def _onchange_identity_state(self):
        if self.identity_state == "pending" and not self.identity_requested_date:
            self.identity_requested_date = fields.Date.context_today(self)

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Create a request from an email sent to the rights-request alias."""
        body = html2plaintext(msg_dict.get("body") or "")
        subject = msg_dict.get("subject") or ""
        email = msg_dict.get("email_from") or ""
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")) if msg_dict.get("author_id") else None
        values = {
            "channel": "email",
            "request_type": self._guess_type(f"{subject}\n{body}"),
            "description": f"{subject}\n\n{body}".strip(),
            "name": "/",
            "subject_name": (partner and partner.name) or email,
            "partner_id": partner.id if partner else False,
            **(custom_values or {}),
        }
        request = super().message_new(msg_dict, custom_values=values)
        # The parent copies the raw From header (name and address) into the email field.
        request.email = email_normalize(email) or email or False
        return request

    @api.model
    def _guess_type(self, text):
        """Return the request type the words of ``text`` point to, access when none does."""
        return rights.guess_request_type(text)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_start(self):
        """Mark the requests as being handled."""
        self._check_open()
        self.write({"state": "in_progress"})
        for request in self:
            request._log_step("in_progress")

    def action_request_identity(self):
        """Record that proof of identity was requested today, which pauses the legal clock."""
        self._check_open()
        self.write({
            "identity_state": "pending",
            "identity_requested_date": fields.Date.context_today(self),
            "identity_received_date": False,
        })
        for request in self:
            request._log_step("identity_requested")

    def action_identity_verified(self):
        """Record that proof of identity arrived today, which restarts the legal clock."""
        for request in self:
            if request.identity_state != "pending":
                raise UserError(self.env._(
                    "No proof of identity is awaited for “%(name)s”. Use “Request Identity Proof” first.",
                    name=request.name,
                ))
        self.write({"identity_state": "verified", "identity_received_date": fields.Date.context_today(self)})
        for request in self:
            request._log_step("identity_verified")

    def action_apply_opt_out(self):
        """Opt the person out of SMS prospecting at once."""
        self._check_open()
        self._apply_opt_out()

    def action_export_data(self):
        """Build the ZIP of everything held on the person and attach it to the request."""
        self.ensure_one()
        # A closed request keeps the export it was answered with; exporting again would attach data
        # of a later date than the answer given.
        self._check_open()
        if self.request_type not in ("access", "portability"):
            raise UserError(self.env._(
                "“%(name)s” is a request of type %(type)s: the data export is for access and portability requests.",
                name=self.name, type=self._type_label(),
            ))
        partners, leads, numbers = self._person_records_found()
        PersonData = self.env["sms.gdpr.person.data"]
        sections = PersonData._collect(self.company_id, partners, leads, numbers)
        metadata = {
            "request": self.name,
            "right": self.request_type,
            "company": self.company_id.name,
            "generated_on": fields.Datetime.to_string(fields.Datetime.now()),
        }
        content = build_export_zip(sections, metadata)
        attachment = self.env["ir.attachment"].create({
            "name": f"{self.name.replace('/', '-')}-data.zip",
            "datas": base64.b64encode(content),
            "mimetype": "application/zip",
            "res_model": self._name,
            "res_id": self.id,
        })
        self.export_attachment_id = attachment
        counts = {section: len(rows) for section, rows in sections.items()}
        self.env["sms.gdpr.event"]._log("export", self, company=self.company_id, details=counts)
        self.message_post(
            body=self.env._("Data export generated: %(file)s.", file=attachment.name),
            attachment_ids=attachment.ids,
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def action_erase(self):
        """Anonymise the person's data and keep only a keyed fingerprint of their numbers."""
        self.ensure_one()
        self._check_open()
        if self.request_type != "erasure":
            raise UserError(self.env._(
                "“%(name)s” is a request of type %(type)s: only erasure requests erase data.",
                name=self.name, type=self._type_label(),
            ))
        partners, leads, numbers = self._person_records_found()
        self.env["sms.gdpr.suppression"]._add_numbers(numbers, self.company_id, reason="erasure")
        counts, erased_events = self.env["sms.gdpr.person.data"]._erase(self.company_id, partners, leads, numbers)
        self.write({"erased": True, "phone": False, "email": False, "description": False})
        self._log_erasure(counts, erased_events)
        self.message_post(
            body=self.env._(
                "Personal data erased: %(contacts)s contacts, %(leads)s leads, %(lines)s campaign lines, "
                "%(inbound)s inbound SMS and %(exports)s earlier data exports. The names and values of %(events)s "
                "audit events were cleared, and the events stay in the audit chain. The numbers stay on the "
                "opposition list as fingerprints.",
                contacts=counts["contacts"], leads=counts["leads"], lines=counts["campaign_lines"],
                inbound=counts["inbound_messages"], exports=counts["data_exports"], events=counts["audit_events"],
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _log_erasure(self, counts, erased_events):
        """Log the erasure in each company chain whose events it cleared, with their sequences."""
        Event = self.env["sms.gdpr.event"]
        Event._log("erasure", self, company=self.company_id, details={
            **counts, ERASED_SEQUENCES_KEY: erased_events.get(self.company_id.id, []),
        })
        for company_id, sequences in erased_events.items():
            if company_id != self.company_id.id:
                Event._log("erasure", self, company=self.env["res.company"].browse(company_id), details={
                    ERASED_SEQUENCES_KEY: sequences,
                })

    def action_done(self):
        """Close the requests as answered; an outcome is required."""
        self._check_open()
        for request in self:
            if not request.outcome:
                raise UserError(self.env._(
                    "Choose the outcome of “%(name)s” (granted, partially granted, refused or no data held) "
                    "before closing it.",
                    name=request.name,
                ))
        self.write({"state": "done", "closed_date": fields.Date.context_today(self)})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        for request in self:
            request._log_step("done")

    def action_refuse(self):
        """Close the requests as refused; the reason must be written in the answer given."""
        self._check_open()
        for request in self:
            if not (request.outcome_note or "").strip():
                raise UserError(self.env._(
                    "Write in “Answer Given” why “%(name)s” is refused; the person must be told the reason and "
                    "that they may complain to the CNIL.",
                    name=request.name,
                ))
        self.write({"state": "refused", "outcome": "refused", "closed_date": fields.Date.context_today(self)})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        for request in self:
            request._log_step("refused")

    # ------------------------------------------------------------------
    # Automated actions
    # ------------------------------------------------------------------

    def _schedule_deadline_activity(self):
        """Give each responsible a to-do due on the legal deadline."""
        for request in self.filtered(lambda request: request.state in OPEN_STATES):
            user = request.user_id or self.env.user
            todo = request.activity_ids.filtered(
                lambda activity: activity.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
            )
            if todo:
                todo.write({"user_id": user.id, "date_deadline": request._activity_date()})
                continue
            request.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=request._activity_date(),
                summary=self.env._("Answer the rights request before the legal deadline"),
                user_id=user.id,
            )

    def _reschedule_deadline_activity(self):
        for request in self.filtered(lambda request: request.state in OPEN_STATES):
            request.activity_reschedule(["mail.mail_activity_data_todo"], date_deadline=request._activity_date())

    def _activity_date(self):
        """Return the deadline, or the one-month date from today while the clock is paused."""
        self.ensure_one()
        return self.deadline or rights.add_months(fields.Date.context_today(self), 1)

    def _remind_deadline(self):
        """Remind the responsible that the deadline is near."""
        for request in self.filtered(lambda request: request.state in OPEN_STATES and request.deadline):
            request.message_post(
                body=self.env._(
                    "Reminder: the rights request %(name)s must be answered by %(deadline)s.",
                    name=request.name, deadline=request.deadline,
                ),
                partner_ids=request.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
            request._log_step("reminder")

    def _escalate_overdue(self):
        """Flag the overdue requests and alert the company's escalation contact and the responsible."""
        today = fields.Date.context_today(self)
        overdue = self.filtered(
            lambda request: request.state in OPEN_STATES and rights.is_overdue(request.deadline, today)
        )
        for request in overdue:
            escalation_user = request.company_id.sms_gdpr_rights_escalation_user_id or request.user_id
            request.escalated = True
            request.message_post(
                body=self.env._(
                    "The rights request %(name)s passed its legal deadline of %(deadline)s without an answer. "
                    "Answer it now: the person may complain to the CNIL.",
                    name=request.name, deadline=request.deadline,
                ),
                partner_ids=(escalation_user | request.user_id).partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
            if escalation_user:
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=today,
                    summary=self.env._("Overdue rights request"),
                    user_id=escalation_user.id,
                )
            request._log_step("escalated")
        if overdue:
            _logger.info("Rights requests: %d overdue requests escalated", len(overdue))

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _apply_opt_out(self):
        for request in self:
            partners, leads, numbers = request._person_records()
            if not numbers:
                request.message_post(
                    body=self.env._(
                        "No phone number is known for this person yet, so no opt-out could be applied. "
                        "Set the contact, the lead or the phone number, then click “Apply Opt-out”."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            note = self.env._(
                "Opt-out recorded from the rights request %(name)s (%(type)s).",
                name=request.name, type=request._type_label(),
            )
            self.env["sms.gdpr.compliance.mixin"].with_company(request.company_id)._sms_gdpr_opt_out_numbers(
                numbers, "rights_request", company=request.company_id, note=note
            )
            request.opt_out_applied = True
            request.message_post(body=note, subtype_xmlid="mail.mt_note")
            request._log_step("opt_out")

    def _person_records(self):
        """Return ``(partners, leads, numbers)`` held on the person named by the request."""
        self.ensure_one()
        extra_numbers = [self._normalized_phone()] if self.phone else []
        PersonData = self.env["sms.gdpr.person.data"]
        partners, leads = PersonData._find_records(
            self.company_id, extra_numbers, [self.email], self.partner_id, self.lead_id
        )
        return partners, leads, PersonData._numbers_of(partners, leads, extra_numbers)

    def _person_records_found(self):
        """Return ``_person_records()``, or raise when nothing identifies the person."""
        partners, leads, numbers = self._person_records()
        if not partners and not leads and not numbers:
            raise UserError(self.env._(
                "No contact, lead or phone number matches “%(name)s”. Set the contact, the lead, the phone number "
                "or the email of the person, then try again. If the company holds no data on them, close the "
                "request with the outcome “No data held”.",
                name=self.name,
            ))
        return partners, leads, numbers

    def _normalized_phone(self):
        return self.company_id._sms_gdpr_e164(self.phone) or self.phone.strip()

    def _check_open(self):
        closed = self.filtered(lambda request: request.state not in OPEN_STATES)
        if closed:
            raise UserError(self.env._(
                "The rights request %(name)s is already closed. Create a new request if the person asks again.",
                name=closed[0].name,
            ))

    def _type_label(self):
        self.ensure_one()
        return dict(self._fields["request_type"]._description_selection(self.env)).get(self.request_type)

    def _log_step(self, step):
        self.ensure_one()
        self.env["sms.gdpr.event"]._log(
            "rights_request", self, company=self.company_id, new_value=step,
            details={"type": self.request_type, "deadline": self.deadline},
        )
