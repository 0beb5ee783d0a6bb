from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.domain.enums import Gender, MemberClass, MemberStatus, Membership
from app.domain.errors import ConflictError, ValidationError
from app.services.roster import members
from app.services.roster.members import MemberFilter, MemberInput
from conftest import TODAY, add
from db.models import AuditRecord, Member

VALID_ID = "11010519491231002X"  # the checksum example of GB 11643


def _count(store, model):
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_add_member_derives_birth_date_gender_and_pinyin(store, admin, branch):
    member_id = members.add_member(
        store, admin,
        MemberInput(name="曾军海", member_class=MemberClass.NO_POST, id_number="11010519491231002x",
                    join_date=date(1975, 7, 1), group_id=branch.groups[0].id, phone="138 0013 8000"),
        today=TODAY,
    )
    row = members.get_member(store, member_id, admin)
    assert row.birth_date == date(1949, 12, 31)
    assert row.gender is Gender.FEMALE
    assert row.id_number == VALID_ID
    assert (row.name_pinyin, row.name_initials) == ("zengjunhai", "zjh")
    assert row.group_name == "第一党小组"
    assert row.phone == "13800138000"
    assert [e.kind for e in members.member_history(store, member_id)] == ["joined"]


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"name": "  "}, "姓名"),
        ({"id_number": "110105194912310021"}, "校验位"),
        ({"id_number": "1101051949123100"}, "18 位"),
        ({"phone": "12345"}, "电话"),
        ({"join_date": date(2027, 1, 1)}, "还没到"),
        ({"id_number": VALID_ID, "join_date": date(1960, 1, 1)}, "18 周岁"),
        ({"id_number": VALID_ID, "birth_date": date(1950, 1, 1)}, "不一致"),
        ({"id_number": VALID_ID, "gender": Gender.MALE}, "性别"),
        ({"membership": Membership.PROBATIONARY, "full_member_date": date(2010, 1, 1)}, "预备党员"),
        ({"name": "13800138000"}, "“13800138000”不像姓名"),
        ({"name": "１２３"}, "“123”不像姓名"),
        ({"name": "-- / --"}, "不像姓名"),
    ],
)
def test_bad_member_input_is_refused_and_nothing_is_saved(store, admin, branch, changes, words):
    data = MemberInput(name="张三", member_class=MemberClass.NO_POST, join_date=date(2000, 7, 1))
    for key, value in changes.items():
        setattr(data, key, value)
    before = (_count(store, Member), _count(store, AuditRecord))
    with pytest.raises(ValidationError) as caught:
        members.add_member(store, admin, data, today=TODAY)
    assert words in caught.value.message
    assert (_count(store, Member), _count(store, AuditRecord)) == before


def test_a_namesake_is_asked_about_where_the_form_says_so(store, admin, branch):
    first = add(store, admin, "王伟", group_id=branch.groups[0].id, join_date=date(1990, 7, 1))
    other = add(store, admin, "王伟民")
    data = MemberInput(name="王 伟", member_class=MemberClass.NO_POST, join_date=date(2010, 7, 1))
    before = _count(store, Member)
    with pytest.raises(members.SameNameExists) as caught:
        members.add_member(store, admin, data, today=TODAY, allow_same_name=False)
    assert caught.value.message == "已有同名党员王伟（第一党小组，1990 年入党）"
    assert _count(store, Member) == before
    second = members.add_member(store, admin, data, today=TODAY, allow_same_name=True)  # the clerk said yes
    assert second != first and _count(store, Member) == before + 1
    renamed = MemberInput(name="王伟", member_class=MemberClass.NO_POST, join_date=date(2000, 7, 1))
    with pytest.raises(members.SameNameExists, match="已有同名党员王伟（第一党小组，1990 年入党；2010 年入党）"):
        members.update_member(store, admin, other, renamed, today=TODAY, allow_same_name=False)
    assert members.get_member(store, other).name == "王伟民"
    # his own name, unchanged, is no namesake of himself
    same = MemberInput(name="王伟", member_class=MemberClass.NO_POST, join_date=date(1990, 7, 1), group_id=branch.groups[0].id,
                       post_title="网格员")
    members.update_member(store, admin, first, same, today=TODAY, allow_same_name=False)


def test_same_id_number_cannot_be_registered_twice(store, admin, branch):
    add(store, admin, "张三", id_number=VALID_ID, join_date=date(1975, 7, 1))
    with pytest.raises(ValidationError, match="已登记"):
        add(store, admin, "张叁", id_number=VALID_ID, join_date=date(1975, 7, 1))


def test_update_records_the_change_and_a_class_change_event(store, admin, branch):
    member_id = add(store, admin, "王五")
    data = MemberInput(name="王五", member_class=MemberClass.RETIRED, join_date=date(2000, 7, 1), note="已退休")
    change = members.update_member(store, admin, member_id, data, today=TODAY)
    assert change.updated == [member_id]
    assert members.get_member(store, member_id).member_class is MemberClass.RETIRED
    history = members.member_history(store, member_id)
    assert [e.kind for e in history] == ["joined", "class_changed"]
    assert history[-1].to_unit == "离退休党员"


def test_transfer_out_keeps_the_member_and_his_history(store, admin, branch):
    member_id = add(store, admin, "赵六")
    members.transfer_out(store, admin, member_id, date(2026, 6, 30), "东莞市长安镇党委", "外出务工", today=TODAY)
    row = members.get_member(store, member_id)
    assert (row.status, row.status_date) == (MemberStatus.TRANSFERRED_OUT, date(2026, 6, 30))
    assert members.list_members(store) == []
    assert [r.name for r in members.list_members(store, MemberFilter(statuses=(MemberStatus.TRANSFERRED_OUT,)))] == ["赵六"]
    with pytest.raises(ConflictError):
        members.transfer_out(store, admin, member_id, date(2026, 7, 1), "别处", today=TODAY)
    members.transfer_in(store, admin, member_id, date(2026, 9, 1), "东莞市长安镇党委", today=TODAY)
    assert members.get_member(store, member_id).in_branch_since == date(2026, 9, 1)
    assert [e.kind for e in members.member_history(store, member_id)] == ["joined", "transfer_out", "transfer_in"]


def test_transfer_needs_a_destination_and_a_sane_date(store, admin, branch):
    member_id = add(store, admin, "赵六")
    with pytest.raises(ValidationError, match="转往"):
        members.transfer_out(store, admin, member_id, date(2026, 6, 30), " ", today=TODAY)
    with pytest.raises(ValidationError, match="还没到"):
        members.transfer_out(store, admin, member_id, date(2026, 12, 30), "别处", today=TODAY)


def test_mark_deceased(store, admin, branch):
    member_id = add(store, admin, "孙七", member_class=MemberClass.EXEMPT_FRAIL)
    members.mark_deceased(store, admin, member_id, date(2026, 2, 3), today=TODAY)
    assert members.get_member(store, member_id).status is MemberStatus.DECEASED


def test_search_by_name_and_pinyin_initials(store, admin, branch):
    for name in ("张三", "张山峰", "李四", "单田芳"):
        add(store, admin, name)
    search = lambda q: sorted(r.name for r in members.list_members(store, MemberFilter(query=q)))  # noqa: E731
    assert search("zs") == ["张三", "张山峰"]
    assert search("zsf") == ["张山峰"]
    assert search("张") == ["张三", "张山峰"]
    assert search("li") == ["李四"]
    assert search("stf") == ["单田芳"]
    assert search("xyz") == []


def test_filter_by_group_and_class(store, admin, branch):
    add(store, admin, "张三", group_id=branch.groups[0].id)
    add(store, admin, "李四", member_class=MemberClass.RETIRED, group_id=branch.groups[1].id)
    assert [r.name for r in members.list_members(store, MemberFilter(group_id=branch.groups[1].id))] == ["李四"]
    assert [r.name for r in members.list_members(store, MemberFilter(member_class=MemberClass.NO_POST))] == ["张三"]


def test_every_write_names_the_operator_in_the_audit_log(store, admin, branch):
    member_id = add(store, admin, "张三")
    with store.session() as session:
        record = session.scalars(select(AuditRecord).where(AuditRecord.entity_id == member_id)).one()
    assert record.operator_id == admin.id and record.action == "create" and "张三" in record.summary


def test_a_member_transferred_in_from_elsewhere_is_on_the_roster_from_the_day_he_came(store, admin, branch, village_year):
    from app.services.ledger import entries
    from app.services.totals import ranking

    settled = add(store, admin, "李老党员", join_date=date(1990, 7, 1))
    came = members.add_member(
        store, admin, MemberInput(name="赵转来", member_class=MemberClass.NO_POST, join_date=date(1995, 7, 1)),
        today=TODAY, joined_on=date(2026, 7, 1),
    )
    assert members.get_member(store, came).in_branch_since == date(2026, 7, 1)
    assert [(e.kind, e.occurred_on) for e in members.member_history(store, came)] == [("joined", date(2026, 7, 1))]
    for member_id in (settled, came):
        entries.record_entry(store, admin, entries.EntryRequest(member_id, "R01", date(2026, 8, 5)), approve=True, today=TODAY)
    listed_in = lambda month: {row.name for row in ranking.branch_ranking(store, 2026, month=month).rows}  # noqa: E731
    assert listed_in(3) == {"李老党员"}  # March's notice, printed again, does not list one who came in July
    assert listed_in(8) == {"李老党员", "赵转来"}
    with pytest.raises(ValidationError) as caught:
        entries.record_entry(store, admin, entries.EntryRequest(came, "R01", date(2026, 6, 5)), approve=True, today=TODAY)
    assert "才在本支部" in caught.value.message


@pytest.mark.parametrize("joined_on, words", [(date(2026, 12, 1), "转入日期2026年12月1日还没到"), (date(1994, 1, 1), "转入日期不能早于入党日期")])
def test_a_transfer_in_date_to_come_or_before_joining_the_party_is_refused(store, admin, branch, joined_on, words):
    before = (_count(store, Member), _count(store, AuditRecord))
    with pytest.raises(ValidationError) as caught:
        members.add_member(
            store, admin, MemberInput(name="赵转来", member_class=MemberClass.NO_POST, join_date=date(1995, 7, 1)),
            today=TODAY, joined_on=joined_on,
        )
    assert words in caught.value.message
    assert (_count(store, Member), _count(store, AuditRecord)) == before


def test_a_transfer_in_date_is_corrected_within_what_the_records_allow(store, admin, branch, village_year):
    from app.services.ledger import entries

    data = MemberInput(name="赵转来", member_class=MemberClass.NO_POST, join_date=date(1995, 7, 1))
    came = members.add_member(store, admin, data, today=TODAY, joined_on=date(2026, 7, 1))
    members.update_member(store, admin, came, data, today=TODAY, in_branch_since=date(2026, 3, 1))  # typed July, came in March
    assert members.get_member(store, came).in_branch_since == date(2026, 3, 1)
    assert [(e.kind, e.reason) for e in members.member_history(store, came)][-1] == ("edited", "来本支部的日期由2026年7月1日改为2026年3月1日")
    entries.record_entry(store, admin, entries.EntryRequest(came, "R01", date(2026, 4, 5)), approve=True, today=TODAY)
    before = (_count(store, Member), _count(store, AuditRecord))
    for on, words in ((date(2026, 5, 1), "赵转来在2026年4月5日已有积分或考勤记录，转入日期不能晚于这一天。"),
                      (date(1990, 1, 1), "转入日期不能早于入党日期。"), (date(2026, 12, 1), "转入日期2026年12月1日还没到")):
        with pytest.raises(ValidationError) as caught:
            members.update_member(store, admin, came, data, today=TODAY, in_branch_since=on)
        assert words in caught.value.message
    assert members.get_member(store, came).in_branch_since == date(2026, 3, 1)
    assert (_count(store, Member), _count(store, AuditRecord)) == before
    # blank: since he joined the party, which is earlier than every record
    members.update_member(store, admin, came, data, today=TODAY, in_branch_since=None)
    assert members.get_member(store, came).in_branch_since == date(1995, 7, 1)


def test_a_corrected_join_date_moves_the_roster_day_of_one_here_since_joining(store, admin, branch):
    data = MemberInput(name="孙老党员", member_class=MemberClass.NO_POST, join_date=date(1995, 7, 1))
    here = members.add_member(store, admin, data, today=TODAY)
    data.join_date = date(1996, 7, 1)
    members.update_member(store, admin, here, data, today=TODAY)
    assert members.get_member(store, here).in_branch_since == date(1996, 7, 1)
    came = members.add_member(store, admin, MemberInput(name="钱转来", member_class=MemberClass.NO_POST, join_date=date(1995, 7, 1)),
                              today=TODAY, joined_on=date(2020, 1, 1))
    with pytest.raises(ValidationError) as caught:
        members.update_member(store, admin, came, MemberInput(name="钱转来", member_class=MemberClass.NO_POST, join_date=date(2021, 7, 1)),
                              today=TODAY)
    assert caught.value.message == "入党日期不能晚于钱转来来本支部的日期2020年1月1日。"


def test_a_member_who_left_and_came_back_cannot_be_put_on_the_roster_while_away(store, admin, branch):
    data = MemberInput(name="周往返", member_class=MemberClass.NO_POST, join_date=date(1995, 7, 1))
    member_id = members.add_member(store, admin, data, today=TODAY)
    members.transfer_out(store, admin, member_id, date(2025, 3, 1), "外乡党支部", today=TODAY)
    members.transfer_in(store, admin, member_id, date(2026, 5, 1), "外乡党支部", today=TODAY)
    with pytest.raises(ValidationError) as caught:
        members.update_member(store, admin, member_id, data, today=TODAY, in_branch_since=date(2025, 1, 1))
    assert caught.value.message == "转入日期不能早于周往返上次转出的日期2025年3月1日。"
    members.update_member(store, admin, member_id, data, today=TODAY, in_branch_since=date(2026, 4, 20))
    assert members.get_member(store, member_id).in_branch_since == date(2026, 4, 20)
