from . import sms_gdpr_campaign_wizard_recipient
from . import sms_gdpr_campaign_wizard
from . import base_partner_merge_automatic_wizard
from . import sms_gdpr_register_export
