"""Run the ``sms-gdpr`` command line with ``python -m sms_gdpr_compliance``."""

import sys

from .cli import main

sys.exit(main())
