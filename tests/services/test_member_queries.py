"""The roster as the window queries it: search, filters, order and pages in SQL, points per member."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.enums import MemberClass, MemberStatus, Membership
from app.domain.periods import Month
from app.services.ledger import entries as ledger
from app.services.roster import queries as member_queries
from app.services.roster import members
from app.services.totals import ranking as totals
from app.services.ledger.entries import EntryRequest
from app.services.roster.queries import RosterQuery
from conftest import TODAY, add

NOVEMBER = Month(2026, 11)


def _names(page):
    return [row.name for row in page.rows]


def test_search_matches_the_python_search_of_the_members_service(store, admin, branch):
    for name in ("张三", "张珊珊", "曾军海", "赵四", "李䶮", "王小明"):
        add(store, admin, name)
    for text in ("", "zs", "ZS", "zhang", "san", "zjh", "zeng", "张", "小", "䶮", "x", "q%", "_"):
        expected = [row.name for row in members.list_members(store, members.MemberFilter(query=text))]
        page = member_queries.roster_page(store, RosterQuery(text=text), NOVEMBER)
        assert _names(page) == expected, text
        assert page.total == len(expected) and not page.has_more


def test_filters_order_and_pages(store, admin, branch):
    first, second = branch.groups
    add(store, admin, "王五", group_id=first.id)
    add(store, admin, "艾一", MemberClass.CADRE, group_id=second.id)
    add(store, admin, "钱二", membership=Membership.PROBATIONARY, join_date=date(2025, 7, 1))
    gone = add(store, admin, "孙六")
    members.transfer_out(store, admin, gone, date(2026, 5, 1), "外县", today=TODAY)

    assert _names(member_queries.roster_page(store, RosterQuery(), NOVEMBER)) == ["艾一", "钱二", "王五"]
    assert _names(member_queries.roster_page(store, RosterQuery(group_id=first.id), NOVEMBER)) == ["王五"]
    assert _names(member_queries.roster_page(store, RosterQuery(member_class=MemberClass.CADRE), NOVEMBER)) == ["艾一"]
    everyone = RosterQuery(statuses=())
    assert _names(member_queries.roster_page(store, everyone, NOVEMBER)) == ["艾一", "钱二", "孙六", "王五"]
    left = member_queries.roster_page(store, RosterQuery(statuses=(MemberStatus.TRANSFERRED_OUT,)), NOVEMBER)
    assert left.rows[0].flags == ("已转出2026-05-01",)
    by_join = RosterQuery(sort="join_date", descending=True)
    assert _names(member_queries.roster_page(store, by_join, NOVEMBER))[0] == "钱二"
    pages = [member_queries.roster_page(store, everyone, NOVEMBER, offset=o, limit=2) for o in (0, 2, 4)]
    assert [_names(p) for p in pages] == [["艾一", "钱二"], ["孙六", "王五"], []]
    assert [(p.total, p.has_more) for p in pages] == [(None, True), (4, False), (4, False)]
    assert member_queries.roster_page(store, everyone, NOVEMBER, limit=2, with_total=True).total == 4
    assert member_queries.count_roster(store, everyone) == 4


def test_points_of_the_month_and_year_count_approved_entries_and_reversals(store, admin, village_year):
    worker = add(store, admin, "张三")
    idle = add(store, admin, "李四")
    ledger.record_entry(store, admin, EntryRequest(worker, "R02", date(2026, 11, 5), points=Decimal(3)), approve=True, today=TODAY)
    ledger.record_entry(store, admin, EntryRequest(worker, "R02", date(2026, 10, 5), points=Decimal(4)), approve=True, today=TODAY)
    ledger.record_entry(store, admin, EntryRequest(worker, "J03", date(2026, 11, 6)), today=TODAY)  # pending: not counted
    wrong = ledger.record_entry(store, admin, EntryRequest(worker, "J01", date(2026, 11, 7)), approve=True, today=TODAY)
    ledger.reverse_entry(store, admin, wrong.created[0], "误录")

    rows = {row.name: row for row in member_queries.roster_page(store, RosterQuery(), NOVEMBER).rows}
    # 本年得分 is the year to date with the base, as the month ranking's 年度累计: 20 + 4 + 3 = 27.
    assert (rows["张三"].month_points, rows["张三"].year_points) == (Decimal("3.00"), Decimal("27.00"))
    assert (rows["李四"].month_points, rows["李四"].year_points) == (Decimal("0"), Decimal("20.00"))
    assert not rows["张三"].vetoed
    ranking = totals.branch_ranking(store, 2026, month=11)
    assert (ranking.row_for(worker).period_points, ranking.row_for(worker).year_to_date) == (Decimal("3.00"), Decimal("27.00"))
    ranked = member_queries.roster_page(store, RosterQuery(sort="year_points", descending=True), NOVEMBER)
    assert _names(ranked) == ["张三", "李四"]
    assert idle in {row.id for row in ranked.rows}


def test_a_veto_is_flagged_until_it_is_reversed(store, admin, village_year):
    member = add(store, admin, "张三")
    veto = ledger.record_entry(store, admin, EntryRequest(member, "V04", date(2026, 3, 1)), approve=True, today=TODAY)
    assert "一票否决" in member_queries.roster_page(store, RosterQuery(), NOVEMBER).rows[0].flags
    ledger.reverse_entry(store, admin, veto.created[0], "复核后撤销")
    assert "一票否决" not in member_queries.roster_page(store, RosterQuery(), NOVEMBER).rows[0].flags


def test_find_members_for_pickers(store, admin, branch):
    add(store, admin, "张三", group_id=branch.groups[0].id)
    add(store, admin, "张珊", MemberClass.RETIRED)
    choices = member_queries.find_members(store, "zs")
    assert [c.label for c in choices] == ["张三（第一党小组，无职党员）", "张珊（离退休党员）"]
    assert [c.name for c in member_queries.find_members(store, "", group_id=branch.groups[0].id)] == ["张三"]


def test_the_edit_form_gets_every_field_including_the_full_member_date(store, admin, branch):
    member_id = add(store, admin, "张三", full_member_date=date(2001, 7, 1), phone="13800138000", post_title="宣传岗")
    data = member_queries.member_input_for(store, member_id, admin)
    assert data.full_member_date == date(2001, 7, 1)
    assert (data.phone, data.post_title, data.id_number) == ("13800138000", "宣传岗", "")
    members.update_member(store, admin, member_id, data, today=TODAY)
    assert member_queries.member_input_for(store, member_id, admin).full_member_date == date(2001, 7, 1)
