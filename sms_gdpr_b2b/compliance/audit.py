"""Hash chaining for the append-only audit log, and keyed fingerprints of numbers.

Each audit row stores the SHA-256 of its own content joined with the hash of
the previous row, so editing, inserting or deleting a row breaks every hash
after it. The personal part of a row (record name, old and new values,
details) enters the chain only through a salted digest: erasing those values
together with the salt leaves the chain verifiable, and the digest left behind
cannot be matched against a guessed value.

A fingerprint is an HMAC-SHA256 of an E.164 number under a secret key: it lets
an opposition outlive the erasure of the number itself, without keeping the
number.
"""

from __future__ import annotations

import hashlib
import hmac
import json

# Hash of the row before the first one of a chain.
GENESIS_HASH = "0" * 64


def event_hash(previous_hash: str, content: dict) -> str:
    """Return the SHA-256 hex digest chaining ``content`` to ``previous_hash``.

    ``content`` is serialised as canonical JSON (sorted keys, no spaces), so
    the same values always give the same hash whatever the dict order.
    """
    return hashlib.sha256(f"{previous_hash}\n{_canonical(content)}".encode()).hexdigest()


def personal_digest(salt: str, personal: dict) -> str:
    """Return the SHA-256 hex digest of a row's personal values under its random ``salt``."""
    return hashlib.sha256(f"{salt}\n{_canonical(personal)}".encode()).hexdigest()


def personal_part_intact(salt: str | None, personal: dict, digest: str | None, erased: bool) -> bool:
    """Return whether a row's personal values still match the digest its hash covers.

    An erased row must contain neither values nor salt: its digest is then the
    only trace of what was erased, and it is checked through the chain alone.
    """
    if erased:
        return not salt and not any(personal.values())
    return bool(salt) and personal_digest(salt, personal) == digest


def first_broken_link(rows) -> int | None:
    """Return the index of the first row whose stored hash does not match, or None when the chain holds.

    ``rows`` is an ordered iterable of ``(previous_hash, content, stored_hash)``.
    A row is broken when its ``previous_hash`` is not the stored hash of the row
    before it, or when its own stored hash does not match its content.
    """
    expected_previous = GENESIS_HASH
    for index, (previous_hash, content, stored_hash) in enumerate(rows):
        if previous_hash != expected_previous or event_hash(previous_hash, content) != stored_hash:
            return index
        expected_previous = stored_hash
    return None


def number_fingerprint(e164: str, key: str) -> str:
    """Return the keyed HMAC-SHA256 hex digest of an E.164 number."""
    return hmac.new(key.encode(), e164.encode(), hashlib.sha256).hexdigest()


def _canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
