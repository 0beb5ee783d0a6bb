"""The township's charts read every branch's figures at once (app/services/charts/township.py,
`branch_figures`): they must be what scoring each branch member by member gives (`figures_of`
over BranchScorer), for the whole year and for a year to date, on a county's file with a
member moved between branches by hand, one who left and one who joined mid-year, a veto,
reversals and earlier years reported."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import replace
from datetime import date

import pytest

from app.domain.enums import MemberClass
from app.domain.periods import Month
from app.services.charts.common import last_month
from app.services.charts.township import branch_figures, figures_of, month_members_of
from app.services.context import read_session
from app.services.ledger import entries
from app.services.organisation import require_branch_id
from app.services.roster import members
from app.services.totals.scoring import BranchScorer
from conftest import keyed_admin
from db.store import Store

YEAR = 2026


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from tests.benchmarks.bench_county import build_county

    path = tmp_path_factory.mktemp("county") / "county.db"
    build_county(path, members=90, branches=3, entries=90 * 28 * 2)
    with Store.open_file(path) as store:
        own = require_branch_id(store)
        admin = keyed_admin(store)
        with read_session(store) as session:
            scored = BranchScorer(session, own).year(YEAR).members
        vetoed = sorted(scored, key=str)[0]
        entries.record_entry(store, admin, entries.EntryRequest(vetoed, "V01", date(YEAR, 4, 2)), approve=True, today=date(YEAR, 11, 30))
        # without points, one leaves in June and one joins in September: neither counts in every month
        newcomer = members.MemberInput(name="欧阳娜仁", member_class=MemberClass.NO_POST, join_date=date(YEAR, 9, 1))
        members.add_member(store, admin, newcomer, today=date(YEAR, 11, 30))
        leaver = members.add_member(store, admin, replace(newcomer, name="阿卜杜", join_date=date(2000, 7, 1)), today=date(YEAR, 11, 30))
        members.transfer_out(store, admin, leaver, date(YEAR, 6, 30), "城关镇党委", today=date(YEAR, 11, 30))
    with sqlite3.connect(path) as raw:  # no service moves a member between branches: by hand, as a county's merge might
        other = raw.execute("SELECT id FROM org_units WHERE kind = 'branch' AND id != ? ORDER BY id LIMIT 1", (own.hex,)).fetchone()[0]
        moved = raw.execute("SELECT id FROM members WHERE branch_id = ? ORDER BY id LIMIT 1 OFFSET 3", (own.hex,)).fetchone()[0]
        raw.execute("UPDATE members SET branch_id = ? WHERE id = ?", (other, moved))
    return path


def _scored_one_by_one(session, names: dict, up_to):
    found, last = [], 0
    for branch_id, name in sorted(names.items(), key=lambda item: item[1]):
        scored = BranchScorer(session, branch_id).year(YEAR, up_to)
        if scored is None or not scored.branch.scores:
            continue
        found.append(figures_of(branch_id, name, scored.branch, month_members_of(scored, last_month(up_to))))
        last = max([last] + [m for s in scored.branch.scores.values() for m, v in s.by_month.items() if v])
    return found, last


@pytest.mark.parametrize("up_to", [None, Month(YEAR, 3), Month(YEAR, 11)], ids=["year", "to March", "to November"])
def test_every_branch_s_figures_are_what_scoring_it_alone_gives(county, up_to):
    with Store.open_file(county, read_only=True) as store, read_session(store) as session:
        names = {uuid.UUID(str(i)): n for i, n in session.connection().exec_driver_sql(
            "SELECT id, name FROM org_units WHERE kind = 'branch'"
        )}
        read, last = branch_figures(session, names, YEAR, up_to)
        expected, expected_last = _scored_one_by_one(session, names, up_to)
    assert len(read) == 3 and sum(f.members for f in read) > 80
    assert read == expected and last == expected_last
    if up_to != Month(YEAR, 3):  # the one who joined in September is not in January's count, the one who left not in November's
        assert any(f.members - f.month_members[1] == 1 and f.members - f.month_members[11] == 1 for f in read)
    if up_to is None:
        assert sum(f.stars.get(0, 0) for f in read) >= 1 and any(len(f.stars) > 2 for f in read)  # a veto, and stars given
