"""The `report` verb's kinds for the practice papers (issue 15), registered by app/cli/report_verbs.py:

    main.py report feedback --year 2026 --quarter 3 --out FILE.pdf [--member 姓名 ...] [--issuer 单位] [--date YYYY-MM-DD]
    main.py report ballot|tally --year 2026 --out FILE.pdf
    main.py report cadre-cards --month 2026-10 --out FILE.pdf [--cadre 姓名 ...]
    main.py report cadre-sheets --year 2026 --out FILE.pdf [--cadre 姓名 ...]
"""

from __future__ import annotations

from pathlib import Path

from app.cli.commands import EXIT_OK, logged_in, open_existing_store
from app.cli.core_verbs import parse_day
from app.domain.errors import ValidationError
from app.domain.periods import Month, parse_year
from app.services.files import check_output_path, write_pdf

KINDS = {
    "feedback": "双报到反馈单",
    "ballot": "民主评议测评表",
    "tally": "民主评议结果",
    "cadre-cards": "驻村干部积分卡",
    "cadre-sheets": "驻村干部年度考核表",
}
HELP = ("feedback 双报到反馈单（--year 和 --quarter）；ballot 民主评议测评表、tally 民主评议结果（--year）；"
        "cadre-cards 驻村干部积分卡（--month）、cadre-sheets 驻村干部年度考核表（--year）。")
# The options each kind takes; any other one given is refused, not ignored.
ALLOWED = {
    "feedback": {"year", "quarter", "member", "issuer", "date"},
    "ballot": {"year"},
    "tally": {"year"},
    "cadre-cards": {"month", "cadre"},
    "cadre-sheets": {"year", "cadre"},
}
FLAGS = {
    "month": "--month", "year": "--year", "on": "--on", "member": "--member", "per_page": "--per-page", "paper": "--paper",
    "stars": "--stars", "offset_right": "--offset-right", "offset_down": "--offset-down", "variable_only": "--variable-only",
    "issuer": "--issuer", "date": "--date", "notice_days": "--notice-days", "contact": "--contact", "phone": "--phone",
    "meeting_type": "--type", "group": "--group", "place": "--place", "title": "--title", "quarter": "--quarter", "cadre": "--cadre",
}
# For the other kinds: the options only these kinds take.
ONLY = {"quarter": ("--quarter", {"feedback"}), "cadre": ("--cadre", {"cadre-cards", "cadre-sheets"})}


def add_arguments(parser) -> None:
    parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="双报到反馈单：季度 1–4")
    parser.add_argument("--cadre", metavar="姓名", action="append", help="只打印这名驻村干部（可重复；积分卡、考核表）")


def check_options(args) -> None:
    kind, name = args.kind, KINDS[args.kind]
    if kind == "cadre-cards" and not args.month:
        raise ValidationError(f"{name}按月打印，请用 --month 指定月份，例如 --month 2026-10。")
    if kind != "cadre-cards" and not args.year:
        raise ValidationError(f"{name}按年度打印，请用 --year 指定年度，例如 --year 2026。")
    for attribute, flag in FLAGS.items():
        if getattr(args, attribute, None) not in (None, False) and attribute not in ALLOWED[kind]:
            raise ValidationError(f"{flag} 不能用于{name}。")
    if kind == "feedback" and not args.quarter:
        raise ValidationError("双报到反馈单按季度打印，请用 --quarter 指定季度（1–4）。")


def _cadre_ids(store, names):
    if not names:
        return None
    from app.services.practice import cadres

    known = {c.name: c.id for c in cadres.list_cadres(store)}
    missing = [n for n in names if n.strip() not in known]
    if missing:
        raise ValidationError(f"本村没有名为“{'、'.join(missing)}”的驻村干部，现有：{'、'.join(known) or '（无）'}。")
    return [known[n.strip()] for n in names]


def build(args, store) -> tuple[bytes, str]:
    from app.reports import practice_papers as paper
    from app.services.printing import practice_papers as data
    from app.services.printing.report_data import member_ids_by_name

    kind = args.kind
    if kind == "feedback":
        year = parse_year(args.year)
        member_ids = member_ids_by_name(store, args.member) if args.member else None
        batch = data.feedback_letters(store, year, args.quarter, member_ids, parse_day(args.date) if args.date else None, args.issuer)
        return paper.render_feedback_letters(batch), f"{year}年第{args.quarter}季度双报到反馈单 {len(batch.letters)} 份"
    if kind == "ballot":
        ballot = data.ballot(store, parse_year(args.year))
        return paper.render_ballot(ballot), f"{ballot.year}年度民主评议党员测评表（{len(ballot.rows)} 名党员）"
    if kind == "tally":
        sheet = data.tally_sheet(store, parse_year(args.year))
        return paper.render_tally_sheet(sheet), f"{sheet.year}年度民主评议结果（{len(sheet.rows)} 名党员）"
    if kind == "cadre-cards":
        month = Month.parse(args.month)
        batch = data.cadre_cards(store, month, _cadre_ids(store, args.cadre))
        return paper.render_cadre_papers(batch), f"{month.label}驻村干部积分卡 {len(batch.cards)} 张"
    batch = data.cadre_assessments(store, parse_year(args.year), _cadre_ids(store, args.cadre))
    return paper.render_cadre_papers(batch), f"{batch.title} {len(batch.assessments)} 份"


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
