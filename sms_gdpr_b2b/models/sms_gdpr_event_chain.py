from odoo import fields, models


class SmsGdprEventChain(models.Model):
    """Head of a company's audit chain: the sequence number and hash of its last event.

    Appending events locks this row, so concurrent transactions append one
    after the other. Under Odoo's REPEATABLE READ isolation, a transaction
    whose snapshot predates another's append fails with a serialization error
    and is retried, instead of chaining onto a stale last event.
    """

    _name = "sms.gdpr.event.chain"
    _description = "Audit Chain Head"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    sequence = fields.Integer(required=True, readonly=True, default=0)
    hash = fields.Char(required=True, readonly=True)

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "A company has one audit chain."),
    ]
