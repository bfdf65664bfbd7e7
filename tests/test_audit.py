from sms_gdpr_compliance.audit import (
    GENESIS_HASH,
    event_hash,
    first_broken_link,
    number_fingerprint,
    personal_digest,
    personal_part_intact,
)


def _chain(contents):
    rows, previous = [], GENESIS_HASH
    for content in contents:
        stored = event_hash(previous, content)
        rows.append((previous, content, stored))
        previous = stored
    return rows


def test_hash_ignores_key_order():
    assert event_hash(GENESIS_HASH, {"a": 1, "b": 2}) == event_hash(GENESIS_HASH, {"b": 2, "a": 1})


def test_hash_depends_on_previous():
    assert event_hash(GENESIS_HASH, {"a": 1}) != event_hash("f" * 64, {"a": 1})


def test_intact_chain_holds():
    assert first_broken_link(_chain([{"n": 1}, {"n": 2}, {"n": 3}])) is None


def test_edited_row_detected():
    rows = _chain([{"n": 1}, {"n": 2}, {"n": 3}])
    previous, _content, stored = rows[1]
    rows[1] = (previous, {"n": 20}, stored)
    assert first_broken_link(rows) == 1


def test_deleted_row_detected():
    rows = _chain([{"n": 1}, {"n": 2}, {"n": 3}])
    del rows[1]
    assert first_broken_link(rows) == 1


def test_rehashed_row_breaks_next_link():
    rows = _chain([{"n": 1}, {"n": 2}, {"n": 3}])
    previous, _content, _stored = rows[1]
    rows[1] = (previous, {"n": 20}, event_hash(previous, {"n": 20}))
    assert first_broken_link(rows) == 2, "rewriting one hash must break the following row"


def test_empty_chain_holds():
    assert first_broken_link([]) is None


def test_fingerprint_is_keyed():
    assert number_fingerprint("+33612345678", "key-a") != number_fingerprint("+33612345678", "key-b")
    assert number_fingerprint("+33612345678", "key-a") == number_fingerprint("+33612345678", "key-a")
    assert "33612345678" not in number_fingerprint("+33612345678", "key-a")


def test_personal_digest_salted():
    personal = {"record_name": "Jeanne Martin", "old_value": "+33612345678"}
    assert personal_digest("salt-a", personal) != personal_digest("salt-b", personal)
    assert personal_digest("salt-a", personal) == personal_digest("salt-a", dict(reversed(personal.items())))


def test_personal_part_intact():
    personal = {"record_name": "Jeanne Martin", "old_value": "+33612345678"}
    digest = personal_digest("salt", personal)
    assert personal_part_intact("salt", personal, digest, erased=False)


def test_personal_part_edited_detected():
    digest = personal_digest("salt", {"record_name": "Jeanne Martin"})
    assert not personal_part_intact("salt", {"record_name": "Paul Durand"}, digest, erased=False)


def test_personal_part_without_salt_detected():
    personal = {"record_name": "Jeanne Martin"}
    assert not personal_part_intact(None, personal, personal_digest("", personal), erased=False)


def test_erased_personal_part_holds():
    digest = personal_digest("salt", {"record_name": "Jeanne Martin"})
    assert personal_part_intact(None, {"record_name": None}, digest, erased=True)


def test_erased_row_keeping_values_detected():
    digest = personal_digest("salt", {"record_name": "Jeanne Martin"})
    assert not personal_part_intact(None, {"record_name": "Jeanne Martin"}, digest, erased=True)
    assert not personal_part_intact("salt", {"record_name": None}, digest, erased=True)
