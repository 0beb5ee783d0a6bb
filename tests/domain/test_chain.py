"""The chain's canonical form and its verification, in plain Python."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from app.domain import chain
from app.domain.chain import (
    ENTRIES,
    GENESIS,
    Head,
    StoredLink,
    canonical,
    check_code,
    compare_heads,
    link_hash,
    normalise,
    verify_chain,
)


def _entry(n: int) -> dict:
    return {
        "id": uuid.UUID(int=n), "created_at": datetime(2026, 3, 1, 8, 0, n % 60, tzinfo=timezone.utc),
        "member_id": uuid.UUID(int=1000 + n), "rule_item_id": uuid.UUID(int=2000), "occurred_on": date(2026, 3, 1),
        "quantity": Decimal("1"), "points": Decimal("1.5"), "note": "会议：出席", "evidence": "", "entered_by": uuid.UUID(int=7),
        "reverses_id": None, "meeting_id": None, "batch_id": None,
    }


def _links(count: int) -> list[StoredLink]:
    links, prev = [], GENESIS
    for n in range(1, count + 1):
        values = normalise(ENTRIES, _entry(n))
        digest = link_hash(prev, ENTRIES, values)
        links.append(StoredLink(n, prev, digest, uuid.UUID(int=n).hex, values))
        prev = digest
    return links


def test_the_canonical_form_is_the_documented_json():
    values = normalise(ENTRIES, _entry(1))
    expected = (
        '["dyjf-chain-1","points_entries","00000000000000000000000000000001","2026-03-01 08:00:01.000000",'
        '"000000000000000000000000000003e9","000000000000000000000000000007d0","2026-03-01",100,150,'
        '"会议：出席","","00000000000000000000000000000007",null,null,null]'
    )
    assert canonical(ENTRIES, values) == expected.encode("utf-8")
    assert link_hash(GENESIS, ENTRIES, values) == hashlib.sha256(GENESIS.encode() + b"\n" + expected.encode()).hexdigest()


def test_stored_values_and_python_values_give_the_same_fields():
    """SQLite hands back hex UUIDs, ISO dates, naive UTC text and hundredths: the same canonical form."""
    stored = {
        "id": "00000000000000000000000000000001", "created_at": "2026-03-01 08:00:01.000000",
        "member_id": "000000000000000000000000000003e9", "rule_item_id": "000000000000000000000000000007d0",
        "occurred_on": "2026-03-01", "quantity": 100, "points": 150, "note": "会议：出席", "evidence": "",
        "entered_by": "00000000000000000000000000000007", "reverses_id": None, "meeting_id": None, "batch_id": None,
    }
    assert normalise(ENTRIES, stored) == normalise(ENTRIES, _entry(1))
    assert normalise(chain.AUDIT, {"details": {"b": 1, "a": "是"}})[-1] == '{"a": "是", "b": 1}'


def test_a_sound_chain_verifies_and_gives_its_head():
    links = _links(5)
    result = verify_chain(ENTRIES, iter(links))
    assert result.ok and result.rows == 5 and result.head == Head(5, links[-1].hash)


def test_a_rewritten_row_is_named():
    links = _links(5)
    values = list(links[2].values)
    values[6] = 1500
    links[2] = StoredLink(3, links[2].prev, links[2].hash, links[2].row_id, values)
    found = verify_chain(ENTRIES, iter(links)).first_break
    assert (found.kind, found.seq, found.row_id) == (chain.REWRITTEN, 3, links[2].row_id)


def test_deleted_rows_are_missing_before_the_next_row():
    links = _links(6)
    del links[2:4]
    found = verify_chain(ENTRIES, iter(links)).first_break
    assert (found.kind, found.seq) == (chain.MISSING, 5)


def test_swapped_rows_are_reordered():
    links = _links(5)
    a, b = links[1], links[2]
    links[1] = StoredLink(2, b.prev, b.hash, b.row_id, b.values)
    links[2] = StoredLink(3, a.prev, a.hash, a.row_id, a.values)
    found = verify_chain(ENTRIES, iter(links)).first_break
    assert (found.kind, found.row_id) == (chain.REORDERED, b.row_id)


def test_an_inserted_row_with_a_correct_hash_is_named():
    links = _links(4)
    values = normalise(ENTRIES, _entry(99))
    forged = StoredLink(3, links[1].hash, link_hash(links[1].hash, ENTRIES, values), "forged", values)
    renumbered = [links[0], links[1], forged] + [StoredLink(l.seq + 1, l.prev, l.hash, l.row_id, l.values) for l in links[2:]]
    found = verify_chain(ENTRIES, iter(renumbered)).first_break
    assert (found.kind, found.row_id) == (chain.INSERTED, "forged")


def test_an_unchained_row_is_reported():
    links = _links(2) + [StoredLink(None, None, None, "loose", normalise(ENTRIES, _entry(9)))]
    assert verify_chain(ENTRIES, iter(links)).first_break.kind == chain.UNCHAINED


def test_heads_compare_as_extension_loss_or_rewrite():
    old, new = Head(3, "a" * 64), Head(5, "c" * 64)
    assert compare_heads(ENTRIES, old, new, "a" * 64).kind == "extends"
    assert compare_heads(ENTRIES, old, old, "a" * 64).kind == "same"
    assert compare_heads(ENTRIES, old, Head(2, "b" * 64), None).kind == chain.MISSING
    assert compare_heads(ENTRIES, old, new, "d" * 64).kind == chain.REWRITTEN
    assert check_code("4194cbcf5993") == "4194CBCF"
