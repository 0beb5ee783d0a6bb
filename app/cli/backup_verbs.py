"""Verbs for backups: backup, verify, restore, gather.

A passphrase is never taken from the command line (it would stay in the shell history and
the process list): it comes from $DYJF_BACKUP_PASSPHRASE or from a prompt when a person is at
the terminal; otherwise the verb stops with one sentence before writing anything.
"""

from __future__ import annotations

import getpass
import os
import sys
from datetime import date
from pathlib import Path

from app.cli.commands import EXIT_FAILED, EXIT_OK, logged_in
from app.cli.fresh_database import created_unless_kept
from app.cli.login import credentials
from app.cli.progress import TerminalProgress
from app.domain.errors import PassphraseRequired, RestoreNeedsConfirmation, ValidationError, folder_not_file
from app.domain.periods import parse_year
from app.domain.points import format_points
from app.services.backup import archive as backup
from app.services.township import gather
from app.services.accounts import restore_audit, setup
from app.services.backup import restore
from app.services.township import overview as township_overview
from app.services.backup.archive import PASSPHRASE_ENV
from app.services.backup.drives import is_removable_path
from app.services.paths import database_url, default_database_path
from sqlalchemy.engine import make_url
from db.store import Store

ORDER = 30


def register(verbs, add_common) -> dict:
    backup_parser = verbs.add_parser(
        "backup", help="备份数据库到文件夹或 U 盘",
        description=f"把数据库备份成一个 {backup.EXTENSION} 文件，写入指定的文件夹（例如 U 盘）。"
        f"加密口令从环境变量 {PASSPHRASE_ENV} 读取，或在终端中输入。",
    )
    add_common(backup_parser)
    backup_parser.add_argument("--to", required=True, metavar="文件夹", help="备份文件放在哪个文件夹（例如 U 盘）")
    choice = backup_parser.add_mutually_exclusive_group()
    choice.add_argument("--encrypt", action="store_true", help="用口令加密备份（U 盘丢失时别人打不开）")
    choice.add_argument("--no-encrypt", action="store_true", help="不加密，也不询问")

    verify_parser = verbs.add_parser(
        "verify", help="检查备份文件能否恢复",
        description="完整检查一个备份文件（校验和、加密、数据库完整性、版本）；不能恢复的备份返回非零状态。",
    )
    add_common(verify_parser)
    verify_parser.add_argument("file", metavar="备份文件")

    restore_parser = verbs.add_parser(
        "restore", help="从备份文件恢复数据库",
        description="先完整检查备份，再把当前数据库另存一份，然后换成备份中的数据；数据库不存在时新建。",
    )
    add_common(restore_parser)
    restore_parser.add_argument("file", metavar="备份文件")
    restore_parser.add_argument("--yes", action="store_true", help="备份比当前数据旧或属于其他支部时，也不再询问，直接恢复")

    gather_parser = verbs.add_parser(
        "gather", help="乡镇汇总各村的备份",
        description="把各村的备份文件（可以是几个文件夹）汇总到乡镇汇总数据库（用 --db 指定），并列出各支部的对比。",
    )
    add_common(gather_parser)
    gather_parser.add_argument("paths", nargs="+", metavar="文件夹或文件")
    gather_parser.add_argument("--year", metavar="YYYY", help="对比哪一年（默认今年）")
    return {"backup": run_backup, "verify": run_verify, "restore": run_restore, "gather": run_gather}


# ----------------------------------------------------------------------------- passphrases


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def ask_passphrase(prompt: str = "请输入备份口令：", confirm: bool = False) -> str:
    """From $DYJF_BACKUP_PASSPHRASE, else from the terminal; never from the command line."""
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if not _interactive():
        raise PassphraseRequired(f"需要备份口令：请在终端中运行并输入口令，或设置环境变量 {PASSPHRASE_ENV}。")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("请再输入一次：") != first:
        raise ValidationError("两次输入的口令不一样，没有备份。")
    if not first:
        raise PassphraseRequired("没有输入口令。")
    return first


def _declined(question: str) -> bool:
    """True only when the person at the terminal answers no (the default is yes)."""
    answer = input(f"{question}（是/否，默认是）：").strip().lower()
    return answer in {"否", "n", "no", "fou"}


def _confirm(question: str) -> bool:
    if not _interactive():
        return False
    answer = input(f"{question}（是/否）：").strip().lower()
    return answer in {"是", "y", "yes", "shi"}


# ----------------------------------------------------------------------------- verbs


def _database_file(args) -> Path:
    """--db, else $DYJF_DB / $DATABASE_URL (a SQLite one), else the default file."""
    if args.db:
        return Path(args.db)
    url = database_url(None)
    if not url.startswith("sqlite"):
        raise ValidationError("只有本机的数据库文件才能这样备份或恢复；共用服务器上的数据库请由管理员在服务器上处理。")
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else default_database_path()


def run_backup(args) -> int:
    if not args.to.strip():  # Path("") is the current folder: an empty --to would back up there unasked
        raise ValidationError("请用 --to 写明备份放在哪个文件夹（例如 U 盘）。")
    folder = Path(args.to)
    if folder.exists() and not folder.is_dir():  # an old backup file given for the folder: the stick is there
        raise ValidationError(f"“{folder}”是一个文件，不是文件夹，请用 --to 选一个文件夹（例如 U 盘）。")
    if not folder.is_dir():
        raise ValidationError(f"找不到文件夹“{folder}”（U 盘可能没有插好）。")
    database = _database_file(args)
    if database.is_dir():
        raise ValidationError(folder_not_file(database, "请指定数据库文件（例如 jifen.db）"))
    if not database.is_file():
        raise ValidationError(f"找不到数据库文件“{database}”。")
    encrypt = args.encrypt
    if not encrypt and not args.no_encrypt and is_removable_path(folder):
        # On a stick, encrypted is the default: a plain backup there must be asked for by name.
        if _interactive():
            encrypt = not _declined("备份要写到 U 盘上，U 盘容易丢失，将用口令加密；不加密请输入“否”")
        elif os.environ.get(PASSPHRASE_ENV):
            encrypt = True
        else:
            raise ValidationError(
                f"备份要写到 U 盘上，U 盘上的备份默认加密：请设置环境变量 {PASSPHRASE_ENV}（口令），"
                "或加 --no-encrypt 明确要不加密的备份。"
            )
    passphrase = ask_passphrase("请设置备份口令：", confirm=True) if encrypt else None
    if passphrase is not None:
        backup.require_strong_passphrase(passphrase)
    with Store.open_file(database) as store:
        logged_in(store, args)
        result = backup.backup_to(store, folder, passphrase, progress=TerminalProgress())
    print(result.summary)
    return EXIT_OK


def _passphrase_for(path: Path) -> str | None:
    manifest = backup.inspect_backup(path)
    return ask_passphrase(f"“{path.name}”是加密的，请输入口令：") if manifest.encrypted else None


def run_verify(args) -> int:
    report = backup.verify_backup(args.file, _passphrase_for(Path(args.file)), TerminalProgress())
    line = f"备份完好，可以恢复：{report.summary}"
    if report.migrates_from:
        line += "。恢复时会升级到本程序的数据库版本"
    print(line + "。")
    return EXIT_OK


def _restorer(args, target: Path):
    """Over a database with accounts: its administrator, logged in; on a fresh laptop: nobody."""
    if not restore_audit.has_accounts(target):
        return None
    with Store.open_file(target) as store:
        return logged_in(store, args)


def run_restore(args) -> int:
    target = _database_file(args)
    actor = _restorer(args, target)
    passphrase = _passphrase_for(Path(args.file))
    plan = restore.prepare_restore(args.file, target, passphrase, TerminalProgress(), actor=actor)
    try:
        allow = args.yes
        if plan.warnings and not allow:
            for warning in plan.warnings:
                print(f"注意：{warning}", file=sys.stderr)
            allow = _confirm("确定要用这个备份替换当前数据库吗")
            if not allow:
                raise RestoreNeedsConfirmation(
                    "没有恢复，当前数据库没有改动；确认要恢复时请加 --yes，或在终端中回答“是”。",
                    details="\n".join(plan.warnings),
                )
        result = restore.commit_restore(plan, allow_replacing_newer=allow, progress=TerminalProgress(), actor=actor)
    finally:
        plan.discard()
    print(result.summary)
    return EXIT_OK


def run_gather(args) -> int:
    if not args.db:
        raise ValidationError("请用 --db 指定乡镇汇总数据库文件，例如 --db 乡镇汇总.db。")
    year = parse_year(args.year) if args.year is not None else date.today().year

    def passphrase(path, manifest):
        try:
            return ask_passphrase(f"“{path.name}”（{manifest.branch_name}）是加密的，请输入口令：")
        except PassphraseRequired:
            return None

    url = database_url(args.db)
    with created_unless_kept(url) as database:
        if not database.is_new and _without_accounts(url):
            database.put_back_unless_kept()  # its first administrator is made only if something is gathered
        with Store(url) as store:
            gather.ensure_township_database(store)
            actor, welcome = _gatherer(store, args)
            report = gather.gather(store, actor, args.paths, passphrase, TerminalProgress())
            _print_files(report)
            if not database.kept and not any(item.status == "gathered" for item in report.files):
                print(f"一个备份也没有汇总进去，乡镇汇总库“{args.db}”{'没有建立' if database.is_new else '没有改动'}。")
                return EXIT_FAILED
            database.keep()
            if welcome:
                print(welcome)
            overview = township_overview.township_overview(store, year)
    _print_overview(overview)
    return EXIT_FAILED if report.failed or report.skipped else EXIT_OK  # a skipped village is not gathered either


def _without_accounts(url: str) -> bool:
    with Store(url) as store:
        gather.ensure_township_database(store)
        return setup.needs_first_account(store)


def _print_files(report: gather.GatherReport) -> None:
    for item in report.files:
        mark = {"gathered": "已汇总", "unchanged": "无变化", "failed": "失败", "skipped": "跳过"}[item.status]
        who = f"{item.branch_name} " if item.branch_name else ""
        print(f"[{mark}] {item.path.name}：{who}{item.message}")
        for notice in item.notices:
            print(f"    提示：{notice}")
        for conflict in item.conflicts:
            print(f"    不一致：{conflict.sentence}")
    print(report.summary)


def _gatherer(store, args):
    """The account gathering, and for a new township database the sentence about its first
    administrator, made from the credentials given (said once something was gathered)."""
    if not setup.needs_first_account(store):
        return logged_in(store, args), ""
    given = credentials(args)
    actor = setup.create_first_admin(store, given.username, given.username, given.password).actor
    return actor, f"新建的乡镇汇总库：已建立管理员账号“{given.username}”，密码就是刚才输入的密码。"


def _print_overview(overview: township_overview.TownshipOverview) -> None:
    print(f"{overview.township} {overview.year} 年各支部对比：")
    print("支部\t人数\t总分\t平均分\t五星\t四星\t三星\t二星\t一星\t无星\t一票否决")
    for branch in overview.branches:
        if not branch.has_rule_set:
            print(f"{branch.name}\t（{overview.year} 年没有积分细则）")
            continue
        stars = "\t".join(str(branch.stars.get(n, 0)) for n in (5, 4, 3, 2, 1, 0))
        print(f"{branch.name}\t{branch.rated}\t{format_points(branch.total)}\t{format_points(branch.average)}\t{stars}\t{branch.vetoed}")
    print(f"合计\t{sum(b.rated for b in overview.branches)}\t{format_points(overview.total)}")
    if overview.rows:
        print("全乡镇前十名：")
        for row in overview.rows[:10]:
            print(f"  {row.rank}. {row.name}（{row.branch_name}）{format_points(row.final_total)} 分 {'★' * row.stars}")
