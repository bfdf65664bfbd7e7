"""Measure the campaign wizard preparing and queuing N recipients, against Odoo's own mass SMS.

Usage:
    python benchmark_campaign.py ODOO_CONFIG setup N   create N benchmark leads (committed)
    python benchmark_campaign.py ODOO_CONFIG wizard N  run our wizard on the first N of them
    python benchmark_campaign.py ODOO_CONFIG odoo N    run Odoo's SMS composer in mass mode on them

Run it on a scratch database with the addon installed. ``setup`` commits leads named
"Benchmark prospect ..." with distinct French mobiles and a legal basis. The two
measuring modes roll everything back, so they can be repeated on the same data;
each should run in its own process. The peak resident memory printed is the
process's own (ru_maxrss).
"""

import resource
import sys
import time

import odoo

LEAD_BATCH = 5000
LEAD_PREFIX = "Benchmark prospect"
MESSAGE = "Offre Benchmark : -20 % sur votre CRM."


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(env, count):
    """Create ``count`` leads with distinct valid mobiles, without chatter noise."""
    Lead = env["crm.lead"].with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
    france = env.ref("base.fr")
    existing = Lead.search_count([("name", "=like", f"{LEAD_PREFIX} %")])
    for start in range(existing, count, LEAD_BATCH):
        Lead.create([
            {
                "name": f"{LEAD_PREFIX} {index}",
                "partner_name": f"Benchmark company {index}",
                "function": "Purchasing manager",
                "mobile": f"+336{index:08d}",
                "country_id": france.id,
                "sms_gdpr_legal_basis": "legitimate_interest",
            }
            for index in range(start, min(count, start + LEAD_BATCH))
        ])
        env.cr.commit()
        env.invalidate_all()
    print(f"{max(count, existing)} benchmark leads in the database")


def benchmark_leads(env, count):
    return env["crm.lead"].search([("name", "=like", f"{LEAD_PREFIX} %")], limit=count, order="id")


def configure_company(env):
    env.company.sudo().write({
        "sms_gdpr_sender_id": "BENCHMARK",
        "sms_gdpr_short_code": "36111",
        "sms_gdpr_test_mode": True,
    })


def timed(label, function, timings):
    """Run ``function`` and record its time and the process's peak memory so far."""
    start = time.perf_counter()
    result = function()
    timings.append((label, time.perf_counter() - start, peak_rss_mib()))
    return result


def report(name, count, queued, timings):
    total = sum(seconds for _label, seconds, _peak in timings)
    steps = ", ".join(f"{label} {seconds:.1f} s (peak {peak:.0f} MiB)" for label, seconds, peak in timings)
    print(f"{name} N={count}: {queued} queued in {total:.1f} s ({steps}); peak RSS {peak_rss_mib():.0f} MiB")


def run_wizard(env, count):
    configure_company(env)
    leads = benchmark_leads(env, count)
    timings = []
    wizard = timed("open", lambda: env["sms.gdpr.campaign.wizard"].with_context(
        active_model="crm.lead", active_ids=leads.ids
    ).create({"body": MESSAGE, "warnings_acknowledged": True}), timings)
    timed("audience", wizard.action_to_audience, timings)
    timed("schedule", wizard.action_to_schedule, timings)
    action = timed("confirm", wizard.action_confirm, timings)
    timed("flush", env.flush_all, timings)
    campaign = env["sms.gdpr.campaign"].browse(action["res_id"])
    report("sms_gdpr_b2b wizard", count, campaign.scheduled_count, timings)


def run_odoo_composer(env, count):
    """Queue the same SMS with Odoo's own composer in mass mode, as its list action does."""
    leads = benchmark_leads(env, count)
    timings = []
    composer = timed("open", lambda: env["sms.composer"].with_context(
        default_composition_mode="mass", default_res_model="crm.lead", default_res_ids=repr(leads.ids),
    ).create({"body": MESSAGE, "mass_keep_log": True}), timings)
    timed("send", composer.action_send_sms, timings)
    timed("flush", env.flush_all, timings)
    queued = env["sms.sms"].search_count([("body", "=", MESSAGE), ("state", "=", "outgoing")])
    report("Odoo sms.composer (mass)", count, queued, timings)


def main(config_path, mode, count):
    odoo.tools.config.parse_config(["-c", config_path, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(odoo.tools.config["db_name"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin"))
        if mode == "setup":
            setup(env, count)
            return
        try:
            {"wizard": run_wizard, "odoo": run_odoo_composer}[mode](env, count)
        finally:
            cr.rollback()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
