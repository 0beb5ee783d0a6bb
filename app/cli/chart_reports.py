"""The `report` verb's chart papers (issue 17), registered by app/cli/report_verbs.py:

    main.py report township --year 2026 --out FILE.pdf [--issuer 单位] [--date YYYY-MM-DD]   (a township's database)
    main.py report notice --month 2026-10 --charts ...    the notice with its chart page
    main.py report annual --year 2026 --charts ...        each member's summary followed by his year's charts
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.cli.commands import EXIT_OK, logged_in, open_existing_store
from app.cli.core_verbs import parse_day
from app.cli.practice_reports import FLAGS
from app.domain.errors import ValidationError
from app.domain.periods import parse_year
from app.services.files import check_output_path, write_pdf

KINDS = {"township": "乡镇各支部积分图表"}
HELP = "township 乡镇各支部积分图表（--year，用乡镇的汇总数据库）；公示表和年度汇总加 --charts 附上图表页。"
ALLOWED = {"township": {"year", "issuer", "date"}}
# For the other kinds: the options only these kinds take.
ONLY = {"charts": ("--charts", {"notice", "annual"})}


def add_arguments(parser) -> None:
    parser.add_argument("--charts", action="store_true",
                        help="公示表、年度汇总：附上图表页（公示表附党小组和出席率；年度汇总每人附一页全年图表）")


def check_options(args) -> None:
    kind, name = args.kind, KINDS[args.kind]
    if not args.year:
        raise ValidationError(f"{name}按年度打印，请用 --year 指定年度，例如 --year 2026。")
    for attribute, flag in {**FLAGS, "charts": "--charts"}.items():
        if getattr(args, attribute, None) not in (None, False) and attribute not in ALLOWED[kind]:
            raise ValidationError(f"{flag} 不能用于{name}。")


def run(args) -> int:
    from app.reports import page_count
    from app.reports.text import date_text
    from app.services.charts import paper
    from app.services.township.gather import is_township_database

    check_options(args)
    out = check_output_path(Path(args.out).expanduser())
    year = parse_year(args.year)
    day = parse_day(args.date) if args.date else date.today()
    with open_existing_store(args.db and str(Path(args.db).expanduser()), read_only=True) as store:
        logged_in(store, args)
        if not is_township_database(store):
            raise ValidationError("乡镇各支部积分图表要用乡镇的汇总数据库（--db 乡镇汇总.db）。")
        issuer = args.issuer or paper.township_name(store)
        pdf = paper.township_report(store, year, f"{issuer}　{date_text(day)}".strip("　"))
    write_pdf(out, pdf)
    print(f"已生成{year}年度乡镇各支部积分图表，共 {page_count(pdf)} 页：{out}")
    return EXIT_OK


def notice_with_charts(args, store, pdf: bytes, notice) -> bytes:
    """The notice followed by its chart page when --charts was given."""
    if not args.charts:
        return pdf
    from app.services.charts import paper

    return paper.append_pages(pdf, paper.notice_chart_pages(store, notice.month, paper.issue_line(notice.issue), args.paper or "A4"))


def annual_charts(args, store, year: int):
    """Each member's chart set for the annual summary when --charts was given (else None)."""
    if not args.charts:
        return None
    from app.services.charts import paper

    return paper.annual_chart_sets(store, year)


__all__ = ["KINDS", "HELP", "ONLY", "add_arguments", "check_options", "run", "notice_with_charts", "annual_charts"]
