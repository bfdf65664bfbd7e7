"""Audience building for the campaign wizard: read in batches, decide in the core.

The records are read with ``read()`` in chunks and decided by the pure core in
one pass, so a large audience costs a few queries per thousand records rather
than several per recipient.
"""

from ..compliance.eligibility import Candidate, decide_audience, stored_number_reason

READ_CHUNK_SIZE = 1000

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


def read_sources(records):
    """Yield ``(record model, row dict)`` for every record, reading in chunks.

    Each chunk is dropped from the ORM cache once read, so a large audience is
    held once, as plain dicts, rather than also as cached records.
    """
    for start in range(0, len(records), READ_CHUNK_SIZE):
        chunk = records[start:start + READ_CHUNK_SIZE]
        rows = chunk.read(SOURCE_FIELDS)
        chunk.invalidate_recordset()
        for row in rows:
            yield records._name, row


def candidate_from_row(model, row, company):
    """Return the core's view of a stored row; a record of another company than the campaign's is flagged."""
    record_company = row["company_id"] and row["company_id"][0]
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


def audience_rows(env, company, partners, leads):
    """Return the wizard recipient values for the contacts then the leads, decided and deduplicated.

    Contacts come first, so when a lead and a contact share a number the
    contact keeps it and the lead is listed as its duplicate.
    """
    # TODO: the whole audience is held in Python at once, about 6 KiB per recipient. Deciding
    # chunk by chunk needs a first pass over numbers and opt-outs only.
    sources = [*read_sources(partners), *read_sources(leads)]
    candidates = [candidate_from_row(model, row, company) for model, row in sources]
    numbers = {candidate.e164 for candidate in candidates if candidate.e164}
    decisions = decide_audience(
        candidates,
        blacklisted=env["sms.gdpr.compliance.mixin"]._sms_gdpr_blacklisted_numbers(numbers),
        recent_sends=env["sms.gdpr.recipient"]._recent_send_counts(company, numbers),
        frequency_cap=company.sms_gdpr_frequency_cap,
        suppressed=env["sms.gdpr.suppression"]._suppressed_numbers(numbers, company),
    )
    return [row_vals(model, row, decision) for (model, row), decision in zip(sources, decisions)]


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
