import logging
from datetime import datetime, time

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from ..compliance.errors import ComplianceError
from ..compliance.lists import (
    ListDefaults,
    contacts_to_find,
    exclude_known_contacts,
    exclude_known_numbers,
    name_key,
    read_lead_list,
    summarize,
)
from ..models import selections

_logger = logging.getLogger(__name__)

# Leads inserted per create() call.
LEAD_BATCH_SIZE = 500
# Numbers per query when looking for existing leads and contacts.
QUERY_CHUNK_SIZE = 1000
# Leads read per chunk when matching list rows without a number by contact and company names.
NAME_SCAN_CHUNK_SIZE = 10000


class SmsGdprListImport(models.TransientModel):
    """Import a rented, purchased or event list (CSV or XLSX) into leads, reporting every row.

    Rows that lack a legal basis, source, collection date or provider take the
    values entered in the wizard. Invariants: a number that has opted out, is
    blacklisted or is on the opposition list never gets a new lead, and no lead
    is created for a number a lead or contact of the company already holds. A
    row without a usable number gets no lead when a lead of the company has its
    e-mail, or, for a row without e-mail, its contact and company names.
    """

    _name = "sms.gdpr.list.import"
    _inherit = ["sms.gdpr.import.mixin"]
    _description = "Import a Lead List"

    default_legal_basis = fields.Selection(
        selections.LEGAL_BASIS,
        string="Legal Basis",
        help="Legal basis given to the rows whose file has none. A rented B2B list is usually "
        "legitimate interest; choose None if nothing allows texting these people.",
    )
    default_data_source = fields.Selection(
        selections.DATA_SOURCE, string="Data Source", help="Source given to the rows whose file has none."
    )
    default_source_detail = fields.Char(
        string="Source Detail",
        help="Event name, list reference or order number, given to the rows whose file has no source.",
    )
    default_provider = fields.Char(
        string="List Provider",
        help="Company the list was rented or bought from, given to the rows of a rented or purchased list "
        "that name no provider.",
    )
    default_collection_date = fields.Date(
        string="Collection Date",
        help="Day the data was collected or the list delivered, given to the rows whose file has no "
        "collection date. Retention periods start from it.",
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", default=lambda self: self.env.user, help="Salesperson of the new leads."
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", help="Sales team of the new leads. Empty: the salesperson's team."
    )
    tag_ids = fields.Many2many("crm.tag", string="Tags", help="Tags put on every new lead, to find this list later.")
    line_ids = fields.One2many("sms.gdpr.import.line", "list_import_id", string="Report", readonly=True)
    lead_ids = fields.Many2many("crm.lead", string="Leads Created", readonly=True)
    ignored_columns = fields.Char(
        string="Columns Not Imported",
        readonly=True,
        help="Columns whose header is not recognised. Their values are copied into each lead's notes.",
    )
    missing_legal_basis_count = fields.Integer(string="Rows Without Legal Basis", readonly=True)
    missing_data_source_count = fields.Integer(string="Rows Without Source", readonly=True)
    missing_collection_date_count = fields.Integer(string="Rows Without Collection Date", readonly=True)
    missing_provider_count = fields.Integer(string="Rows Without Provider", readonly=True)
    import_count = fields.Integer(string="To Import", readonly=True)
    warning_count = fields.Integer(string="To Import With Warnings", readonly=True)
    skip_count = fields.Integer(string="Rows Skipped", readonly=True)
    reject_count = fields.Integer(string="Rows Rejected", readonly=True)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_check(self):
        """Read and check the file without creating anything, and show the report."""
        self.ensure_one()
        lead_list, _data = self._read_list()
        self._store_report(lead_list)
        self.state = "checked"
        return self._reopen()

    def action_import(self):
        """Create a lead for every row to import, in batches, then show the report."""
        self.ensure_one()
        lead_list, data = self._read_list()
        self._check_defaults(lead_list)
        rows = [row for row in lead_list.rows if row.imported]
        created = self._create_leads(rows)
        self._store_report(lead_list, created)
        leads = self.env["crm.lead"].union(*created.values())
        self.write({"lead_ids": [fields.Command.set(leads.ids)], "state": "done"})
        self._log_import(lead_list, data, leads)
        return self._reopen()

    def action_back(self):
        """Go back to the upload step, to change the file or the values for rows without them."""
        self.ensure_one()
        self.state = "upload"
        return self._reopen()

    def action_open_leads(self):
        """Open the leads this import created."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Leads"),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.lead_ids.ids)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Reading and checking
    # ------------------------------------------------------------------

    def _line_inverse_name(self):
        return "list_import_id"

    def _read_list(self):
        """Return the checked list and the file's bytes; rows of known numbers are already skipped."""
        data = self._file_data()
        try:
            lead_list = read_lead_list(
                data,
                self.filename,
                self._company_country(),
                self._list_defaults(),
                fields.Date.context_today(self),
            )
        except ComplianceError as error:
            raise self._file_error(error) from error
        self._exclude_known_numbers(lead_list.rows)
        self._exclude_known_contacts(lead_list.rows)
        return lead_list, data

    def _company_country(self):
        return self.env["crm.lead"].with_company(self.company_id)._sms_gdpr_company_country_code()

    def _list_defaults(self):
        return ListDefaults(
            legal_basis=self.default_legal_basis or None,
            data_source=self.default_data_source or None,
            source_detail=self.default_source_detail or None,
            provider=self.default_provider or None,
            collection_date=self.default_collection_date or None,
        )

    def _exclude_known_numbers(self, rows):
        """Skip the rows whose number has opted out anywhere, or that a lead or contact of the company holds.

        Opt-outs are looked up in every company and in archived records, because
        an objection is never lost. Existing records are looked up with sudo, so
        a salesperson cannot create a duplicate of a lead they cannot see.
        """
        numbers = sorted({row.e164 for row in rows if row.e164})
        company = self.company_id
        opted_out, existing = set(), {"crm.lead": {}, "res.partner": {}}
        for model, holders in existing.items():
            records = self.env[model].sudo().with_context(active_test=False)
            for chunk in split_every(QUERY_CHUNK_SIZE, numbers):
                found = records.search_read(
                    [("sms_gdpr_e164", "in", list(chunk))],
                    ["sms_gdpr_e164", "sms_gdpr_opt_out", "company_id", "display_name"],
                )
                for record in found:
                    if record["sms_gdpr_opt_out"]:
                        opted_out.add(record["sms_gdpr_e164"])
                    if not record["company_id"] or record["company_id"][0] == company.id:
                        holders.setdefault(record["sms_gdpr_e164"], record["display_name"])
        exclude_known_numbers(
            rows,
            opted_out=opted_out,
            blacklisted=self.env["sms.gdpr.compliance.mixin"]._sms_gdpr_blacklisted_numbers(numbers),
            suppressed=self.env["sms.gdpr.suppression"]._suppressed_numbers(numbers, company),
            existing_leads=existing["crm.lead"],
            existing_contacts=existing["res.partner"],
        )

    def _exclude_known_contacts(self, rows):
        """Skip the rows without a usable number whose person a lead (by e-mail or names) or a contact (by e-mail) has.

        Like numbers, leads are looked up with sudo and among archived ones, so
        a second import of a list creates no second lead of these rows.
        """
        emails, names = contacts_to_find(rows)
        if not emails and not names:
            return
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        company_domain = [("company_id", "in", [self.company_id.id, False])]
        exclude_known_contacts(
            rows,
            self._names_by_email(Lead, company_domain, emails),
            self._leads_by_name(Lead, company_domain, names),
            contacts_by_email=self._names_by_email(self.env["res.partner"], company_domain, emails),
        )

    def _names_by_email(self, Model, company_domain, emails):
        """Return ``{normalized e-mail: record name}`` for the records of ``Model`` with one of ``emails``.

        Archived records count, and they are read with sudo, like the leads matched by names.
        """
        Model = Model.sudo().with_context(active_test=False)
        found = {}
        for chunk in split_every(QUERY_CHUNK_SIZE, sorted(emails)):
            for record in Model.search_read(company_domain + [("email_normalized", "in", list(chunk))],
                                            ["email_normalized", "display_name"]):
                found.setdefault(record["email_normalized"], record["display_name"])
        return found

    def _leads_by_name(self, Lead, company_domain, names):
        """Return ``{name key: lead name}`` for the leads whose contact and company names give one of ``names``.

        The names are compared in Python after folding, because an accent-insensitive
        comparison in SQL needs PostgreSQL's unaccent extension, which Odoo does not require.
        """
        if not names:
            return {}
        # NOTE: this reads the names of every lead of the company that has a contact or company
        # name, in chunks, so its time grows with the CRM's size, not with the file's. It took
        # about 2 s for 100,000 leads on a 2-core machine, measured once in an Odoo shell.
        fnames = ["contact_name", "partner_name", "display_name"]
        lead_ids = Lead.search(company_domain + ["|", ("contact_name", "!=", False), ("partner_name", "!=", False)],
                               order="id").ids
        found = {}
        for chunk in split_every(NAME_SCAN_CHUNK_SIZE, lead_ids):
            for lead in Lead.browse(chunk).read(fnames):
                key = name_key(lead["contact_name"], lead["partner_name"])
                if key in names:
                    found.setdefault(key, lead["display_name"])
            Lead.invalidate_model(fnames)
        return found

    def _check_defaults(self, lead_list):
        """Raise when rows to import lack a value the wizard must then give."""
        missing = lead_list.missing_counts()
        problems = []
        if missing["legal_basis"] and not self.default_legal_basis:
            problems.append(self.env._(
                "%(count)s rows have no legal basis. Choose the legal basis that applies to them, or None.",
                count=missing["legal_basis"],
            ))
        if missing["data_source"] and not self.default_data_source:
            problems.append(self.env._(
                "%(count)s rows have no source. Choose where this list comes from.", count=missing["data_source"]
            ))
        if missing["collection_date"] and not self.default_collection_date:
            problems.append(self.env._(
                "%(count)s rows have no collection date. Enter the day the data was collected or the list delivered.",
                count=missing["collection_date"],
            ))
        if missing["provider"] and not self.default_provider:
            problems.append(self.env._(
                "%(count)s rows of a rented or purchased list name no provider. Enter the list provider.",
                count=missing["provider"],
            ))
        if problems:
            raise UserError("\n".join(problems))

    # ------------------------------------------------------------------
    # Leads
    # ------------------------------------------------------------------

    def _create_leads(self, rows):
        """Create the leads of ``rows`` in batches and return ``{line number: lead}``."""
        codes = {row.country_code for row in rows if row.country_code}
        countries = {country.code: country.id for country in self.env["res.country"].search([("code", "in", list(codes))])}
        Lead = self.env["crm.lead"].with_company(self.company_id).with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        )
        created = {}
        for batch in split_every(LEAD_BATCH_SIZE, rows):
            leads = Lead.create([self._prepare_lead_vals(row, countries) for row in batch])
            created.update(zip((row.line for row in batch), leads))
            _logger.info("List import %s: batch of %s leads created, %s of %s.", self.id, len(leads), len(created),
                         len(rows))
        return created

    def _prepare_lead_vals(self, row, countries):
        """Return the values of the lead created for one checked row."""
        vals = {
            "name": row.company or row.contact_name or row.email or row.e164,
            "partner_name": row.company or False,
            "contact_name": row.contact_name or False,
            "function": row.function or False,
            "email_from": row.email or False,
            "mobile": row.mobile or False,
            "phone": row.phone or False,
            "street": row.street or False,
            "zip": row.zip or False,
            "city": row.city or False,
            "country_id": countries.get(row.country_code, False),
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
            "tag_ids": [fields.Command.set(self.tag_ids.ids)],
            "sms_gdpr_legal_basis": row.legal_basis,
            "sms_gdpr_data_source": row.data_source or False,
            "sms_gdpr_data_source_detail": row.source_detail or False,
            "sms_gdpr_collection_date": row.collection_date or False,
            "sms_gdpr_consent_date": datetime.combine(row.consent_date, time.min) if row.consent_date else False,
            "description": self._lead_description(row),
        }
        if self.team_id:
            vals["team_id"] = self.team_id.id
        self._set_provider(vals, row.provider)
        return vals

    def _set_provider(self, vals, provider):
        """Link the lead to its list provider, a company contact found by name or created."""
        if provider:
            vals["sms_gdpr_list_provider_id"] = self._provider_partner(provider).id

    def _provider_partner(self, name):
        """Return the company contact named ``name`` (any case), creating it the first time."""
        Partner = self.env["res.partner"]
        provider = Partner.search([("name", "=ilike", name), ("is_company", "=", True)], limit=1)
        return provider or Partner.create({"name": name, "is_company": True})

    def _lead_description(self, row):
        """Return the lead's notes: the file and line, extra and invalid numbers, and the columns not imported."""
        parts = [Markup("<p>%s</p>") % self.env._(
            "Imported from %(file)s, line %(line)s.", file=self.filename or "", line=row.line
        )]
        if row.other_numbers:
            parts.append(Markup("<p>%s</p>") % self.env._(
                "Other numbers: %(numbers)s", numbers=", ".join(row.other_numbers)
            ))
        if row.invalid_numbers:
            parts.append(Markup("<p>%s</p>") % self.env._(
                "Invalid numbers in the file, left out: %(numbers)s", numbers=", ".join(row.invalid_numbers)
            ))
        if row.extra:
            items = Markup().join(
                Markup("<li>%s: %s</li>") % (header, value) for header, value in row.extra.items()
            )
            parts.append(Markup("<p>%s</p><ul>%s</ul>") % (self.env._("Other columns of the file:"), items))
        return Markup().join(parts)

    # ------------------------------------------------------------------
    # Report and audit
    # ------------------------------------------------------------------

    def _store_report(self, lead_list, created=None):
        """Replace the report lines and counts by those of ``lead_list``, with the leads ``created`` by line."""
        created = created or {}
        vals_list = [
            {
                **self._line_vals(row),
                "list_import_id": self.id,
                "name": row.name or False,
                "raw_number": row.number_cell or False,
                "e164": row.e164 or False,
                "lead_id": created[row.line].id if row.line in created else False,
            }
            for row in lead_list.rows
        ]
        self._replace_lines(vals_list)
        missing = lead_list.missing_counts()
        counts = self._decision_counts()
        self.write({
            "file_summary": self._file_summary(lead_list),
            "ignored_columns": ", ".join(lead_list.ignored_columns) or False,
            "missing_legal_basis_count": missing["legal_basis"],
            "missing_data_source_count": missing["data_source"],
            "missing_collection_date_count": missing["collection_date"],
            "missing_provider_count": missing["provider"],
            "import_count": counts.get("import", 0),
            "warning_count": counts.get("warning", 0),
            "skip_count": counts.get("skip", 0),
            "reject_count": counts.get("reject", 0),
        })
        self._write_report()

    def _log_import(self, lead_list, data, leads):
        summary = summarize(lead_list.rows)
        self.env["sms.gdpr.event"]._log(
            "import",
            company=self.company_id,
            new_value=len(leads),
            details={
                "kind": "lead_list",
                "file": self.filename,
                "sha256": self._file_fingerprint(data),
                "rows": summary["rows"],
                "decisions": summary["decisions"],
                "reasons": summary["reasons"],
                "defaults": {
                    "legal_basis": self.default_legal_basis or None,
                    "data_source": self.default_data_source or None,
                    "source_detail": self.default_source_detail or None,
                    "provider": self.default_provider or None,
                    "collection_date": self.default_collection_date or None,
                },
                "lead_ids": leads.ids,
            },
        )
        _logger.info("List import %s: %s rows read, %s leads created.", self.id, summary["rows"], len(leads))
