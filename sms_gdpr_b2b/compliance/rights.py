"""Deadlines of GDPR rights requests (art. 12(3)) and a first guess of a request's type.

The controller answers within one month of receipt, extendable by two further months when
the person is told why within the first month. Periods expressed in months end on the same
day of the month they end in, or on its last day when that day does not exist (EU Regulation
1182/71 on time limits, art. 3(2)(c)), so 31 January plus one month is 28 or 29 February.
While the controller waits for proof of identity the clock is paused, and the days of the
pause are added to the deadline.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from .errors import ComplianceError
from .keywords import normalize_reply

# Months added to the one-month period at most.
MAX_EXTENSION_MONTHS = 2

REQUEST_TYPES = (
    "access",
    "rectification",
    "erasure",
    "restriction",
    "objection",
    "portability",
    "consent_withdrawal",
)

# Words that point to a request type in an email or SMS, checked in this order, so a
# message asking both to delete and to stop is read as an erasure.
TYPE_HINTS = (
    ("portability", ("portabilite", "portability", "format structure", "transmettre mes donnees")),
    ("erasure", ("effacement", "effacer", "effacez", "effaciez", "supprimer", "suppression", "supprimez",
                 "supprimiez", "erase", "erasure", "delete", "droit a l oubli")),
    ("rectification", ("rectification", "rectifier", "corriger", "correction", "mettre a jour", "rectify")),
    ("restriction", ("limitation", "limiter", "restriction", "restrict")),
    ("consent_withdrawal", ("retrait du consentement", "retire mon consentement", "retirer mon consentement",
                            "withdraw my consent", "withdraw consent")),
    ("objection", ("opposition", "m oppose", "oppose", "object", "objection", "stop", "desinscri", "desabonn")),
    ("access", ("acces", "access", "copie de mes donnees", "quelles donnees", "copy of my data")),
)


class DeadlineError(ComplianceError):
    """An extension or identity check that the rules do not allow."""


def add_months(day: date, months: int) -> date:
    """Return ``day`` plus ``months`` months, on the month's last day when the same day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def paused_days(pause_start: date | None, pause_end: date | None) -> int:
    """Return the number of days the clock was paused for an identity check (0 without a pause)."""
    if not pause_start or not pause_end:
        return 0
    if pause_end < pause_start:
        raise DeadlineError(
            "pause_end_before_start",
            f"The identity was received on {pause_end}, before it was requested on {pause_start}.",
            start=pause_start,
            end=pause_end,
        )
    return (pause_end - pause_start).days


def initial_deadline(received: date, pause_start: date | None = None, pause_end: date | None = None) -> date | None:
    """Return the one-month deadline, moved by the identity pause, or None while the pause lasts."""
    if pause_start and not pause_end:
        return None
    return add_months(received, 1) + timedelta(days=paused_days(pause_start, pause_end))


def response_deadline(
    received: date,
    extension_months: int = 0,
    pause_start: date | None = None,
    pause_end: date | None = None,
) -> date | None:
    """Return the date the answer is due by, or None while the identity check pauses the clock."""
    check_extension_months(extension_months)
    if pause_start and not pause_end:
        return None
    return add_months(received, 1 + extension_months) + timedelta(days=paused_days(pause_start, pause_end))


def check_extension_months(extension_months: int) -> None:
    """Raise unless the extension is 0, 1 or 2 months."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise DeadlineError(
            "extension_out_of_range",
            f"An extension of {extension_months} months is not allowed: at most {MAX_EXTENSION_MONTHS}.",
            months=extension_months,
            limit=MAX_EXTENSION_MONTHS,
        )


def check_extension_notice(
    received: date,
    notified_on: date | None,
    pause_start: date | None = None,
    pause_end: date | None = None,
) -> None:
    """Raise unless the person was told of the extension and its reasons within the first month."""
    if not notified_on:
        raise DeadlineError("extension_not_notified", "The date the person was told of the extension is missing.")
    limit = initial_deadline(received, pause_start, pause_end)
    if notified_on < received or (limit is not None and notified_on > limit):
        raise DeadlineError(
            "extension_notice_late",
            f"The extension was notified on {notified_on}, outside the first month ({received} to {limit}).",
            notified_on=notified_on,
            received=received,
            limit=limit,
        )


def reminder_date(deadline: date | None, days_before: int) -> date | None:
    """Return the day a reminder is due, ``days_before`` days before the deadline."""
    return deadline - timedelta(days=days_before) if deadline else None


def is_overdue(deadline: date | None, today: date) -> bool:
    """Return whether the deadline has passed (a paused clock is never overdue)."""
    return bool(deadline) and today > deadline


def guess_request_type(text: str | None, default: str = "access") -> str:
    """Return the request type the words of an email or SMS point to, or ``default``."""
    padded = f" {normalize_reply(text)} "
    for request_type, hints in TYPE_HINTS:
        if any(f" {hint}" in padded for hint in hints):
            return request_type
    return default
