{
    "name": "SMS Prospecting Compliance (GDPR, France B2B)",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Run B2B SMS prospecting campaigns from the CRM within GDPR "
    "and French ePrivacy rules, and prove it afterwards",
    "author": "sms_gdpr_b2b contributors",
    "license": "LGPL-3",
    "depends": ["crm", "sms", "phone_validation", "base_automation", "mail"],
    "external_dependencies": {"python": ["phonenumbers", "holidays", "odfpy"]},
    "data": [
        "security/sms_gdpr_security.xml",
        "security/ir.model.access.csv",
        "data/sms_gdpr_processing_data.xml",
        "data/ir_cron_data.xml",
        "views/sms_gdpr_event_views.xml",
        "views/sms_gdpr_suppression_views.xml",
        "views/sms_gdpr_processing_views.xml",
        "views/sms_gdpr_recipient_views.xml",
        "views/sms_gdpr_campaign_views.xml",
        "views/crm_lead_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/sms_gdpr_campaign_wizard_views.xml",
        "wizards/sms_gdpr_register_export_views.xml",
        "views/menus.xml",
        "report/sms_gdpr_processing_report.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sms_gdpr_b2b/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": True,
}
