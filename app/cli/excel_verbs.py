"""Verbs for Excel: import a roster or the months before go-live, export any table.

    main.py import roster 名册.xlsx [--good-rows-only] [--refused-out 问题行.xlsx] [--update]
    main.py import points 积分.xlsx --year 2026
    main.py import tally 计票.xlsx --year 2026 --held 2026-12-20 --issued 35 --returned 33 [--counters 张三、李四]
    main.py export roster|ranking|member|ledger|rating|roster-template|points-template ... --out F.xlsx

`import roster` exits 0 when every member row (or, with --good-rows-only, every good row) was
imported, 1 with the count and the first reason otherwise; the refused rows are written where
--refused-out says, either way. Exports mask ID numbers and phones unless --full.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from app.cli.commands import EXIT_FAILED, EXIT_OK, logged_in, open_existing_store
from app.domain.enums import EntryStatus, MemberStatus
from app.domain.errors import ImportRejected, ValidationError
from app.domain.periods import Month, parse_year
from app.services.files import check_output_path

ORDER = 35
EXPORT_KINDS = {
    "roster": "党员名册", "ranking": "积分排名（--month/--quarter/--year）", "member": "一名党员的全年积分（--member --year）",
    "ledger": "积分台账（--year 或 --month，可加 --member --item --status）", "rating": "星级评定（--year）", "meetings": "会议一览（--month 或 --year）",
    "roster-template": "名册导入模板", "points-template": "期初积分导入模板（--year）",
}
STATUSES = {"pending": EntryStatus.PENDING, "approved": EntryStatus.APPROVED, "rejected": EntryStatus.REJECTED}
SHOWN_PROBLEMS = 20


def register(verbs, add_common) -> dict:
    importing = verbs.add_parser(
        "import", help="从 Excel 导入党员名册、上线前各月的积分或民主评议计票",
        description="roster：导入党员名册（自动识别表头和列名，身份证号相同的不会重复登记）；"
        "points：把上线前各月的积分作为期初记录导入（需先建立该年细则、导入名册）；"
        "tally：导入民主评议计票表（姓名、优秀、合格、基本合格、不合格），连同 --held、--issued、--returned 保存为本年计票。",
    )
    add_common(importing)
    importing.add_argument("kind", metavar="种类", choices=["roster", "points", "tally"], help="roster | points | tally")
    importing.add_argument("file", metavar="文件.xlsx")
    importing.add_argument("--good-rows-only", action="store_true", help="名册：只导入没有问题的行（默认全部没有问题才导入）")
    importing.add_argument("--refused-out", metavar="文件.xlsx", help="名册：把有问题的行另存到这个文件（带“原因”列），改好后可再导入")
    importing.add_argument("--update", action="store_true", help="名册：已在名册中的党员信息有变化时更新（默认只列出变化）")
    importing.add_argument("--year", metavar="YYYY", help="积分、计票：导入哪一年（默认今年）")
    importing.add_argument("--held", metavar="YYYY-MM-DD", help="计票：民主评议的日期")
    importing.add_argument("--issued", type=int, metavar="张数", help="计票：发出的测评票")
    importing.add_argument("--returned", type=int, metavar="张数", help="计票：收回的测评票")
    importing.add_argument("--counters", metavar="姓名", default="", help="计票：计票人")

    exporting = verbs.add_parser(
        "export", help="把名册、排名、台账、星级评定等导出为 Excel",
        description="导出为 .xlsx（有标题、支部和期间，冻结表头，可直接在 WPS 中打印）。种类：" + "；".join(f"{k} {v}" for k, v in EXPORT_KINDS.items()),
    )
    add_common(exporting)
    exporting.add_argument("kind", metavar="种类", choices=list(EXPORT_KINDS), help=" | ".join(EXPORT_KINDS))
    exporting.add_argument("--out", metavar="文件.xlsx", required=True, help="输出的 Excel 文件")
    period = exporting.add_mutually_exclusive_group()
    period.add_argument("--month", metavar="YYYY-MM", help="月份，例如 2026-10")
    period.add_argument("--quarter", metavar="YYYY-Q", help="季度，例如 2026-3")
    period.add_argument("--year", metavar="YYYY", help="年度，例如 2026")
    exporting.add_argument("--member", metavar="姓名", help="党员姓名（member 必填；ledger 可选）")
    exporting.add_argument("--item", metavar="编号", help="台账：只导出这个细则项目")
    exporting.add_argument("--status", choices=list(STATUSES), help="台账：pending 待审核 | approved 已审核 | rejected 已驳回")
    exporting.add_argument("--all", action="store_true", help="名册：连同已转出、已去世的党员")
    exporting.add_argument("--full", action="store_true", help="名册：身份证号和电话完整导出（默认打码）")
    return {"import": run_import, "export": run_export}


# ----------------------------------------------------------------------------- import


def _print_problems(lines: list[str]) -> None:
    for line in lines[:SHOWN_PROBLEMS]:
        print(f"  {line}", file=sys.stderr)
    if len(lines) > SHOWN_PROBLEMS:
        print(f"  另有 {len(lines) - SHOWN_PROBLEMS} 行有问题，没有逐一列出。", file=sys.stderr)


def _import_roster(args, store, actor) -> int:
    from app.services.roster import excel_export, excel_import

    refused_out = check_output_path(Path(args.refused_out).expanduser(), ".xlsx", "有问题的行") if args.refused_out else None
    preview = excel_import.preview_roster(store, excel_import.load_roster(args.file), actor=actor)
    unused = [f"{c.letter}列“{c.title}”" for c in preview.unused_columns]
    print(f"表头在第 {preview.header_row} 行；没有导入的列：{'、'.join(unused) or '无'}。")
    for notice in preview.notices:
        print(f"提示：{notice}")
    if refused_out and preview.refused:
        excel_export.write_refused(preview, refused_out)
        print(f"有问题的 {len(preview.refused)} 行已另存到 {refused_out}。")
    change = excel_import.commit_roster(store, actor, preview, args.good_rows_only, apply_updates=args.update)
    print(change.summary)
    if not args.update and preview.with_status("update"):
        for row in preview.with_status("update")[:SHOWN_PROBLEMS]:
            print(f"  第 {row.row} 行 {row.name}：" + "；".join(str(c) for c in row.changes))
    if preview.refused:
        _print_problems(preview.problem_lines(SHOWN_PROBLEMS))
        return EXIT_FAILED if not args.good_rows_only else EXIT_OK
    return EXIT_OK


def run_import(args) -> int:
    from app.services.ledger import opening

    if args.kind != "roster" and (args.good_rows_only or args.refused_out or args.update):
        raise ValidationError("--good-rows-only、--refused-out、--update 只用于导入名册（roster）。")
    if args.kind == "roster" and args.year:
        raise ValidationError("--year 只用于导入积分（points）或计票（tally）。")
    tally_options = (args.held, args.issued, args.returned, args.counters)
    if args.kind != "tally" and any(tally_options):
        raise ValidationError("--held、--issued、--returned、--counters 只用于导入民主评议计票（tally）。")
    with open_existing_store(args.db) as store:
        actor = logged_in(store, args)
        try:
            if args.kind == "roster":
                return _import_roster(args, store, actor)
            if args.kind == "tally":
                return _import_tally(args, store, actor)
            year = parse_year(args.year) if args.year else date.today().year
            print(opening.import_opening(store, actor, args.file, year).summary)
            return EXIT_OK
        except ImportRejected as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            _print_problems([str(p) for p in exc.problems])
            return EXIT_FAILED


def _import_tally(args, store, actor) -> int:
    """The counters' sheet saved as the year's tally (refused whole, with one sentence, as in the window)."""
    from app.services.practice import appraisal
    from app.services.practice.tally_import import read_tally_sheet

    if args.held is None or args.issued is None or args.returned is None:
        raise ValidationError("导入计票请用 --held 写明评议日期，--issued、--returned 写明发出、收回的测评票张数。")
    try:
        held = date.fromisoformat(args.held)
    except ValueError:
        raise ValidationError(f"评议日期“{args.held}”应写成 2026-12-20 这样。") from None
    year = parse_year(args.year) if args.year else held.year
    sheet = read_tally_sheet(store, args.file, year)
    print(f"从“{sheet.file_name}”读入 {sheet.members} 名党员的得票。")
    print(appraisal.record_tally(store, actor, year, held, args.issued, args.returned, sheet.votes, args.counters).summary)
    return EXIT_OK


# ----------------------------------------------------------------------------- export


def _period(args) -> tuple[int, dict]:
    from app.cli.core_verbs import _parse_quarter

    if args.month:
        month = Month.parse(args.month)
        return month.year, {"month": month.month}
    if args.quarter:
        year, quarter = _parse_quarter(args.quarter)
        return year, {"quarter": quarter}
    if args.year:
        return parse_year(args.year), {}
    raise ValidationError("请用 --month、--quarter 或 --year 指定期间。")


def _needs_year(args) -> int:
    if not args.year:
        raise ValidationError(f"{args.kind} 按年度导出，请用 --year 指定年度，例如 --year 2026。")
    return parse_year(args.year)


def _export(args, store, out: Path, actor=None) -> str:
    """complexity: one branch per kind of table, each with its own options."""
    from app.services.exports import tables
    from app.services.ledger.opening_template import write_points_template
    from app.services.ledger.queries import EntryFilter
    from app.services.roster import excel_export, members

    kind = args.kind
    if kind == "roster":
        statuses = () if args.all else (MemberStatus.ACTIVE,)
        count = excel_export.export_members(store, out, statuses, args.full, actor=actor)
        return f"已导出 {count} 名党员（{'身份证号和电话完整' if args.full else '身份证号和电话已打码'}）"
    if kind == "roster-template":
        excel_export.write_template(out, store)
        return "已生成名册导入模板"
    if kind == "points-template":
        write_points_template(store, out, _needs_year(args))
        return "已生成期初积分导入模板"
    if kind == "ranking":
        year, period = _period(args)
        return f"已导出积分排名 {tables.export_ranking(store, out, year, **period)} 人"
    member_id = members.find_member_by_name(store, args.member).id if args.member else None
    if kind == "member":
        if member_id is None:
            raise ValidationError("请用 --member 指定党员姓名。")
        return f"已导出{args.member}的全年积分（明细 {tables.export_member_year(store, out, member_id, _needs_year(args))} 条）"
    if kind == "ledger":
        month = Month.parse(args.month) if args.month else None
        year = None if month else _needs_year(args)
        chosen = EntryFilter(member_id, year, month, (args.item or "").upper() or None, STATUSES.get(args.status))
        return f"已导出积分台账 {tables.export_ledger(store, out, chosen)} 条"
    if kind == "meetings":
        year, period = _period(args)
        return f"已导出会议 {tables.export_meetings(store, out, year, **period)} 次"
    return f"已导出星级评定 {tables.export_rating(store, out, _needs_year(args))} 人"


def _check_options(args) -> None:
    only = {"member": {"member", "ledger"}, "item": {"ledger"}, "status": {"ledger"}, "all": {"roster"}, "full": {"roster"}}
    for option, kinds in only.items():
        if getattr(args, option) not in (None, False) and args.kind not in kinds:
            raise ValidationError(f"--{option} 不能用于 {args.kind}。")
    if args.quarter and args.kind != "ranking":
        raise ValidationError("--quarter 只用于积分排名（ranking）。")


def run_export(args) -> int:
    _check_options(args)
    out = check_output_path(Path(args.out).expanduser(), ".xlsx", "导出")
    full_roster = args.kind == "roster" and args.full  # audited: the store is written
    with open_existing_store(args.db, read_only=not full_roster) as store:
        actor = logged_in(store, args)
        what = _export(args, store, out, actor)
    print(f"{what}：{out}")
    return EXIT_OK
