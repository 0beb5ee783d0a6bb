"""The roster import meets five real layouts: per row, what is imported, how it is stored, why a row is refused."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.enums import Gender, MemberClass, Membership
from app.services.roster import excel_import as roster_import
from app.services.roster import members
from conftest import TODAY, keyed_admin
from tests.services import roster_layouts as layouts


def _preview(store, path, mapping=None):
    sheet = roster_import.load_roster(path)
    return roster_import.preview_roster(store, sheet, TODAY, mapping, actor=keyed_admin(store))


def _by_row(preview):
    return {row.row: row for row in preview.rows}


def _stored(store):
    return {row.name: row for row in members.list_members(store, actor=keyed_admin(store))}


def test_township_form_title_year_months_and_signatures(store, admin, branch, tmp_path):
    preview = _preview(store, layouts.township_form(tmp_path / "a.xlsx"))
    assert preview.header_row == 3
    assert [c.title for c in preview.unused_columns] == ["序号", "文化程度", "工作单位及职务"]
    assert {c.title: c.field for c in preview.columns}["入党时间"] == "join_date"
    assert any("党员类别" in n for n in preview.notices)  # no class column: every new member is 无职党员, said so
    rows = _by_row(preview)
    assert sorted(rows) == [4, 5, 6, 7] and {r.status for r in rows.values()} == {"new"}
    assert any("只有年月" in n for n in rows[4].notes)
    assert [(s.row, s.reason) for s in preview.skipped] == [(9, "落款、签字、日期或合计行")]  # the blank row 8 is dropped silently

    roster_import.commit_roster(store, admin, preview, today=TODAY)
    stored = _stored(store)
    zhang = stored["张建国"]
    assert zhang.birth_date == date(1965, 3, 15)  # year-month agreed with the ID number: the ID's day
    assert zhang.join_date == date(1990, 7, 1) and zhang.member_class is MemberClass.NO_POST
    assert zhang.phone == "13800138000" and zhang.id_number == layouts.ZHANG
    assert stored["王秀英"].phone == "0371-62881234" and stored["王秀英"].note == "党员中心户"
    assert stored["刘洋"].ethnicity == "回族" and stored["刘洋"].phone == "13900139000"
    assert stored["陈光明"].birth_date == date(1975, 1, 1)


def test_system_export_dates_cells_legacy_id_and_probation(store, admin, branch, tmp_path):
    preview = _preview(store, layouts.system_export(tmp_path / "b.xlsx"))
    assert preview.header_row == 1
    assert [c.title for c in preview.unused_columns] == ["所在党支部"]
    rows = _by_row(preview)
    assert rows[3].status == "new" and any("15 位旧身份证号 410102680101202 已换算为 18 位 410102196801012020" in n for n in rows[3].notes)
    assert rows[5].status == "refused" and "预备党员还没有转正日期" in rows[5].problem
    with pytest.raises(roster_import.ImportRejected):
        roster_import.commit_roster(store, admin, preview, today=TODAY)  # all or nothing: one bad row, nothing saved
    assert members.list_members(store) == []
    change = roster_import.commit_roster(store, admin, preview, good_rows_only=True, today=TODAY)
    assert len(change.created) == 3
    stored = _stored(store)
    assert stored["孙丽"].id_number == "410102196801012020" and stored["孙丽"].gender is Gender.FEMALE
    assert stored["孙丽"].birth_date == date(1968, 1, 1) and stored["孙丽"].phone == "13700137000"
    assert stored["周小川"].membership is Membership.PROBATIONARY and stored["周小川"].join_date == date(2026, 6, 1)
    assert stored["张建国"].full_member_date == date(1991, 7, 1)


def test_two_row_header_merged_titles_and_a_totals_line(store, admin, branch, tmp_path):
    preview = _preview(store, layouts.two_row_header(tmp_path / "c.xlsx"))
    fields = {c.title: c.field for c in preview.columns}
    assert fields["入党时间"] == "join_date" and fields["转正时间"] == "full_member_date" and fields["手机"] == "phone"
    assert fields["座机"] is None and fields["党员类别"] == "member_class"
    rows = _by_row(preview)
    assert rows[4].status == rows[5].status == "new"
    assert rows[6].status == "refused" and "党员类别“火星党员”不认识" in rows[6].problem
    assert [(s.row, s.reason) for s in preview.skipped] == [(7, "落款、签字、日期或合计行")]
    roster_import.commit_roster(store, admin, preview, good_rows_only=True, today=TODAY)
    stored = _stored(store)
    assert stored["郑和平"].member_class is MemberClass.RETIRED and stored["郑和平"].full_member_date == date(1986, 7, 1)
    assert stored["冯军"].member_class is MemberClass.MOBILE and stored["冯军"].phone == "13400134000"


def test_points_roster_groups_classes_in_clerks_words_and_section_rows(store, admin, branch, tmp_path):
    preview = _preview(store, layouts.points_roster(tmp_path / "d.xlsx"))
    rows = _by_row(preview)
    assert sorted(rows) == [4, 5, 7, 8, 9]
    assert rows[9].status == "refused" and "党小组“第九组”不存在" in rows[9].problem and "第一党小组" in rows[9].problem
    skipped = {s.row: s.reason for s in preview.skipped}
    assert skipped == {3: "没有姓名，只有序号或分组标题", 6: "没有姓名，只有序号或分组标题",
                       10: "没有姓名，只有序号或分组标题", 11: "没有姓名，只有序号或分组标题"}
    roster_import.commit_roster(store, admin, preview, good_rows_only=True, today=TODAY)
    stored = _stored(store)
    assert stored["钱大伯"].member_class is MemberClass.EXEMPT_FRAIL and stored["钱大伯"].group_name == "第一党小组"
    assert stored["孙主任"].member_class is MemberClass.CADRE and stored["孙主任"].is_hub_household
    assert stored["孙主任"].post_title == "村务监督岗" and stored["孙主任"].group_name == "第一党小组"
    assert stored["李务工"].member_class is MemberClass.MOBILE and stored["李务工"].group_name == "第二党小组"
    assert stored["周农民"].member_class is MemberClass.NO_POST and stored["周农民"].is_hub_household
    assert stored["周农民"].group_name == "第二党小组"


def test_wps_sheet_spaces_in_names_rounded_and_legacy_ids_repeated_header_notes(store, admin, branch, tmp_path):
    preview = _preview(store, layouts.wps_sheet(tmp_path / "e.xlsx"))
    rows = _by_row(preview)
    assert rows[3].status == "new" and rows[3].name == "张三"
    assert rows[4].status == "refused" and "Excel 当成了数字" in rows[4].problem and "文本" in rows[4].problem
    assert rows[5].status == "new" and rows[5].data.id_number == "44030619580808100X"
    assert rows[7].status == "refused" and "电话号码“1380013800”不对" in rows[7].problem
    skipped = {s.row: s.reason for s in preview.skipped}
    assert skipped == {6: "重复的表头行", 9: "落款、签字、日期或合计行", 10: "没有姓名，只有序号或分组标题"}
    roster_import.commit_roster(store, admin, preview, good_rows_only=True, today=TODAY)
    stored = _stored(store)
    assert set(stored) == {"张三", "阿依古丽·买买提"}
    assert stored["张三"].join_date == date(1975, 7, 1) and stored["张三"].phone == "13800138000"
    # stored and searched the same way: typing the name with a full-width space finds him
    assert [r.name for r in members.list_members(store, members.MemberFilter(query="张　三"))] == ["张三"]
    assert members.find_member_by_name(store, "阿依古丽•买买提").name == "阿依古丽·买买提"


def test_the_clerk_reassigns_a_column_in_the_preview(store, admin, branch, tmp_path):
    sheet = roster_import.load_roster(layouts.township_form(tmp_path / "a.xlsx"))
    preview = roster_import.preview_roster(store, sheet, TODAY, actor=admin)
    work_column = next(c.index for c in preview.columns if c.title == "工作单位及职务")
    mapping = roster_import.remap(preview.mapping, work_column, "post_title")
    again = roster_import.preview_roster(store, sheet, TODAY, mapping, actor=admin)
    assert {c.title: c.field for c in again.columns}["工作单位及职务"] == "post_title"
    assert _by_row(again)[6].data.post_title == "村卫生室"
    # giving a field to a second column takes it from the first
    note_column = next(c.index for c in preview.columns if c.title == "备注")
    moved = roster_import.remap(mapping, note_column, "post_title")
    assert moved[work_column] is None and moved[note_column] == "post_title"


def test_without_a_membership_column_a_member_on_probation_is_not_entered_as_full(store, admin, branch, tmp_path):
    """Most rosters have no 正式/预备 column: a probationary member is the one without a 转正 date
    who joined less than a year ago, or whose 备注 says 预备党员. All were entered as 正式党员, and a
    probationary member's year (flagged below 85) and award eligibility were read as a full member's."""
    path = tmp_path / "probation.xlsx"
    layouts._book([
        ["西岭村党员花名册"], ["序号", "姓名", "入党时间", "转正时间", "备注"],
        [1, "赵新民", "2026.03", None, ""],  # joined in March this year, no 转正 date
        [2, "钱小红", "2019年10月", None, "预备党员（延长预备期）"],
        [3, "孙大山", "1990.05", None, ""],  # long ago: a full member whose 转正 date nobody wrote down
        [4, "李四海", "2025.08", "2026.08", ""],
    ], merges=("A1:E1",)).save(path)
    preview = _preview(store, path)
    assert any("正式/预备" in n for n in preview.notices)  # how it was decided is said
    roster_import.commit_roster(store, admin, preview, today=TODAY)
    stored = _stored(store)
    assert {name: stored[name].membership for name in ("赵新民", "钱小红", "孙大山", "李四海")} == {
        "赵新民": Membership.PROBATIONARY, "钱小红": Membership.PROBATIONARY, "孙大山": Membership.FULL, "李四海": Membership.FULL,
    }
