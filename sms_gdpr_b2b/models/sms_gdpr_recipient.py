import logging
import random
import threading
import time
from datetime import timedelta, timezone

from odoo import _, api, fields, models
from odoo.tools import split_every

from ..compliance.window import first_allowed_instant, is_allowed_instant
from . import selections
from .sms_gdpr_campaign import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

# Lines a release batch locks and sends together; the cron commits after each.
DEFAULT_RELEASE_BATCH_SIZE = 1000

# How many batches in a row a worker retries after losing a race to another worker.
MAX_CONFLICTS = 8

# Numbers per query when looking numbers up in bulk.
QUERY_CHUNK_SIZE = 1000

# Exclusion reasons of a lead or contact that mean it may no longer be texted at all.
BASIS_REASONS = ("no_legal_basis", "consent_missing", "interest_not_professional")

# sms.sms states mirrored on the recipient line.
SMS_STATE_TO_RECIPIENT_STATE = {
    "outgoing": "released",
    "process": "released",
    "pending": "sent",
    "sent": "delivered",
    "error": "failed",
    "canceled": "cancelled",
}


class SmsGdprRecipient(models.Model):
    """A recipient line of a campaign: the queue entry and the proof of what was decided.

    A scheduled line is released once, by the release cron, into exactly one
    ``sms.sms``. The unique index on ``sms.sms.sms_gdpr_recipient_id`` makes a
    second one impossible even if two crons race.
    """

    _name = "sms.gdpr.recipient"
    _description = "SMS Campaign Recipient"
    _inherit = ["sms.gdpr.recipient.mixin"]
    _order = "campaign_id desc, planned_utc, id"

    campaign_id = fields.Many2one(
        "sms.gdpr.campaign", string="Campaign", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    state = fields.Selection(
        selections.RECIPIENT_STATE, string="Status", required=True, default="scheduled", readonly=True, index=True
    )
    sms_id = fields.Many2one("sms.sms", string="SMS", readonly=True, ondelete="set null", index="btree_not_null")
    sms_uuid = fields.Char(string="SMS UUID", readonly=True, help="Identifies the SMS even after Odoo has deleted it.")
    released_date = fields.Datetime(string="Released On", readonly=True, index=True)
    provider_status = fields.Char(string="Provider Status", readonly=True)
    error = fields.Char(string="Error", readonly=True)

    # ------------------------------------------------------------------
    # Release
    # ------------------------------------------------------------------

    @api.model
    def _cron_release_due(self, batch_size=None, max_batches=None):
        """Release every due scheduled line, one committed batch at a time.

        When several workers run at once, a batch can lose a race: another
        worker released one of its lines after this transaction's snapshot, or
        updated the same campaign. Such a batch is rolled back and taken again
        after a short random wait, at most MAX_CONFLICTS times in a row. Its
        lines stay scheduled meanwhile.
        """
        batch_size = batch_size or self._release_batch_size()
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        released = batches = conflicts = 0
        while max_batches is None or batches < max_batches:
            try:
                lines = self._lock_due_batch(batch_size)
                if not lines:
                    break
                sms = lines._release()
                if auto_commit:
                    self.env.cr.commit()
                sms.sms_gdpr_recipient_id._log_released(separate_transaction=auto_commit)
            except CONCURRENCY_ERRORS:
                if not auto_commit or conflicts >= MAX_CONFLICTS:
                    raise
                self.env.cr.rollback()
                conflicts += 1
                _logger.info("SMS campaign release: batch rolled back after a concurrent update, retrying (%d/%d)",
                             conflicts, MAX_CONFLICTS)
                time.sleep(random.uniform(0.05, 0.05 * 2 ** conflicts))
                continue
            conflicts = 0
            released += len(sms)
            batches += 1
            sms.send(auto_commit=auto_commit)
            if auto_commit:
                self.env.cr.commit()
        if batches:
            _logger.info("SMS campaign release: %d SMS released in %d batches", released, batches)
            self.env["sms.gdpr.campaign"].search([("state", "in", ("scheduled", "running"))])._update_state_from_recipients()
        return released

    @api.model
    def _release_batch_size(self):
        param = self.env["ir.config_parameter"].sudo().get_param("sms_gdpr_b2b.release_batch_size")
        try:
            return max(1, int(param)) if param else DEFAULT_RELEASE_BATCH_SIZE
        except ValueError:
            _logger.warning("Ignoring invalid sms_gdpr_b2b.release_batch_size %r", param)
            return DEFAULT_RELEASE_BATCH_SIZE

    @api.model
    def _lock_due_batch(self, batch_size, domain=None):
        """Lock and return up to ``batch_size`` due scheduled lines that no other worker holds."""
        self.flush_model(["state", "planned_utc", "campaign_id"])
        query = self._search(
            [("state", "=", "scheduled"), ("planned_utc", "<=", fields.Datetime.now()), *(domain or [])],
            order="planned_utc, id",
            limit=batch_size,
        )
        sql = query.select("sms_gdpr_recipient.id")
        self.env.cr.execute(f"{sql.code} FOR UPDATE OF sms_gdpr_recipient SKIP LOCKED", sql.params)
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _release(self):
        """Re-check the lines and turn the ones still allowed into ``sms.sms`` records.

        A STOP, an opt-out or a legal basis withdrawn after confirmation wins, a
        line that falls outside the sending window is moved to the next allowed
        instant, and the frequency cap is counted again.
        """
        lines = self._cancel_suppressed()
        lines = lines._cancel_without_basis()
        lines = lines._postpone_outside_window()
        lines = lines._cancel_over_frequency_cap()
        if not lines:
            return self.env["sms.sms"]
        sms = self.env["sms.sms"].sudo().create([line._prepare_sms_vals() for line in lines])
        now = fields.Datetime.now()
        for line, message in zip(lines, sms):
            line.write({
                "state": "released",
                "sms_id": message.id,
                "sms_uuid": message.uuid,
                "released_date": now,
                "provider_status": message.state,
            })
        lines.campaign_id._update_state_from_recipients()
        return sms

    def _log_released(self, separate_transaction=False):
        """Write one audit event per campaign for these released lines.

        With ``separate_transaction``, the events go through a new READ COMMITTED
        transaction after the release was committed. Release workers running at
        once then wait their turn on the audit chain head instead of failing on
        it, which REPEATABLE READ would make them do.
        """
        counts = {campaign.id: len(lines) for campaign, lines in self.grouped("campaign_id").items()}
        if not counts:
            return
        if not separate_transaction:
            self._write_release_events(self.env, counts)
            return
        with self.env.registry.cursor() as cr:
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            self._write_release_events(self.env(cr=cr), counts)

    @api.model
    def _write_release_events(self, env, counts):
        for campaign_id, count in counts.items():
            campaign = env["sms.gdpr.campaign"].browse(campaign_id)
            env["sms.gdpr.event"]._log("campaign_released", campaign, details={"released": count})

    def _prepare_sms_vals(self):
        self.ensure_one()
        return {
            "number": self.e164,
            "body": self.campaign_id.full_body,
            "partner_id": self.partner_id.id,
            "sms_gdpr_recipient_id": self.id,
            "state": "outgoing",
        }

    def _cancel_suppressed(self):
        """Mark blacklisted, opposed or opted-out lines and return the others."""
        blacklisted = self.env["sms.gdpr.compliance.mixin"]._sms_gdpr_blacklisted_numbers(self.mapped("e164"))
        suppressed = set()
        for company, lines in self.grouped("company_id").items():
            suppressed |= self.env["sms.gdpr.suppression"]._suppressed_numbers(lines.mapped("e164"), company)
        stopped = self.browse()
        for line in self:
            reason = line._stop_reason(blacklisted, suppressed)
            if reason:
                line.write({"state": "opted_out", "reason": reason})
                stopped |= line
        return self - stopped

    def _stop_reason(self, blacklisted, suppressed):
        """Return why the line must not be sent any more, or False."""
        self.ensure_one()
        if self.e164 in blacklisted:
            return "blacklisted"
        if self.e164 in suppressed:
            return "suppressed"
        if self.lead_id.sms_gdpr_opt_out or self.partner_id.sms_gdpr_opt_out:
            return "opted_out"
        return False

    def _cancel_without_basis(self):
        """Cancel the lines whose lead or contact lost its legal basis since confirmation; return the others.

        A consent withdrawn or a basis removed after the campaign was confirmed
        must stop the SMS as surely as an opt-out does.
        """
        cancelled = self.browse()
        for line in self:
            reason = line._basis_reason()
            if reason:
                line.write({"state": "cancelled", "reason": reason})
                cancelled |= line
        return self - cancelled

    def _basis_reason(self):
        """Return the source record's current basis problem, or False."""
        self.ensure_one()
        for record in (self.partner_id, self.lead_id):
            if record and record.sms_gdpr_exclusion_reason in BASIS_REASONS:
                return record.sms_gdpr_exclusion_reason
        return False

    def _postpone_outside_window(self):
        """Move lines that are due outside their sending window and return the others.

        Lines sharing a company, time zone, region and postal code share the
        result, so it is computed once per group.
        """
        at = fields.Datetime.now().replace(tzinfo=timezone.utc)
        postponed = self.browse()
        for (company, time_zone, region, postal_code), lines in self.grouped(
            lambda line: (line.company_id, line.time_zone, line.region, line.postal_code or None)
        ).items():
            rules = company._sms_gdpr_sending_rules()
            if is_allowed_instant(at, time_zone, region, postal_code, rules):
                continue
            next_local = first_allowed_instant(at, time_zone, region, postal_code, rules)
            lines.write({
                "planned_utc": next_local.astimezone(timezone.utc).replace(tzinfo=None),
                "planned_local": next_local.isoformat(),
            })
            postponed |= lines
        return self - postponed

    def _cancel_over_frequency_cap(self):
        """Cancel the lines whose number reached the company's frequency cap and return the others.

        Lines of the same batch count too, so two campaigns released together
        cannot both pass a cap that only one of them fits under.
        """
        over_cap = self.browse()
        for company, lines in self.grouped("company_id").items():
            cap = company.sms_gdpr_frequency_cap
            if not cap:
                continue
            counts = self._recent_send_counts(company, lines.mapped("e164"))
            for line in lines:
                if counts.get(line.e164, 0) >= cap:
                    over_cap |= line
                else:
                    counts[line.e164] = counts.get(line.e164, 0) + 1
        over_cap.write({"state": "cancelled", "reason": "frequency_cap"})
        return self - over_cap

    @api.model
    def _recent_send_counts(self, company, numbers):
        """Count SMS released to each number by the company within its cap period."""
        if not company.sms_gdpr_frequency_cap:
            return {}
        since = fields.Datetime.now() - timedelta(days=company.sms_gdpr_frequency_days)
        numbers = sorted(number for number in set(numbers) if number)
        counts = {}
        for chunk in split_every(QUERY_CHUNK_SIZE, numbers):
            groups = self.sudo()._read_group(
                [("company_id", "=", company.id), ("e164", "in", list(chunk)), ("released_date", ">=", since)],
                ["e164"],
                ["__count"],
            )
            counts.update(groups)
        return counts

    # ------------------------------------------------------------------
    # Status
    # ------------------------------------------------------------------

    def _sync_from_sms(self, sms_state, failure_type=False):
        """Mirror the state of the released ``sms.sms`` on the lines."""
        state = SMS_STATE_TO_RECIPIENT_STATE.get(sms_state)
        if not state:
            return
        self.write({"state": state, "provider_status": sms_state, "error": failure_type or False})
        self.campaign_id._update_state_from_recipients()

    def action_open_source(self):
        """Open the lead or contact this line was built from."""
        self.ensure_one()
        record = self.lead_id or self.partner_id
        if not record:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "name": _("Recipient"),
        }
