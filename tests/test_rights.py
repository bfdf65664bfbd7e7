from datetime import date

import pytest

from sms_gdpr_compliance.rights import (
    DeadlineError,
    add_months,
    check_extension_months,
    check_extension_notice,
    guess_request_type,
    initial_deadline,
    is_overdue,
    paused_days,
    reminder_date,
    response_deadline,
)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 2, 28), 1, date(2026, 3, 28)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_deadline_one_month():
    assert response_deadline(date(2026, 1, 31)) == date(2026, 2, 28)
    assert response_deadline(date(2026, 3, 15)) == date(2026, 4, 15)


@pytest.mark.parametrize("months, expected", [(1, date(2026, 3, 31)), (2, date(2026, 4, 30))])
def test_deadline_extended(months, expected):
    assert response_deadline(date(2026, 1, 31), extension_months=months) == expected


@pytest.mark.parametrize("months", [-1, 3])
def test_extension_out_of_range(months):
    with pytest.raises(DeadlineError) as error:
        check_extension_months(months)
    assert error.value.code == "extension_out_of_range"
    with pytest.raises(DeadlineError):
        response_deadline(date(2026, 1, 1), extension_months=months)


def test_identity_pause_stops_clock():
    assert response_deadline(date(2026, 3, 1), pause_start=date(2026, 3, 5)) is None
    assert initial_deadline(date(2026, 3, 1), pause_start=date(2026, 3, 5)) is None


def test_identity_pause_moves_deadline():
    assert paused_days(date(2026, 3, 5), date(2026, 3, 15)) == 10
    assert response_deadline(date(2026, 3, 1), pause_start=date(2026, 3, 5), pause_end=date(2026, 3, 15)) == date(
        2026, 4, 11
    )
    assert response_deadline(
        date(2026, 1, 31), extension_months=2, pause_start=date(2026, 2, 1), pause_end=date(2026, 2, 3)
    ) == date(2026, 5, 2)


def test_identity_pause_end_before_start():
    with pytest.raises(DeadlineError) as error:
        paused_days(date(2026, 3, 15), date(2026, 3, 5))
    assert error.value.code == "pause_end_before_start"


def test_extension_notice_within_first_month():
    check_extension_notice(date(2026, 1, 31), date(2026, 2, 28))
    check_extension_notice(date(2026, 1, 31), date(2026, 3, 2), date(2026, 2, 1), date(2026, 2, 3))


@pytest.mark.parametrize(
    "notified_on, code",
    [(None, "extension_not_notified"), (date(2026, 3, 1), "extension_notice_late"),
     (date(2026, 1, 30), "extension_notice_late")],
)
def test_extension_notice_rejected(notified_on, code):
    with pytest.raises(DeadlineError) as error:
        check_extension_notice(date(2026, 1, 31), notified_on)
    assert error.value.code == code


def test_reminder_and_overdue():
    assert reminder_date(date(2026, 4, 15), 7) == date(2026, 4, 8)
    assert reminder_date(None, 7) is None
    assert not is_overdue(date(2026, 4, 15), date(2026, 4, 15))
    assert is_overdue(date(2026, 4, 15), date(2026, 4, 16))
    assert not is_overdue(None, date(2030, 1, 1))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Demande d'effacement de mes données", "erasure"),
        ("Merci de SUPPRIMER mon numéro et de ne plus m'écrire", "erasure"),
        ("Je veux que vous supprimiez mes données", "erasure"),
        ("Droit d'accès : quelles données avez-vous sur moi ?", "access"),
        ("Je m'oppose à vos SMS", "objection"),
        ("Rectification de mon adresse", "rectification"),
        ("Je retire mon consentement", "consent_withdrawal"),
        ("Portabilité de mes données", "portability"),
        ("Limitation du traitement", "restriction"),
        ("Bonjour", "access"),
        ("", "access"),
        (None, "access"),
    ],
)
def test_guess_request_type(text, expected):
    assert guess_request_type(text) == expected


def test_guess_request_type_default():
    assert guess_request_type("Bonjour", default="objection") == "objection"
