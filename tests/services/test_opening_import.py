"""Opening points brought in from a register: what counts as a month already brought in, and a
sheet's cost growing with its lines alone (app/services/ledger/opening.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.errors import ImportRejected
from app.services.ledger import entries, opening
from app.services.ledger.queries import EntryFilter, list_entries
from conftest import TODAY, add, statements_sent
from db.models import PointsEntry
from tests.services import roster_layouts as layouts


def _register(path, rows, months=(1, 2, 3)):
    """A wide register: one row a member, one column a month."""
    layouts._book([["2026年积分登记表"], ["姓名", *(f"{month}月" for month in months)], *rows]).save(path)
    return path


def _opening_rows(store, member_id):
    return [row for row in list_entries(store, EntryFilter(member_id=member_id, year=2026)) if opening.is_opening(row.note)]


def test_a_reversed_month_can_be_brought_in_again_and_then_not_twice(store, admin, branch, village_year, tmp_path):
    zhang = add(store, admin, "张三")
    opening.import_opening(store, admin, _register(tmp_path / "a.xlsx", [["张三", 5, 6, 7]]), 2026, today=TODAY)
    march = next(row for row in _opening_rows(store, zhang) if row.occurred_on.month == 3)
    entries.reverse_entry(store, admin, march.id, "三月的分登记错了", today=TODAY)
    again = _register(tmp_path / "b.xlsx", [["张三", 8]], months=(3,))
    assert len(opening.import_opening(store, admin, again, 2026, today=TODAY).created) == 1
    with pytest.raises(ImportRejected, match="2026年3月：这个月的积分已经导入过了"):
        opening.import_opening(store, admin, again, 2026, today=TODAY)
    with pytest.raises(ImportRejected, match="2026年1月：这个月的积分已经导入过了"):
        opening.import_opening(store, admin, _register(tmp_path / "c.xlsx", [["张三", 1]], months=(1,)), 2026, today=TODAY)
    standing = [row.points for row in _opening_rows(store, zhang) if row.occurred_on.month == 3 and row.points > 0]
    assert sorted(standing) == [Decimal(7), Decimal(8)]  # the reversed 7 stays in the ledger beside the 8


def test_ordinary_or_rejected_points_in_a_month_do_not_stop_its_opening_points(store, admin, branch, village_year, tmp_path):
    zhang = add(store, admin, "张三")
    entries.record_entry(store, admin, entries.EntryRequest(zhang, "B01", TODAY.replace(month=1, day=10)), approve=True, today=TODAY)
    typed = entries.EntryRequest(zhang, opening.EARNED_CODE, TODAY.replace(month=1, day=31), points=Decimal(3), note="期初导入：手工补录")
    opening.import_opening(store, admin, _register(tmp_path / "feb.xlsx", [["张三", 4]], months=(2,)), 2026, today=TODAY)  # adds the items
    pending = entries.record_entry(store, admin, typed, today=TODAY).created
    entries.review_entries(store, admin, pending, approve=False, note="不是期初")
    change = opening.import_opening(store, admin, _register(tmp_path / "jan.xlsx", [["张三", 5]], months=(1,)), 2026, today=TODAY)
    assert len(change.created) == 1


def test_months_since_the_branch_began_keeping_points_here_are_refused(store, admin, branch, village_year, tmp_path, monkeypatch):
    """Points typed in from May on are in the ledger: a register of January to October would count
    May to October twice. A backdated entry (typed in May for March) leaves March open."""
    from datetime import datetime, timezone

    import db.types

    class _May(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 5, 12, 9, 30, tzinfo=timezone.utc)

    zhang = add(store, admin, "张三")
    monkeypatch.setattr(db.types, "datetime", _May)  # the entries below are made on 12 May
    for day in (TODAY.replace(month=3, day=20), TODAY.replace(month=5, day=11)):
        entries.record_entry(store, admin, entries.EntryRequest(zhang, "B01", day), approve=True, today=TODAY)
    monkeypatch.undo()
    with store.session() as session:
        before = session.scalars(select(PointsEntry.id)).all()
    register = _register(tmp_path / "year.xlsx", [["张三", *range(1, 11)]], months=range(1, 11))
    with pytest.raises(ImportRejected) as caught:
        opening.import_opening(store, admin, register, 2026, today=TODAY)
    refused = [str(problem) for problem in caught.value.problems]
    assert len(refused) == 6 and all("本支部从2026年5月起已经在程序里记分" in text for text in refused)
    assert [text for text in refused if "2026年5月：" in text] and not [text for text in refused if "2026年4月：" in text]
    with store.session() as session:
        assert session.scalars(select(PointsEntry.id)).all() == before
    change = opening.import_opening(store, admin, _register(tmp_path / "early.xlsx", [["张三", 1, 2, 3, 4]], months=(1, 2, 3, 4)), 2026, today=TODAY)
    assert len(change.created) == 4


def test_a_month_still_to_come_is_refused(store, admin, branch, village_year, tmp_path):
    add(store, admin, "张三")
    with pytest.raises(ImportRejected) as caught:
        opening.import_opening(store, admin, _register(tmp_path / "a.xlsx", [["张三", 5, 6]], months=(11, 12)), 2026, today=TODAY)
    assert [str(problem) for problem in caught.value.problems] == [str(caught.value.problems[0])]
    assert "2026年12月：这个月还没有到，不能作为期初积分导入。" in str(caught.value.problems[0])
    with store.session() as session:
        assert session.scalars(select(PointsEntry.id)).all() == []


def test_the_same_month_twice_in_one_sheet_refuses_the_sheet(store, admin, branch, village_year, tmp_path):
    add(store, admin, "张三")
    path = tmp_path / "long.xlsx"
    layouts._book([["姓名", "月份", "分值"], ["张三", 1, 5], ["张三", 2, 6], ["张三", 1, 6]]).save(path)
    with pytest.raises(ImportRejected) as caught:
        opening.import_opening(store, admin, path, 2026, today=TODAY)
    assert [problem.row for problem in caught.value.problems] == [4]
    assert str(caught.value.problems[0]) == (
        "第 4 行（张三）：2026年1月：表中第 2 行和第 4 行是同一名党员，这个月的积分列了两次；请合并成一行或删去一行。"
    )
    with store.session() as session:
        assert session.scalars(select(PointsEntry.id)).all() == []


def test_a_member_listed_twice_in_a_register_is_told_as_listed_twice_not_as_imported_before(store, admin, branch, village_year, tmp_path):
    """Nothing had been imported: "已经导入过了" sent the clerk looking for an earlier import."""
    add(store, admin, "张三")
    add(store, admin, "李四")
    path = _register(tmp_path / "twice.xlsx", [["张三", 5, 6], ["李四", 4, 4], ["张三", 5, 6]], months=(1, 2))
    with pytest.raises(ImportRejected) as caught:
        opening.import_opening(store, admin, path, 2026, today=TODAY)
    assert [str(problem) for problem in caught.value.problems] == [
        f"第 5 行（张三）：2026年{month}月：表中第 3 行和第 5 行是同一名党员，这个月的积分列了两次；请合并成一行或删去一行。"
        for month in (1, 2)
    ]
    assert "已经导入过了" not in caught.value.message
    with store.session() as session:
        assert session.scalars(select(PointsEntry.id)).all() == []


def _ledger_reads(store, admin, path) -> int:
    """How many statements the import sends that read the ledger (points_entries)."""
    return len(statements_sent(store, lambda: opening.import_opening(store, admin, path, 2026, today=TODAY), reading="points_entries"))


def test_the_ledger_is_read_as_often_for_a_long_sheet_as_for_a_short_one(store, admin, branch, village_year, tmp_path, monkeypatch):
    """A query a line read the member's month of the ledger again for every line, and without
    planner statistics walked every entry of the file each time: 30,000 lines took 299 s."""
    names = [f"党员{chr(0x4E00 + number)}" for number in range(24)]
    for name in names:
        add(store, admin, name)
    months = tuple(range(1, 11))
    short = _register(tmp_path / "short.xlsx", [[name, *([5] * 10)] for name in names[:4]], months)
    long = _register(tmp_path / "long.xlsx", [[name, *([5] * 10)] for name in names[4:]], months)
    monkeypatch.setattr(opening, "WRITTEN_AT_ONCE", 1000)  # one write at the end of each sheet
    assert _ledger_reads(store, admin, short) == _ledger_reads(store, admin, long)
    with store.session() as session:
        assert len(session.scalars(select(PointsEntry.id)).all()) == 24 * 10


def test_a_long_sheet_written_a_few_lines_at_a_time_is_the_same(store, admin, branch, village_year, tmp_path, monkeypatch):
    names = [f"党员{chr(0x4E00 + number)}" for number in range(6)]
    people = {name: add(store, admin, name) for name in names}
    monkeypatch.setattr(opening, "WRITTEN_AT_ONCE", 7)
    rows = [[name, *range(1, 11)] for name in names]
    change = opening.import_opening(store, admin, _register(tmp_path / "a.xlsx", rows, tuple(range(1, 11))), 2026, today=TODAY)
    assert len(change.created) == 60
    assert all(sum(row.points for row in _opening_rows(store, member)) == Decimal(55) for member in people.values())
    with pytest.raises(ImportRejected, match="已经导入过了"):
        opening.import_opening(store, admin, _register(tmp_path / "b.xlsx", rows[-1:], tuple(range(1, 11))), 2026, today=TODAY)


def test_the_month_a_member_died_or_left_brings_in_the_points_he_earned_before(store, admin, branch, village_year, tmp_path):
    """A register's March is the whole month; a member who died on 20 March earned his March
    points before then. Dated the month's last day, they were refused as points after his death,
    and the clerk could bring the register in only without his March."""
    from datetime import date

    from app.services.roster import members

    zheng = add(store, admin, "郑翠兰")
    liu = add(store, admin, "刘志强")
    members.mark_deceased(store, admin, zheng, date(2026, 3, 20), today=TODAY)
    members.transfer_out(store, admin, liu, date(2026, 2, 1), "西岭村党支部", today=TODAY)
    register = _register(tmp_path / "a.xlsx", [["郑翠兰", 6, 4, 5]])
    opening.import_opening(store, admin, register, 2026, today=TODAY)
    assert [(row.occurred_on, row.points) for row in sorted(_opening_rows(store, zheng), key=lambda r: r.occurred_on)] == [
        (date(2026, 1, 31), Decimal(6)), (date(2026, 2, 28), Decimal(4)), (date(2026, 3, 19), Decimal(5)),
    ]
    # gone on the first of February: February is not his, and the sentence says why
    with pytest.raises(ImportRejected, match="2026年2月：刘志强已于2026年2月1日转出"):
        opening.import_opening(store, admin, _register(tmp_path / "b.xlsx", [["刘志强", 6, 4]], months=(1, 2)), 2026, today=TODAY)
    assert _opening_rows(store, liu) == []


def test_month_titles_as_excel_dates_or_written_2026_01_are_months(store, admin, branch, village_year, tmp_path):
    """A register typed “2026-1” over a column (Excel makes it a date) or wrote 2026.01: the column
    was not taken for a month, and its points were left out without a word."""
    from datetime import date, datetime

    zhang = add(store, admin, "张三")
    path = tmp_path / "titles.xlsx"
    layouts._book([["姓名", datetime(2026, 1, 1), "2026.02", "2026-3", "2026/04月", 2026.1, "5月"], ["张三", 6, 5, 4, 3, 9, 2]]).save(path)
    assert opening.month_of_title(date(2025, 1, 1), 2026) is None and opening.month_of_title("2025.01", 2026) is None
    opening.import_opening(store, admin, path, 2026, today=TODAY)
    assert sorted((row.occurred_on.month, row.points) for row in _opening_rows(store, zhang)) == [
        (1, Decimal(6)), (2, Decimal(5)), (3, Decimal(4)), (4, Decimal(3)), (5, Decimal(2)),
    ]  # the number 2026.1 is no month: Excel keeps a typed 2026.10 as 2026.1


def test_months_brought_in_count_towards_the_years_category_cap(store, admin, branch, village_year, tmp_path):
    """The village template gives 任务分 at most 70 a year (6 a month, 72 for twelve). A register of
    six points a month for January to August (48) and then 6 a month typed in made 72 任务分 and a
    year of 92: the months brought in were outside the cap, so the cap never saw them. They are not
    cut (the branch scored them already), but later points are held to what the year has left."""
    from datetime import date

    from app.domain.errors import CapExceeded
    from app.services.totals.ranking import member_year

    year_end = date(2026, 12, 31)
    wang = add(store, admin, "王建国")
    opening.import_opening(store, admin, _register(tmp_path / "a.xlsx", [["王建国", *[6] * 8]], months=range(1, 9)), 2026, today=year_end)
    for month in (9, 10, 11):
        for code, chosen in (("R01", None), ("R02", Decimal(4))):
            entries.record_entry(store, admin, entries.EntryRequest(wang, code, date(2026, month, 28), points=chosen), approve=True, today=year_end)
    entries.record_entry(store, admin, entries.EntryRequest(wang, "R01", date(2026, 12, 10)), approve=True, today=year_end)
    with pytest.raises(CapExceeded, match="已记 68 分，本次最多还能记 2 分") as refused:
        entries.record_entry(store, admin, entries.EntryRequest(wang, "R02", date(2026, 12, 28), points=Decimal(4)), approve=True, today=year_end)
    assert refused.value.allowed == Decimal(2)
    entries.record_entry(store, admin, entries.EntryRequest(wang, "R02", date(2026, 12, 28), points=Decimal(2)), approve=True, today=year_end)
    assert member_year(store, wang, 2026).final_total == Decimal(90)  # base 20 + 任务分 70, as the template states
