"""The `report` verb's kinds for the honour shop and the red-and-black board (issue 15),
registered by app/cli/report_verbs.py:

    main.py report slips --month 2026-10 --out FILE.pdf [--member 姓名 ...]
    main.py report passbook --year 2026 --out FILE.pdf [--member 姓名 ...]
    main.py report shop-month --month 2026-10 --out FILE.pdf
    main.py report board --month 2026-10 | --year 2026 --quarter 3 --out FILE.pdf [--paper A3] [--issuer 单位] [--date YYYY-MM-DD]
"""

from __future__ import annotations

from pathlib import Path

from app.cli.commands import EXIT_OK, logged_in, open_existing_store
from app.cli.core_verbs import parse_day
from app.cli.practice_reports import FLAGS
from app.domain.errors import ValidationError
from app.domain.periods import Month, parse_year
from app.reports.data import DEFAULT_OBJECTION_CONTACT, NOTICE_DAYS
from app.services.files import check_output_path, write_pdf

KINDS = {"slips": "积分兑换凭证", "passbook": "积分存折", "shop-month": "积分超市月报", "board": "红黑榜"}
HELP = ("slips 积分兑换凭证（--month）、passbook 积分存折（--year）、shop-month 积分超市月报（--month）；"
        "board 红黑榜（--month，或 --year 和 --quarter）。")
NOTICE_OPTIONS = {"paper", "issuer", "date", "notice_days", "contact", "phone"}
ALLOWED = {
    "slips": {"month", "member"},
    "passbook": {"year", "member"},
    "shop-month": {"month"},
    "board": {"month", "year", "quarter", *NOTICE_OPTIONS},
}


def check_options(args) -> None:
    kind, name = args.kind, KINDS[args.kind]
    if kind in ("slips", "shop-month") and not args.month:
        raise ValidationError(f"{name}按月打印，请用 --month 指定月份，例如 --month 2026-10。")
    if kind == "passbook" and not args.year:
        raise ValidationError(f"{name}按年度打印，请用 --year 指定年度，例如 --year 2026。")
    if kind == "board" and not (args.month or (args.year and getattr(args, "quarter", None))):
        raise ValidationError("红黑榜按月或按季度发布：用 --month 2026-10，或 --year 2026 --quarter 3。")
    for attribute, flag in FLAGS.items():
        if getattr(args, attribute, None) not in (None, False) and attribute not in ALLOWED[kind]:
            raise ValidationError(f"{flag} 不能用于{name}。")


def build(args, store) -> tuple[bytes, str]:
    from app.reports import shop_papers as paper
    from app.services.printing import shop_papers as data
    from app.services.printing.report_data import IssueSettings, member_ids_by_name

    kind = args.kind
    member_ids = member_ids_by_name(store, args.member) if args.member else None
    if kind == "slips":
        month = Month.parse(args.month)
        batch = data.month_slips(store, month, member_ids)
        return paper.render_redemption_slips(batch), f"{month.label}积分兑换凭证 {len(batch.slips)} 张"
    if kind == "passbook":
        year = parse_year(args.year)
        batch = data.passbooks(store, year, member_ids)
        return paper.render_passbooks(batch), f"{year}年积分存折 {len(batch.pages)} 份"
    if kind == "shop-month":
        report = data.shop_month_report(store, Month.parse(args.month))
        return paper.render_shop_month_report(report), f"积分超市{report.month.label}库存及兑换情况表（兑换 {len(report.redemptions)} 笔）"
    settings = IssueSettings(
        issuing_org=args.issuer, issued_on=parse_day(args.date) if args.date else None,
        notice_days=NOTICE_DAYS if args.notice_days is None else args.notice_days,
        objection_contact=args.contact or DEFAULT_OBJECTION_CONTACT, objection_phone=args.phone or "",
    )
    if args.month:
        month = Month.parse(args.month)
        notice = data.board_notice(store, month.year, month=month.month, settings=settings)
    else:
        notice = data.board_notice(store, parse_year(args.year), quarter=args.quarter, settings=settings)
    pdf = paper.render_board_notice(notice, args.paper or "A4")
    return pdf, f"{notice.label}红黑榜（红榜 {len(notice.red)} 名，黑榜 {len(notice.black)} 名）"


def run(args) -> int:
    from app.reports import page_count

    check_options(args)
    out = check_output_path(Path(args.out).expanduser())
    with open_existing_store(args.db and str(Path(args.db).expanduser()), read_only=True) as store:
        logged_in(store, args)
        pdf, what = build(args, store)
    write_pdf(out, pdf)
    print(f"已生成{what}，共 {page_count(pdf)} 页：{out}")
    return EXIT_OK
