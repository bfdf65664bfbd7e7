"""Pure-core test setup. The compliance package must be installed, as setup.py declares it."""

import pytest


def pytest_configure(config):
    try:
        import sms_gdpr_compliance  # noqa: F401
    except ImportError:
        pytest.exit(
            "The sms_gdpr_compliance package is not installed. Run: pip install -e '.[test]'",
            returncode=4,
        )
