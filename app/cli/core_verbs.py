"""Verbs for the ledger itself: demo, totals, check."""

from __future__ import annotations

from datetime import date

from app.cli.commands import EXIT_FAILED, EXIT_OK, logged_in, open_existing_store
from app.cli.fresh_database import created_unless_kept
from app.cli.login import ask_password
from app.cli.progress import TerminalProgress
from app.domain.errors import ValidationError
from app.domain.periods import Month, parse_year
from app.domain.points import format_points
from app.services import check, demo, kept_sums
from app.services.accounts import setup
from app.services.totals import ranking as totals
from app.services.township import gather as township_gather
from app.services.township.overview import gathered_branches
from app.services.paths import database_url
from db.store import Store

ORDER = 10


def register(verbs, add_common) -> dict:
    demo_parser = verbs.add_parser(
        "demo", help="在新数据库中生成演示支部",
        description="在一个新的（空的）数据库里生成演示支部：几十名党员、从一月到今天的会议和积分记录。",
    )
    add_common(demo_parser)
    demo_parser.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")
    demo_parser.add_argument("--until", metavar="YYYY-MM-DD", help="演示数据生成到哪一天（默认今天）")

    totals_parser = verbs.add_parser("totals", help="打印积分排名", description="打印支部某月、某季度或全年的积分排名。")
    add_common(totals_parser)
    period = totals_parser.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="YYYY-MM", help="月度排名，例如 2026-10")
    period.add_argument("--quarter", metavar="YYYY-Q", help="季度排名，例如 2026-3（第 3 季度）")
    period.add_argument("--year", metavar="YYYY", help="年度排名，例如 2026")
    totals_parser.add_argument(
        "--branch", metavar="支部名称", help="乡镇或县汇总库中只排某一个支部（不写则排汇总的全部支部）"
    )

    check_parser = verbs.add_parser("check", help="检查数据库", description="检查数据库文件完整性和积分台账是否自洽，只读不写。")
    add_common(check_parser)
    rebuild_parser = verbs.add_parser(
        "rebuild-sums", help="从台账重算积分汇总",
        description="check 报告“积分月汇总/年汇总与台账不符”时用：按台账重新计算每名党员的月汇总和年汇总（台账本身不变，需要管理员）。",
    )
    add_common(rebuild_parser)
    return {"demo": run_demo, "totals": run_totals, "check": run_check, "rebuild-sums": run_rebuild_sums}


def open_store(args) -> Store:
    return Store(database_url(args.db))


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"日期“{text}”看不懂，请写成 2026-11-23 这样的格式。") from None


def run_demo(args) -> int:
    """On a database without accounts the demo's accounts are made first, with the password
    from $DYJF_PASSWORD or asked twice; on one with accounts, the verb needs a log-in."""
    until = parse_day(args.until) if args.until else date.today()
    if until > date.today():
        raise ValidationError("演示数据不能生成到未来的日期。")
    with created_unless_kept(database_url(args.db)) as database, open_store(args) as store:
        setup.refuse_demo_over_a_branch(store)
        fresh = setup.needs_first_account(store)
        if fresh:
            password = ask_password("请为演示账号设置一个密码（至少 8 个字符，不要太简单）：", confirm=True)
            actor = setup.create_demo_administrator(store, password)
        else:
            actor = logged_in(store, args)
        summary = demo.create_demo_branch(store, actor, today=until, seed=args.seed)
        accounts = setup.create_demo_helpers(store, actor, password) if fresh else []
        database.keep()
    print(
        f"已生成演示支部“{summary.branch}”：党员 {summary.members} 名，会议 {summary.meetings} 次，"
        f"积分记录 {summary.entries} 条（其中待审核 {summary.pending} 条）。"
    )
    if accounts:
        names = "、".join(f"{a.username}（{a.display_name}，{a.roles_label}）" for a in accounts)
        print(f"已建立演示账号：{names}，密码都是刚才设置的密码。不带命令运行 main.py 打开程序，选一个账号登录。")
    return EXIT_OK


def _parse_quarter(text: str) -> tuple[int, int]:
    parts = text.upper().replace("Q", "-").replace("--", "-").split("-")
    if len(parts) != 2 or not parts[1].strip().isdigit() or not 1 <= int(parts[1]) <= 4:
        raise ValidationError(f"季度“{text}”看不懂，请写成 2026-3 这样的格式（第 3 季度）。")
    return parse_year(parts[0]), int(parts[1])


def run_totals(args) -> int:
    if args.month is not None:  # an empty --month "" is a month not understood, not the year
        month = Month.parse(args.month)
        year, kwargs = month.year, {"month": month.month}
    elif args.quarter is not None:
        year, quarter = _parse_quarter(args.quarter)
        kwargs = {"quarter": quarter}
    else:
        year, kwargs = parse_year(args.year), {}
    with open_existing_store(args.db, read_only=True) as store:
        logged_in(store, args)
        ranking = _ranking(store, year, kwargs, args.branch)
    print(f"{ranking.label}积分排名（{ranking.rule_set_name}）")
    period_title = "全年总分" if ranking.kind == "year" else "本期积分"
    across = any(row.branch_name for row in ranking.rows)
    widths = (6, 10, 14 if across else 12, 10, 10, 10, 12)
    where = "支部" if across else "党小组"
    print(_columns(("名次", "姓名", where, period_title, "年度累计", "等次", "星级", "提示"), widths))
    for row in ranking.rows:
        stars = "★" * row.stars if row.stars else "—"
        cells = (
            str(row.rank), row.name, row.branch_name if across else row.group_name, format_points(row.period_points),
            format_points(row.year_to_date), row.grade, stars, "；".join(row.flags),
        )
        print(_columns(cells, widths))
    print(f"共 {len(ranking.rows)} 人。")
    return EXIT_OK


def _ranking(store, year: int, period: dict, branch_name: str | None):
    """A village's own ranking; on a township's or county's gathering, one branch or all of them."""
    if not township_gather.is_township_database(store):
        if branch_name:
            raise ValidationError("--branch 只用于乡镇或县的汇总数据库，本数据库只有一个支部。")
        return totals.branch_ranking(store, year, **period)
    branches = {b.branch_id: b.name for b in gathered_branches(store)}
    if branch_name:
        found = [branch_id for branch_id, name in branches.items() if name == branch_name.strip()]
        if not found:
            raise ValidationError(f"汇总库中没有名为“{branch_name}”的支部，已汇总的有：{'、'.join(sorted(branches.values()))}。")
        return totals.branch_ranking(store, year, branch_id=found[0], **period)
    return totals.ranking_across(store, branches, year, **period)


def _display_width(text: str) -> int:
    """Terminal columns: East Asian wide characters and ★ take two."""
    return sum(2 if ord(ch) > 0x2E80 or ch == "★" else 1 for ch in text)


def _columns(cells, widths) -> str:
    padded = [cell + " " * max(1, width - _display_width(cell)) for cell, width in zip(cells, widths)]
    return "".join(padded) + "".join(cells[len(widths):])


def run_check(args) -> int:
    with open_existing_store(args.db, read_only=True) as store:
        logged_in(store, args)
        report = check.check_store(store, TerminalProgress())
    counts = "，".join(f"{key} {value}" for key, value in report.counts.items())
    if report.ok:
        print(f"检查通过：{counts}。")
        return EXIT_OK
    print(f"发现 {len(report.problems)} 个问题（{counts}）：")
    for problem in report.problems:
        print(f"  - {problem}")
    return EXIT_FAILED


def run_rebuild_sums(args) -> int:
    with open_existing_store(args.db) as store:
        actor = logged_in(store, args)
        print(kept_sums.rebuild_kept_sums(store, actor).summary)
    return EXIT_OK
