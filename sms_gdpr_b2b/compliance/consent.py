"""Consent proof checks, and the compliance state kept when records are merged.

When several records of one person become one (merging contacts or leads,
linking a lead to an existing customer), the merged record keeps the most
restrictive state: an opt-out is never lost, and the legal basis that demands
the most proof wins. The caller keeps every consent proof text and attachment;
this module only says which record each single-valued field comes from.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

# Recorded legal bases, from the one demanding the most proof to the least.
# "none" (nothing recorded) yields to any recorded basis: it is missing
# information, not an objection. Objections are carried by the opt-out.
BASIS_RESTRICTIVENESS = ("consent", "legitimate_interest", "contract")

# A personal number rules out legitimate interest, so it wins over the other kinds.
RESTRICTIVE_NUMBER_KIND = "personal"


def normalize_ip_address(text: str | None) -> str | None:
    """Return ``text`` as a canonical IPv4 or IPv6 address, or None when it is empty.

    Raises ValueError when ``text`` is not an IP address.
    """
    text = (text or "").strip()
    if not text:
        return None
    return str(ipaddress.ip_address(text))


def is_web_url(text: str | None) -> bool:
    """Return True when ``text`` is an absolute http or https URL with a host."""
    parts = urlsplit((text or "").strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True)
class ComplianceState:
    """The single-valued compliance facts of one record taking part in a merge."""

    legal_basis: str | None
    consent_date: datetime | None
    opt_out: bool
    opt_out_date: datetime | None
    number_kind: str | None
    collection_date: date | None


@dataclass(frozen=True)
class MergedState:
    """The state of the surviving record, with the index of the record each part comes from.

    ``opt_out_source`` is the opted-out record whose opt-out date and channel
    are kept (None when nobody opted out); ``consent_source`` the record whose
    consent date, wording, channel, URL and IP are kept (None without consent).
    """

    legal_basis: str
    opt_out: bool
    opt_out_source: int | None
    consent_source: int | None
    number_kind: str | None
    collection_date: date | None


def merge_states(states: list[ComplianceState]) -> MergedState:
    """Return the most restrictive combination of ``states``, the surviving record first.

    - opted out when any record is, with the latest opt-out date, so that a
      later lift needs a consent given after every objection;
    - the recorded legal basis that demands the most proof (consent, then
      legitimate interest, then contract), "none" only when no record has one;
    - the latest consent date and the proof details of its record;
    - a personal number when any record says so, else the first kind known;
    - the earliest collection date, from which retention periods run.
    """
    if not states:
        raise ValueError("merge_states needs at least one record")
    return MergedState(
        legal_basis=_most_restrictive_basis(states),
        opt_out=any(state.opt_out for state in states),
        opt_out_source=_latest(states, "opt_out_date", lambda state: state.opt_out),
        consent_source=_latest(states, "consent_date", lambda state: bool(state.consent_date)),
        number_kind=_restrictive_number_kind(states),
        collection_date=min((s.collection_date for s in states if s.collection_date), default=None),
    )


def _most_restrictive_basis(states):
    recorded = {state.legal_basis for state in states}
    for basis in BASIS_RESTRICTIVENESS:
        if basis in recorded:
            return basis
    return "none"


def _latest(states, date_attribute, selected):
    """Return the index of the selected record with the latest date; undated records count as oldest."""
    candidates = [index for index, state in enumerate(states) if selected(state)]
    if not candidates:
        return None
    return max(candidates, key=lambda index: (getattr(states[index], date_attribute) is not None,
                                               getattr(states[index], date_attribute) or datetime.min, -index))


def _restrictive_number_kind(states):
    kinds = [state.number_kind for state in states if state.number_kind]
    if RESTRICTIVE_NUMBER_KIND in kinds:
        return RESTRICTIVE_NUMBER_KIND
    return kinds[0] if kinds else None
