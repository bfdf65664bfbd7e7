from odoo import api, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import email_normalize

from ..compliance.phone import mentions_number

# Fields of contacts and leads written to an access or portability export.
PERSON_FIELDS = [
    "name",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "country_id",
    "function",
    "sms_gdpr_e164",
    "sms_gdpr_legal_basis",
    "sms_gdpr_data_source",
    "sms_gdpr_data_source_detail",
    "sms_gdpr_collection_date",
    "sms_gdpr_consent_date",
    "sms_gdpr_consent_proof",
    "sms_gdpr_consent_wording",
    "sms_gdpr_consent_channel",
    "sms_gdpr_consent_proof_url",
    "sms_gdpr_consent_proof_ip",
    "sms_gdpr_consent_attachment_ids",
    "sms_gdpr_number_kind",
    "sms_gdpr_list_provider_id",
    "sms_gdpr_interest_justification",
    "sms_gdpr_opt_out",
    "sms_gdpr_opt_out_date",
    "sms_gdpr_opt_out_channel",
    "create_date",
]
LEAD_EXTRA_FIELDS = ["contact_name", "partner_name", "email_from", "user_id", "stage_id", "description"]
CONSENT_FIELDS = [
    "sms_gdpr_legal_basis",
    "sms_gdpr_consent_date",
    "sms_gdpr_consent_proof",
    "sms_gdpr_consent_wording",
    "sms_gdpr_consent_channel",
    "sms_gdpr_consent_proof_url",
    "sms_gdpr_consent_proof_ip",
    "sms_gdpr_interest_justification",
    "sms_gdpr_opt_out",
    "sms_gdpr_opt_out_date",
    "sms_gdpr_opt_out_channel",
]
RECIPIENT_FIELDS = ["campaign_id", "name", "e164", "decision", "reason", "planned_utc", "state", "released_date"]
CAMPAIGN_FIELDS = ["name", "processing_id", "body", "create_date", "state"]
INBOUND_FIELDS = ["received_date", "number", "body", "provider", "intent", "state"]
EVENT_FIELDS = ["date", "event_type", "res_model", "res_id", "record_name", "old_value", "new_value", "details"]

# Consent proof cleared from contacts and leads on erasure: it describes the person.
PROOF_ERASED_VALUES = {
    "sms_gdpr_consent_proof": False, "sms_gdpr_consent_wording": False, "sms_gdpr_consent_proof_url": False,
    "sms_gdpr_consent_proof_ip": False, "sms_gdpr_consent_attachment_ids": [(5, 0, 0)],
    "sms_gdpr_interest_justification": False, "sms_gdpr_data_source_detail": False,
}

# Values written over a contact's or lead's personal data on erasure.
PARTNER_ERASED_VALUES = {
    "email": False, "phone": False, "mobile": False, "street": False, "street2": False, "zip": False,
    "city": False, "function": False, "website": False, "comment": False, "vat": False, "ref": False,
    **PROOF_ERASED_VALUES, "active": False,
}
LEAD_ERASED_VALUES = {
    "contact_name": False, "partner_name": False, "email_from": False, "phone": False, "mobile": False,
    "street": False, "street2": False, "zip": False, "city": False, "function": False, "website": False,
    "description": False, **PROOF_ERASED_VALUES, "active": False,
}


class SmsGdprPersonData(models.AbstractModel):
    """Everything the addon holds on one person: found by number, email or record, exported or erased.

    A person is the set of contacts and leads that share a normalised mobile,
    an email address or a link with the records named on a rights request,
    within one company. The rest (campaign lines, inbound SMS, audit events)
    is found from those records and numbers.
    """

    _name = "sms.gdpr.person.data"
    _description = "Personal data held on a person"

    @api.model
    def _find_records(self, company, numbers, emails, partners, leads):
        """Return ``(partners, leads)`` of ``company`` that belong to the person."""
        numbers = [number for number in numbers if number]
        emails = {email.strip() for email in emails if email and email.strip()}
        company_domain = [("company_id", "in", [company.id, False])]
        partner_domains = [[("id", "in", partners.ids)]]
        lead_domains = [[("id", "in", leads.ids)]]
        if numbers:
            partner_domains.append([("sms_gdpr_e164", "in", numbers)])
            lead_domains.append([("sms_gdpr_e164", "in", numbers)])
        for email in emails:
            partner_domains.append([("email", "=ilike", email)])
            lead_domains.append([("email_from", "=ilike", email)])
        found_partners = self.env["res.partner"].sudo().with_context(active_test=False).search(
            expression.AND([company_domain, expression.OR(partner_domains)])
        )
        lead_domains.append([("partner_id", "in", found_partners.ids)])
        found_leads = self.env["crm.lead"].sudo().with_context(active_test=False).search(
            expression.AND([company_domain, expression.OR(lead_domains)])
        )
        return found_partners, found_leads

    @api.model
    def _numbers_of(self, partners, leads, extra_numbers=()):
        return sorted({number for number in [*partners.mapped("sms_gdpr_e164"), *leads.mapped("sms_gdpr_e164"),
                                             *extra_numbers] if number})

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------

    @api.model
    def _collect(self, company, partners, leads, numbers):
        """Return ``{section: [row, ...]}`` of everything held on the person, for the export archive."""
        lines = self.env["sms.gdpr.recipient"].sudo().search([
            ("company_id", "=", company.id),
            "|", "|", ("e164", "in", numbers), ("partner_id", "in", partners.ids), ("lead_id", "in", leads.ids),
        ])
        inbound = self.env["sms.gdpr.inbound"].sudo().search([
            ("company_id", "=", company.id), ("e164", "in", numbers),
        ])
        events = self.env["sms.gdpr.event"].sudo().search([
            ("company_id", "=", company.id),
            "|", "&", ("res_model", "=", "res.partner"), ("res_id", "in", partners.ids),
            "&", ("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids),
        ], order="sequence")
        return {
            "contacts": self._rows(partners, PERSON_FIELDS),
            "leads": self._rows(leads, PERSON_FIELDS + LEAD_EXTRA_FIELDS),
            "consents": self._consent_rows(partners) + self._consent_rows(leads),
            "campaigns": self._rows(lines.campaign_id, CAMPAIGN_FIELDS),
            "campaign_recipients": self._rows(lines, RECIPIENT_FIELDS),
            "inbound_messages": self._rows(inbound, INBOUND_FIELDS),
            "audit_events": self._rows(events, EVENT_FIELDS),
        }

    @api.model
    def _rows(self, records, field_names):
        """Return one dict per record with readable values: names for relations, labels for selections."""
        names = [name for name in field_names if name in records._fields]
        rows = []
        for record in records:
            row = {"id": record.id}
            for name in names:
                row[name] = self._readable(record, name)
            rows.append(row)
        return rows

    @api.model
    def _consent_rows(self, records):
        rows = self._rows(records, CONSENT_FIELDS)
        for row, record in zip(rows, records):
            row["record"] = f"{record._description}: {record.display_name}"
        return rows

    @api.model
    def _readable(self, record, name):
        field = record._fields[name]
        value = record[name]
        if field.type == "many2one":
            return value.display_name or None
        if field.type in ("one2many", "many2many"):
            return ", ".join(value.mapped("display_name")) or None
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value) if value else None
        if field.type in ("datetime", "date"):
            return value.isoformat() if value else None
        if field.type == "boolean":
            return bool(value)
        if field.type == "html":
            return str(value or "")
        return value if value not in (False, None) else None

    # ------------------------------------------------------------------
    # Erasure
    # ------------------------------------------------------------------

    @api.model
    def _check_erasable(self, partners):
        """Raise when a contact is also an Odoo user, whose data cannot be erased from here."""
        users = partners.sudo().with_context(active_test=False).user_ids
        if users:
            raise UserError(self.env._(
                "The contact “%(name)s” is linked to the Odoo user %(login)s and cannot be erased here. "
                "Archive the user and remove the link first, then erase again.",
                name=users[0].partner_id.display_name,
                login=users[0].login,
            ))

    @api.model
    def _erase(self, company, partners, leads, numbers):
        """Anonymise everything held on the person; return the counts and the cleared audit events.

        Covers the contacts, leads, chatter, campaign lines, inbound SMS, earlier data
        exports and the personal values of the audit events about those records. The
        numbers must already be on the opposition list: this removes them from the
        phone blacklist, where they would otherwise stay in clear. The second value
        returned gives the sequences of the cleared audit events by company id. The
        caller must list them in an erasure event, or the chain check reports them.
        """
        self._check_erasable(partners)
        # Before the contacts lose their e-mail, which identifies their earlier requests.
        exports = self._erase_earlier_requests(company, partners, leads, numbers)
        placeholder = self.env._("Erased person")
        # The audit events and the chatter tracking of these writes must not copy the erased values.
        partners = partners.sudo().with_context(sms_gdpr_erasure=True, mail_notrack=True)
        leads = leads.sudo().with_context(sms_gdpr_erasure=True, mail_notrack=True)
        for partner in partners:
            partner.write({**PARTNER_ERASED_VALUES, "name": f"{placeholder} #{partner.id}"})
        for lead in leads:
            lead.write({**LEAD_ERASED_VALUES, "name": f"{placeholder} #{lead.id}"})
        messages = self.env["mail.message"].sudo().search([
            "|", "&", ("model", "=", "res.partner"), ("res_id", "in", partners.ids),
            "&", ("model", "=", "crm.lead"), ("res_id", "in", leads.ids),
        ])
        messages.unlink()
        self.env["mail.activity"].sudo().search([
            "|", "&", ("res_model", "=", "res.partner"), ("res_id", "in", partners.ids),
            "&", ("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids),
        ]).unlink()
        lines = self.env["sms.gdpr.recipient"].sudo().search([
            ("company_id", "=", company.id),
            "|", "|", ("e164", "in", numbers), ("partner_id", "in", partners.ids), ("lead_id", "in", leads.ids),
        ])
        lines.write({"name": placeholder, "raw_number": False, "e164": False, "postal_code": False})
        sms = self.env["sms.sms"].sudo().search([("number", "in", numbers)])
        sms.write({"number": False, "body": False})
        inbound = self.env["sms.gdpr.inbound"].sudo().search([("e164", "in", numbers), ("company_id", "=", company.id)])
        inbound |= self._unparsed_inbound_from(company, numbers)
        inbound.message_ids.unlink()
        # A rejection reason may quote the sender's number or name.
        inbound.write({"number": False, "e164": False, "body": False, "raw_payload": False, "error": False})
        blacklist = self.env["phone.blacklist"].sudo().with_context(active_test=False).search([("number", "in", numbers)])
        blacklist.message_ids.unlink()
        blacklist.unlink()
        erased_events = self.env["sms.gdpr.event"]._erase_personal_values({
            "res.partner": partners.ids,
            "crm.lead": leads.ids,
            "sms.gdpr.inbound": inbound.ids,
        })
        # NOTE: the details of list and STOP-list import events keep the numbers they imported,
        # because they are the proof of other people's opt-outs too.
        counts = {
            "contacts": len(partners),
            "leads": len(leads),
            "messages": len(messages),
            "campaign_lines": len(lines),
            "inbound_messages": len(inbound),
            "data_exports": len(exports),
            "audit_events": sum(len(sequences) for sequences in erased_events.values()),
        }
        return counts, erased_events

    @api.model
    def _unparsed_inbound_from(self, company, numbers):
        """Return the rejected inbound SMS of ``company`` whose number was never read but whose raw body contains one of ``numbers``."""
        rejected = self.env["sms.gdpr.inbound"].sudo().search([
            ("company_id", "=", company.id), ("e164", "=", False),
            "|", ("raw_payload", "!=", False), ("number", "!=", False),
        ])
        return rejected.filtered(lambda inbound: any(
            mentions_number(f"{inbound.number or ''}\n{inbound.raw_payload or ''}", number) for number in numbers
        ))

    @api.model
    def _erase_earlier_requests(self, company, partners, leads, numbers):
        """Delete the ZIP files of the person's earlier requests, and clear their contact details and text.

        The requests keep the subject's name, as proof of who asked and when.
        """
        requests = self.env["sms.gdpr.rights.request"].sudo().search([("company_id", "=", company.id)])
        emails = {email for email in partners.mapped("email_normalized") + leads.mapped("email_normalized") if email}
        requests = requests.filtered(
            lambda request: request.partner_id in partners
            or request.lead_id in leads
            or (request.phone and request._normalized_phone() in numbers)
            or (request.email and email_normalize(request.email) in emails)
        )
        # Deleting the files also removes them from the chatter notes they were posted with.
        exports = requests.export_attachment_id
        exports.unlink()
        requests.write({"phone": False, "email": False, "description": False})
        return exports
