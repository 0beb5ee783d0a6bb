"""Recording, reviewing and reversing points on a real SQLite file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.enums import Attendance, EntryStatus, MeetingKind, MemberClass, Role
from app.domain.errors import CapExceeded, ConflictError, PermissionDenied, RuleViolation, ValidationError
from app.services.ledger import entries as ledger
from app.services.roster import members
from app.services.accounts import operators
from app.services.totals import ranking as totals
from app.domain.errors import BatchRejected
from app.domain.periods import Month
from app.services.ledger.entries import EntryRequest
from app.services.ledger.queries import EntryFilter, list_entries
from conftest import TODAY, add, query_plan, statements_sent
from db.models import AttendanceRecord, AuditRecord, Meeting, PointsEntry

D = Decimal


def _counts(store):
    with store.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (PointsEntry, AuditRecord, Meeting, AttendanceRecord)
        )


@pytest.fixture
def zhang(store, admin, village_year):
    return add(store, admin, "张三")


def test_one_entry_is_pending_until_reviewed(store, admin, zhang):
    change = ledger.record_entry(store, admin, EntryRequest(zhang, "B01", date(2026, 4, 2), quantity=D("2.5"), note="清扫"), today=TODAY)
    [row] = list_entries(store)
    assert (row.id, row.points, row.status, row.entered_by) == (change.created[0], D("2.50"), EntryStatus.PENDING, "管理员")
    assert totals.member_year(store, zhang, 2026).points_total == D("20.00")
    ledger.review_entries(store, admin, [row.id], approve=True)
    assert totals.member_year(store, zhang, 2026).points_total == D("22.50")


@pytest.mark.parametrize(
    "request_args, error, words",
    [
        (dict(item_code="X99", occurred_on=date(2026, 4, 2)), ValidationError, "X99"),
        (dict(item_code="B01", occurred_on=date(2026, 4, 2), quantity=D("-1")), ValidationError, "大于 0"),
        (dict(item_code="B01", occurred_on=date(2026, 12, 2)), RuleViolation, "还没到"),
        (dict(item_code="B01", occurred_on=date(2025, 12, 2)), RuleViolation, "2025"),
        (dict(item_code="R02", occurred_on=date(2026, 4, 2), points=D("9")), RuleViolation, "1 至 4"),
        (dict(item_code="R02", occurred_on=date(2026, 4, 2)), ValidationError, "选定分值"),
        (dict(item_code="B01", occurred_on=date(2026, 4, 2), quantity=D("7")), CapExceeded, "最多还能记 6 分"),
    ],
)
def test_bad_entries_get_a_clear_error_and_change_nothing(store, admin, zhang, request_args, error, words):
    before = _counts(store)
    with pytest.raises(error) as caught:
        ledger.record_entry(store, admin, EntryRequest(zhang, **request_args), today=TODAY)
    assert words in caught.value.message
    assert _counts(store) == before


def test_cap_counts_pending_entries_and_says_what_is_left(store, admin, zhang):
    ledger.record_entry(store, admin, EntryRequest(zhang, "B01", date(2026, 3, 1), quantity=D(4)), today=TODAY)
    with pytest.raises(CapExceeded) as caught:
        ledger.record_entry(store, admin, EntryRequest(zhang, "B01", date(2026, 9, 1), quantity=D(3)), today=TODAY)
    assert caught.value.allowed == D("2.00")
    assert "2 分（2 小时）" in caught.value.message
    preview = ledger.preview_entry(store, EntryRequest(zhang, "B01", date(2026, 9, 1), quantity=D(1)), today=TODAY)
    assert (preview.points, preview.remaining_cap) == (D("1.00"), D("2.00"))


def test_batch_is_all_or_nothing_and_lists_every_bad_line(store, admin, zhang):
    li = add(store, admin, "李四")
    requests = [
        EntryRequest(zhang, "R02", date(2026, 5, 31), points=D(3)),
        EntryRequest(li, "R02", date(2026, 5, 31), points=D(5)),
        EntryRequest(zhang, "R02", date(2026, 5, 30), points=D(3)),
    ]
    before = _counts(store)
    with pytest.raises(BatchRejected) as caught:
        ledger.record_batch(store, admin, requests, today=TODAY)
    assert [e.index for e in caught.value.errors] == [1, 2]
    assert "李四" in caught.value.details and "每月最多 4 分" in caught.value.details
    assert _counts(store) == before
    change = ledger.record_batch(store, admin, requests[:1] + [EntryRequest(li, "R02", date(2026, 5, 31), points=D(4))], approve=True, today=TODAY)
    assert len(change.created) == 2


def test_meeting_with_mixed_attendance(store, admin, zhang):
    li = add(store, admin, "李四")
    wang = add(store, admin, "王五", member_class=MemberClass.EXEMPT_FRAIL)
    zhao = add(store, admin, "赵六")
    result = ledger.record_meeting(
        store, admin, MeetingKind.BRANCH_ASSEMBLY, "第二季度党员大会", date(2026, 4, 10),
        {zhang: Attendance.PRESENT, li: Attendance.ABSENT, wang: Attendance.ABSENT, zhao: Attendance.LATE},
        approve=True, today=TODAY,
    )
    assert result.excused == ["王五"]
    # present earns R01 (+2, 按时参加当月组织生活), absent J01 −2, late J02 −0.5, exempt 王五 nothing
    by_member = {row.member_name: (row.item_code, row.points) for row in list_entries(store)}
    assert by_member == {"张三": ("R01", D("2.00")), "李四": ("J01", D("-2.00")), "赵六": ("J02", D("-0.50"))}
    ranking = totals.branch_ranking(store, 2026, month=4)
    assert {r.name: r.period_points for r in ranking.rows} == {"张三": D("2"), "王五": 0, "李四": D("-2"), "赵六": D("-0.5")}
    with store.session() as session:
        statuses = {a.status for a in session.scalars(select(AttendanceRecord))}
    assert statuses == {Attendance.PRESENT, Attendance.ABSENT, Attendance.LATE}


def test_meeting_with_a_member_not_yet_in_the_branch_saves_nothing(store, admin, zhang):
    newcomer = add(store, admin, "钱八", join_date=date(2026, 6, 1))
    before = _counts(store)
    with pytest.raises(BatchRejected, match="钱八"):
        ledger.record_meeting(store, admin, MeetingKind.THEME_DAY, "", date(2026, 5, 5),
                              {zhang: Attendance.ABSENT, newcomer: Attendance.ABSENT}, today=TODAY)
    assert _counts(store) == before


def test_reject_needs_a_reason_and_rejected_entries_do_not_count(store, admin, zhang):
    entry = ledger.record_entry(store, admin, EntryRequest(zhang, "B02", date(2026, 3, 1)), today=TODAY).created[0]
    with pytest.raises(ValidationError, match="理由"):
        ledger.review_entries(store, admin, [entry], approve=False)
    ledger.review_entries(store, admin, [entry], approve=False, note="无证明材料")
    with pytest.raises(ConflictError):
        ledger.review_entries(store, admin, [entry], approve=True)
    assert totals.member_year(store, zhang, 2026).points_total == D("20.00")


def test_reversal_nets_to_zero_and_names_what_it_reverses(store, admin, zhang):
    entry = ledger.record_entry(store, admin, EntryRequest(zhang, "R02", date(2026, 3, 31), points=D(4)), approve=True, today=TODAY).created[0]
    assert totals.member_year(store, zhang, 2026).points_total == D("24.00")
    with pytest.raises(ValidationError, match="原因"):
        ledger.reverse_entry(store, admin, entry, "  ")
    reversal = ledger.reverse_entry(store, admin, entry, "重复录入").created[0]
    rows = {row.id: row for row in list_entries(store)}
    assert rows[reversal].reverses_id == entry and rows[reversal].points == D("-4.00")
    assert rows[entry].reversed_by_id == reversal
    assert "重复录入" in rows[reversal].note
    assert totals.member_year(store, zhang, 2026).points_total == D("20.00")
    with pytest.raises(ConflictError, match="已经冲正"):
        ledger.reverse_entry(store, admin, entry, "再来一次")
    with pytest.raises(ConflictError, match="本身就是冲正"):
        ledger.reverse_entry(store, admin, reversal, "反冲")
    # The cap freed by the reversal can be used again.
    ledger.record_entry(store, admin, EntryRequest(zhang, "R02", date(2026, 3, 31), points=D(3)), today=TODAY)


def test_pending_entries_are_rejected_not_reversed(store, admin, zhang):
    entry = ledger.record_entry(store, admin, EntryRequest(zhang, "B02", date(2026, 3, 1)), today=TODAY).created[0]
    with pytest.raises(ConflictError, match="驳回"):
        ledger.reverse_entry(store, admin, entry, "错了")


def test_roles(store, admin, zhang):
    clerk = operators.add_operator(store, admin, "clerk1", "录入员小王", Role.CLERK)
    viewer = operators.add_operator(store, admin, "viewer1", "查看员", Role.VIEWER)
    entry = ledger.record_entry(store, clerk, EntryRequest(zhang, "B02", date(2026, 3, 1)), today=TODAY).created[0]
    with pytest.raises(PermissionDenied):
        ledger.review_entries(store, clerk, [entry], approve=True)
    with pytest.raises(PermissionDenied):
        ledger.record_entry(store, clerk, EntryRequest(zhang, "B02", date(2026, 3, 2)), approve=True, today=TODAY)
    with pytest.raises(PermissionDenied):
        ledger.record_entry(store, viewer, EntryRequest(zhang, "B02", date(2026, 3, 2)), today=TODAY)
    [row] = list_entries(store)
    assert row.entered_by == "录入员小王"


def test_no_points_after_transfer_out(store, admin, zhang):
    members.transfer_out(store, admin, zhang, date(2026, 6, 30), "外县", today=TODAY)
    ledger.record_entry(store, admin, EntryRequest(zhang, "B02", date(2026, 6, 29)), today=TODAY)
    with pytest.raises(RuleViolation, match="已于2026年6月30日转出，"):
        ledger.record_entry(store, admin, EntryRequest(zhang, "B02", date(2026, 7, 1)), today=TODAY)


def test_entry_filters(store, admin, zhang):
    li = add(store, admin, "李四")
    ledger.record_entry(store, admin, EntryRequest(zhang, "B02", date(2026, 3, 1)), today=TODAY)
    ledger.record_entry(store, admin, EntryRequest(li, "B03", date(2026, 4, 1)), approve=True, today=TODAY)
    from app.domain.periods import Month

    assert [r.member_name for r in list_entries(store, EntryFilter(member_id=li))] == ["李四"]
    assert [r.item_code for r in list_entries(store, EntryFilter(month=Month(2026, 3)))] == ["B02"]
    assert [r.item_code for r in list_entries(store, EntryFilter(status=EntryStatus.APPROVED))] == ["B03"]
    assert [r.item_code for r in list_entries(store, EntryFilter(item_code="B03"))] == ["B03"]




def _statements(store, work) -> int:
    """How many SQL statements `work()` sends."""
    return len(statements_sent(store, work))


def _statements_reviewing(store, admin, entry_ids) -> int:
    return _statements(store, lambda: ledger.review_entries(store, admin, entry_ids, approve=True))


def test_a_batch_or_a_meeting_of_many_members_costs_no_more_statements_than_of_a_few(store, admin, zhang):
    """A 2,000-member branch's batch took 6-8 s and its meeting 5-7 s: two queries a member
    (who he is, what he has counted) and a write of each entry before the next line."""
    people = [zhang] + [add(store, admin, f"党员{n}") for n in range(29)]

    def batch(members, day):
        return lambda: ledger.record_batch(store, admin, [EntryRequest(m, "B02", date(2026, 3, day)) for m in members], today=TODAY)

    def meeting(members, day):
        attendance = {m: Attendance.PRESENT for m in members}
        return lambda: ledger.record_meeting(store, admin, MeetingKind.BRANCH_ASSEMBLY, "支部党员大会", date(2026, 4, day), attendance,
                                             today=TODAY)

    assert _statements(store, batch(people[3:], 2)) == _statements(store, batch(people[:3], 3))
    assert _statements(store, meeting(people[3:], 2)) == _statements(store, meeting(people[:3], 3))
    listed = list_entries(store, EntryFilter(year=2026))
    assert len([row for row in listed if row.occurred_on.month == 3]) == 30 and len([r for r in listed if r.meeting_id]) == 30


def test_reviewing_many_entries_costs_no_more_statements_than_reviewing_a_few(store, admin, zhang):
    """A meeting's 2,000 entries took 11 s to approve: each was read, checked and written on its own
    (the session wrote the one before at every read). Now they are read together and written once."""
    people = [zhang] + [add(store, admin, f"党员{n}") for n in range(29)]
    created = ledger.record_batch(store, admin, [EntryRequest(member, "B02", date(2026, 3, 1)) for member in people], today=TODAY).created
    few, many = created[:3], created[3:]
    assert _statements_reviewing(store, admin, many) == _statements_reviewing(store, admin, few)
    assert {row.status for row in list_entries(store, EntryFilter(month=Month(2026, 3)))} == {EntryStatus.APPROVED}
    assert totals.branch_ranking(store, 2026, month=3).rows[0].period_points > 0

# SQLite's statistics of a county's file (ANALYZE on the benchmark's county): 66,000 members in
# 300 branches, 5.1 million entries; with them the planner reads a branch's entries of a period
# through the date index, every branch's, unless the query names the branch's members itself
COUNTY_STATISTICS = [
    ("operators", "sqlite_autoindex_operators_1", "1 1"), ("operators", "sqlite_autoindex_operators_2", "1 1"),
    ("org_units", "ix_org_units_parent_id", "303 101"), ("org_units", "sqlite_autoindex_org_units_1", "303 1"),
    ("rule_sets", "sqlite_autoindex_rule_sets_1", "900 1"), ("rule_sets", "sqlite_autoindex_rule_sets_2", "900 3 1"),
    ("rule_items", "ix_rule_items_rule_set_id", "17100 19"), ("rule_items", "sqlite_autoindex_rule_items_1", "17100 1"),
    ("rule_items", "sqlite_autoindex_rule_items_2", "17100 19 1"),
    ("members", "ix_members_branch_id", "66000 220"), ("members", "sqlite_autoindex_members_1", "66000 1"),
    ("members", "ix_members_search", "66000 220 220 1 1 1"), ("members", "ix_members_group_id", "66000 66000"),
    ("members", "ix_members_name_initials", "66000 13"), ("members", "ix_members_name", "66000 2"),
    ("points_entries", "ix_points_entries_occurred_on", "5105790 5210"),
    ("points_entries", "ix_points_entries_member_date", "5105790 78 1"),
    ("points_entries", "ix_points_entries_rule_item_id", "5105790 571"),
    ("points_entries", "sqlite_autoindex_points_entries_1", "5105790 1"),
    ("points_entries", "sqlite_autoindex_points_entries_2", "5105790 2663"),
]


@pytest.mark.parametrize("chosen", [
    EntryFilter(year=2026), EntryFilter(status=EntryStatus.PENDING), EntryFilter(month=Month(2026, 11)),
], ids=["year", "pending", "month"])
def test_a_branch_s_entries_are_read_member_by_member_on_a_county_s_file(store, admin, zhang, chosen):
    """On a county's file the ledger page's year took 12.9 s and its 待审核 tab 8.9 s for one
    branch: SQLite walked every branch's entries by date (or all of them, for a status)."""
    from sqlalchemy import text

    from app.services.ledger.queries import entries_query
    from app.services.organisation import require_branch_id

    with store.session() as session, session.begin():
        session.execute(text("ANALYZE"))
        session.execute(text("DELETE FROM sqlite_stat1"))
        for table, index, figures in COUNTY_STATISTICS:
            session.execute(text("INSERT INTO sqlite_stat1 VALUES (:t, :i, :f)"), {"t": table, "i": index, "f": figures})
    store.engine.dispose()  # statistics are read when a connection opens
    with store.session() as session:
        plan = query_plan(session, entries_query(require_branch_id(store), chosen))
    assert "ix_points_entries_member_date" in plan and "ix_points_entries_occurred_on" not in plan, plan


@pytest.mark.parametrize("chosen", [
    EntryFilter(year=2026), EntryFilter(status=EntryStatus.PENDING), EntryFilter(month=Month(2026, 11)),
], ids=["year", "pending", "month"])
def test_a_branch_s_entries_are_read_member_by_member_without_statistics(store, admin, zhang, chosen):
    """As a file the program made is read: nothing runs ANALYZE, and without statistics SQLite's
    plan does not depend on the file's size, so this small file's plan is a county's."""
    from sqlalchemy import text

    from app.services.ledger.queries import entries_query
    from app.services.organisation import require_branch_id

    with store.session() as session:
        assert not session.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).all()
        plan = query_plan(session, entries_query(require_branch_id(store), chosen))
    assert "ix_points_entries_member_date" in plan and "ix_points_entries_occurred_on" not in plan, plan

# ---- what the clerk is told ----------------------------------------------------------------


def test_a_pending_entry_says_it_counts_only_after_review(store, admin, zhang):
    pending = ledger.record_entry(store, admin, EntryRequest(zhang, "R02", date(2026, 3, 31), points=D(4)), today=TODAY)
    assert pending.summary == "已记 4 分，等待审核，审核通过后才计入积分。"
    approved = ledger.record_entry(store, admin, EntryRequest(zhang, "R02", date(2026, 4, 30), points=D(4)), approve=True, today=TODAY)
    assert approved.summary == "已记 4 分。"
    batch = ledger.record_batch(store, admin, [EntryRequest(zhang, "B02", date(2026, 5, 1))], today=TODAY)
    assert batch.summary == "已批量记分 1 条，等待审核，审核通过后才计入积分。"


def test_a_veto_says_the_year_is_now_zero_and_cannot_be_rated(store, admin, zhang):
    ledger.record_entry(store, admin, EntryRequest(zhang, "R02", date(2026, 3, 31), points=D(4)), approve=True, today=TODAY)
    veto = ledger.record_entry(store, admin, EntryRequest(zhang, "V01", date(2026, 6, 1)), approve=True, today=TODAY)
    assert veto.summary == "已记一票否决项“违法犯罪被追究刑事责任”：张三 2026 年积分为 0 分，不能参加星级评定和评先评优。"
    year = totals.member_year(store, zhang, 2026)
    assert year.vetoed and year.final_total == D("0")
    reversed_ = ledger.reverse_entry(store, admin, veto.created[0], "录错了人")
    assert reversed_.summary == "已冲正张三的一票否决记录，2026 年积分按其余记录重新计算。"
    assert not totals.member_year(store, zhang, 2026).vetoed


def test_a_pending_veto_says_what_happens_when_it_is_approved(store, admin, zhang):
    li = add(store, admin, "李四")
    pending = ledger.record_entry(store, admin, EntryRequest(zhang, "V01", date(2026, 6, 1)), today=TODAY)
    assert pending.summary == (
        "已记一票否决项“违法犯罪被追究刑事责任”，等待审核；审核通过后张三 2026 年积分为 0 分，不能参加星级评定和评先评优。"
    )
    assert not totals.member_year(store, zhang, 2026).vetoed
    other = ledger.record_entry(store, admin, EntryRequest(li, "B02", date(2026, 6, 1)), today=TODAY)
    review = ledger.review_entries(store, admin, [pending.created[0], other.created[0]], approve=True)
    assert review.summary == "已通过 2 条记录，其中一票否决：张三 2026 年积分为 0 分，不能参加星级评定和评先评优。"
    batch = ledger.record_batch(store, admin, [EntryRequest(li, "V02", date(2026, 7, 1))], approve=True, today=TODAY)
    assert batch.summary == "已批量记分 1 条；其中一票否决 1 条，李四 2026 年积分为 0 分，不能参加星级评定和评先评优。"


def test_reviewing_twice_names_the_state_once(store, admin, zhang):
    rejected = ledger.record_entry(store, admin, EntryRequest(zhang, "B02", date(2026, 3, 1)), today=TODAY).created[0]
    approved = ledger.record_entry(store, admin, EntryRequest(zhang, "B02", date(2026, 3, 2)), today=TODAY).created[0]
    ledger.review_entries(store, admin, [rejected], approve=False, note="无证明材料")
    ledger.review_entries(store, admin, [approved], approve=True)
    with pytest.raises(ConflictError) as again:
        ledger.review_entries(store, admin, [rejected], approve=True)
    assert again.value.message == "张三2026年3月1日的记录已驳回，不能再审核。"
    with pytest.raises(ConflictError) as again:
        ledger.review_entries(store, admin, [approved], approve=False, note="重复")
    assert again.value.message == "张三2026年3月2日的记录已审核，不能再审核。"
    with pytest.raises(ConflictError) as reverse:
        ledger.reverse_entry(store, admin, rejected, "错了")
    assert reverse.value.message == "这条记录已驳回，只有已审核的记录需要冲正；待审核的请直接驳回。"


def test_a_float_from_a_spin_box_is_recorded_exactly(store, admin, zhang):
    # A QDoubleSpinBox hands over 0.5 as a float: it is read as 0.5, not refused or rounded off.
    change = ledger.record_entry(store, admin, EntryRequest(zhang, "B01", date(2026, 4, 2), quantity=0.5), approve=True, today=TODAY)
    [row] = list_entries(store)
    assert (row.id, row.quantity, row.points) == (change.created[0], D("0.50"), D("0.50"))
    with pytest.raises(ValidationError, match="不是有效的数字"):
        ledger.record_entry(store, admin, EntryRequest(zhang, "B01", date(2026, 4, 3), quantity=float("nan")), today=TODAY)


def test_an_unknown_member_is_named_as_such(store, admin, zhang):
    import uuid

    from app.domain.errors import MemberNotFound

    with pytest.raises(MemberNotFound, match="找不到这名党员"):
        ledger.record_entry(store, admin, EntryRequest(uuid.uuid4(), "B02", date(2026, 3, 1)), today=TODAY)


def test_a_second_standing_entry_of_the_item_that_day_is_asked_about(store, admin, village_year):
    """The entry form asks (allow_same=False) when the member has the item that day still counting;
    a rejected or reversed one does not count, and every other path records as asked."""
    zhang = add(store, admin, "张三")
    request = EntryRequest(zhang, "B02", date(2026, 3, 1))
    first = ledger.record_entry(store, admin, request, approve=True, today=TODAY).created[0]
    with pytest.raises(ledger.SameEntryExists, match="张三在3月1日已经记过一条"):
        ledger.record_entry(store, admin, request, approve=True, today=TODAY, allow_same=False)
    assert len(list_entries(store, EntryFilter(member_id=zhang))) == 1
    ledger.reverse_entry(store, admin, first, "记错了", today=TODAY)
    pending = ledger.record_entry(store, admin, request, today=TODAY, allow_same=False).created
    ledger.review_entries(store, admin, pending, approve=False, note="重复")
    ledger.record_entry(store, admin, request, approve=True, today=TODAY, allow_same=False)
    ledger.record_entry(store, admin, request, approve=True, today=TODAY)  # no question off the form
