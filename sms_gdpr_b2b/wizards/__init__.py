from . import sms_gdpr_campaign_wizard_recipient
from . import sms_gdpr_campaign_wizard
