from datetime import date, datetime

import pytest

from sms_gdpr_compliance.consent import (
    ComplianceState,
    is_web_url,
    merge_states,
    normalize_ip_address,
)


def _state(legal_basis="legitimate_interest", consent_date=None, opt_out=False, opt_out_date=None,
           number_kind=None, collection_date=None):
    return ComplianceState(legal_basis, consent_date, opt_out, opt_out_date, number_kind, collection_date)


def test_ip_addresses_normalised():
    assert normalize_ip_address(" 203.0.113.7 ") == "203.0.113.7"
    assert normalize_ip_address("2001:DB8::0:1") == "2001:db8::1"
    assert normalize_ip_address("") is None
    assert normalize_ip_address(None) is None


@pytest.mark.parametrize("text", ["203.0.113", "localhost", "256.1.1.1", "1.2.3.4/24"])
def test_invalid_ip_rejected(text):
    with pytest.raises(ValueError):
        normalize_ip_address(text)


def test_web_urls():
    assert is_web_url("https://example.fr/form?id=3")
    assert is_web_url("http://example.fr")
    assert not is_web_url("example.fr/form")
    assert not is_web_url("ftp://example.fr/proof")
    assert not is_web_url("https://")
    assert not is_web_url(None)


def test_opt_out_kept_when_surviving_record_has_none():
    merged = merge_states([_state(), _state(opt_out=True, opt_out_date=datetime(2026, 1, 5))])
    assert merged.opt_out
    assert merged.opt_out_source == 1


def test_opt_out_kept_when_surviving_record_opted_out():
    merged = merge_states([_state(opt_out=True, opt_out_date=datetime(2026, 1, 5)), _state()])
    assert merged.opt_out
    assert merged.opt_out_source == 0


def test_latest_opt_out_date_kept():
    merged = merge_states([
        _state(opt_out=True, opt_out_date=datetime(2025, 3, 1)),
        _state(opt_out=True),
        _state(opt_out=True, opt_out_date=datetime(2026, 2, 1)),
    ])
    assert merged.opt_out_source == 2


def test_nobody_opted_out():
    merged = merge_states([_state(), _state()])
    assert not merged.opt_out
    assert merged.opt_out_source is None


@pytest.mark.parametrize(("bases", "expected"), [
    (["contract", "legitimate_interest"], "legitimate_interest"),
    (["legitimate_interest", "consent"], "consent"),
    (["none", "contract"], "contract"),
    (["none", None], "none"),
    (["contract", "consent", "legitimate_interest"], "consent"),
])
def test_most_demanding_basis_wins(bases, expected):
    assert merge_states([_state(legal_basis=basis) for basis in bases]).legal_basis == expected


def test_latest_consent_kept():
    merged = merge_states([
        _state(legal_basis="consent", consent_date=datetime(2025, 1, 1)),
        _state(legal_basis="consent", consent_date=datetime(2026, 1, 1)),
        _state(),
    ])
    assert merged.consent_source == 1
    assert merge_states([_state(), _state()]).consent_source is None


def test_personal_number_kind_wins():
    merged = merge_states([_state(number_kind="professional"), _state(number_kind="personal")])
    assert merged.number_kind == "personal"
    assert merge_states([_state(), _state(number_kind="generic")]).number_kind == "generic"
    assert merge_states([_state()]).number_kind is None


def test_earliest_collection_date_kept():
    merged = merge_states([_state(collection_date=date(2025, 6, 1)), _state(collection_date=date(2024, 6, 1)),
                           _state()])
    assert merged.collection_date == date(2024, 6, 1)


def test_merge_needs_a_record():
    with pytest.raises(ValueError):
        merge_states([])
