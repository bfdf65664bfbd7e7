from odoo import Command, models


class CrmLead(models.Model):
    """Leads carry the compliance fields, and hand them on when they become customers or merge.

    Converting a lead into a new contact copies every recorded compliance field
    and proof file. Linking it to an existing customer, or merging leads, gives
    the surviving record the most restrictive combined state.
    """

    _name = "crm.lead"
    _inherit = ["crm.lead", "sms.gdpr.compliance.mixin"]

    def _sms_gdpr_professional_context_fields(self):
        return [*super()._sms_gdpr_professional_context_fields(), "partner_name"]

    def _sms_gdpr_has_professional_context(self):
        return super()._sms_gdpr_has_professional_context() or bool(self.partner_name)

    # ------------------------------------------------------------------
    # Conversion to a customer
    # ------------------------------------------------------------------

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        values = super()._prepare_customer_values(partner_name, is_company=is_company, parent_id=parent_id)
        values.update(self._sms_gdpr_prepare_customer_vals())
        return values

    def _sms_gdpr_prepare_customer_vals(self):
        """Return the compliance values of a contact created from this lead, with copies of the proof files.

        The files are copied because deleting the lead deletes its own attachments.
        """
        self.ensure_one()
        fnames = self.env["sms.gdpr.compliance.merge"]._recorded_fields("res.partner")
        vals = {
            fname: self._fields[fname].convert_to_write(self[fname], self)
            for fname in fnames
            if fname in self._fields and fname != "sms_gdpr_consent_attachment_ids"
        }
        copies = self.env["ir.attachment"].sudo()
        for attachment in self.sudo().sms_gdpr_consent_attachment_ids:
            copies |= attachment.copy({"res_model": "res.partner", "res_id": False})
        vals["sms_gdpr_consent_attachment_ids"] = [Command.set(copies.ids)]
        return vals

    def _handle_partner_assignment(self, force_partner_id=False, create_missing=True):
        previous_partners = {lead.id: lead.partner_id for lead in self}
        result = super()._handle_partner_assignment(force_partner_id=force_partner_id, create_missing=create_missing)
        for lead in self.filtered("partner_id"):
            if force_partner_id:
                lead._sms_gdpr_link_to_customer()
            elif not previous_partners[lead.id]:
                lead._sms_gdpr_log_conversion()
        return result

    def _sms_gdpr_link_to_customer(self):
        """Merge this lead's compliance state into its existing customer, and the customer's opt-out into the lead."""
        self.ensure_one()
        partner = self.partner_id
        self.env["sms.gdpr.compliance.merge"]._merge_into(partner, [self], event_type="converted")
        if partner.sms_gdpr_opt_out and not self.sms_gdpr_opt_out:
            self.with_context(sms_gdpr_audit_details=f"converted: res.partner,{partner.id}").write({
                "sms_gdpr_opt_out": True,
                "sms_gdpr_opt_out_date": partner.sms_gdpr_opt_out_date,
                "sms_gdpr_opt_out_channel": partner.sms_gdpr_opt_out_channel,
            })
        self._sms_gdpr_log_conversion(linked=True)

    def _sms_gdpr_log_conversion(self, linked=False):
        """Record that this lead became (or joined) its customer, on both records."""
        self.ensure_one()
        partner = self.partner_id
        merge = self.env["sms.gdpr.compliance.merge"]
        details = {
            "lead": f"crm.lead,{self.id}",
            "partner": f"res.partner,{partner.id}",
            "mode": "linked to existing customer" if linked else "new customer",
        }
        Event = self.env["sms.gdpr.event"]
        Event._log("converted", self, old_value=merge._state_summary(self),
                   new_value=merge._state_summary(partner), details=details)
        if not linked:
            details["carried_fields"] = merge._recorded_fields("res.partner")
            Event._log("converted", partner, old_value=merge._state_summary(self),
                       new_value=merge._state_summary(partner), details=details)

    # ------------------------------------------------------------------
    # Merge
    # ------------------------------------------------------------------

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        if len(self) > 1:
            ordered = self._sort_by_confidence_level(reverse=True)
            self.env["sms.gdpr.compliance.merge"]._merge_into(ordered[0], list(ordered[1:]))
        return super()._merge_opportunity(user_id=user_id, team_id=team_id, auto_unlink=auto_unlink,
                                          max_length=max_length)
