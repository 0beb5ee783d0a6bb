"""Roster import: cancel at every step, import twice, the partial round trip, hostile files;
opening points; every export reopened; the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.domain.enums import EntryStatus
from app.domain.errors import ImportRejected, ValidationError
from app.services.exports import tables
from app.services.ledger import entries, opening
from app.services.ledger.opening_template import write_points_template
from app.services.ledger.queries import EntryFilter, list_entries
from app.services.roster import excel_export, excel_import, members
from app.services.totals import ranking
from conftest import TEST_PASSWORD, TODAY, add, keyed_admin
from db.models import AuditRecord, Member, MemberEvent, PointsEntry
from tests.services import roster_layouts as layouts

ROOT = Path(__file__).resolve().parents[2]


class Stop(Exception):
    pass


def _snapshot(store):
    with store.session() as session:
        return tuple(
            sorted(str(row) for row in session.execute(model.__table__.select()).all())
            for model in (Member, MemberEvent, AuditRecord, PointsEntry)
        )


def _big_roster(path, count):
    rows = [["序号", "姓名", "党员类别", "联系电话"]] + [[i, f"党员{i:03d}", "无职党员", f"139{i:08d}"] for i in range(count)]
    layouts._book(rows).save(path)
    return path


def test_cancel_at_every_progress_step_leaves_the_database_as_it_was(store, admin, branch, tmp_path):
    path = _big_roster(tmp_path / "big.xlsx", 130)
    steps = []

    def count(done, total):
        steps.append((done, total))

    sheet = excel_import.load_roster(path)
    excel_import.commit_roster(store, admin, excel_import.preview_roster(store, sheet, TODAY, progress=count, actor=admin), today=TODAY, progress=count)
    assert len(steps) >= 6 and steps[-1][0] == steps[-1][1]
    for fresh in range(len(steps)):
        with_people = tmp_path / f"cancel{fresh}.db"
        from app.services import organisation
        from app.services.accounts import operators
        from db.store import Store

        with Store.open_file(with_people) as other:
            clerk = keyed_admin(other)
            organisation.setup_branch(other, clerk, "城关镇党委", "红星村党支部", ["第一党小组"])
            before = _snapshot(other)
            calls = []

            def cancel(done, total):
                calls.append(done)
                if len(calls) == fresh + 1:
                    raise Stop

            with pytest.raises(Stop):
                preview = excel_import.preview_roster(other, sheet, TODAY, progress=cancel)
                excel_import.commit_roster(other, clerk, preview, today=TODAY, progress=cancel)
            assert _snapshot(other) == before, f"cancelled at step {fresh + 1} of {len(steps)}"


def test_import_twice_adds_nobody_and_a_changed_row_is_an_update_field_by_field(store, admin, branch, tmp_path):
    path = layouts.system_export(tmp_path / "b.xlsx")
    first = excel_import.import_members(store, admin, path, today=TODAY, good_rows_only=True)
    assert len(first.created) == 3
    again = excel_import.preview_roster(store, excel_import.load_roster(path), TODAY, actor=admin)
    assert again.counts() == {"new": 0, "update": 0, "same": 3, "refused": 1}
    book = load_workbook(path)
    book.active["J2"] = "13800138999"
    book.active["H2"] = "1990-07-02"
    book.save(path)
    changed = excel_import.preview_roster(store, excel_import.load_roster(path), TODAY, actor=admin)
    (row,) = changed.with_status("update")
    assert [str(c) for c in row.changes] == ["联系电话：13800138000 → 13800138999", "入党日期：1990-07-01 → 1990-07-02"]
    listed = excel_import.commit_roster(store, admin, changed, good_rows_only=True, apply_updates=False, today=TODAY)
    assert listed.created == listed.updated == [] and "1 名信息有变化但没有更新" in listed.summary
    applied = excel_import.commit_roster(store, admin, changed, good_rows_only=True, today=TODAY)
    assert applied.updated == [row.member_id] and len(members.list_members(store)) == 3
    assert members.get_member(store, row.member_id, admin).phone == "13800138999"


def test_partial_import_round_trip_through_the_refused_rows_file(store, admin, branch, tmp_path):
    preview = excel_import.preview_roster(store, excel_import.load_roster(layouts.wps_sheet(tmp_path / "e.xlsx")), TODAY, actor=admin)
    excel_import.commit_roster(store, admin, preview, good_rows_only=True, today=TODAY)
    refused = excel_export.write_refused(preview, tmp_path / "问题行.xlsx")
    sheet = load_workbook(refused).active
    assert [c.value for c in sheet[1]][-1] == "原因" and sheet.max_row == 3
    assert "Excel 当成了数字" in sheet.cell(row=2, column=9).value
    sheet["D2"] = "110105198001010016"  # the clerk types the ID number again, as text
    sheet["F2"] = "2005年7月"  # and the join date the first sheet had wrong
    sheet["E3"] = "13800138003"
    sheet.parent.save(refused)
    second = excel_import.import_members(store, admin, refused, today=TODAY)
    assert len(second.created) == 2
    assert {r.name for r in members.list_members(store)} == {"张三", "李四", "阿依古丽·买买提", "欧阳建国"}


def _zip(path, members_):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members_.items():
            if callable(data):
                with archive.open(name, "w", force_zip64=True) as handle:
                    data(handle)
            else:
                archive.writestr(name, data)
    return path


def _million_rows(handle):
    handle.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    chunk = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (i, i) for i in range(1, 10001))
    for _ in range(100):
        handle.write(chunk)
    handle.write(b"</sheetData></worksheet>")


def _million_small_rows(handle):
    handle.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    chunk = b"".join(b'<row r="%d"/>' % i for i in range(1, 10001))
    for _ in range(100):
        handle.write(chunk)
    handle.write(b"</sheetData></worksheet>")


def _huge_cell(handle):
    handle.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
    block = b"A" * (1 << 20)
    for _ in range(100):
        handle.write(block)
    handle.write(b"</t></is></c></row></sheetData></worksheet>")


@pytest.mark.parametrize("kind, words", [
    ("million_rows", "远超一个支部的名册"),
    ("million_small_rows", "超过 20,000 行"),
    ("huge_cell", "远超一个支部的名册"),
    ("not_a_workbook", "不是 Excel 工作簿"),
    ("old_xls", ".xls"),
    ("word_document", "不是 Excel 工作簿"),
])
def test_hostile_files_are_refused_quickly_in_little_memory(tmp_path, kind, words):
    path = tmp_path / f"{kind}.xlsx"
    workbook = b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    if kind == "million_rows":
        _zip(path, {"xl/workbook.xml": workbook, "xl/worksheets/sheet1.xml": _million_rows})
    elif kind == "million_small_rows":
        _zip(path, {"xl/workbook.xml": workbook, "xl/worksheets/sheet1.xml": _million_small_rows})
    elif kind == "huge_cell":
        _zip(path, {"xl/workbook.xml": workbook, "xl/worksheets/sheet1.xml": _huge_cell})
    elif kind == "not_a_workbook":
        path.write_bytes(b"\x00garbage" * 1000)
    elif kind == "old_xls":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    else:
        _zip(path, {"word/document.xml": b"<w/>"})
    result = subprocess.run([sys.executable, str(ROOT / "tests/services/hostile_workbook_child.py"), "600", str(path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert words in report["error"]
    assert report["peak_mb"] < 200, report


def test_a_long_error_list_is_capped_with_a_count_of_the_rest(store, admin, branch, tmp_path):
    rows = [["姓名", "党员类别"]] + [[f"党员{i}", "火星党员"] for i in range(80)]
    path = tmp_path / "bad.xlsx"
    layouts._book(rows).save(path)
    preview = excel_import.preview_roster(store, excel_import.load_roster(path), TODAY, actor=admin)
    lines = preview.problem_lines()
    assert len(lines) == 51 and lines[-1] == "另有 30 行有问题，没有逐一列出（见另存的问题表）。"


# ---------------------------------------------------------------- opening points


def test_opening_points_count_in_totals_and_can_be_reversed(store, admin, branch, village_year, tmp_path):
    zhang = add(store, admin, "张三")
    li = add(store, admin, "李四")
    template = write_points_template(store, tmp_path / "模板.xlsx", 2026)
    book = load_workbook(template)
    sheet = book["积分登记表"]
    header = [c.value for c in sheet[3]]
    assert header[:4] == ["序号", "姓名", "身份证号", "1月"] and sheet["B4"].value in ("张三", "李四")
    for row in (4, 5):
        for month in range(1, 11):
            sheet.cell(row=row, column=3 + month, value=6 if sheet.cell(row=row, column=2).value == "张三" else 5)
    sheet.cell(row=5 if sheet["B5"].value == "李四" else 4, column=5, value=-2)  # 李四 lost 2 in February
    book.save(template)
    before = ranking.member_year(store, zhang, 2026).final_total
    change = opening.import_opening(store, admin, template, 2026, today=TODAY)
    assert len(change.created) == 20
    after = ranking.member_year(store, zhang, 2026)
    assert after.final_total - before == Decimal(60) and after.by_month[3] == Decimal(6)
    assert ranking.member_year(store, li, 2026).by_month[2] == Decimal(-2)
    rows = list_entries(store, EntryFilter(member_id=zhang, year=2026))
    assert all(opening.is_opening(r.note) and r.status is EntryStatus.APPROVED for r in rows)
    with pytest.raises(ImportRejected, match="已经导入过了"):
        opening.import_opening(store, admin, template, 2026, today=TODAY)
    entries.reverse_entry(store, admin, rows[0].id, "导入时填错了月份", today=TODAY)
    assert ranking.member_year(store, zhang, 2026).final_total == after.final_total - Decimal(6)


def test_opening_points_unknown_member_refuses_the_whole_file(store, admin, branch, village_year, tmp_path):
    add(store, admin, "张三")
    path = tmp_path / "points.xlsx"
    layouts._book([["2026年积分登记表"], ["姓名", "1月", "2月"], ["张三", 5, 6], ["王不在", 5, None]]).save(path)
    with pytest.raises(ImportRejected) as caught:
        opening.import_opening(store, admin, path, 2026, today=TODAY)
    assert "王不在" in str(caught.value.problems[0]) and "先导入名册" in str(caught.value.problems[0])
    with store.session() as session:
        assert session.query(PointsEntry).count() == 0


# ---------------------------------------------------------------- exports


def _cells(path):
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _no_formulas(path):
    assert not [c.coordinate for c in _cells(path) if c.data_type == "f"]


def test_every_export_reopens_with_titles_formats_and_no_formulas(store, admin, branch, village_year, tmp_path):
    zhang = add(store, admin, "=HYPERLINK(\"x\")", id_number="11010519491231002X", phone="13800138000", note="+1 好人好事")
    entries.record_entry(store, admin, entries.EntryRequest(zhang, "R02", date(2026, 10, 5), points=Decimal("3.5"), note="@提醒"), approve=True, today=TODAY)

    out = tmp_path / "排名.xlsx"
    tables.export_ranking(store, out, 2026, month=10, today=TODAY)
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "红星村党支部2026年10月党员积分排名" and "城关镇党委" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["名次", "姓名", "党小组", "党员类别", "本期积分", "本年累计", "提示"]  # no grade on a month
    assert sheet["B4"].value == '=HYPERLINK("x")' and sheet["B4"].data_type == "s"
    assert sheet["E4"].value == 3.5 and sheet["E4"].number_format == "0.0#" and sheet.freeze_panes == "A4"
    # 10 characters as Excel shows them: the file stores the cell's padding with them
    assert sheet.column_dimensions["B"].width == pytest.approx(10 + 5 / 7, abs=0.01)
    _no_formulas(out)

    tables.export_ranking(store, out, 2026, today=TODAY)
    year = load_workbook(out).active  # on 23 November: the year so far, its band and stars an estimate
    assert year["A1"].value == "红星村党支部2026年度党员积分排名（截至2026年11月23日）"
    assert [c.value for c in year[3]][4:7] == ["累计总分", "预计等次", "预计星级"]
    assert "2026年还没有过完：累计总分为截至2026年11月23日已审核的积分" in year.cell(row=year.max_row, column=1).value
    tables.export_ranking(store, out, 2026, today=date(2027, 1, 5))
    year = load_workbook(out).active
    assert year["A1"].value == "红星村党支部2026年度党员积分排名" and [c.value for c in year[3]][4:7] == ["全年总分", "等次", "星级"]
    assert not any("截至" in str(c.value) for c in _cells(out))
    tables.export_ranking(store, out, 2026, quarter=4, today=TODAY)
    _no_formulas(out)

    tables.export_member_year(store, out, zhang, 2026, today=TODAY)
    book = load_workbook(out)
    months = book["各月积分"]
    assert "截至2026年11月23日累计总分" in months.cell(row=months.max_row, column=1).value
    assert "预计等次" in months.cell(row=months.max_row, column=1).value
    assert months["A13"].value == "10月" and months["C13"].value == 3.5
    assert book["积分明细"]["I4"].value == "@提醒" and book["积分明细"]["A4"].number_format == "yyyy-mm-dd"
    _no_formulas(out)

    tables.export_ledger(store, out, EntryFilter(year=2026, status=EntryStatus.APPROVED), today=TODAY)
    ledger = load_workbook(out).active
    assert "状态：已审核" in ledger["A2"].value and ledger["G4"].value == 3.5
    _no_formulas(out)

    masked = tmp_path / "名册.xlsx"
    excel_export.export_members(store, masked, today=TODAY, actor=admin)
    roster = load_workbook(masked).active
    assert "已打码" in roster["A3"].value and roster["E5"].value == "110105********002X" and roster["O5"].value == "+1 好人好事"
    _no_formulas(masked)
    excel_export.export_members(store, masked, full_personal_data=True, today=TODAY, actor=admin)
    assert load_workbook(masked).active["E5"].value == "11010519491231002X"


def test_rating_export(store, admin, branch, village_year, tmp_path):
    from app.services.rating import rounds

    add(store, admin, "张三")
    rounds.start_round(store, admin, 2026, date(2026, 11, 20), today=TODAY)
    out = tmp_path / "星级.xlsx"
    assert tables.export_rating(store, out, 2026, today=TODAY) == 1
    book = load_workbook(out)
    assert book.sheetnames == ["星级评定", "评定步骤", "公示异议"] and book["星级评定"]["B4"].value == "张三"
    _no_formulas(out)


def test_meetings_export(store, admin, branch, village_year, tmp_path):
    from app.domain.enums import Attendance, MeetingKind

    zhang = add(store, admin, "张三")
    entries.record_meeting(store, admin, MeetingKind.THEME_DAY, "=十月主题党日", date(2026, 10, 8), {zhang: Attendance.ABSENT}, today=TODAY)
    out = tmp_path / "会议.xlsx"
    assert tables.export_meetings(store, out, 2026, today=TODAY) == 1
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "红星村党支部2026年会议一览" and sheet["C4"].value == "=十月主题党日" and sheet["H4"].value == 1
    _no_formulas(out)


# ---------------------------------------------------------------- command line


def _cli(*args):
    logged_in = {**os.environ, "DYJF_OPERATOR": "admin", "DYJF_PASSWORD": TEST_PASSWORD}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=logged_in)


def test_command_line_import_and_export(store, admin, branch, db_path, tmp_path):
    path = layouts.system_export(tmp_path / "b.xlsx")
    refused = tmp_path / "问题行.xlsx"
    failed = _cli("import", "roster", str(path), "--db", str(db_path), "--refused-out", str(refused))
    assert failed.returncode == 1 and "1 行有问题" in failed.stderr and "预备党员还没有转正日期" in failed.stderr
    assert refused.exists() and members.list_members(store) == []
    done = _cli("import", "roster", str(path), "--db", str(db_path), "--good-rows-only")
    assert done.returncode == 0 and "导入党员 3 名" in done.stdout
    out = tmp_path / "名册.xlsx"
    exported = _cli("export", "roster", "--db", str(db_path), "--out", str(out))
    assert exported.returncode == 0 and "已打码" in exported.stdout and out.exists()
    assert load_workbook(out).active["E5"].value == "410102********2020"
    full = _cli("export", "roster", "--full", "--db", str(db_path), "--out", str(out))
    assert full.returncode == 0 and "完整" in full.stdout and load_workbook(out).active["E5"].value == "410102196801012020"
    with store.session() as session:
        assert session.query(AuditRecord).filter_by(action="export_personal").count() == 1
    wrong = _cli("export", "ranking", "--db", str(db_path), "--out", str(tmp_path / "x.xlsx"), "--item", "R01")
    assert wrong.returncode == 1 and "--item" in wrong.stderr
    usage = _cli("export", "nothing", "--out", "x.xlsx")
    assert usage.returncode == 2
    assert _cli("import", "--help").returncode == 0


def test_a_sheet_whose_xml_is_damaged_is_refused_with_a_sentence(tmp_path):
    """openpyxl reads a sheet's XML only while its rows are read: an unescaped "&" in a cell
    (written so by some other program) used to escape as a bare ParseError."""
    from openpyxl import Workbook

    good, damaged = tmp_path / "good.xlsx", tmp_path / "damaged.xlsx"
    book = Workbook()
    book.active.append(["姓名", "性别", "入党时间"])
    book.active.append(["张建国", "男", "1990-07-01"])
    book.save(good)
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetData>", b'<row r="9"><c r="A9" t="inlineStr"><is><t>A & B</t></is></c></row></sheetData>', 1)
                assert b"A & B" in data
            target.writestr(info, data)
    with pytest.raises(ValidationError) as refused:
        excel_import.load_roster(damaged)
    assert "文件已损坏" in refused.value.message
    assert "ParseError" in refused.value.details


def test_a_folder_given_for_a_workbook_is_called_a_folder(store, branch, tmp_path):
    """Opening a folder fails as an OS error ("is a directory", "permission denied" on Windows):
    it read as a disk fault, 读写磁盘时出错."""
    from app.services.practice.tally_import import read_tally_sheet

    folder = tmp_path / "名册.xlsx"
    folder.mkdir()
    expected = f"“{folder}”是一个文件夹，请选择要导入的 Excel 工作簿（.xlsx）。"
    for read in (excel_import.load_roster, lambda path: opening.read_opening_file(path, 2026),
                 lambda path: read_tally_sheet(store, path, 2026)):
        with pytest.raises(ValidationError) as refused:
            read(folder)
        assert refused.value.message == expected
