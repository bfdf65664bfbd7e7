"""Decide which records of an audience may receive a prospecting SMS.

Every exclusion carries reason codes, first the most telling one, so that a
campaign can show why each person was left out. An opt-out is attached to a
number, not to a record: when one record of a number has opted out or the
number is blacklisted, every record sharing that number is excluded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EXCLUSION_REASONS = (
    "other_company",
    "no_number",
    "invalid_number",
    "not_mobile",
    "no_time_zone",
    "opted_out",
    "blacklisted",
    "suppressed",
    "no_legal_basis",
    "consent_missing",
    "frequency_cap",
    "duplicate",
    "interest_not_professional",
)

# Legal bases under which a prospecting SMS may be sent at all.
SENDING_LEGAL_BASES = ("consent", "legitimate_interest", "contract")

_NUMBER_REASONS = {
    "missing": "no_number",
    "invalid": "invalid_number",
    "not_mobile": "not_mobile",
}


@dataclass(frozen=True)
class Candidate:
    """One record of an audience, reduced to the facts the decision needs."""

    key: object
    e164: str | None
    number_reason: str | None
    time_zone: str | None
    legal_basis: str | None
    has_consent: bool
    opted_out: bool
    number_kind: str | None = None
    professional_context: bool = True
    other_company: bool = False


@dataclass(frozen=True)
class Decision:
    """The outcome for one candidate: included, or excluded for ``reasons``."""

    key: object
    e164: str | None
    reasons: tuple[str, ...]

    @property
    def included(self) -> bool:
        return not self.reasons

    @property
    def reason(self) -> str | None:
        return self.reasons[0] if self.reasons else None


@dataclass
class AudienceFacts:
    """Facts about the whole audience and its numbers that the decision of one candidate needs.

    ``recent_sends`` counts the SMS already sent to each number within the cap
    period, and a ``frequency_cap`` of 0 disables the cap. ``suppressed`` contains
    the numbers of the opposition list kept after an erasure. ``opted_out_numbers``
    are the numbers that any record of the audience has opted out. ``taken_numbers``
    grows as candidates are included, so that later records of a number are duplicates.
    """

    blacklisted: set[str] | frozenset[str] = frozenset()
    suppressed: set[str] | frozenset[str] = frozenset()
    opted_out_numbers: set[str] | frozenset[str] = frozenset()
    recent_sends: dict[str, int] = field(default_factory=dict)
    frequency_cap: int = 0
    taken_numbers: set[str] = field(default_factory=set)


def legitimate_interest_flagged(legal_basis: str | None, number_kind: str | None, professional_context: bool) -> bool:
    """Return True when legitimate interest is recorded where it cannot apply.

    CPCE art. L.34-5 lets B2B prospecting do without consent only at a
    professional address and about the person's job. A personal number, or a
    person known by neither a company nor a job title, needs consent.
    """
    return legal_basis == "legitimate_interest" and (number_kind == "personal" or not professional_context)


def stored_number_reason(status: str | None, number_type: str | None) -> str | None:
    """Return ``NumberInfo.reason`` rebuilt from a stored status and type (None for a valid mobile)."""
    if status in ("missing", "invalid"):
        return status
    if number_type != "mobile":
        return "not_mobile"
    return None


def record_exclusion_reasons(
    number_reason: str | None,
    legal_basis: str | None,
    has_consent: bool,
    opted_out: bool,
    time_zone: str | None = "unknown",
    number_kind: str | None = None,
    professional_context: bool = True,
) -> list[str]:
    """Return the reasons found on the record alone, without the blacklist or history.

    ``number_reason`` is ``NumberInfo.reason``. ``time_zone`` defaults to a
    placeholder so that callers that store no zone are not flagged for it.
    ``number_kind`` is professional, generic or personal (None when unknown),
    and ``professional_context`` tells whether a company or a job title is known.
    """
    reasons = []
    if number_reason:
        reasons.append(_NUMBER_REASONS.get(number_reason, "invalid_number"))
    elif not time_zone:
        reasons.append("no_time_zone")
    if opted_out:
        reasons.append("opted_out")
    if legal_basis not in SENDING_LEGAL_BASES:
        reasons.append("no_legal_basis")
    elif legal_basis == "consent" and not has_consent:
        reasons.append("consent_missing")
    elif legitimate_interest_flagged(legal_basis, number_kind, professional_context):
        reasons.append("interest_not_professional")
    return reasons


def decide_audience(
    candidates: list[Candidate],
    blacklisted: set[str] | frozenset[str] = frozenset(),
    recent_sends: dict[str, int] | None = None,
    frequency_cap: int = 0,
    suppressed: set[str] | frozenset[str] = frozenset(),
) -> list[Decision]:
    """Decide for every candidate of a whole audience, in the given order.

    The first candidate of a number with no reason of its own keeps the
    number; later ones are duplicates. The arguments are those of ``AudienceFacts``.
    """
    facts = AudienceFacts(
        blacklisted=blacklisted,
        suppressed=suppressed,
        opted_out_numbers={c.e164 for c in candidates if c.e164 and c.opted_out},
        recent_sends=recent_sends or {},
        frequency_cap=frequency_cap,
    )
    return decide_chunk(candidates, facts)


def decide_chunk(candidates: list[Candidate], facts: AudienceFacts) -> list[Decision]:
    """Decide for one part of an audience, in order, and record the numbers it includes in ``facts``.

    Deciding the parts of an audience in order, with the same ``facts``, gives
    the decisions of ``decide_audience`` on the whole, as long as
    ``facts.opted_out_numbers`` covers the whole audience.
    """
    decisions = []
    for candidate in candidates:
        reasons = _candidate_reasons(candidate, facts)
        if candidate.e164 in facts.suppressed:
            reasons.insert(0, "suppressed")
        if candidate.other_company:
            reasons.insert(0, "other_company")
        if not reasons and candidate.e164 in facts.taken_numbers:
            reasons = ["duplicate"]
        if not reasons:
            facts.taken_numbers.add(candidate.e164)
        decisions.append(Decision(candidate.key, candidate.e164, tuple(reasons)))
    return decisions


def _candidate_reasons(candidate, facts):
    reasons = record_exclusion_reasons(
        candidate.number_reason,
        candidate.legal_basis,
        candidate.has_consent,
        candidate.opted_out,
        candidate.time_zone,
        candidate.number_kind,
        candidate.professional_context,
    )
    if not candidate.e164:
        return reasons
    if candidate.e164 in facts.opted_out_numbers and "opted_out" not in reasons:
        reasons.insert(0, "opted_out")
    if candidate.e164 in facts.blacklisted:
        reasons.insert(0, "blacklisted")
    if facts.frequency_cap and facts.recent_sends.get(candidate.e164, 0) >= facts.frequency_cap:
        reasons.append("frequency_cap")
    return reasons


def count_reasons(decisions: list[Decision]) -> dict[str, int]:
    """Count excluded decisions by their first reason, in the order of ``EXCLUSION_REASONS``."""
    counts = dict.fromkeys(EXCLUSION_REASONS, 0)
    for decision in decisions:
        if decision.reason:
            counts[decision.reason] += 1
    return {reason: count for reason, count in counts.items() if count}
