"""A reported year's frozen totals: next year's carried base starts from them, every path alike,
and `check` says when the ledger no longer adds up to them."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date
from decimal import Decimal

import pytest

from app.services.check import check_store
from app.services.check_rounds import round_problems
from app.services.context import read_session
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from app.services.rating import exchange as rating_exchange
from app.services.rating import rounds as rating
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from app.services.totals.standings import Standings
from conftest import add
from db.store import Store

D = Decimal
LATER = date(2026, 12, 31)


@pytest.fixture
def two_years(store, admin, branch):
    """2025 and 2026 under village_100 (2026's base is 20% of 2025's total): 张三 30 in 2025, 李四 20."""
    rulesets.create_rule_set(store, admin, 2025, template="village_100")
    rulesets.create_rule_set(store, admin, 2026, copy_from_year=2025)
    ids = {"张三": add(store, admin, "张三"), "李四": add(store, admin, "李四")}
    ledger.record_entry(store, admin, EntryRequest(ids["张三"], "B05", date(2025, 6, 1), points=D(10)), approve=True, today=LATER)
    return ids


def _report(store, admin, tmp_path, year: int = 2025) -> None:
    on = date(year + 1, 1, 10)
    rating.start_round(store, admin, year, on, today=LATER)
    rating.assess(store, admin, year, on, today=LATER)
    rating.publicise(store, admin, year, on, days=1, today=LATER)
    rating_exchange.report_to_township(store, admin, year, date(year + 1, 1, 12), tmp_path / f"{year}.jfrating", today=LATER)


def _freeze_as(db_path, member_id, total: Decimal) -> None:
    """What a hand edit of the file (or a corrected earlier year) leaves: a frozen total the ledger no longer gives."""
    with sqlite3.connect(db_path) as raw:
        changed = raw.execute(
            "UPDATE rating_candidates SET final_total = ? WHERE member_id = ?", (int(total * 100), member_id.hex)
        ).rowcount
    assert changed == 1


def _bases_2026(store, member_id) -> set[Decimal]:
    """The 2026 carried base of the member as the year ranking, the member's year and the scorer's paper see it."""
    year_row = totals.branch_ranking(store, 2026).row_for(member_id)
    detailed = totals.branch_ranking(store, 2026, details=True).row_for(member_id)
    return {year_row.year_to_date, detailed.score.base_start, totals.member_year(store, member_id, 2026).base_start}


def test_a_reported_year_freezes_what_the_ledger_gives_and_check_accepts_it(store, admin, branch, two_years, tmp_path):
    _report(store, admin, tmp_path)
    with read_session(store) as session:
        standings = Standings(session, [branch.id], 2026)
        frozen = standings.frozen_finals(2025)
        assert frozen == standings.scored_finals(2025)
        assert sorted(frozen.values()) == [D(20), D(30)]
    assert _bases_2026(store, two_years["张三"]) == {D("6.00")}
    assert check_store(store).ok


def test_next_years_base_starts_from_the_frozen_total_and_check_names_the_difference(store, admin, two_years, tmp_path, db_path):
    _report(store, admin, tmp_path)
    _freeze_as(db_path, two_years["张三"], D(50))
    assert _bases_2026(store, two_years["张三"]) == {D("10.00")}  # 20% of the frozen 50, not of the ledger's 30
    report = check_store(store)
    assert report.problems == [
        "2025年已上报的星级评定冻结的年度积分与台账不符：张三冻结为 50 分，台账现在算得 30 分（共 1 人不符）。"
        "下一年的基础分按冻结的分数结转；若台账确需更正，请在“星级评定”中重新打开2025年的评定，重新测评后再上报。"
    ]


def test_a_reopened_year_is_scored_from_the_ledger_again(store, admin, two_years, tmp_path, db_path):
    _report(store, admin, tmp_path)
    _freeze_as(db_path, two_years["张三"], D(50))
    rating.reopen(store, admin, 2025, "补记一条", date(2026, 1, 15), today=LATER)
    assert _bases_2026(store, two_years["张三"]) == {D("6.00")}
    assert check_store(store).ok  # an open round's totals are a draft: nothing to compare


def test_a_reported_year_is_not_scored_again_for_the_next_years_ranking(store, admin, two_years, tmp_path, monkeypatch):
    _report(store, admin, tmp_path)
    years_summed = []
    summed = Standings._sums
    monkeypatch.setattr(Standings, "_sums", lambda self, year, *rest: years_summed.append(year) or summed(self, year, *rest))
    ranking = totals.branch_ranking(store, 2026)
    assert years_summed == [2026]
    assert {row.name: row.year_to_date for row in ranking.rows} == {"张三": D("6.00"), "李四": D("4.00")}


def test_a_member_added_after_the_report_is_scored_from_the_ledger(store, admin, two_years, tmp_path):
    _report(store, admin, tmp_path)
    rating.reopen(store, admin, 2025, "补录一名党员", date(2026, 1, 15), today=LATER)
    wang = add(store, admin, "王五")
    rating.assess(store, admin, 2025, date(2026, 1, 16), today=LATER)
    rating.publicise(store, admin, 2025, date(2026, 1, 16), days=1, today=LATER)
    rating_exchange.report_to_township(store, admin, 2025, date(2026, 1, 18), tmp_path / "again.jfrating", today=LATER)
    assert totals.member_year(store, wang, 2026).base_start == D("4.00")  # 20% of 2025's base of 20
    assert check_store(store).ok


def test_a_member_added_after_the_report_with_an_old_date_of_joining_is_scored_and_not_named(store, admin, two_years, tmp_path):
    _report(store, admin, tmp_path)
    wang = add(store, admin, "王五")  # joined in 2000: on the 2025 roster, though not on the reported list
    assert _bases_2026(store, wang) == {D("4.00")}  # 20% of his 2025 base of 20, from the ledger
    assert _bases_2026(store, two_years["张三"]) == {D("6.00")}
    assert check_store(store).ok


def test_a_member_transferred_out_and_back_keeps_his_reported_total(store, admin, two_years, tmp_path):
    from app.services.roster import members

    li = two_years["李四"]
    _report(store, admin, tmp_path)  # frozen at 20
    members.transfer_out(store, admin, li, date(2026, 1, 20), "外村", today=LATER)
    members.transfer_in(store, admin, li, date(2026, 2, 1), "外村", today=LATER)  # in the branch since 2026 now
    assert _bases_2026(store, li) == {D("4.00")}  # 20% of the reported 20
    assert check_store(store).ok  # the ledger does not score him in 2025 any more: nothing contradicts the report


def test_a_member_transferred_out_before_the_round_and_back_starts_anew(store, admin, two_years, tmp_path):
    """Gone in May, he is not in the 2025 round (rated.py), so nothing of 2025 is frozen for him; back
    in 2026 his time in the branch starts then, as a newcomer's does: the rule set's base of 20."""
    from app.services.roster import members

    li = two_years["李四"]
    members.transfer_out(store, admin, li, date(2025, 5, 1), "外村", today=LATER)
    _report(store, admin, tmp_path)
    members.transfer_in(store, admin, li, date(2026, 2, 1), "外村", today=LATER)
    assert _bases_2026(store, li) == {D("20.00")}
    assert check_store(store).ok


def test_a_member_moved_to_another_branch_after_the_report_is_scored_there_in_every_ranking(tmp_path):
    """In a county's file (moved by hand: no service moves a member between branches): his frozen
    total belongs to the round of the branch he left, so neither the county's ranking nor his new
    branch's own ranking starts from it."""
    from tests.benchmarks.bench_county import build_county

    path = tmp_path / "county.db"
    build_county(path, members=40, branches=2, entries=40 * 28 * 2)  # 2025 (reported) and 2026
    with sqlite3.connect(path) as raw:
        first, second = (row[0] for row in raw.execute("SELECT DISTINCT branch_id FROM rating_rounds ORDER BY branch_id"))
        moved = raw.execute(
            "SELECT c.member_id FROM rating_candidates c JOIN rating_rounds r ON r.id = c.round_id "
            "WHERE r.branch_id = ? ORDER BY c.final_total DESC LIMIT 1", (first,),
        ).fetchone()[0]
        raw.execute("UPDATE members SET branch_id = ? WHERE id = ?", (second, moved))
    first, second, moved = (uuid.UUID(value) for value in (first, second, moved))
    with Store.open_file(path) as store:
        across = totals.ranking_across(store, {first: "", second: ""}, 2026).row_for(moved)
        alone = totals.branch_ranking(store, 2026, branch_id=second).row_for(moved)
        assert across.year_to_date == alone.year_to_date
        with read_session(store) as session:  # (the rest of `check` rightly names his entries under the other branch's rules)
            assert round_problems(session) == []
