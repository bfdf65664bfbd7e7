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
