from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
from casedata import case_id, load_cases, optional

from sms_gdpr_compliance import window
from sms_gdpr_compliance.errors import ComplianceError, RuleError
from sms_gdpr_compliance.window import (
    DEFAULT_RULES,
    SendingRules,
    first_allowed_for_number,
    first_allowed_instant,
    has_holiday_calendar,
    holiday_region,
    is_allowed_instant,
    is_public_holiday,
    wall_clock_instant,
)

WINDOW_CASES = load_cases("sending_windows")
PARIS = "Europe/Paris"


def _utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize(
    "row", WINDOW_CASES, ids=[case_id(f"{r['requested_utc']}|{r['e164']}|{r['zip']}") for r in WINDOW_CASES]
)
def test_window_table(row):
    instant, _ = first_allowed_for_number(row["e164"], _utc(row["requested_utc"]), optional(row["zip"]))
    found = instant.isoformat()
    assert found == row["first_allowed_local"], (
        f"{row['e164']} at {row['requested_utc']} (zip {row['zip']}) allowed from {found}"
    )


@pytest.mark.parametrize(
    "postal_code, expected",
    [("67000", ("FR", "6AE")), ("68000", ("FR", "6AE")), ("57000", ("FR", "57")), ("75011", ("FR", None)),
     (None, ("FR", None)), ("F-67 000", ("FR", "6AE")), ("670", ("FR", None))],
)
def test_holiday_region_metropolitan(postal_code, expected):
    assert holiday_region("FR", postal_code) == expected, f"FR with postcode {postal_code!r}"


OVERSEAS_SUBDIVISIONS = {
    "GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976",
    "BL": "BL", "MF": "MF", "NC": "NC", "PF": "PF", "PM": "PM", "WF": "WF",
}


@pytest.mark.parametrize("region", sorted(OVERSEAS_SUBDIVISIONS))
def test_holiday_region_overseas(region):
    assert holiday_region(region) == ("FR", OVERSEAS_SUBDIVISIONS[region]), f"{region} calendar"
    assert has_holiday_calendar(region), f"{region} has no holiday calendar"


@pytest.mark.parametrize("region", ["BE", "CH", "LU", "MC", "DE", "ES", "IT", "AD", "NL"])
def test_holiday_region_national(region):
    assert holiday_region(region, "1000") == (region, None), f"{region} calendar"
    assert has_holiday_calendar(region), f"{region} has no holiday calendar"


def test_holiday_region_unknown():
    assert not has_holiday_calendar("AC"), "Ascension Island reported a holiday calendar"
    assert not is_public_holiday(date(2026, 1, 1), "AC"), "a region without calendar reported a holiday"


@pytest.mark.parametrize(
    "day, postal_code, expected",
    [
        (date(2026, 4, 3), "67000", True),
        (date(2026, 4, 3), "68000", True),
        (date(2026, 4, 3), "57000", True),
        (date(2026, 4, 3), "75011", False),
        (date(2026, 12, 26), "68100", True),
        (date(2026, 12, 26), "57000", True),
        (date(2026, 12, 26), "69003", False),
        (date(2026, 5, 1), None, True),
        (date(2026, 7, 14), "75011", True),
    ],
)
def test_french_holidays(day, postal_code, expected):
    assert is_public_holiday(day, "FR", postal_code) is expected, f"{day} with postcode {postal_code}"


# Abolition of slavery days, each a public holiday in one overseas region and not in metropolitan France.
ABOLITION_DAYS = {
    "YT": date(2026, 4, 27),
    "MQ": date(2026, 5, 22),
    "GP": date(2026, 5, 27),
    "MF": date(2026, 5, 28),
    "GF": date(2026, 6, 10),
    "BL": date(2026, 10, 9),
    "RE": date(2026, 12, 20),
}


@pytest.mark.parametrize("region", sorted(ABOLITION_DAYS))
def test_abolition_day_overseas(region):
    day = ABOLITION_DAYS[region]
    assert is_public_holiday(day, region), f"{day} is not a holiday in {region}"
    assert not is_public_holiday(day, "FR"), f"{day} is a holiday in metropolitan France"


def test_abolition_day_blocks_send():
    # 27 May 2026 is a Wednesday, abolition day in Guadeloupe only.
    at = _utc("2026-05-27T14:00:00Z")
    guadeloupe, _ = first_allowed_for_number("+590690123456", at)
    martinique, _ = first_allowed_for_number("+596696123456", at)
    assert guadeloupe.isoformat() == "2026-05-28T10:00:00-04:00", f"Guadeloupe allowed from {guadeloupe}"
    assert martinique.isoformat() == "2026-05-27T10:00:00-04:00", f"Martinique allowed from {martinique}"


def test_saint_barthelemy_by_postcode():
    # 9 October 2026 is a Friday, abolition day in Saint-Barthélemy only.
    at = _utc("2026-10-09T14:00:00Z")
    barthelemy, zone = first_allowed_for_number("+590690001234", at, "97133")
    guadeloupe, _ = first_allowed_for_number("+590690001234", at, "97110")
    assert zone == "America/St_Barthelemy", f"Saint-Barthélemy postcode gave zone {zone}"
    assert barthelemy.isoformat() == "2026-10-12T10:00:00-04:00", f"Saint-Barthélemy allowed from {barthelemy}"
    assert guadeloupe.isoformat() == "2026-10-09T10:00:00-04:00", f"Guadeloupe allowed from {guadeloupe}"


def test_alsace_good_friday():
    at = _utc("2026-04-03T09:00:00Z")
    assert first_allowed_instant(at, PARIS, "FR", "68000").isoformat() == "2026-04-07T10:00:00+02:00"


def test_moselle_saint_stephen():
    # 26 December 2026 is a Saturday. With Saturdays enabled it is still off in Moselle.
    rules = SendingRules(saturday_windows=((time(10), time(18)),))
    at = _utc("2026-12-26T09:00:00Z")
    moselle = first_allowed_instant(at, PARIS, "FR", "57000", rules)
    paris = first_allowed_instant(at, PARIS, "FR", "75011", rules)
    assert moselle.isoformat() == "2026-12-28T10:00:00+01:00", f"Moselle allowed from {moselle}"
    assert paris.isoformat() == "2026-12-26T10:00:00+01:00", f"Paris allowed from {paris}"


def test_saturday_off_by_default():
    at = _utc("2026-03-28T10:00:00Z")
    assert first_allowed_instant(at, PARIS, "FR").isoformat() == "2026-03-30T10:00:00+02:00"


def test_saturday_enabled():
    rules = SendingRules(saturday_windows=((time(10), time(18)),))
    early = first_allowed_instant(_utc("2026-03-28T07:00:00Z"), PARIS, "FR", rules=rules)
    late = first_allowed_instant(_utc("2026-03-28T17:00:00Z"), PARIS, "FR", rules=rules)
    assert early.isoformat() == "2026-03-28T10:00:00+01:00", f"Saturday morning allowed from {early}"
    assert late.isoformat() == "2026-03-30T10:00:00+02:00", f"Saturday 18:00 allowed from {late}"


def test_sunday_always_off():
    rules = SendingRules(saturday_windows=((time(10), time(18)),))
    at = _utc("2026-03-22T10:00:00Z")
    assert first_allowed_instant(at, PARIS, "FR", rules=rules).isoformat() == "2026-03-23T10:00:00+01:00"


def test_dst_spring_forward():
    # Friday 20:30 CET, and clocks go forward on Sunday 29 March 2026.
    allowed = first_allowed_instant(_utc("2026-03-27T19:30:00Z"), PARIS, "FR")
    assert allowed.isoformat() == "2026-03-30T10:00:00+02:00", f"window moved to {allowed}"


def test_dst_fall_back():
    # Friday 20:30 CEST, and clocks go back on Sunday 25 October 2026.
    allowed = first_allowed_instant(_utc("2026-10-23T18:30:00Z"), PARIS, "FR")
    assert allowed.isoformat() == "2026-10-26T10:00:00+01:00", f"window moved to {allowed}"


def test_dst_day_window_utc():
    # On the Monday after each change, 10:00 local is 08:00 UTC in summer and 09:00 UTC in winter.
    summer = first_allowed_instant(_utc("2026-03-30T06:00:00Z"), PARIS, "FR")
    winter = first_allowed_instant(_utc("2026-10-26T06:00:00Z"), PARIS, "FR")
    assert summer.astimezone(timezone.utc).hour == 8, f"summer window opens at {summer.astimezone(timezone.utc)}"
    assert winter.astimezone(timezone.utc).hour == 9, f"winter window opens at {winter.astimezone(timezone.utc)}"


def test_wall_clock_skipped_time():
    instant = wall_clock_instant(date(2026, 3, 29), time(2, 30), ZoneInfo(PARIS))
    assert instant.astimezone(ZoneInfo(PARIS)).isoformat() == "2026-03-29T03:00:00+02:00", f"got {instant}"


def test_wall_clock_repeated_time():
    instant = wall_clock_instant(date(2026, 10, 25), time(2, 30), ZoneInfo(PARIS))
    assert instant.isoformat() == "2026-10-25T00:30:00+00:00", f"first 02:30 is {instant}"


def test_window_end_exclusive():
    assert not is_allowed_instant(_utc("2026-03-26T19:00:00Z"), PARIS, "FR"), "20:00 is inside the window"
    assert not is_allowed_instant(_utc("2026-03-26T12:00:00Z"), PARIS, "FR"), "13:00 is inside the window"
    assert is_allowed_instant(_utc("2026-03-26T18:59:59Z"), PARIS, "FR"), "19:59:59 is outside the window"
    assert is_allowed_instant(_utc("2026-03-26T13:00:00Z"), PARIS, "FR"), "14:00 is outside the window"


def test_window_start_inclusive():
    assert is_allowed_instant(_utc("2026-03-26T09:00:00Z"), PARIS, "FR"), "10:00 is outside the window"
    assert not is_allowed_instant(_utc("2026-03-26T08:59:59Z"), PARIS, "FR"), "09:59:59 is inside the window"


def test_allowed_instant_kept():
    at = _utc("2026-03-26T10:15:42.123456Z")
    allowed = first_allowed_instant(at, PARIS, "FR")
    assert allowed.isoformat() == "2026-03-26T11:15:42+01:00", f"an allowed instant became {allowed}"
    assert allowed.tzinfo == ZoneInfo(PARIS), f"result in zone {allowed.tzinfo}"


def test_other_offset_input():
    at = datetime(2026, 3, 26, 5, 0, tzinfo=ZoneInfo("America/New_York"))
    assert first_allowed_instant(at, PARIS, "FR").isoformat() == "2026-03-26T10:00:00+01:00"


def test_naive_datetime_rejected():
    with pytest.raises(ComplianceError) as caught:
        first_allowed_instant(datetime(2026, 3, 26, 10, 0), PARIS, "FR")
    assert caught.value.code == "naive_datetime", f"code {caught.value.code}"


def test_unknown_time_zone():
    with pytest.raises(ComplianceError) as caught:
        first_allowed_instant(_utc("2026-03-26T10:00:00Z"), "Mars/Olympus", "FR")
    assert caught.value.code == "unknown_time_zone", f"code {caught.value.code}"


def test_invalid_number_rejected():
    with pytest.raises(ComplianceError) as caught:
        first_allowed_for_number("+3361", _utc("2026-03-26T10:00:00Z"))
    assert caught.value.code == "invalid_number", f"code {caught.value.code}"


def test_search_bounded(monkeypatch):
    monkeypatch.setattr(window, "is_public_holiday", lambda day, region, postal_code=None: True)
    with pytest.raises(RuleError) as caught:
        first_allowed_instant(_utc("2026-03-26T10:00:00Z"), PARIS, "FR")
    assert caught.value.code == "no_allowed_instant", f"code {caught.value.code}"


def test_default_rules_valid():
    DEFAULT_RULES.validate()
    assert DEFAULT_RULES.saturday_windows == (), "Saturday is on by default"


@pytest.mark.parametrize(
    "rules, code",
    [
        (SendingRules(weekday_windows=((time(7, 30), time(12)),)), "window_outside_hard_limits"),
        (SendingRules(weekday_windows=((time(14), time(20, 30)),)), "window_outside_hard_limits"),
        (SendingRules(saturday_windows=((time(9), time(12)),)), "window_outside_hard_limits"),
        (SendingRules(saturday_windows=((time(14), time(19)),)), "window_outside_hard_limits"),
        (SendingRules(weekday_windows=((time(13), time(10)),)), "window_empty"),
        (SendingRules(weekday_windows=((time(10), time(10)),)), "window_empty"),
        (SendingRules(weekday_windows=((time(10), time(14)), (time(13), time(18)))), "window_overlap"),
        (SendingRules(weekday_windows=()), "no_window"),
    ],
    ids=["weekday-early", "weekday-late", "saturday-early", "saturday-late", "reversed", "empty-window",
         "overlap", "no-window"],
)
def test_rules_rejected(rules, code):
    with pytest.raises(RuleError) as caught:
        rules.validate()
    assert caught.value.code == code, f"code {caught.value.code}: {caught.value}"
    assert isinstance(caught.value, ValueError), "RuleError is not a ValueError"


def test_rules_error_params():
    with pytest.raises(RuleError) as caught:
        SendingRules(weekday_windows=((time(7, 30), time(12)),)).validate()
    params = caught.value.params
    assert params["start"] == "07:30", f"params {params}"
    assert params["end"] == "12:00", f"params {params}"
    assert params["limit_start"] == "08:00", f"params {params}"
    assert params["limit_end"] == "20:00", f"params {params}"
    assert params["day"] == "Monday to Friday", f"params {params}"


def test_rules_touching_accepted():
    SendingRules(weekday_windows=((time(14), time(20)), (time(8), time(14)))).validate()


def test_invalid_rules_block_scheduling():
    rules = SendingRules(weekday_windows=((time(6), time(22)),))
    with pytest.raises(RuleError):
        first_allowed_instant(_utc("2026-03-26T10:00:00Z"), PARIS, "FR", rules=rules)
