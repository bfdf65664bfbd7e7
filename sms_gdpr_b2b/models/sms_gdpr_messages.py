"""Translated sentences for the codes returned by the pure compliance core.

The core returns an English message with a code and its parameters. Users
read these sentences instead, in their own language. A code missing here falls back
to the core's English message so that nothing is ever hidden.
"""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

FINDING_MESSAGES = {
    "body_empty": _lt("The message is empty. Write the text of the SMS."),
    "opt_out_missing": _lt(
        "The message has no opt-out mention. Add “STOP au %(short_code)s” or an opt-out link, "
        "or set the STOP short code in the settings so that it is appended."
    ),
    "opt_out_wrong_short_code": _lt(
        "The STOP mention gives %(found)s but the company's short code is %(short_code)s. "
        "Write “STOP au %(short_code)s”."
    ),
    "short_code_invalid": _lt(
        "The short code “%(short_code)s” is invalid: French SMS short codes have 5 digits and "
        "start with 3 to 8, e.g. 36111. Correct it in the settings."
    ),
    "identity_missing": _lt(
        "The advertiser is not identified: “%(advertiser)s” is not in the message and there is "
        "no valid sender ID. Name the advertiser in the text or set a sender ID."
    ),
    "identity_unverified": _lt(
        "The advertiser cannot be checked: no sender ID and no advertiser name are set. "
        "Set them in the settings."
    ),
    "commercial_nature_unclear": _lt(
        "The message does not read as advertising. Make its commercial nature clear, "
        "e.g. with “Offre”, “Promo” or “Pub”."
    ),
    "privacy_link_missing": _lt(
        "The message has no link to the privacy notice. Add one for contacts who have not "
        "received an SMS from you yet."
    ),
    "ucs2_avoidable": _lt(
        "The characters %(characters)s are not in the GSM-7 alphabet, so the message is sent in UCS-2 and takes "
        "%(segments)s SMS parts instead of %(gsm7_segments)s. Replace them, for example ’ by ', to pay for fewer parts."
    ),
    "too_many_segments": _lt(
        "The message takes %(segments)s SMS parts and each one is billed. Shorten it to 3 parts or fewer."
    ),
    "sender_id_length": _lt(
        "The sender ID “%(sender_id)s” has %(length)s characters; it must have 3 to 11."
    ),
    "sender_id_characters": _lt(
        "The sender ID “%(sender_id)s” may contain only letters A to Z and digits, without "
        "spaces or accents."
    ),
    "sender_id_no_letter": _lt(
        "The sender ID “%(sender_id)s” has no letter. Use at least one letter, e.g. your brand."
    ),
    "sender_id_generic": _lt(
        "The sender ID “%(sender_id)s” is a generic word that does not identify you. Use your brand name."
    ),
    "message_too_long": _lt(
        "The message takes %(segments)s SMS parts, more than the %(max_segments)s a campaign may send, "
        "and each part is billed for every recipient. Shorten it to 3 parts or fewer."
    ),
}

RULE_ERROR_MESSAGES = {
    "window_outside_hard_limits": _lt(
        "The sending window %(start)s–%(end)s on %(day)s leaves the legal limits "
        "%(limit_start)s–%(limit_end)s. Move it inside them."
    ),
    "window_empty": _lt("The sending window %(start)s–%(end)s on %(day)s ends before it starts. Correct the hours."),
    "window_overlap": _lt("The sending windows on %(day)s overlap. Make the afternoon start after the morning ends."),
    "no_window": _lt("No sending window is set for %(day)s. Set at least one."),
    "no_allowed_instant": _lt(
        "No sending window opens within a year in the time zone %(time_zone)s. Check the sending windows."
    ),
}

DAY_LABELS = {
    "weekday": _lt("Monday to Friday"),
    "saturday": _lt("Saturday"),
}


def _translated(env, templates, code, params, fallback):
    template = templates.get(code)
    if not template:
        return fallback
    try:
        return env._(template) % params
    except (KeyError, ValueError, TypeError):
        return fallback


def finding_message(env, finding):
    """Return the translated sentence for a core ``Finding``."""
    return _translated(env, FINDING_MESSAGES, finding.code, dict(finding.params), finding.message)


def rule_error_message(env, error):
    """Return the translated sentence for a core ``RuleError``, with the day named in the user's language."""
    params = dict(error.params)
    day_label = DAY_LABELS.get(params.get("day_kind"))
    if day_label:
        params["day"] = env._(day_label)
    return _translated(env, RULE_ERROR_MESSAGES, error.code, params, error.message)


# Sentences for the reasons the list and STOP-list readers give to a row (``RowReason.code``).
IMPORT_REASON_MESSAGES = {
    "no_identity": _lt(
        "The row has no company, name, e-mail or valid phone number. Fill in at least one of them."
    ),
    "unknown_country": _lt(
        "Country “%(value)s” is not recognised, so the lead has no country. Write a country name "
        "or an ISO code such as FR."
    ),
    "invalid_number": _lt("“%(value)s” is not a valid phone number and was left out."),
    "no_number": _lt("The row has no phone number. The lead is imported but cannot receive SMS."),
    "not_mobile": _lt(
        "%(e164)s is not a mobile number. It is kept as the phone, and the lead cannot receive SMS."
    ),
    "several_numbers": _lt(
        "“%(value)s” holds several numbers. %(kept)s is used for SMS and %(others)s is kept as "
        "phone or in the notes."
    ),
    "country_assumed": _lt(
        "“%(value)s” is in national format and the row has no country, so it was read as "
        "%(e164)s (%(region)s) with the company's country. Check the country."
    ),
    "region_mismatch": _lt(
        "The mobile %(e164)s belongs to %(region)s but the row's country is %(country)s. "
        "SMS will follow the sending hours of %(time_zone)s."
    ),
    "invalid_email": _lt(
        "“%(value)s” does not look like an e-mail address. It is imported as written; correct it on the lead."
    ),
    "unknown_legal_basis": _lt(
        "Legal basis “%(value)s” is not recognised, so the lead has none. Write consent, "
        "legitimate interest or contract."
    ),
    "missing_legal_basis": _lt(
        "The row has no legal basis. The lead cannot receive SMS until one is recorded."
    ),
    "missing_source": _lt("The row has no data source. Record where the number was collected."),
    "missing_provider": _lt(
        "The row comes from a rented or purchased list but names no list provider. Record the provider."
    ),
    "missing_collection_date": _lt(
        "The row has no collection date, so its retention period cannot start. Record the date."
    ),
    "consent_without_date": _lt(
        "The legal basis is consent but the row gives no consent date. The lead cannot receive SMS "
        "until the consent and its proof are recorded."
    ),
    "invalid_date": _lt("“%(value)s” is not a valid date, so the %(field)s is left empty. Write it as dd/mm/yyyy."),
    "future_date": _lt("“%(value)s” is in the future, so the %(field)s is left empty. Check the date."),
    "duplicate_in_file": _lt("%(e164)s is already on line %(first_line)s of the file."),
    "suppressed": _lt("%(e164)s is on the opposition list of erased persons. The row is not imported."),
    "opted_out": _lt(
        "%(e164)s has opted out of SMS prospecting. The row is not imported and the opt-out stays."
    ),
    "blacklisted": _lt(
        "%(e164)s is on the phone blacklist. The row is not imported and the number stays blocked."
    ),
    "existing_lead": _lt("%(e164)s is already on the lead “%(name)s”. The row is not imported."),
    "existing_contact": _lt("%(e164)s is already on the contact “%(name)s”. The row is not imported."),
    "unparsable_number": _lt(
        "“%(value)s” is not a phone number that can be read, so nothing was opted out. "
        "Correct it and import the line again."
    ),
    "invalid_stop_date": _lt(
        "“%(value)s” is not a valid date, so the import time is recorded as the opt-out date."
    ),
    "future_stop_date": _lt(
        "“%(value)s” is in the future, so the import time is recorded as the opt-out date."
    ),
    "already_blacklisted": _lt("%(e164)s was already on the blacklist."),
    "cell_too_long": _lt(
        "The “%(column)s” cell has %(length)s characters, more than the %(limit)s a cell may have, so the "
        "row is not imported. Shorten the cell, or close the quote that merged the next lines into it."
    ),
    "unclosed_quote": _lt(
        "The “%(column)s” cell starts with a quote that is never closed, so the rest of the row went into it "
        "and the row is not imported. Close the quote and import the row again."
    ),
    "unclosed_quote_lines": _lt(
        "The “%(column)s” cell starts with a quote that is never closed, so the rest of the file (%(lines)s more "
        "lines) went into it and none of these lines is imported. Close the quote and import the file again."
    ),
    "unclosed_quote_stop": _lt(
        "The “%(column)s” cell starts with a quote that is never closed, so the rest of the file (%(lines)s more "
        "lines) went into it. Its %(count)s numbers are opted out with the import time as their date. Close the "
        "quote and import the file again to record their own dates."
    ),
    "long_cell_ignored": _lt(
        "The “%(column)s” cell has %(length)s characters, more than the %(limit)s a cell may have, so it is "
        "ignored and the rest of the row is read."
    ),
    "duplicate_contact_in_file": _lt(
        "The row has no usable number and the same “%(value)s” as line %(first_line)s, which is imported instead."
    ),
    "existing_contact_email": _lt(
        "The row has no usable number and the same “%(value)s” as the contact “%(name)s”. The row is not imported."
    ),
    "existing_lead_contact": _lt(
        "The row has no usable number and the same “%(value)s” as the lead “%(name)s”. The row is not imported."
    ),
}

# Names of the dates a reason may be about, for the %(field)s of ``invalid_date`` and ``future_date``.
IMPORT_DATE_FIELD_LABELS = {
    "collection_date": _lt("collection date"),
    "consent_date": _lt("consent date"),
}

# Sentences for the errors that stop a whole file from being read (``ComplianceError.code``).
IMPORT_FILE_ERROR_MESSAGES = {
    "empty_file": _lt("The file “%(filename)s” is empty. Choose a CSV or XLSX file with a header line."),
    "unsupported_format": _lt(
        "The file “%(filename)s” is in the Excel 97-2003 format (.xls). Save it as .xlsx or CSV and import it again."
    ),
    "unreadable_file": _lt(
        "The file “%(filename)s” cannot be read as CSV or XLSX. Open it in a spreadsheet, save it "
        "as .xlsx or CSV, and import it again."
    ),
    "no_known_column": _lt(
        "Line %(line)s of “%(filename)s” names no known column. The first line must name the "
        "columns, such as “Société;Nom;Prénom;Portable;E-mail”."
    ),
    "no_known_column_in_sheet": _lt(
        "Line %(line)s of the sheet “%(sheet)s” of “%(filename)s” names no known column. The list must be on "
        "the first sheet, and its first line must name the columns, such as “Société;Nom;Prénom;Portable;E-mail”."
    ),
    "no_number_column": _lt(
        "The file “%(filename)s” has no number column. Name it “Numéro”, “Mobile” or “Number”, "
        "or leave out the header line."
    ),
    "no_data_rows": _lt(
        "The file “%(filename)s” has a header line but no data rows. Add the rows below the header "
        "and import it again."
    ),
}


def import_reason_message(env, reason):
    """Return the translated sentence for a core ``RowReason``."""
    params = dict(reason.params)
    label = IMPORT_DATE_FIELD_LABELS.get(params.get("field"))
    if label:
        params["field"] = env._(label)
    return _translated(env, IMPORT_REASON_MESSAGES, reason.code, params, reason.message)


def import_file_error_message(env, error):
    """Return the translated sentence for a core ``ComplianceError`` raised while reading a file."""
    return _translated(env, IMPORT_FILE_ERROR_MESSAGES, error.code, dict(error.params), error.message)
