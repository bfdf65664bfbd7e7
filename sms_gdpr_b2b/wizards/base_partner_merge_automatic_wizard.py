from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Contact merges keep the most restrictive SMS compliance state on the surviving contact."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        # Before Odoo copies the first non-empty values over, so that the audit
        # event records every contact's state as it was.
        self.env["sms.gdpr.compliance.merge"]._merge_into(dst_partner, list(src_partners))
        return super()._update_values(src_partners, dst_partner)
