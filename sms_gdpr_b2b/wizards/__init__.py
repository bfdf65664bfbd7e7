from . import sms_gdpr_campaign_wizard_recipient
from . import sms_gdpr_campaign_wizard
from . import sms_gdpr_import_mixin
from . import sms_gdpr_import_line
from . import sms_gdpr_list_import
from . import sms_gdpr_stop_list_import
from . import base_partner_merge_automatic_wizard
from . import sms_gdpr_register_export
