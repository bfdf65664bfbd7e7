from sms_gdpr_compliance.eligibility import (
    AudienceFacts,
    Candidate,
    count_reasons,
    decide_audience,
    decide_chunk,
    legitimate_interest_flagged,
    record_exclusion_reasons,
    stored_number_reason,
)


def _candidate(key, e164="+33612345678", number_reason=None, legal_basis="legitimate_interest",
               has_consent=False, opted_out=False, time_zone="Europe/Paris"):
    return Candidate(key, e164, number_reason, time_zone, legal_basis, has_consent, opted_out)


def test_complete_record_has_no_reason():
    assert record_exclusion_reasons(None, "legitimate_interest", False, False) == []


def test_number_reasons_come_first():
    assert record_exclusion_reasons("not_mobile", "none", False, False) == ["not_mobile", "no_legal_basis"]
    assert record_exclusion_reasons("missing", "contract", False, False) == ["no_number"]
    assert record_exclusion_reasons("invalid", "contract", False, False) == ["invalid_number"]


def test_consent_needs_a_date():
    assert record_exclusion_reasons(None, "consent", False, False) == ["consent_missing"]
    assert record_exclusion_reasons(None, "consent", True, False) == []


def test_missing_time_zone_flagged():
    assert record_exclusion_reasons(None, "contract", False, False, time_zone=None) == ["no_time_zone"]


def test_first_record_keeps_number():
    decisions = decide_audience([_candidate(1), _candidate(2)])
    assert decisions[0].included
    assert decisions[1].reasons == ("duplicate",)


def test_ineligible_first_record_leaves_number_to_next():
    decisions = decide_audience([_candidate(1, legal_basis="none"), _candidate(2)])
    assert decisions[0].reason == "no_legal_basis"
    assert decisions[1].included


def test_opt_out_on_one_record_excludes_all():
    decisions = decide_audience([_candidate(1), _candidate(2, opted_out=True)])
    assert decisions[0].reason == "opted_out"
    assert decisions[1].reason == "opted_out"


def test_blacklist_and_opposition_list():
    decisions = decide_audience(
        [_candidate(1, e164="+33612345601"), _candidate(2, e164="+33612345602")],
        blacklisted={"+33612345601"},
        suppressed={"+33612345602"},
    )
    assert decisions[0].reason == "blacklisted"
    assert decisions[1].reason == "suppressed"


def test_frequency_cap():
    recent = {"+33612345678": 4}
    assert decide_audience([_candidate(1)], recent_sends=recent, frequency_cap=4)[0].reason == "frequency_cap"
    assert decide_audience([_candidate(1)], recent_sends=recent, frequency_cap=5)[0].included
    assert decide_audience([_candidate(1)], recent_sends=recent, frequency_cap=0)[0].included


def test_count_reasons_uses_first_reason():
    decisions = decide_audience([_candidate(1), _candidate(2), _candidate(3, e164=None, number_reason="missing")])
    assert count_reasons(decisions) == {"no_number": 1, "duplicate": 1}


def test_legitimate_interest_on_personal_number_flagged():
    reasons = record_exclusion_reasons(None, "legitimate_interest", False, False, number_kind="personal")
    assert reasons == ["interest_not_professional"]


def test_legitimate_interest_without_company_or_job_flagged():
    reasons = record_exclusion_reasons(None, "legitimate_interest", False, False, professional_context=False)
    assert reasons == ["interest_not_professional"]


def test_professional_and_generic_numbers_pass():
    for kind in ("professional", "generic", None):
        assert record_exclusion_reasons(None, "legitimate_interest", False, False, number_kind=kind) == []


def test_consent_allows_personal_number():
    reasons = record_exclusion_reasons(None, "consent", True, False, number_kind="personal", professional_context=False)
    assert reasons == []


def test_flag_needs_legitimate_interest():
    assert not legitimate_interest_flagged("contract", "personal", False)
    assert not legitimate_interest_flagged("consent", "personal", False)
    assert legitimate_interest_flagged("legitimate_interest", "personal", True)
    assert legitimate_interest_flagged("legitimate_interest", "professional", False)


def test_flagged_candidate_excluded_and_counted():
    flagged = Candidate(1, "+33612345678", None, "Europe/Paris", "legitimate_interest", False, False,
                        number_kind="personal")
    decisions = decide_audience([flagged, _candidate(2, e164="+33612345679")])
    assert decisions[0].reasons == ("interest_not_professional",)
    assert decisions[1].included
    assert count_reasons(decisions) == {"interest_not_professional": 1}


def test_other_company_record_excluded_first():
    candidate = Candidate(1, "+33612345678", None, "Europe/Paris", "none", False, False, other_company=True)
    decision = decide_audience([candidate])[0]
    assert decision.reason == "other_company"
    assert "no_legal_basis" in decision.reasons


def test_stored_number_reason():
    assert stored_number_reason("missing", None) == "missing"
    assert stored_number_reason("invalid", None) == "invalid"
    assert stored_number_reason("valid", "fixed_line") == "not_mobile"
    assert stored_number_reason("valid", "mobile") is None


def test_chunks_decide_like_whole():
    candidates = [
        _candidate(1),
        _candidate(2),
        _candidate(3, e164="+33612345679"),
        _candidate(4, e164="+33612345679", opted_out=True),
        _candidate(5, e164=None, number_reason="missing"),
        _candidate(6, e164="+33612345670", legal_basis="none"),
        _candidate(7, e164="+33612345670"),
    ]
    whole = decide_audience(candidates, blacklisted={"+33612345671"})
    facts = AudienceFacts(
        blacklisted={"+33612345671"},
        opted_out_numbers={c.e164 for c in candidates if c.opted_out},
    )
    chunked = [decision for start in range(0, 7, 2) for decision in decide_chunk(candidates[start:start + 2], facts)]
    assert chunked == whole
    assert [decision.reason for decision in chunked][:4] == [None, "duplicate", "opted_out", "opted_out"]
