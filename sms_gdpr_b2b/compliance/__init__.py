"""Pure-Python compliance rules for B2B SMS prospecting under GDPR and French ePrivacy law.

The modules decide (phone numbers, segments, sending windows, inbound keywords, mandatory
mentions) and never import Odoo, so they run the same inside the addon, as
``odoo.addons.sms_gdpr_b2b.compliance``, and outside it, as the ``sms_gdpr_compliance``
package. Import the submodules directly, for example ``from .compliance import phone``.
"""
