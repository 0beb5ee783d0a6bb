"""The quick ranking (one SQL sum a member, app/services/totals/standings.py) and the detailed one
(the scorer's months behind each row, branch_ranking(details=True)) give the same rows in every
period: last year's total carried into the base, a veto and its month, a member who joined in the
year, one who moved away and one who died, a probationary member, and appraisals folded in."""

from __future__ import annotations

import pickle
import uuid
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.domain.appraisal_tally import Votes
from app.domain.enums import Membership
from app.domain.periods import Month
from app.services.context import read_session
from app.services.ledger import entries as ledger
from app.services.organisation import require_branch_id
from app.services.ledger.entries import EntryRequest
from app.services.practice import appraisal
from app.services.roster import members
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from app.services.totals.scoring import BranchScorer
from app.services.totals.standings import uuid_of
from conftest import TODAY, add

D = Decimal
PERIODS = [{}] + [{"quarter": q} for q in range(1, 5)] + [{"month": m} for m in range(1, 13)]


def _plain(ranking) -> list:
    return [row._replace(score=None) for row in ranking.rows]


def _same_in_every_period(store, year: int) -> None:
    for period in PERIODS:
        quick, detailed = totals.branch_ranking(store, year, **period), totals.branch_ranking(store, year, **period, details=True)
        assert _plain(quick) == _plain(detailed), period
        # the rows are made field by field (tuple.__new__): every one whole, and a RankingRow
        assert {(type(row), len(row)) for row in quick.rows + detailed.rows} <= {(totals.RankingRow, len(totals.RankingRow._fields))}
        assert (quick.label, quick.rule_set_name, quick.five_star_quota) == (
            detailed.label, detailed.rule_set_name, detailed.five_star_quota
        )
        assert all(row.score is None for row in quick.rows) and all(row.score is not None for row in detailed.rows)


def test_carried_base_veto_and_roster_changes(store, admin, branch):
    for year in (2025, 2026):
        rulesets.create_rule_set(store, admin, year, template="village_100")
    names = ("张三", "李四", "王五", "赵六", "孙七", "周八")
    ids = {name: add(store, admin, name) for name in names}
    ids["吴九"] = add(store, admin, "吴九", membership=Membership.PROBATIONARY, join_date=date(2025, 7, 1))
    ids["郑十"] = add(store, admin, "郑十", join_date=date(2026, 5, 1))
    requests = [
        EntryRequest(ids["张三"], "B03", date(2025, 3, 1)), EntryRequest(ids["张三"], "R01", date(2026, 1, 31)),
        EntryRequest(ids["李四"], "J01", date(2025, 4, 2)), EntryRequest(ids["李四"], "B05", date(2026, 5, 1), points=D(8)),
        EntryRequest(ids["王五"], "V01", date(2026, 4, 1)), EntryRequest(ids["王五"], "B03", date(2026, 3, 1)),
        EntryRequest(ids["赵六"], "R01", date(2026, 2, 28)), EntryRequest(ids["孙七"], "K01", date(2026, 6, 2)),
        EntryRequest(ids["周八"], "B02", date(2025, 10, 1)), EntryRequest(ids["郑十"], "R01", date(2026, 7, 31)),
    ]
    ledger.record_batch(store, admin, requests, approve=True, today=TODAY)
    members.transfer_out(store, admin, ids["赵六"], date(2026, 3, 15), "城关镇另一支部", today=TODAY)
    members.mark_deceased(store, admin, ids["孙七"], date(2026, 8, 9), today=TODAY)
    _same_in_every_period(store, 2025)
    _same_in_every_period(store, 2026)
    year = totals.branch_ranking(store, 2026, details=True)
    assert year.row_for(ids["张三"]).score.base_carried  # 2025 carried into 2026's base
    assert year.row_for(ids["王五"]).vetoed and year.row_for(ids["王五"]).year_to_date == 0
    _a_page_scores_as_the_ranking(store, [ids["张三"], ids["李四"], ids["周八"]])


def _a_page_scores_as_the_ranking(store, page: list) -> None:
    """A roster page scores only its members, last year's totals (their bases) included."""
    with read_session(store) as session:
        branch_id = require_branch_id(store)
        for month in (1, 6, 12):
            scored = BranchScorer(session, branch_id).year(2026, up_to=Month(2026, month), member_ids=page)
            ranking = totals.branch_ranking(store, 2026, month=month)
            assert {m: s.final_total for m, s in scored.branch.scores.items()} == {m: ranking.row_for(m).year_to_date for m in page}


def test_appraisals_folded_in(store, admin, branch):
    rulesets.create_rule_set(store, admin, 2026, template="rural_deduction")
    ids = [add(store, admin, name) for name in ("甲党员", "乙党员", "丙党员", "丁党员")]
    votes = {ids[0]: Votes(7, 2, 0, 0), ids[1]: Votes(2, 3, 3, 1), ids[2]: Votes(1, 1, 3, 4)}  # 丁: no appraisal
    appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 10, 9, votes, today=date(2026, 12, 31))
    _same_in_every_period(store, 2026)
    year = totals.branch_ranking(store, 2026)
    assert [row.year_to_date for row in year.rows] == [D(100), D(100), D(85), D(60)]
    assert "未录民主评议" in year.row_for(ids[3]).flags


def test_a_file_without_kept_sums_ranks_from_the_ledger_alike(store, admin, branch, monkeypatch):
    """A file without the kept month sums (an older schema read as it is) ranks from the ledger's own sums."""
    from app.services.totals import scoring, standings

    rulesets.create_rule_set(store, admin, 2025, template="village_100")
    rulesets.create_rule_set(store, admin, 2026, template="village_100")
    ids = [add(store, admin, name) for name in ("张三", "李四", "王五")]
    ledger.record_batch(store, admin, [
        EntryRequest(ids[0], "B03", date(2025, 3, 1)), EntryRequest(ids[1], "J01", date(2026, 2, 2)),
        EntryRequest(ids[2], "V01", date(2026, 4, 1)), EntryRequest(ids[0], "R01", date(2026, 4, 30)),
    ], approve=True, today=TODAY)
    kept = [_plain(totals.branch_ranking(store, 2026, **period)) for period in PERIODS]
    monkeypatch.setattr(standings, "has_summaries", lambda session, table=None: False)
    monkeypatch.setattr(scoring, "has_summaries", lambda session, table=None: False)
    assert [_plain(totals.branch_ranking(store, 2026, **period)) for period in PERIODS] == kept
    # 2025: base 20 + 2 = 22; 2026's base is 20% of it, 4.4, then + 2
    assert totals.branch_ranking(store, 2026).row_for(ids[0]).year_to_date == D("6.40")


@given(st.uuids())
def test_a_stored_id_made_a_uuid_directly_is_the_uuid_itself(value):
    """uuid_of (the ranking's quick path from a SQLite file's 32 hex digits) makes the same UUID as
    uuid.UUID: equal, same hash, text, order and safety; other forms go through uuid.UUID."""
    for stored in (value.hex, str(value), value):
        made = uuid_of(stored)
        assert type(made) is uuid.UUID
        assert (made, hash(made), str(made), made.int, made.is_safe) == (value, hash(value), str(value), value.int, value.is_safe)
        assert pickle.loads(pickle.dumps(made)) == value
    assert not (uuid_of(value.hex) < value) and not (uuid_of(value.hex) > value)
