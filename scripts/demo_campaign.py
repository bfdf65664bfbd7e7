"""Run one SMS campaign through the wizard's code path on Odoo's CRM demo data.

Usage: python demo_campaign.py ODOO_CONFIG (the database is the config's db_name).
Odoo's demo leads carry no legal basis, so the script records legitimate
interest on the leads of a company, as an agency would after checking them,
and leaves the demo contacts as they are. It then runs the wizard's steps as
the administrator, prints the decisions and releases what is due now, in the
company's test mode.
"""

import sys
from collections import Counter

import odoo
from odoo import fields
from odoo.tools import format_datetime

MESSAGE = "Offre YourCompany : -20 % sur votre abonnement CRM ce mois-ci."


def record_legal_basis(env):
    """Record legitimate interest on the demo leads of a company and return them."""
    leads = env["crm.lead"].search([("partner_name", "!=", False)])
    leads.write({
        "sms_gdpr_legal_basis": "legitimate_interest",
        "sms_gdpr_data_source": "other",
        "sms_gdpr_data_source_detail": "Odoo CRM demo data",
        "sms_gdpr_collection_date": fields.Date.today(),
    })
    return leads


def run_wizard(env):
    """Run the four wizard steps on every demo lead and contact and return the wizard and campaign."""
    leads = env["crm.lead"].search([])
    partners = env["res.partner"].search([("id", "not in", env.company.partner_id.ids)])
    wizard = env["sms.gdpr.campaign.wizard"].with_context(
        active_model="crm.lead", active_ids=leads.ids
    ).create({"body": MESSAGE, "name": "Demo campaign"})
    wizard.partner_ids = partners
    wizard.warnings_acknowledged = True
    wizard.action_to_audience()
    wizard.action_to_schedule()
    wizard.action_to_confirm()
    action = wizard.action_confirm()
    return wizard, env["sms.gdpr.campaign"].browse(action["res_id"])


def print_report(env, wizard, campaign):
    labels = dict(env["sms.gdpr.recipient"]._fields["reason"]._description_selection(env))
    lines = campaign.recipient_ids
    print(f"Selected: {len(wizard.lead_ids)} leads and {len(wizard.partner_ids)} contacts")
    print(f"Text sent ({campaign.segment_count} SMS part, {campaign.encoding}): {campaign.full_body!r}")
    decisions = Counter(lines.mapped("decision"))
    print(f"Decisions: {decisions['include']} to text, {decisions['exclude']} excluded")
    for reason, count in Counter(lines.filtered("reason").mapped("reason")).most_common():
        print(f"  excluded, {labels[reason]}: {count}")
    print(f"National numbers read with the default country (flagged): {sum(lines.mapped('country_assumed'))}")
    for line in lines.filtered(lambda line: line.decision == "include"):
        planned = format_datetime(env, line.planned_utc, tz=line.time_zone, dt_format="yyyy-MM-dd HH:mm")
        print(f"  to text: {line.name} {line.e164} at {planned} {line.time_zone}")


def main(config_path):
    odoo.tools.config.parse_config(["-c", config_path, "--log-level=warn"])
    database = odoo.tools.config["db_name"]
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin_env = env(user=env.ref("base.user_admin"))
        print(f"Legal basis recorded on {len(record_legal_basis(env))} demo leads of a company")
        wizard, campaign = run_wizard(admin_env)
        print_report(admin_env, wizard, campaign)
        cr.commit()
        released = env["sms.gdpr.recipient"]._cron_release_due()
        cr.commit()
        campaign.invalidate_recordset()
        print(f"Released now (inside the recipients' sending window, test mode): {released} SMS")
        print(f"Campaign '{campaign.name}' is {campaign.state}: {campaign.scheduled_count} still scheduled")


if __name__ == "__main__":
    main(sys.argv[1])
