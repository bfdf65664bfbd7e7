from . import test_compliance_fields
from . import test_company_settings
from . import test_campaign_wizard
from . import test_release
from . import test_security
from . import test_messages
from . import test_audit_events
from . import test_tour
