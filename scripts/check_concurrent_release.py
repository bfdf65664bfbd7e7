"""Release one campaign from several workers at once and check that each line gave one SMS.

Usage: python check_concurrent_release.py ODOO_CONFIG N WORKERS

Run it on a scratch database where ``benchmark_campaign.py setup`` created the
benchmark leads. The script confirms and commits a campaign for the first N of
them, with the company in test mode. It then starts WORKERS threads, each with its
own database cursor, that run the release cron's code at the same time with small
batches. It then counts the
``sms.sms`` per recipient line and prints the result. Everything it created is
deleted at the end.
"""

import sys
import threading
import time

from freezegun import freeze_time

import odoo
from odoo.tools import mute_logger

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from benchmark_campaign import benchmark_leads, configure_company  # noqa: E402

MESSAGE = "Offre Concurrence : -20 % sur votre CRM."
# A Thursday morning in Paris: the lines are planned from 08:00 UTC and released at 09:30 UTC,
# inside the sending window whatever the real date is when the script runs.
PLANNED_FROM = "2026-03-26 08:00:00"
RELEASE_AT = "2026-03-26 09:30:00"


def confirm_campaign(registry, count):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        configure_company(env)
        env.company.sudo().sms_gdpr_frequency_cap = 0
        leads = benchmark_leads(env, count)
        wizard = env["sms.gdpr.campaign.wizard"].with_context(
            active_model="crm.lead", active_ids=leads.ids
        ).create({"body": MESSAGE, "warnings_acknowledged": True, "date_start": PLANNED_FROM})
        wizard.action_to_audience()
        wizard.action_to_schedule()
        return wizard.action_confirm()["res_id"]


def release_worker(registry, results, index):
    released = 0
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        # Each call locks, releases and commits batches until nothing due is left unlocked.
        released = env["sms.gdpr.recipient"]._cron_release_due(batch_size=200)
    results[index] = released


def check(registry, campaign_id):
    with registry.cursor() as cr:
        cr.execute("""SELECT count(*), count(DISTINCT sms.sms_gdpr_recipient_id)
                        FROM sms_sms sms JOIN sms_gdpr_recipient line ON line.id = sms.sms_gdpr_recipient_id
                       WHERE line.campaign_id = %s""", [campaign_id])
        sms_count, distinct_lines = cr.fetchone()
        cr.execute("SELECT state, count(*) FROM sms_gdpr_recipient WHERE campaign_id = %s GROUP BY state",
                   [campaign_id])
        return sms_count, distinct_lines, dict(cr.fetchall())


def clean(registry, campaign_id):
    with registry.cursor() as cr:
        cr.execute("DELETE FROM sms_sms WHERE sms_gdpr_recipient_id IN "
                   "(SELECT id FROM sms_gdpr_recipient WHERE campaign_id = %s)", [campaign_id])
        cr.execute("DELETE FROM sms_gdpr_campaign WHERE id = %s", [campaign_id])


def main(config_path, count, workers):
    odoo.tools.config.parse_config(["-c", config_path, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(odoo.tools.config["db_name"])
    with freeze_time(PLANNED_FROM):
        campaign_id = confirm_campaign(registry, count)
    results = [0] * workers
    threads = [threading.Thread(target=release_worker, args=(registry, results, index)) for index in range(workers)]
    start = time.perf_counter()
    with freeze_time(RELEASE_AT), mute_logger("odoo.addons.sms_gdpr_b2b.models.sms_sms"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    seconds = time.perf_counter() - start
    sms_count, distinct_lines, states = check(registry, campaign_id)
    clean(registry, campaign_id)
    print(f"{workers} workers released {sum(results)} SMS in {seconds:.1f} s (per worker: {results}); "
          f"{sms_count} sms.sms for {distinct_lines} distinct lines; line states {states}")
    if sms_count != distinct_lines or sms_count != count:
        raise SystemExit("FAILED: some line gave no SMS or more than one")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
