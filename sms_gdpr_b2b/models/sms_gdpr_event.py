import json
import secrets

from odoo import _, api, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)
from odoo.exceptions import UserError
from odoo.osv import expression

from ..compliance.audit import GENESIS_HASH, event_hash, first_broken_link, personal_digest, personal_part_intact

EVENT_TYPES = [
    ("consent_given", "Consent given"),
    ("consent_withdrawn", "Consent withdrawn"),
    ("basis_changed", "Legal basis changed"),
    ("opt_out_set", "Opt-out set"),
    ("opt_out_lifted", "Opt-out lifted"),
    ("campaign_confirmed", "Campaign confirmed"),
    ("campaign_released", "Campaign SMS released"),
    ("campaign_cancelled", "Campaign cancelled"),
    ("inbound_stop", "STOP received"),
    ("import", "List imported"),
    ("rights_request", "Rights request step"),
    ("export", "Data exported"),
    ("erasure", "Personal data erased"),
    ("chain_verified", "Audit chain verified"),
    ("consent_proof_changed", "Consent proof changed"),
    ("provenance_changed", "Provenance changed"),
    ("converted", "Lead converted to contact"),
    ("merged", "Records merged"),
]

# Fields covered by the chain hash, in the order they are serialised.
HASHED_FIELDS = (
    "sequence",
    "event_type",
    "date",
    "user_id",
    "company_id",
    "res_model",
    "res_id",
    "personal_digest",
)
# Fields that may name the person. The chain covers them through their salted digest, so an
# erasure can clear them without breaking it.
PERSONAL_FIELDS = ("record_name", "old_value", "new_value", "details")
# Steps of a rights request, as the "Rights request step" events store them.
RIGHTS_REQUEST_STEPS = {
    "received": _lt("Received"),
    "in_progress": _lt("In progress"),
    "identity_requested": _lt("Identity proof requested"),
    "identity_verified": _lt("Identity proven"),
    "opt_out": _lt("Opt-out applied"),
    "reminder": _lt("Reminder sent"),
    "escalated": _lt("Escalated"),
    "done": _lt("Answered"),
    "refused": _lt("Refused"),
}
# Fields of contacts and leads whose stored codes the audit log shows with their labels.
LABELLED_FIELDS = (
    "sms_gdpr_legal_basis",
    "sms_gdpr_opt_out_channel",
    "sms_gdpr_data_source",
    "sms_gdpr_consent_channel",
    "sms_gdpr_number_kind",
)
# Key of an erasure event's details that lists the sequences of the events it cleared.
ERASED_SEQUENCES_KEY = "audit_events_erased"


class SmsGdprEvent(models.Model):
    """Append-only audit log of consent, opt-out, campaign and rights-request steps.

    Rows are chained per company by a SHA-256 hash of their content and the
    previous row's hash, so a row edited or deleted in the database breaks the
    chain, which ``action_verify_chain`` detects. The ORM rejects any write or
    unlink; rows are only created through ``_log``.
    """

    _name = "sms.gdpr.event"
    _description = "SMS Compliance Audit Event"
    _order = "company_id, sequence desc"
    _rec_name = "event_type"

    sequence = fields.Integer(readonly=True, index=True)
    event_type = fields.Selection(EVENT_TYPES, string="Event", required=True, readonly=True, index=True)
    date = fields.Datetime(string="When", required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Who", readonly=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="restrict")
    res_model = fields.Char(string="Record Model", readonly=True, index=True)
    res_id = fields.Integer(string="Record ID", readonly=True, index=True)
    record_name = fields.Char(string="Record", readonly=True)
    old_value = fields.Char(string="Old Value", readonly=True)
    new_value = fields.Char(string="New Value", readonly=True)
    details = fields.Text(string="Details", readonly=True)
    personal_salt = fields.Char(readonly=True, groups="base.group_system")
    personal_digest = fields.Char(readonly=True, groups="base.group_system")
    personal_erased = fields.Boolean(
        string="Personal Data Erased", readonly=True,
        help="The record name, values and details were cleared by an erasure request. The chain still "
        "proves that the event took place, when and by whom.",
    )
    previous_hash = fields.Char(readonly=True)
    hash = fields.Char(readonly=True, index=True)
    old_value_display = fields.Char(string="Before", compute="_compute_value_display")
    new_value_display = fields.Char(string="After", compute="_compute_value_display")
    res_model_name = fields.Char(string="Record Type", compute="_compute_res_model_name")

    _sql_constraints = [
        ("sequence_company_unique", "unique(company_id, sequence)", "Each audit event has its own place in the chain."),
    ]

    # ------------------------------------------------------------------
    # Display
    # ------------------------------------------------------------------

    @api.depends("event_type", "record_name")
    def _compute_display_name(self):
        labels = dict(self._fields["event_type"]._description_selection(self.env))
        for event in self:
            label = labels.get(event.event_type, event.event_type)
            event.display_name = f"{label} – {event.record_name}" if event.record_name else label

    @api.depends("old_value", "new_value")
    def _compute_value_display(self):
        labels = self._value_labels()
        for event in self:
            event.old_value_display = self._readable_value(event.old_value, labels)
            event.new_value_display = self._readable_value(event.new_value, labels)

    @api.depends("res_model")
    def _compute_res_model_name(self):
        for event in self:
            model = event.res_model and self.env["ir.model"]._get(event.res_model)
            event.res_model_name = model.name if model else event.res_model

    @api.model
    def _value_labels(self):
        """Return the labels of the codes the audit log stores, in the user's language."""
        Lead = self.env["crm.lead"]
        labels = {code: self.env._(label) for code, label in RIGHTS_REQUEST_STEPS.items()}
        labels.update(dict(self.env["sms.gdpr.recipient"]._fields["state"]._description_selection(self.env)))
        for fname in LABELLED_FIELDS:
            labels.update(dict(Lead._fields[fname]._description_selection(self.env)))
        return labels

    @api.model
    def _field_label(self, fname):
        """Return the label of the contact and lead field ``fname``, or ``fname`` when no such field exists."""
        field = self.env["crm.lead"]._fields.get(fname)
        return field._description_string(self.env) if field else fname

    @api.model
    def _readable_value(self, value, labels):
        """Return a stored value with its codes replaced by their labels, and a JSON object as "Field: value" pairs."""
        if not value:
            return value
        try:
            parsed = json.loads(value)
        except ValueError:
            return labels.get(value, value)
        if not isinstance(parsed, dict):
            return labels.get(value, value)
        return "; ".join(
            f"{self._field_label(name)}: {labels.get(item, item) if isinstance(item, str) else item}"
            for name, item in parsed.items()
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("sms_gdpr_event_log"):
            raise UserError(_("Audit events are recorded by the application only and cannot be created by hand."))
        by_company = {}
        for vals in vals_list:
            by_company.setdefault(vals["company_id"], []).append(vals)
        for company_id, company_vals in by_company.items():
            self._chain_vals(company_id, company_vals)
        return super().create(vals_list)

    def write(self, vals):
        raise UserError(_("Audit events cannot be changed. They are the proof of what happened."))

    def _write(self, vals):
        # Also closes the low-level path that ``write`` normally goes through.
        raise UserError(_("Audit events cannot be changed. They are the proof of what happened."))

    def unlink(self):
        # TODO: no retention job purges expired events yet, so none is ever deleted.
        raise UserError(_("Audit events cannot be deleted. They are the proof of what happened."))

    # ------------------------------------------------------------------
    # Chain
    # ------------------------------------------------------------------

    def _chain_vals(self, company_id, vals_list):
        """Give each new row its sequence and hashes, after the company's last row."""
        head_id, sequence, previous_hash = self._lock_chain_head(company_id)
        for vals in vals_list:
            sequence += 1
            vals["sequence"] = sequence
            vals.setdefault("date", fields.Datetime.now())
            vals["personal_salt"] = secrets.token_hex(16)
            vals["personal_digest"] = personal_digest(vals["personal_salt"], self._personal_content(vals))
            vals["previous_hash"] = previous_hash
            vals["hash"] = event_hash(previous_hash, self._hash_content(vals))
            previous_hash = vals["hash"]
        self.env.cr.execute(
            "UPDATE sms_gdpr_event_chain SET sequence = %s, hash = %s WHERE id = %s",
            [sequence, previous_hash, head_id],
        )

    def _lock_chain_head(self, company_id):
        """Lock the company's chain head and return its id, last sequence and last hash.

        The head is created on the company's first event, from its last stored
        event if any.
        """
        cr = self.env.cr
        cr.execute(
            "SELECT id, sequence, hash FROM sms_gdpr_event_chain WHERE company_id = %s FOR UPDATE", [company_id]
        )
        head = cr.fetchone()
        if head:
            return head
        self.flush_model()
        cr.execute(
            "SELECT sequence, hash FROM sms_gdpr_event WHERE company_id = %s ORDER BY sequence DESC LIMIT 1",
            [company_id],
        )
        sequence, last_hash = cr.fetchone() or (0, GENESIS_HASH)
        cr.execute(
            "INSERT INTO sms_gdpr_event_chain (company_id, sequence, hash) VALUES (%s, %s, %s) RETURNING id",
            [company_id, sequence, last_hash],
        )
        return cr.fetchone()[0], sequence, last_hash

    @api.model
    def _hash_content(self, vals):
        content = {name: vals.get(name) or None for name in HASHED_FIELDS}
        content["date"] = fields.Datetime.to_string(fields.Datetime.to_datetime(vals.get("date")))
        return content

    @api.model
    def _personal_content(self, vals):
        return {name: vals.get(name) or None for name in PERSONAL_FIELDS}

    def _stored_content(self):
        self.ensure_one()
        values = {name: self[name] for name in HASHED_FIELDS}
        values["user_id"] = self.user_id.id
        values["company_id"] = self.company_id.id
        return self._hash_content(values)

    def _personal_part_intact(self):
        self.ensure_one()
        return personal_part_intact(
            self.personal_salt,
            self._personal_content({name: self[name] for name in PERSONAL_FIELDS}),
            self.personal_digest,
            self.personal_erased,
        )

    @api.model
    def _find_broken_event(self, company):
        """Return the first event of ``company`` that was changed, removed or cleared outside an erasure.

        Returns an empty recordset when the whole chain holds.
        """
        events = self.sudo().search([("company_id", "=", company.id)], order="sequence")
        index = first_broken_link([(event.previous_hash, event._stored_content(), event.hash) for event in events])
        erased_by_request = self._erased_sequences(events)
        for position, event in enumerate(events):
            if index is not None and position == index:
                return event
            if not event._personal_part_intact():
                return event
            if event.personal_erased and event.sequence not in erased_by_request:
                return event
            if event.sequence != position + 1:
                return event
        return self.browse()

    @api.model
    def _erased_sequences(self, events):
        """Return the sequences of the events that an erasure event of ``events`` reports having cleared."""
        sequences = set()
        for event in events.filtered(lambda event: event.event_type == "erasure" and event.details):
            try:
                details = json.loads(event.details)
            except ValueError:
                continue
            if isinstance(details, dict):
                sequences.update(details.get(ERASED_SEQUENCES_KEY) or [])
        return sequences

    @api.model
    def _missing_tail(self, company):
        """Return how many events were removed from the end of the company's chain.

        The chain head keeps the sequence and hash of the last event appended, so
        deleting the newest events, which leaves the remaining links intact, still
        shows. It returns -1 when the last event's hash differs from the head's.
        """
        self.env.cr.execute("SELECT sequence, hash FROM sms_gdpr_event_chain WHERE company_id = %s", [company.id])
        head = self.env.cr.fetchone()
        if not head:
            return 0
        last = self.sudo().search([("company_id", "=", company.id)], order="sequence desc", limit=1)
        if (last.sequence or 0) < head[0]:
            return head[0] - (last.sequence or 0)
        return 0 if (last.hash or head[1]) == head[1] else -1

    def action_verify_chain(self):
        """Check the audit chain of the current company and report the first broken event."""
        company = self.env.company
        broken = self._find_broken_event(company)
        missing = 0 if broken else self._missing_tail(company)
        if broken:
            message = _(
                "The audit chain of %(company)s is broken at event #%(sequence)s (%(event)s of %(date)s): "
                "a row was changed or deleted outside the application. Keep a copy of the database and "
                "inform your DPO.",
                company=company.name,
                sequence=broken.sequence,
                event=dict(self._fields["event_type"]._description_selection(self.env))[broken.event_type],
                date=broken.date,
            )
            notification_type = "danger"
        elif missing:
            message = _(
                "The audit chain of %(company)s lost its newest events: the last event recorded does not "
                "match the chain head. Events were deleted or replaced outside the application. Keep a copy "
                "of the database and inform your DPO.",
                company=company.name,
            )
            notification_type = "danger"
        else:
            count = self.sudo().search_count([("company_id", "=", company.id)])
            message = _("The audit chain of %(company)s is intact: %(count)s events checked.",
                        company=company.name, count=count)
            notification_type = "success"
            self._log("chain_verified", company=company, details=message)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": notification_type, "message": message, "sticky": notification_type == "danger"},
        }

    # ------------------------------------------------------------------
    # Logging
    # ------------------------------------------------------------------

    @api.model
    def _log(self, event_type, records=None, company=None, old_value=None, new_value=None, details=None):
        """Record one event per record (or one without record) and return them.

        ``old_value`` and ``new_value`` may be a value shared by all records or a
        dict keyed by record id. ``details`` may be any JSON-serialisable value.
        """
        if details is not None and not isinstance(details, str):
            details = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
        targets = list(records) if records else [None]
        vals_list = [
            {
                "event_type": event_type,
                "user_id": self.env.uid,
                "company_id": self._event_company(record, company).id,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "record_name": record.display_name if record else False,
                "old_value": self._value_for(old_value, record),
                "new_value": self._value_for(new_value, record),
                "details": details or False,
            }
            for record in targets
        ]
        return self.sudo().with_context(sms_gdpr_event_log=True).create(vals_list)

    def _event_company(self, record, company):
        if company:
            return company
        record_company = record and "company_id" in record._fields and record.company_id
        return record_company or self.env.company

    @api.model
    def _value_for(self, value, record):
        if isinstance(value, dict):
            value = value.get(record.id) if record else None
        return str(value) if value not in (None, False) else False

    @api.model
    def _erase_personal_values(self, records):
        """Clear the personal values and salt of every event about ``records``, a dict of ids by model.

        Returns the sequences of the cleared events, by company id.

        Only the erasure of a rights request calls this. It writes in SQL because
        the ORM rejects any change to an event. The caller must log the erasure
        event with the returned sequences under ``ERASED_SEQUENCES_KEY``, or the
        chain check reports the cleared events as tampered.
        """
        domains = [[("res_model", "=", model), ("res_id", "in", ids)] for model, ids in records.items() if ids]
        if not domains:
            return {}
        events = self.sudo().search(expression.AND([expression.OR(domains), [("personal_erased", "=", False)]]))
        if not events:
            return {}
        self.flush_model()
        self.env.cr.execute(
            """UPDATE sms_gdpr_event
                  SET record_name = NULL, old_value = NULL, new_value = NULL, details = NULL,
                      personal_salt = NULL, personal_erased = TRUE
                WHERE id IN %s""",
            [tuple(events.ids)],
        )
        self.invalidate_model(list(PERSONAL_FIELDS) + ["personal_salt", "personal_erased"])
        sequences = {}
        for event in events:
            sequences.setdefault(event.company_id.id, []).append(event.sequence)
        return sequences

    def action_open_record(self):
        """Open the record the event is about."""
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
