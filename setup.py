"""Packaging for the pure compliance core and its ``sms-gdpr`` command.

The Odoo addon itself is installed by putting this repository on Odoo's addons
path. Its ``compliance`` folder is also published here as the top-level
package ``sms_gdpr_compliance``, so the rules can be imported, tested and run
on a machine without Odoo. Inside Odoo the same files are imported as
``odoo.addons.sms_gdpr_b2b.compliance``, which is why they only use relative
imports between themselves.
"""

from setuptools import setup

setup(
    name="sms-gdpr-b2b",
    version="18.0.1.0.0",
    description="GDPR and French ePrivacy rules for B2B SMS prospecting from Odoo CRM",
    license="LGPL-3.0-only",
    python_requires=">=3.10",
    packages=["sms_gdpr_compliance"],
    package_dir={"sms_gdpr_compliance": "sms_gdpr_b2b/compliance"},
    install_requires=[
        "phonenumbers>=9.0",
        "holidays>=0.100",
        "pytz",
        "openpyxl>=3.0",
        # OpenDocument (ODS) export of the processing register, read by the addon only.
        "odfpy>=1.4",
    ],
    extras_require={
        "test": ["pytest", "polib"],
        "odoo-test": ["pytest-odoo>=2.1", "websocket-client", "twilio>=9.0"],
    },
    entry_points={"console_scripts": ["sms-gdpr=sms_gdpr_compliance.cli:main"]},
)
