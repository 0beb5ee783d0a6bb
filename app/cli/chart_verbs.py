"""The `chart` verb: the window's charts as files, for a township's own reports.

    main.py chart member --year 2026 --member 姓名 --out 张三.png
    main.py chart branch|stars|groups|deductions|attendance --year 2026 [--month 2026-10] --out F.pdf
    main.py chart township --year 2026 [--branch 支部] --out 各村.pdf      (a township's gathering database)

Everything is checked before any work is done; the store is opened read-only; the file is
written atomically (a failure leaves no file and an existing one untouched).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.cli.commands import EXIT_OK, logged_in, open_existing_store
from app.domain.errors import ValidationError
from app.domain.periods import Month, parse_year
from app.services.files import write_atomically

ORDER = 45

KINDS = {
    "member": "一名党员的全年（逐月积分、年度累计和星级线、各类积分）",
    "branch": "本支部的全部图表（党小组、星级、扣分、出席率）",
    "stars": "星级分布（本年与上年）",
    "groups": "各党小组每月积分合计与人均",
    "deductions": "扣分项目（在哪里扣分）",
    "attendance": "会议出席率（按月）",
    "township": "乡镇汇总：各支部人均积分、星级占比、出席率（--branch 加一个支部的逐月对比）",
}
BRANCH_PARTS = {"branch": ("groups", "stars", "deductions", "attendance")}


def register(verbs, add_common) -> dict:
    listing = "；".join(f"{kind} {text}" for kind, text in KINDS.items())
    parser = verbs.add_parser(
        "chart",
        help="画图表（PNG 图片或 PDF）：党员、支部、乡镇",
        description=f"把窗口里的图表存成文件（.png 图片或 .pdf）。种类：{listing}。",
    )
    add_common(parser)
    parser.add_argument("kind", metavar="种类", choices=list(KINDS), help=" | ".join(KINDS))
    parser.add_argument("--year", metavar="YYYY", required=True, help="年度，例如 2026")
    parser.add_argument("--month", metavar="YYYY-MM", help="只画到这个月（默认：往年画全年，今年画到本月）")
    parser.add_argument("--member", metavar="姓名", help="member：哪一名党员")
    parser.add_argument("--branch", metavar="支部", help="township：再画这个支部逐月与全乡镇的对比")
    parser.add_argument("--out", metavar="文件.png|文件.pdf", required=True, help="输出文件：.png 图片或 .pdf")
    return {"chart": run_chart}


def _check_options(args) -> tuple[int, Month | None, Path, str]:
    """(year, last month shown, target, suffix); every option that does not fit the kind is refused."""
    from app.services.charts.export import check_chart_path
    from app.services.files import check_output_path

    year = parse_year(args.year)
    if args.kind == "member" and not args.member:
        raise ValidationError("画一名党员的图表要用 --member 指明是谁，例如 --member 张三。")
    if args.member and args.kind != "member":
        raise ValidationError("--member 只用于 member（一名党员的图表）。")
    if args.branch and args.kind != "township":
        raise ValidationError("--branch 只用于 township（乡镇汇总的图表）。")
    up_to = _up_to(year, args.month, date.today())
    out = Path(args.out).expanduser()
    suffix = check_chart_path(out)
    return year, up_to, check_output_path(out, suffix, "图表"), suffix


def _up_to(year: int, month_text: str | None, today: date) -> Month | None:
    if month_text:
        month = Month.parse(month_text)
        if month.year != year:
            raise ValidationError(f"--month {month_text} 不在 {year} 年里。")
        return None if month.month == 12 else month
    return Month.of(today) if year == today.year and today.month < 12 else None


def run_chart(args) -> int:
    from app.services.charts.export import chart_file_bytes

    year, up_to, out, suffix = _check_options(args)
    with open_existing_store(args.db and str(Path(args.db).expanduser()), read_only=True) as store:
        logged_in(store, args)
        charts = _chart_set(args, store, year, up_to)
    data = chart_file_bytes(charts, suffix)
    write_atomically(out, data, locked_hint="这个文件正被别的程序打开")
    print(f"已画出“{charts.title}”（{len(charts.charts)} 张图）：{out}")
    return EXIT_OK


def _chart_set(args, store, year: int, up_to: Month | None):
    from app.services.charts import branch, member, township
    from app.services.printing.report_data import member_ids_by_name
    from app.services.township.gather import is_township_database

    on_township = is_township_database(store)
    if args.kind == "township":
        if not on_township:
            raise ValidationError("township 图表要用乡镇的汇总数据库（--db 乡镇汇总.db）。")
        branch_id = township.branch_id_by_name(store, args.branch) if args.branch else None
        # Without --month the whole year, as the township overview scores it (months to come stay blank).
        return township.township_charts(store, year, up_to if args.month else None, branch_id)
    if on_township:
        raise ValidationError("这是乡镇的汇总数据库，只能画 township 图表。")
    if args.kind == "member":
        member_id = member_ids_by_name(store, [args.member])[0]
        return member.member_charts(store, member_id, year, up_to).charts
    return branch.branch_charts(store, year, up_to, BRANCH_PARTS.get(args.kind, (args.kind,)))


__all__ = ["register", "run_chart", "KINDS"]
