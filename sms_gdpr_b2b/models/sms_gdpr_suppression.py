import secrets

from odoo import api, fields, models
from odoo.tools import split_every

from ..compliance.audit import number_fingerprint

FINGERPRINT_KEY_PARAM = "sms_gdpr_b2b.fingerprint_key"
QUERY_CHUNK_SIZE = 1000


class SmsGdprSuppression(models.Model):
    """Opposition list that outlives erasure: keyed fingerprints of numbers that must never be texted.

    Only an HMAC of the E.164 number is kept, under a per-database secret key,
    so the list proves nothing about a person on its own but still matches the
    number if it is imported or targeted again.
    """

    _name = "sms.gdpr.suppression"
    _description = "Opposition List Fingerprint"
    _order = "date desc, id desc"

    fingerprint = fields.Char(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    reason = fields.Selection(
        [("opt_out", "Opt-out"), ("erasure", "Erasure after an opt-out or objection")],
        required=True,
        readonly=True,
        default="erasure",
    )

    _sql_constraints = [
        ("fingerprint_company_unique", "unique(fingerprint, company_id)", "This number is already on the list."),
    ]

    @api.model
    def _fingerprint_key(self):
        """Return the database's secret fingerprint key, creating it on first use."""
        parameters = self.env["ir.config_parameter"].sudo()
        key = parameters.get_param(FINGERPRINT_KEY_PARAM)
        if not key:
            key = secrets.token_hex(32)
            parameters.set_param(FINGERPRINT_KEY_PARAM, key)
        return key

    @api.model
    def _fingerprints(self, numbers):
        """Return ``{e164: fingerprint}`` for the given numbers."""
        key = self._fingerprint_key()
        return {number: number_fingerprint(number, key) for number in set(numbers) if number}

    @api.model
    def _add_numbers(self, numbers, company, reason="erasure"):
        """Put the numbers on the company's opposition list; numbers already on it are kept as they are."""
        fingerprints = self._fingerprints(numbers)
        existing = set(self.sudo().search([
            ("company_id", "=", company.id), ("fingerprint", "in", list(fingerprints.values())),
        ]).mapped("fingerprint"))
        new = [
            {"fingerprint": fingerprint, "company_id": company.id, "reason": reason}
            for fingerprint in set(fingerprints.values()) - existing
        ]
        return self.sudo().create(new)

    @api.model
    def _suppressed_numbers(self, numbers, company):
        """Return the subset of ``numbers`` whose fingerprint is on the company's opposition list."""
        fingerprints = self._fingerprints(numbers)
        by_fingerprint = {fingerprint: number for number, fingerprint in fingerprints.items()}
        found = set()
        for chunk in split_every(QUERY_CHUNK_SIZE, list(by_fingerprint)):
            found.update(self.sudo().search([
                ("company_id", "=", company.id), ("fingerprint", "in", list(chunk)),
            ]).mapped("fingerprint"))
        return {by_fingerprint[fingerprint] for fingerprint in found}
