from odoo import Command, api, fields, models

from ..compliance.consent import ComplianceState, merge_states

# Consent details taken together from the record whose consent is kept.
CONSENT_DETAIL_FIELDS = (
    "sms_gdpr_consent_date",
    "sms_gdpr_consent_wording",
    "sms_gdpr_consent_channel",
    "sms_gdpr_consent_proof_url",
    "sms_gdpr_consent_proof_ip",
)

# Details of the other records that are written into the kept proof text, so none is lost.
PROOF_TEXT_FIELDS = ("sms_gdpr_consent_wording", "sms_gdpr_consent_proof_url", "sms_gdpr_consent_proof_ip")

# Fields set or decided by the merge rules rather than taken from the first record that has them.
DECIDED_FIELDS = {
    "sms_gdpr_legal_basis",
    "sms_gdpr_opt_out",
    "sms_gdpr_opt_out_date",
    "sms_gdpr_opt_out_channel",
    "sms_gdpr_number_kind",
    "sms_gdpr_collection_date",
    "sms_gdpr_consent_proof",
    "sms_gdpr_consent_attachment_ids",
    "sms_gdpr_interest_justification",
    *CONSENT_DETAIL_FIELDS,
}


class SmsGdprComplianceMerge(models.AbstractModel):
    """Combine the compliance fields of records that become one person.

    Used when contacts or leads are merged and when a lead is converted into
    an existing customer. The surviving record keeps the most restrictive
    state decided by the pure core: an opt-out is never lost, whichever
    record survives, and no consent proof text or file is dropped.
    """

    _name = "sms.gdpr.compliance.merge"
    _description = "SMS compliance merge rules"

    @api.model
    def _recorded_fields(self, model):
        """Return the compliance fields users record on ``model``: stored and not computed."""
        mixin_fields = self.env["sms.gdpr.compliance.mixin"]._fields
        return [
            name for name, field in self.env[model]._fields.items()
            if name in mixin_fields and field.store and not field.compute
        ]

    @api.model
    def _merged_vals(self, target, others):
        """Return the values that give ``target`` the combined state of itself and ``others``.

        Only the values that differ from those of ``target`` are returned.
        ``others`` may be records of another model with the same mixin, such
        as a lead merged into a contact.
        """
        records = [target, *others]
        merged = merge_states([self._state(record) for record in records])
        vals = {
            "sms_gdpr_legal_basis": merged.legal_basis,
            "sms_gdpr_opt_out": merged.opt_out,
            "sms_gdpr_number_kind": merged.number_kind or False,
            "sms_gdpr_collection_date": merged.collection_date or False,
        }
        if merged.opt_out_source is not None:
            opt_out_record = records[merged.opt_out_source]
            vals["sms_gdpr_opt_out_date"] = opt_out_record.sms_gdpr_opt_out_date
            vals["sms_gdpr_opt_out_channel"] = opt_out_record.sms_gdpr_opt_out_channel
        consent_record = records[merged.consent_source] if merged.consent_source is not None else target
        for fname in CONSENT_DETAIL_FIELDS:
            vals[fname] = consent_record[fname]
        vals["sms_gdpr_consent_proof"] = self._combined_proof_text(records, consent_record) or False
        vals["sms_gdpr_interest_justification"] = self._combined_text(
            [record.sms_gdpr_interest_justification for record in records]
        ) or False
        for fname in set(self._recorded_fields(target._name)) - DECIDED_FIELDS:
            vals[fname] = next((record[fname] for record in records if fname in record._fields and record[fname]), False)
        vals = {fname: self._write_value(value) for fname, value in vals.items() if fname in target._fields}
        attachments = self._proof_attachments(records)
        if attachments != target.sudo().sms_gdpr_consent_attachment_ids:
            vals["sms_gdpr_consent_attachment_ids"] = [Command.set(attachments.ids)]
        return {fname: value for fname, value in vals.items()
                if fname == "sms_gdpr_consent_attachment_ids" or value != self._write_value(target[fname])}

    @api.model
    def _state(self, record):
        return ComplianceState(
            legal_basis=record.sms_gdpr_legal_basis,
            consent_date=record.sms_gdpr_consent_date or None,
            opt_out=record.sms_gdpr_opt_out,
            opt_out_date=record.sms_gdpr_opt_out_date or None,
            number_kind=record.sms_gdpr_number_kind or None,
            collection_date=record.sms_gdpr_collection_date or None,
        )

    @api.model
    def _write_value(self, value):
        if isinstance(value, models.BaseModel):
            return value.id
        return value

    @api.model
    def _combined_text(self, texts):
        """Join the distinct non-empty ``texts``, in order, one paragraph each."""
        kept = []
        for text in texts:
            text = (text or "").strip()
            if text and text not in kept:
                kept.append(text)
        return "\n\n".join(kept)

    @api.model
    def _combined_proof_text(self, records, consent_record):
        """Return the proof text of every record, with the details that the kept fields no longer show."""
        target = records[0]
        paragraphs = []
        for record in records:
            lines = [record.sms_gdpr_consent_proof or ""]
            if record != consent_record:
                lines += [
                    f"{record._fields[fname]._description_string(self.env)}: {record[fname]}"
                    for fname in PROOF_TEXT_FIELDS
                    if record[fname] and record[fname] != consent_record[fname]
                ]
            text = "\n".join(line for line in lines if line).strip()
            if text and record != target:
                text = self.env._("From “%(name)s” (merged on %(date)s):\n%(proof)s",
                                  name=record.display_name, date=fields.Date.context_today(self), proof=text)
            paragraphs.append(text)
        return self._combined_text(paragraphs)

    @api.model
    def _proof_attachments(self, records):
        attachments = self.env["ir.attachment"].sudo()
        for record in records:
            attachments |= record.sudo().sms_gdpr_consent_attachment_ids
        return attachments

    @api.model
    def _state_summary(self, record):
        """Return a short description of a record's legal basis, consent and opt-out, for the audit log."""
        basis = dict(record._fields["sms_gdpr_legal_basis"]._description_selection(self.env))
        reference = "%s (%s #%s)" % (record.display_name, record._name, record.id)
        if record.sms_gdpr_opt_out:
            opt_out = record.sms_gdpr_opt_out_date or self.env._("yes")
        else:
            opt_out = self.env._("no")
        return self.env._(
            "%(record)s: legal basis %(basis)s, consent %(consent)s, opt-out %(opt_out)s",
            record=reference,
            basis=basis.get(record.sms_gdpr_legal_basis, record.sms_gdpr_legal_basis),
            consent=record.sms_gdpr_consent_date or self.env._("none"),
            opt_out=opt_out,
        )

    @api.model
    def _merge_into(self, target, others, event_type="merged"):
        """Give ``target`` the combined compliance state of itself and ``others`` and log it.

        Returns the values written. The audit event keeps the state of every
        record before the merge as its old value and the result as its new value.
        """
        before = "\n".join(self._state_summary(record) for record in (target, *others))
        vals = self._merged_vals(target, others)
        details = {
            "kept": f"{target._name},{target.id}",
            "merged": [f"{record._name},{record.id}" for record in others],
            "changed_fields": sorted(vals),
        }
        if vals:
            target.with_context(sms_gdpr_audit_details=f"{event_type}: {target._name},{target.id}").write(vals)
        self.env["sms.gdpr.event"]._log(
            event_type, target, old_value=before, new_value=self._state_summary(target), details=details
        )
        return vals
