from . import sms_gdpr_processing_report
