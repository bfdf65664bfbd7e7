"""Audience building for the campaign wizard: read in batches, decide in the core.

A first pass reads only the numbers and opt-outs of the whole audience, because
an opt-out on any record excludes every record of its number. A second pass
reads the records with ``read()`` one chunk at a time and has the pure core
decide each chunk, so only one chunk of rows is held at once, and a large
audience costs a few queries per thousand records rather than several per
recipient.
"""

from odoo.tools import SQL, split_every

from ..compliance.eligibility import AudienceFacts, Candidate, decide_chunk, stored_number_reason

READ_CHUNK_SIZE = 1000
# Records per query of the first pass, which reads two columns only.
NUMBER_CHUNK_SIZE = 20000

SOURCE_FIELDS = [
    "display_name",
    "company_id",
    "mobile",
    "phone",
    "zip",
    "sms_gdpr_e164",
    "sms_gdpr_number_status",
    "sms_gdpr_number_type",
    "sms_gdpr_number_region",
    "sms_gdpr_time_zone",
    "sms_gdpr_country_assumed",
    "sms_gdpr_legal_basis",
    "sms_gdpr_consent_date",
    "sms_gdpr_opt_out",
    "sms_gdpr_number_kind",
    "sms_gdpr_professional_context",
]


def read_rows(records):
    """Return the stored values the decision needs for ``records``, as dicts.

    The records are dropped from the ORM cache once read, so a chunk is held
    once, as plain dicts, rather than also as cached records.
    """
    # load=None gives the company as an id, without computing its display name per row.
    rows = records.read(SOURCE_FIELDS, load=None)
    records.invalidate_recordset()
    return rows


def candidate_from_row(model, row, company):
    """Return the core's view of a stored row; a record of another company than the campaign's is flagged."""
    record_company = row["company_id"]
    return Candidate(
        key=(model, row["id"]),
        e164=row["sms_gdpr_e164"] or None,
        number_reason=stored_number_reason(row["sms_gdpr_number_status"], row["sms_gdpr_number_type"]),
        time_zone=row["sms_gdpr_time_zone"] or None,
        legal_basis=row["sms_gdpr_legal_basis"] or None,
        has_consent=bool(row["sms_gdpr_consent_date"]),
        opted_out=row["sms_gdpr_opt_out"],
        number_kind=row["sms_gdpr_number_kind"] or None,
        professional_context=row["sms_gdpr_professional_context"],
        other_company=bool(record_company) and record_company != company.id,
    )


def audience_row_chunks(env, company, partners, leads):
    """Yield lists of wizard recipient values for the contacts then the leads, decided and deduplicated.

    Contacts come first, so when a lead and a contact share a number the
    contact keeps it and the lead is listed as its duplicate. Each list has
    at most ``READ_CHUNK_SIZE`` rows, and is decided before the next is read.
    """
    facts = audience_facts(env, company, partners, leads)
    for records in (partners, leads):
        for start in range(0, len(records), READ_CHUNK_SIZE):
            rows = read_rows(records[start:start + READ_CHUNK_SIZE])
            candidates = [candidate_from_row(records._name, row, company) for row in rows]
            decisions = decide_chunk(candidates, facts)
            yield [row_vals(records._name, row, decision) for row, decision in zip(rows, decisions)]


def audience_facts(env, company, partners, leads):
    """Return the core's facts about the audience's numbers: opt-outs, blacklist, opposition list, history."""
    numbers, opted_out_numbers = set(), set()
    for records in (partners, leads):
        records.flush_model(["sms_gdpr_e164", "sms_gdpr_opt_out"])
        for ids in split_every(NUMBER_CHUNK_SIZE, records.ids):
            # Plain SQL on two stored columns: the ORM would build a record per row for nothing.
            env.cr.execute(SQL(
                "SELECT sms_gdpr_e164, sms_gdpr_opt_out FROM %s WHERE id = ANY(%s) AND sms_gdpr_e164 IS NOT NULL",
                SQL.identifier(records._table), list(ids),
            ))
            for e164, opted_out in env.cr.fetchall():
                numbers.add(e164)
                if opted_out:
                    opted_out_numbers.add(e164)
    return AudienceFacts(
        blacklisted=env["sms.gdpr.compliance.mixin"]._sms_gdpr_blacklisted_numbers(numbers),
        suppressed=env["sms.gdpr.suppression"]._suppressed_numbers(numbers, company),
        opted_out_numbers=opted_out_numbers,
        recent_sends=env["sms.gdpr.recipient"]._recent_send_counts(company, numbers),
        frequency_cap=company.sms_gdpr_frequency_cap,
    )


def row_vals(model, row, decision):
    return {
        "name": row["display_name"],
        "lead_id": row["id"] if model == "crm.lead" else False,
        "partner_id": row["id"] if model == "res.partner" else False,
        "raw_number": row["mobile"] or row["phone"] or False,
        "e164": row["sms_gdpr_e164"],
        "number_type": row["sms_gdpr_number_type"],
        "region": row["sms_gdpr_number_region"],
        "time_zone": row["sms_gdpr_time_zone"],
        "postal_code": row["zip"],
        "country_assumed": row["sms_gdpr_country_assumed"],
        "decision": "include" if decision.included else "exclude",
        "reason": decision.reason or False,
        "reason_codes": ",".join(decision.reasons) or False,
    }
