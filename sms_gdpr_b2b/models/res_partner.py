from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sms.gdpr.compliance.mixin"]

    def _sms_gdpr_professional_context_fields(self):
        return [*super()._sms_gdpr_professional_context_fields(), "is_company", "commercial_company_name"]

    def _sms_gdpr_has_professional_context(self):
        return super()._sms_gdpr_has_professional_context() or self.is_company or bool(self.commercial_company_name)
