"""Sending windows in the recipient's local time, with public holidays from the holidays package."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from .errors import ComplianceError, RuleError
from .phone import normalize_e164

WEEKDAY_LIMITS = (time(8, 0), time(20, 0))
SATURDAY_LIMITS = (time(10, 0), time(18, 0))
MAX_SEARCH_DAYS = 366

# Holiday subdivisions of France in the holidays package for the overseas regions that
# phonenumbers reports as countries of their own.
FRENCH_OVERSEAS_SUBDIVISIONS = {
    "GP": "971",
    "MQ": "972",
    "GF": "973",
    "RE": "974",
    "YT": "976",
    "BL": "BL",
    "MF": "MF",
    "NC": "NC",
    "PF": "PF",
    "PM": "PM",
    "WF": "WF",
    "TF": "TF",
}
# Metropolitan departments with local holidays (Good Friday and 26 December).
FRENCH_DEPARTMENT_SUBDIVISIONS = {"57": "57", "67": "6AE", "68": "6AE"}


@dataclass(frozen=True)
class SendingRules:
    """Sending windows in the recipient's local time. A window's end is exclusive.

    Sundays and public holidays are always off, so they have no field.
    """

    weekday_windows: tuple[tuple[time, time], ...] = ((time(10, 0), time(13, 0)), (time(14, 0), time(20, 0)))
    saturday_windows: tuple[tuple[time, time], ...] = ()

    def validate(self) -> None:
        """Raise RuleError when no weekday window is set or a window is empty, overlaps or leaves the hard limits."""
        if not self.weekday_windows:
            low, high = WEEKDAY_LIMITS
            raise RuleError(
                "no_window",
                "No Monday to Friday sending window is set. Add at least one window within 08:00-20:00.",
                day_kind="weekday",
                day=DAY_NAMES["weekday"],
                limit_start=f"{low:%H:%M}",
                limit_end=f"{high:%H:%M}",
            )
        _check_windows(self.weekday_windows, WEEKDAY_LIMITS, "weekday")
        _check_windows(self.saturday_windows, SATURDAY_LIMITS, "saturday")


DEFAULT_RULES = SendingRules()


# English day names for RuleError messages and params, by day kind.
DAY_NAMES = {"weekday": "Monday to Friday", "saturday": "Saturday"}


def _window_params(day_kind: str, start: time, end: time, limits: tuple[time, time]) -> dict:
    """Return the RuleError params that name one window and the hard limits of its day."""
    low, high = limits
    return {
        "day_kind": day_kind,
        "day": DAY_NAMES[day_kind],
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "window": f"{start:%H:%M}-{end:%H:%M}",
        "limit_start": f"{low:%H:%M}",
        "limit_end": f"{high:%H:%M}",
        "limit": f"{low:%H:%M}-{high:%H:%M}",
    }


def _check_windows(windows, limits: tuple[time, time], day_kind: str) -> None:
    low, high = limits
    day = DAY_NAMES[day_kind]
    for start, end in windows:
        params = _window_params(day_kind, start, end, limits)
        if start >= end:
            raise RuleError(
                "window_empty",
                f"The {day} window {params['window']} does not end after it starts. Set an end later than the start.",
                **params,
            )
        if start < low or end > high:
            raise RuleError(
                "window_outside_hard_limits",
                f"The {day} window {params['window']} is outside the allowed {params['limit']}. "
                "Move it within those hours.",
                **params,
            )
    ordered = sorted(windows)
    for (_, previous_end), (next_start, next_end) in itertools.pairwise(ordered):
        if next_start < previous_end:
            params = _window_params(day_kind, next_start, next_end, limits)
            raise RuleError(
                "window_overlap",
                f"The {day} window {params['window']} overlaps the window ending at {previous_end:%H:%M}. "
                "Make the windows follow each other.",
                **params,
            )


@lru_cache(maxsize=64)
def _validated(rules: SendingRules) -> tuple[tuple[tuple[time, time], ...], tuple[tuple[time, time], ...]]:
    rules.validate()
    return tuple(sorted(rules.weekday_windows)), tuple(sorted(rules.saturday_windows))


@lru_cache(maxsize=1)
def _supported_calendars() -> dict[str, tuple[str, ...]]:
    return {country: tuple(subdivisions) for country, subdivisions in holidays.list_supported_countries().items()}


def _french_department(postal_code: str | None) -> str | None:
    digits = re.sub(r"\D", "", postal_code or "")
    return digits[:2] if len(digits) == 5 else None


def holiday_region(region: str, postal_code: str | None = None) -> tuple[str, str | None]:
    """Return the holidays country and subdivision that apply to a number's region and postcode.

    A subdivision is returned only when the holidays package lists it, because an unknown
    subdivision could otherwise fall back to the national calendar without notice.
    """
    if not region:
        raise ComplianceError("region_missing", "The region is missing. Pass the number's ISO 3166 region code.")
    region = region.upper()
    supported = _supported_calendars()
    if region == "FR":
        subdivision = FRENCH_DEPARTMENT_SUBDIVISIONS.get(_french_department(postal_code))
        if subdivision is None:
            return "FR", None
        if subdivision not in supported.get("FR", ()):
            raise ComplianceError(
                "holiday_subdivision_unsupported",
                f'The installed holidays package has no French subdivision "{subdivision}". '
                "Install a holidays version that has it.",
                subdivision=subdivision,
            )
        return "FR", subdivision
    if region in FRENCH_OVERSEAS_SUBDIVISIONS:
        subdivision = FRENCH_OVERSEAS_SUBDIVISIONS[region]
        if subdivision in supported.get("FR", ()):
            return "FR", subdivision
        # Some holidays versions only have the region as an entity of its own. When neither
        # exists, has_holiday_calendar() returns False and only weekends apply.
        return region, None
    # TODO: Swiss cantonal and Belgian regional holidays are not applied, because no
    # postcode-to-canton or postcode-to-community mapping is available here, so only the
    # national calendar of CH and BE is used.
    return region, None


def has_holiday_calendar(region: str) -> bool:
    """Return whether the holidays package has a calendar for ``region``. Without one, only weekends apply."""
    country, _ = holiday_region(region)
    return country in _supported_calendars()


@lru_cache(maxsize=512)
def _holiday_calendar(country: str, subdivision: str | None, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision, years=year)


def is_public_holiday(day: date, region: str, postal_code: str | None = None) -> bool:
    """Return whether ``day`` is a public holiday for the region and postcode of a number."""
    country, subdivision = holiday_region(region, postal_code)
    if country not in _supported_calendars():
        return False
    return day in _holiday_calendar(country, subdivision, day.year)


def _windows_for_day(day: date, region: str, postal_code: str | None, rules: SendingRules):
    weekday_windows, saturday_windows = _validated(rules)
    if day.weekday() == 6 or is_public_holiday(day, region, postal_code):
        return ()
    if day.weekday() == 5:
        return saturday_windows
    return weekday_windows


def _zone(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ComplianceError(
            "unknown_time_zone",
            f'Unknown time zone "{time_zone}". Use an IANA name such as Europe/Paris.',
            time_zone=time_zone,
        ) from error


def wall_clock_instant(day: date, wall_time: time, zone: ZoneInfo) -> datetime:
    """Return the first UTC instant at which the clock in ``zone`` shows ``wall_time`` on ``day`` or later.

    A time that occurs twice when clocks go back gives its first occurrence. A time skipped
    when clocks go forward gives the instant of the change.
    """
    naive = datetime.combine(day, wall_time)
    earlier = naive.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
    if earlier.astimezone(zone).replace(tzinfo=None) == naive:
        return earlier
    # The time was skipped. Read with fold=1 (the offset after the change) it lands before the
    # change, and with fold=0 after it, so bisect to the first second whose clock reads later.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(timezone.utc)
    high = earlier
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def first_allowed_instant(
    at: datetime,
    time_zone: str,
    region: str,
    postal_code: str | None = None,
    rules: SendingRules = DEFAULT_RULES,
) -> datetime:
    """Return ``at`` if a message may be sent then, else the start of the next sending window.

    The result is in the recipient's zone, without microseconds. Raises RuleError when no
    window opens within a year.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ComplianceError(
            "naive_datetime",
            f"The instant {at.isoformat()} has no time zone. Pass an aware datetime.",
            at=at.isoformat(),
        )
    zone = _zone(time_zone)
    requested = at.astimezone(timezone.utc).replace(microsecond=0)
    first_day = requested.astimezone(zone).date()
    for offset in range(MAX_SEARCH_DAYS + 1):
        day = first_day + timedelta(days=offset)
        for start, end in _windows_for_day(day, region, postal_code, rules):
            window_end = wall_clock_instant(day, end, zone)
            if requested < window_end:
                window_start = wall_clock_instant(day, start, zone)
                return max(requested, window_start).astimezone(zone)
    raise RuleError(
        "no_allowed_instant",
        f"No sending window opens within {MAX_SEARCH_DAYS} days of {at.isoformat()} in {time_zone}. "
        "Check the sending windows.",
        at=at.isoformat(),
        time_zone=time_zone,
    )


def is_allowed_instant(
    at: datetime,
    time_zone: str,
    region: str,
    postal_code: str | None = None,
    rules: SendingRules = DEFAULT_RULES,
) -> bool:
    """Return whether a message may be sent at ``at`` to a recipient in this zone and region."""
    allowed = first_allowed_instant(at, time_zone, region, postal_code, rules)
    return allowed <= at


def first_allowed_for_number(
    e164: str,
    at: datetime,
    postal_code: str | None = None,
    rules: SendingRules = DEFAULT_RULES,
) -> tuple[datetime, str]:
    """Return the first allowed instant for an E.164 number and the time zone it was computed in."""
    info = normalize_e164(e164, postal_code)
    if info.status != "valid" or not info.time_zone:
        raise ComplianceError(
            "invalid_number",
            f'"{e164}" is not a valid E.164 number with a known time zone. Pass it as +<country code><number>.',
            number=e164,
        )
    instant = first_allowed_instant(at, info.time_zone, info.region, postal_code, rules)
    return instant, info.time_zone
