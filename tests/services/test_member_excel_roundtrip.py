"""A full roster export imports into a fresh branch's database with every member's fields intact."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date

import pytest

from app.domain.enums import Gender, MemberClass, MemberStatus, Membership
from app.services import organisation
from app.services.roster import excel as member_excel
from app.services.roster import members
from app.services.roster.members import MemberInput
from conftest import TODAY, keyed_admin
from db.store import Store

GROUPS = ["第一党小组", "第二党小组"]


@dataclass(frozen=True)
class Kept:
    """What the roster sheet carries for one member, as the database holds it."""

    name: str
    name_pinyin: str
    name_initials: str
    gender: Gender | None
    ethnicity: str
    birth_date: date | None
    id_number: str
    phone: str
    join_date: date | None
    full_member_date: date | None
    membership: Membership
    member_class: MemberClass
    group_name: str
    is_hub_household: bool
    is_vanguard_post: bool
    post_title: str
    note: str
    status: MemberStatus


def _kept(store) -> dict[str, Kept]:
    rows = members.list_members(store, actor=keyed_admin(store))
    return {row.name: Kept(**{f: getattr(row, f) for f in Kept.__dataclass_fields__}) for row in rows}


def _source_roster(store, admin, group_ids) -> None:
    first, second = group_ids
    roster = [
        MemberInput(name="张𠮷", member_class=MemberClass.NO_POST, id_number="11010519491231002x",  # stored as …002X
                    phone="13800138000", join_date=date(1975, 7, 1), full_member_date=date(1976, 7, 1),
                    group_id=first, is_hub_household=True, is_vanguard_post=True, post_title="政策宣传岗",
                    note="2019年从外村转入"),
        MemberInput(name="李䶮", member_class=MemberClass.IN_SERVICE, membership=Membership.PROBATIONARY,
                    gender=Gender.MALE, ethnicity="回族", birth_date=date(1980, 1, 1), phone="0371-62881234",
                    join_date=date(2025, 12, 1), group_id=second),
        MemberInput(name="阿依古丽·买买提", member_class=MemberClass.MOBILE, id_number="44030619580808100X",
                    ethnicity="维吾尔族", join_date=date(1990, 7, 1), full_member_date=date(1991, 7, 1),
                    group_id=second, post_title="", note="在广州务工，每季度线上学习"),
        MemberInput(name="王五", member_class=MemberClass.CADRE, id_number="110105198001010016",
                    join_date=date(2010, 7, 1), full_member_date=date(2011, 7, 1), is_vanguard_post=True,
                    post_title="村务监督岗"),
        MemberInput(name="欧阳建国", member_class=MemberClass.RETIRED, id_number="41010219650315109X",
                    join_date=date(1988, 3, 15), full_member_date=date(1989, 3, 15), group_id=first),
        MemberInput(name="赵奶奶", member_class=MemberClass.EXEMPT_FRAIL, gender=Gender.FEMALE,
                    birth_date=date(1931, 5, 4), join_date=date(1956, 7, 1), full_member_date=date(1957, 7, 1),
                    group_id=first, note="卧床，免考"),
    ]
    for data in roster:
        members.add_member(store, admin, data, today=TODAY)


def test_a_full_export_imports_into_a_fresh_branch_unchanged(store, admin, tmp_path):
    branch = organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", GROUPS)
    _source_roster(store, admin, [group.id for group in branch.groups])
    exported = _kept(store)
    # The roster covers what the sheet must carry, so a column lost on the way cannot hide.
    assert {k.member_class for k in exported.values()} == set(MemberClass)
    assert {k.membership for k in exported.values()} == set(Membership)
    assert {k.group_name for k in exported.values()} == {*GROUPS, ""}
    assert exported["张𠮷"].id_number == "11010519491231002X" and exported["张𠮷"].gender is Gender.FEMALE
    assert exported["欧阳建国"].birth_date == date(1965, 3, 15)

    path = tmp_path / "红星村名册.xlsx"
    assert member_excel.export_members(store, path, full_personal_data=True, actor=admin) == len(exported)

    # A fresh database, another branch whose groups were set up in another order (other ids).
    with Store.open_file(tmp_path / "fresh.db") as fresh:
        clerk = keyed_admin(fresh)
        organisation.setup_branch(fresh, clerk, "城关镇党委", "新建村党支部", list(reversed(GROUPS)))
        change = member_excel.import_members(fresh, clerk, path, today=TODAY)
        imported = _kept(fresh)

    assert len(change.created) == len(exported)
    assert sorted(imported) == sorted(exported)
    for name, kept in exported.items():
        assert imported[name] == kept, (name, [
            (field, a, b) for field, a, b in zip(Kept.__dataclass_fields__, astuple(kept), astuple(imported[name]))
            if a != b
        ])


def test_a_masked_export_is_refused_by_the_import_rather_than_storing_stars(store, admin, tmp_path):
    branch = organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", GROUPS)
    _source_roster(store, admin, [group.id for group in branch.groups])
    path = tmp_path / "打码名册.xlsx"
    member_excel.export_members(store, path, actor=admin)

    with Store.open_file(tmp_path / "fresh.db") as fresh:
        clerk = keyed_admin(fresh)
        organisation.setup_branch(fresh, clerk, "城关镇党委", "新建村党支部", GROUPS)
        with pytest.raises(member_excel.ImportRejected, match="打码"):
            member_excel.import_members(fresh, clerk, path, today=TODAY)
        assert members.list_members(fresh) == []


def test_a_note_that_starts_with_an_equals_sign_comes_back_as_text(store, admin, tmp_path):
    organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", GROUPS)
    members.add_member(store, admin, MemberInput(name="张三", member_class=MemberClass.NO_POST,
                                                 note="=按时交纳党费", post_title="+1 岗"), today=TODAY)
    path = tmp_path / "名册.xlsx"
    member_excel.export_members(store, path, full_personal_data=True, actor=admin)
    with Store.open_file(tmp_path / "fresh.db") as fresh:
        clerk = keyed_admin(fresh)
        organisation.setup_branch(fresh, clerk, "城关镇党委", "新建村党支部", GROUPS)
        member_excel.import_members(fresh, clerk, path, today=TODAY)
        (row,) = members.list_members(fresh)
    assert (row.note, row.post_title) == ("=按时交纳党费", "+1 岗")
