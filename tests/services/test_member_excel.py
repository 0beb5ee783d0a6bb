"""The roster to and from Excel: template, all-or-nothing import with every bad row, masked export."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.domain.enums import Gender, MemberClass, MemberStatus, Membership
from app.domain.errors import AppError, ValidationError
from app.services.roster import excel as member_excel
from app.services.roster import members
from app.services.roster.excel import COLUMNS, ImportRejected, parse_date_text
from conftest import TODAY, add
from db.models import AuditRecord, Member, MemberEvent

VALID_ID = "11010519491231002X"
OTHER_ID = "110105198001010016"


def _sheet(path, rows, header=COLUMNS):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(title) for title in header])
    book.save(path)
    return path


def _count(store, model):
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2001-07-01", date(2001, 7, 1)),
        ("2001/7/1", date(2001, 7, 1)),
        ("2001.07.01", date(2001, 7, 1)),
        ("2001年7月1日", date(2001, 7, 1)),
        (" 2001 年 7 月 1 日 ", date(2001, 7, 1)),
        ("20010701", date(2001, 7, 1)),
        (20010701, date(2001, 7, 1)),
        (datetime(2001, 7, 1, 0, 0), date(2001, 7, 1)),
        (date(2001, 7, 1), date(2001, 7, 1)),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_clerks_write_them(text, expected):
    assert parse_date_text(text) == expected


@pytest.mark.parametrize("text, words", [("2001-02-30", "不存在"), ("七月一日", "看不懂"), ("2001-7", "看不懂")])
def test_bad_dates_say_what_is_wrong(text, words):
    with pytest.raises(ValidationError, match=words):
        parse_date_text(text, "入党日期")


def test_template_has_the_chinese_columns_and_the_branch_groups(store, branch, tmp_path):
    path = member_excel.write_template(tmp_path / "模板.xlsx", store)
    book = load_workbook(path)
    sheet = book["党员名册"]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert sheet["E2"].number_format == "@"  # ID numbers stay text
    formulas = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("第一党小组" in f for f in formulas)
    assert any("老弱病残党员" in f for f in formulas)
    assert "填写说明" in book.sheetnames


def test_good_sheet_is_imported_whole(store, admin, branch, tmp_path):
    path = _sheet(tmp_path / "名册.xlsx", [
        {"姓名": "张三", "身份证号": VALID_ID, "联系电话": "13800138000", "入党日期": "1975年7月1日",
         "党员类别": "无职党员", "正式/预备": "正式党员", "党小组": "第一党小组", "先锋岗": "是", "岗位": "政策宣传岗"},
        {"姓名": "李四", "性别": "男", "出生日期": datetime(1980, 1, 1), "入党日期": "2024/7/1",
         "党员类别": "在职", "正式/预备": "预备", "党员中心户": "否"},
        {},  # empty rows are skipped
        {"姓名": "王五", "党员类别": "两委", "转正日期": "2011.07.01", "入党日期": 20100701},
    ])
    change = member_excel.import_members(store, admin, path, today=TODAY)
    assert "3 名" in change.summary and len(change.created) == 3
    rows = {row.name: row for row in members.list_members(store, actor=admin)}
    assert rows["张三"].id_number == VALID_ID and rows["张三"].gender is Gender.FEMALE
    assert rows["张三"].is_vanguard_post and rows["张三"].post_title == "政策宣传岗"
    assert rows["张三"].group_name == "第一党小组"
    assert rows["李四"].membership is Membership.PROBATIONARY and rows["李四"].member_class is MemberClass.IN_SERVICE
    assert rows["王五"].member_class is MemberClass.CADRE and rows["王五"].join_date == date(2010, 7, 1)
    assert rows["张三"].name_initials == "zs"
    assert [e.kind for e in members.member_history(store, rows["李四"].id)] == ["joined"]
    assert _count(store, MemberEvent) == 3


def test_one_bad_row_and_nothing_is_imported_every_bad_row_is_listed(store, admin, branch, tmp_path):
    add(store, admin, "已在册", id_number=OTHER_ID, join_date=date(2005, 7, 1))
    path = _sheet(tmp_path / "名册.xlsx", [
        {"姓名": "张三", "党员类别": "无职党员"},
        {"姓名": "坏号码", "党员类别": "无职党员", "身份证号": "110105194912310021"},
        {"姓名": "", "党员类别": "无职党员"},
        {"姓名": "没类别"},
        {"姓名": "坏日期", "党员类别": "流动党员", "入党日期": "去年"},
        {"姓名": "坏小组", "党员类别": "流动党员", "党小组": "第九党小组"},
        {"姓名": "重复甲", "党员类别": "无职党员", "身份证号": VALID_ID},
        {"姓名": "重复乙", "党员类别": "无职党员", "身份证号": VALID_ID},
        {"姓名": "已登记", "党员类别": "无职党员", "身份证号": OTHER_ID},
        {"姓名": "数字号", "党员类别": "无职党员", "身份证号": 110105194912310000},
        {"姓名": "打码号", "党员类别": "无职党员", "身份证号": "110***********002X"},
        {"姓名": "坏电话", "党员类别": "无职党员", "联系电话": "12345"},
    ])
    before = (_count(store, Member), _count(store, MemberEvent), _count(store, AuditRecord))
    with pytest.raises(ImportRejected) as caught:
        member_excel.import_members(store, admin, path, today=TODAY)
    problems = {p.row: p.message for p in caught.value.problems}
    # row 10 carries an ID number already on the roster: the same person, offered as an update (not a refusal)
    assert sorted(problems) == [3, 4, 5, 6, 7, 9, 11, 12, 13]
    assert "校验位" in problems[3]
    assert "姓名" in problems[4]
    assert "党员类别" in problems[5]
    assert "入党日期“去年”" in problems[6]
    assert "第九党小组" in problems[7] and "第一党小组" in problems[7]
    assert "第 8 行" in problems[9]
    assert "文本" in problems[11]
    assert "打码" in problems[12]
    assert "电话" in problems[13]
    assert "9 行有问题" in caught.value.message and "都没有导入" in caught.value.message
    assert "第 13 行（坏电话）" in caught.value.details
    assert (_count(store, Member), _count(store, MemberEvent), _count(store, AuditRecord)) == before


def test_a_row_without_an_id_number_that_disagrees_with_the_member_it_names_says_so(store, admin, branch, tmp_path):
    """Matched by name, the row was checked against the roster's ID number and told
    "性别与身份证号不一致" although it shows no ID number at all."""
    add(store, admin, "张三", id_number=VALID_ID, join_date=date(1975, 7, 1))  # a woman born 1949-12-31
    path = _sheet(tmp_path / "名册.xlsx", [
        {"姓名": "张三", "性别": "男", "入党日期": "1975-07-01", "党员类别": "无职党员"},
    ])
    before = (_count(store, Member), _count(store, AuditRecord))
    with pytest.raises(ImportRejected) as caught:
        member_excel.import_members(store, admin, path, today=TODAY)
    assert caught.value.details.strip().endswith(
        "第 2 行（张三）：这一行没有身份证号，按姓名对应到名册中的张三，但名册中张三的身份证号显示性别是女（这一行是男）；"
        "如果不是同一个人，请在这一行填上身份证号。"
    ), caught.value.details
    _sheet(path, [{"姓名": "张三", "出生日期": "1949-12-30", "入党日期": "1975-07-01", "党员类别": "无职党员"}])
    with pytest.raises(ImportRejected) as caught:
        member_excel.import_members(store, admin, path, today=TODAY)
    assert "显示出生日期是1949年12月31日（这一行是1949年12月30日）" in caught.value.details
    assert (_count(store, Member), _count(store, AuditRecord)) == before
    _sheet(path, [{"姓名": "张三", "性别": "女", "出生日期": "1949-12-31", "入党日期": "1975-07-01", "党员类别": "无职党员"}])
    assert member_excel.import_members(store, admin, path, today=TODAY).created == []


def test_the_same_name_twice_without_id_numbers_is_refused_naming_both_rows(store, admin, branch, tmp_path):
    """Two such rows became two members no screen, paper or command could tell apart."""
    twice = {"姓名": "孙重复", "性别": "男", "入党日期": "2000-07-01", "党员类别": "无职党员"}
    path = _sheet(tmp_path / "名册.xlsx", [twice, {"姓名": "李四", "入党日期": "2001-07-01"}, twice])
    with pytest.raises(ImportRejected) as caught:
        member_excel.import_members(store, admin, path, today=TODAY)
    assert "第 4 行（孙重复）：与第 2 行同名，两行都没有身份证号，导入后分不清是哪一位；是同一个人请删去一行，是两个人请填上身份证号。" in caught.value.details
    assert _count(store, Member) == 0
    two_people = [{**twice, "身份证号": "110105198001010016"}, {**twice, "身份证号": "110105198101010013"}]
    assert len(member_excel.import_members(store, admin, _sheet(path, two_people), today=TODAY).created) == 2


def test_sheet_without_the_name_column_or_not_excel(store, admin, branch, tmp_path):
    with pytest.raises(ValidationError, match="姓名"):
        member_excel.import_members(store, admin, _sheet(tmp_path / "a.xlsx", [{"名字": "张三"}], header=("名字",)), today=TODAY)
    junk = tmp_path / "b.xlsx"
    junk.write_text("not a workbook")
    with pytest.raises(ValidationError, match="不是 Excel 工作簿"):
        member_excel.import_members(store, admin, junk, today=TODAY)
    with pytest.raises(ValidationError, match="没有党员数据"):
        member_excel.import_members(store, admin, _sheet(tmp_path / "c.xlsx", []), today=TODAY)


class Stop(Exception):
    pass


def test_cancelling_during_import_saves_nothing(store, admin, branch, tmp_path):
    rows = [{"姓名": f"党员{i}", "党员类别": "无职党员"} for i in range(450)]
    path = _sheet(tmp_path / "big.xlsx", rows)
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if done > total // 2:
            raise Stop  # what the cancel button's job raises

    with pytest.raises(Stop):
        member_excel.import_members(store, admin, path, today=TODAY, progress=progress)
    assert _count(store, Member) == 0
    assert seen and seen[-1][1] == 900


def test_export_masks_personal_data_unless_asked_and_round_trips(store, admin, branch, tmp_path):
    add(store, admin, "张三", id_number=VALID_ID, phone="13800138000", join_date=date(1975, 7, 1),
        full_member_date=date(1976, 7, 1), group_id=branch.groups[1].id, is_hub_household=True)
    gone = add(store, admin, "李四")
    members.transfer_out(store, admin, gone, date(2026, 5, 1), "外县", today=TODAY)

    masked = tmp_path / "masked.xlsx"
    assert member_excel.export_members(store, masked, actor=admin) == 1
    sheet = load_workbook(masked)["党员名册"]
    assert sheet["A1"].value == "红星村党支部党员名册" and "已打码" in sheet["A3"].value
    values = dict(zip([c.value for c in sheet[4]], [c.value for c in sheet[5]]))
    assert values["身份证号"] == "110105********002X"
    assert values["联系电话"] == "138****8000"
    assert values["入党日期"].date() == date(1975, 7, 1) and values["转正日期"].date() == date(1976, 7, 1)
    assert values["党小组"] == "第二党小组" and values["党员中心户"] == "是"
    assert values["党员类别"] == "无职党员" and values["正式/预备"] == "正式党员"

    full = tmp_path / "full.xlsx"
    assert member_excel.export_members(store, full, statuses=(), full_personal_data=True, actor=admin) == 2
    sheet = load_workbook(full)["党员名册"]
    assert "完整" in sheet["A3"].value
    assert sheet["E6"].value == VALID_ID  # 李四 sorts first
    # a roster with members who left says who and when: 李四 is not on the roll any more
    status = dict(zip([c.value for c in sheet[4]], [c.value for c in sheet[5]]))
    assert status["姓名"] == "李四" and status["在册状态"] == "已转出" and status["转出或去世日期"].date() == date(2026, 5, 1)
    assert dict(zip([c.value for c in sheet[4]], [c.value for c in sheet[6]]))["在册状态"] == "在册"
    assert "在册状态" not in [c.value for c in load_workbook(masked)["党员名册"][4]]  # the roll alone needs no such column

    # importing it again into the same branch adds nobody: both are already on the roster;
    # the round trip into a fresh branch is tests/services/test_member_excel_roundtrip.py
    change = member_excel.import_members(store, admin, full, today=TODAY)
    assert change.created == [] and change.updated == [] and "2 名与名册相同" in change.summary


def test_export_reports_a_locked_file_in_plain_words(store, branch, tmp_path, monkeypatch):
    def refuse(source, target):
        raise PermissionError(13, "Permission denied", str(target))

    target = tmp_path / "x.xlsx"
    target.write_text("the clerk's old file")
    monkeypatch.setattr("os.replace", refuse)
    with pytest.raises(AppError, match="正在 Excel/WPS 中打开"):
        member_excel.export_members(store, target, statuses=(MemberStatus.ACTIVE,))
    assert target.read_text() == "the clerk's old file"
    assert not [p.name for p in tmp_path.iterdir() if "x.xlsx" in p.name and p != target]  # no temporary file left
