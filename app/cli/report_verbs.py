"""The `report` verb: print scorecards, notices, star notices, certificates, annual summaries.

    main.py report scorecards|notice --month 2026-10 --out FILE.pdf [--member 姓名 ...]
    main.py report stars|certificates|annual --year 2026 --out FILE.pdf [--member 姓名 ...]
    main.py report signin --on 2026-11-05 --type 主题党日 [--group 党小组] [--place 地点] [--title 名称] --out FILE.pdf
    main.py report meeting --on 2026-11-05 --type 主题党日 [--group 党小组] --out FILE.pdf
    main.py report slips|passbook|shop-month|board ...   (the honour shop and the board: app/cli/shop_reports.py)

Everything is checked before any work is done; the PDF is built in memory and written
atomically, so a failure (one plain Chinese line on stderr, non-zero exit) leaves no file.
"""

from __future__ import annotations

from pathlib import Path

from app.cli import chart_reports, practice_reports, shop_reports
from app.cli.commands import EXIT_OK, logged_in, open_existing_store
from app.cli.core_verbs import parse_day
from app.domain.enums import MeetingKind
from app.domain.errors import ValidationError
from app.domain.periods import Month, parse_year
from app.reports.data import DEFAULT_OBJECTION_CONTACT, NOTICE_DAYS, CertificateOptions
from app.services import organisation
from app.services.printing import report_data
from app.services.files import check_output_path, write_pdf

ORDER = 40

MONTHLY = {"scorecards": "积分卡", "notice": "积分公示表"}
YEARLY = {"stars": "星级评定公示", "certificates": "荣誉证书", "annual": "年度积分汇总"}
MEETING = {"signin": "签到表", "meeting": "会议记录"}
KINDS = {**MONTHLY, **YEARLY, **MEETING, **practice_reports.KINDS, **shop_reports.KINDS, **chart_reports.KINDS}
WITH_MEMBERS = {"scorecards", "certificates", "annual"}


def register(verbs, add_common) -> dict:
    parser = verbs.add_parser(
        "report",
        help="打印积分卡、公示表、星级公示、荣誉证书、年度汇总（PDF）",
        description=(
            "生成 PDF：scorecards 积分卡、notice 积分公示表（按月，--month）；"
            "stars 星级评定公示、certificates 荣誉证书、annual 年度积分汇总（按年，--year）；"
            "signin 会前签到表、meeting 会议记录（按会议日期 --on 和会议类型 --type）；"
            + practice_reports.HELP
            + shop_reports.HELP
            + chart_reports.HELP
        ),
    )
    add_common(parser)
    parser.add_argument("kind", metavar="种类", choices=list(KINDS), help=" | ".join(KINDS))
    period = parser.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="YYYY-MM", help="月份（积分卡、公示表），例如 2026-10")
    period.add_argument("--year", metavar="YYYY", help="年度（星级公示、证书、年度汇总），例如 2026")
    period.add_argument("--on", metavar="YYYY-MM-DD", help="会议日期（签到表、会议记录），例如 2026-11-05")
    parser.add_argument("--out", metavar="文件.pdf", required=True, help="输出的 PDF 文件")
    parser.add_argument("--member", metavar="姓名", action="append", help="只打印这名党员（可重复；积分卡、证书、年度汇总）")
    parser.add_argument("--per-page", type=int, choices=[1, 2], help="积分卡每页张数：1（默认）或 2（上下两张，沿虚线裁开）")
    parser.add_argument("--paper", choices=["A4", "A3"], help="公示用纸：A4（默认）或 A3")
    parser.add_argument("--stars", type=int, choices=[1, 2, 3, 4, 5], help="证书：给几星及以上的党员（默认 5）")
    parser.add_argument("--offset-right", type=float, metavar="毫米", help="证书：整体向右移动（负数向左），套打预印证书纸用")
    parser.add_argument("--offset-down", type=float, metavar="毫米", help="证书：整体向下移动（负数向上）")
    parser.add_argument("--variable-only", action="store_true", help="证书：只打印姓名等可变文字（不印边框、标题和印章圈）")
    parser.add_argument("--issuer", metavar="单位", help="落款单位（默认本支部名称）")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="落款日期（默认今天）")
    parser.add_argument("--notice-days", type=int, metavar="天数", help=f"公示天数（默认 {NOTICE_DAYS} 天，从落款日期起）")
    parser.add_argument("--contact", metavar="对象", help=f"公示期间受理异议的对象（默认“{DEFAULT_OBJECTION_CONTACT}”）")
    parser.add_argument("--phone", metavar="电话", help="受理异议的联系电话（支部或乡镇的公开电话）")
    kinds = "、".join(kind.label for kind in MeetingKind)
    parser.add_argument("--type", dest="meeting_type", metavar="会议类型", help=f"签到表、会议记录：{kinds}")
    parser.add_argument("--group", metavar="党小组", help="签到表：只列这个党小组的党员；会议记录：同一天有几次时指明是哪个党小组的")
    parser.add_argument("--place", metavar="地点", help="签到表：会议地点")
    parser.add_argument("--title", metavar="名称", help="签到表：会议名称（默认“11月主题党日”这样的月份加类型）")
    practice_reports.add_arguments(parser)
    chart_reports.add_arguments(parser)
    return {"report": run_report}


def _check_options(args) -> None:
    """Every option that does not belong to the chosen kind is refused, not ignored."""
    kind, name = args.kind, KINDS[args.kind]
    if kind in MONTHLY and not args.month:
        raise ValidationError(f"{name}按月打印，请用 --month 指定月份，例如 --month 2026-10。")
    if kind in YEARLY and not args.year:
        raise ValidationError(f"{name}按年度打印，请用 --year 指定年度，例如 --year 2026。")
    if args.member and kind not in WITH_MEMBERS:
        raise ValidationError(f"{name}列出全体党员，不能用 --member 只选一部分。")
    only = {
        "per_page": ("--per-page", {"scorecards"}),
        "paper": ("--paper", {"notice", "stars"}),
        "stars": ("--stars", {"certificates"}),
        "offset_right": ("--offset-right", {"certificates"}),
        "offset_down": ("--offset-down", {"certificates"}),
        "variable_only": ("--variable-only", {"certificates"}),
        "notice_days": ("--notice-days", {"notice", "stars"}),
        "contact": ("--contact", {"notice", "stars"}),
        "phone": ("--phone", {"notice", "stars"}),
        "meeting_type": ("--type", set(MEETING)),
        "group": ("--group", set(MEETING)),
        "place": ("--place", {"signin"}),
        "title": ("--title", {"signin"}),
        "issuer": ("--issuer", set(MONTHLY) | set(YEARLY)),
        "date": ("--date", set(MONTHLY) | set(YEARLY)),
        **practice_reports.ONLY,
        **chart_reports.ONLY,
    }
    for attribute, (flag, kinds) in only.items():
        if getattr(args, attribute) not in (None, False) and kind not in kinds:
            allowed = "、".join(KINDS[k] for k in KINDS if k in kinds)
            raise ValidationError(f"{flag} 只用于{allowed}，不能用于{name}。")
    if args.stars is not None and args.member:
        raise ValidationError("证书要么按星级（--stars）选人，要么用 --member 点名，不能同时使用。")


def _meeting_kind(args) -> MeetingKind:
    """The --type of a meeting paper (after checking it has its --on date)."""
    if not args.on:
        raise ValidationError(
            f"{MEETING[args.kind]}按会议打印，请用 --on 指定会议日期、--type 指定会议类型，例如 --on 2026-11-05 --type 主题党日。"
        )
    kinds = "、".join(kind.label for kind in MeetingKind)
    if not args.meeting_type:
        raise ValidationError(f"{MEETING[args.kind]}要用 --type 指明会议类型：{kinds}。")
    try:
        return MeetingKind.from_label_or_value(args.meeting_type)
    except ValueError:
        raise ValidationError(f"会议类型“{args.meeting_type}”不认识，应为以下之一：{kinds}。") from None


def _group_id(store, name: str | None):
    if not name:
        return None
    groups = organisation.get_branch(store).groups
    for group in groups:
        if group.name == name.strip():
            return group.id
    raise ValidationError(f"本支部没有名为“{name}”的党小组，现有：{'、'.join(g.name for g in groups) or '（无）'}。")


def _build_meeting_paper(args, store) -> tuple[bytes, str]:
    """签到表 (from the roster of the day) or 会议记录 (of the one recorded meeting that matches)."""
    from app import reports
    from app.services.ledger import meetings
    from app.services.printing import meeting_papers

    kind, held_on = _meeting_kind(args), parse_day(args.on)
    if args.kind == "signin":
        sheet = meeting_papers.signin_sheet(store, kind, held_on, args.place or "", _group_id(store, args.group), args.title or "")
        return reports.render_signin_sheet(sheet), f"“{sheet.title}”签到表（{sheet.scope}，应到 {sheet.expected} 人）"
    if args.group:
        _group_id(store, args.group)
    found = meetings.find_meeting(store, kind, held_on, args.group)
    paper = meeting_papers.meeting_record(store, found.id)
    return reports.render_meeting_record(paper), f"“{paper.title}”会议记录（{paper.counts_sentence}）"


def run_report(args) -> int:
    from app.reports import page_count

    for family in (practice_reports, shop_reports, chart_reports):
        if args.kind in family.KINDS:
            return family.run(args)  # checks its own options
    _check_options(args)
    out = check_output_path(Path(args.out).expanduser())
    if args.kind in MEETING:
        _meeting_kind(args)
        with open_existing_store(args.db and str(Path(args.db).expanduser()), read_only=True) as store:
            logged_in(store, args)
            pdf, what = _build_meeting_paper(args, store)
        write_pdf(out, pdf)
        print(f"已生成{what}，共 {page_count(pdf)} 页：{out}")
        return EXIT_OK
    month = Month.parse(args.month) if args.month else None
    year = parse_year(args.year) if args.year else None
    options = CertificateOptions(args.offset_right or 0, args.offset_down or 0, args.variable_only)
    settings = report_data.IssueSettings(
        issuing_org=args.issuer,
        issued_on=parse_day(args.date) if args.date else None,
        notice_days=NOTICE_DAYS if args.notice_days is None else args.notice_days,
        objection_contact=args.contact or DEFAULT_OBJECTION_CONTACT,
        objection_phone=args.phone or "",
    )
    with open_existing_store(args.db and str(Path(args.db).expanduser()), read_only=True) as store:
        logged_in(store, args)
        member_ids = report_data.member_ids_by_name(store, args.member) if args.member else None
        pdf, what = _build(args, store, month, year, member_ids, settings, options)
    write_pdf(out, pdf)
    print(f"已生成{what}，共 {page_count(pdf)} 页：{out}")
    return EXIT_OK


def _build(args, store, month, year, member_ids, settings, options) -> tuple[bytes, str]:
    from app import reports

    kind = args.kind
    if kind == "scorecards":
        batch = report_data.scorecards(store, month, member_ids, settings)
        return reports.render_scorecards(batch, per_page=args.per_page or 1), f"{month.label}积分卡 {len(batch.cards)} 张"
    if kind == "notice":
        notice = report_data.monthly_notice(store, month, settings)
        pdf = chart_reports.notice_with_charts(args, store, reports.render_monthly_notice(notice, paper=args.paper or "A4"), notice)
        return pdf, f"{month.label}积分公示表（{len(notice.rows)} 人）"
    if kind == "stars":
        notice = report_data.star_notice(store, year, settings)
        if notice.assessed:
            said = f"{year}年度星级评定公示（{notice.rated_count} 人参评）"
        else:
            said = f"{year}年度星级预评名单（星级评定尚未进行，按目前积分测算，{notice.rated_count} 人）"
        return reports.render_star_notice(notice, paper=args.paper or "A4"), said
    if kind == "certificates":
        batch = report_data.certificates(store, year, member_ids, args.stars or 5, settings)
        return reports.render_certificates(batch, options), f"{year}年度荣誉证书 {len(batch.certificates)} 张"
    batch = report_data.annual_summaries(store, year, member_ids, settings)
    pdf = reports.render_annual(batch, charts=chart_reports.annual_charts(args, store, year))
    return pdf, f"{year}年度积分汇总 {len(batch.summaries)} 份"


__all__ = ["register", "run_report"]
