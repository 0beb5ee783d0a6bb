"""`check`'s one-pass count of the keys where the kept month sums and the ledger disagree
(app/services/check_sums.py) against summaries.mismatch_count (EXCEPT both ways), on the demo
file with its kept sums edited by hand in every way: a sum changed, a veto count changed, a
row missing, a row the ledger has no entries for, and several at once."""

from __future__ import annotations

import sqlite3

import pytest

from app.services import check, demo
from app.services.check_sums import disagreeing_keys
from app.services.context import read_session
from conftest import TODAY
from db import summaries
from db.store import Store

# the table has no rowid (it is clustered by its key): a row is picked by its place in key order
KEY_COLUMNS = "rule_set_id, year, member_id, month, category"
PLACE = (
    f"(SELECT count(*) FROM member_month_sums AS o WHERE ({', '.join('o.' + c for c in KEY_COLUMNS.split(', '))}) <= "
    f"({', '.join('member_month_sums.' + c for c in KEY_COLUMNS.split(', '))}))"
)

EDITS = {
    "points": [f"UPDATE member_month_sums SET points = points + 1 WHERE {PLACE} = 3"],
    "vetoes": [f"UPDATE member_month_sums SET vetoes = vetoes + 1 WHERE {PLACE} = 6"],
    "missing": [f"DELETE FROM member_month_sums WHERE {PLACE} IN (2, 5, 9)"],
    "extra": ["INSERT INTO member_month_sums SELECT rule_set_id, year, member_id, 13, category, points, vetoes "
              f"FROM member_month_sums WHERE {PLACE} = 4"],
    "all at once": [
        f"UPDATE member_month_sums SET points = -points WHERE {PLACE} BETWEEN 10 AND 20",
        f"DELETE FROM member_month_sums WHERE {PLACE} IN (2, 5, 9)",
        "INSERT INTO member_month_sums SELECT rule_set_id, year - 1, member_id, month, category, points, vetoes "
        f"FROM member_month_sums WHERE {PLACE} BETWEEN 30 AND 33",
    ],
    "every row gone": ["DELETE FROM member_month_sums"],
}


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from conftest import keyed_admin

    path = tmp_path_factory.mktemp("sums") / "demo.db"
    with Store.open_file(path) as store:
        demo.create_demo_branch(store, keyed_admin(store), today=TODAY)
    return path


def _counts(path):
    with Store.open_file(path, read_only=True) as store, read_session(store) as session:
        return disagreeing_keys(session), summaries.mismatch_count(session)[0]


def test_the_demo_as_made_agrees(demo_file):
    assert _counts(demo_file) == (0, 0)


@pytest.mark.parametrize("edit", list(EDITS))
def test_one_pass_counts_what_except_counts(demo_file, tmp_path, edit):
    copy = tmp_path / "edited.db"
    copy.write_bytes(demo_file.read_bytes())
    raw = sqlite3.connect(copy, isolation_level=None)
    for statement in EDITS[edit]:
        raw.execute(statement)
    raw.close()
    fast, exact = _counts(copy)
    assert fast == exact > 0
    with Store.open_file(copy, read_only=True) as store:
        found = [p for p in check.check_store(store).problems if p.startswith("积分月汇总与台账不符")]
    assert len(found) == 1 and f"共 {exact} 处不符" in found[0]
