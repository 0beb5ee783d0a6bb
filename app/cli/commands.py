"""The command-line entry: a parser assembled from the verb modules, and one way to fail.

Each module `app/cli/*_verbs.py` contributes verbs through `register(verbs, add_common)`,
which adds its sub-parsers and returns {verb: handler}. A handler takes the parsed
arguments and returns an exit status. Every verb takes --db PATH (default: the user data
folder, or $DYJF_DB / $DATABASE_URL) and --operator LOGIN (or $DYJF_OPERATOR).

Every verb needs a log-in (app/cli/login.py) except those in LOGIN_FREE: `run` asks for the
account and password before the verb starts, and the verb logs in on the database it opens
(`logged_in`), so every read of the branch's data and every write names a person who proved
who he is. tests/cli/test_login_required.py runs every registered verb without and with a
wrong password, so a new verb cannot slip through.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Callable

import app.cli
from app import __version__
from app.cli.login import credentials, logged_in
from app.cli.parser import EXIT_USAGE, ChineseArgumentParser
from app.domain.errors import AppError

EXIT_OK = 0
EXIT_FAILED = 1

Handler = Callable[[argparse.Namespace], int]


def add_common(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument("--db", metavar="路径", default=default, help="数据库文件（默认在用户数据文件夹中）")
    parser.add_argument(
        "--operator", metavar="登录名", default=default,
        help="以哪个账号登录（也可用环境变量 DYJF_OPERATOR）；密码从环境变量 DYJF_PASSWORD 读取，否则在终端中询问",
    )


def _add_verb_common(parser: argparse.ArgumentParser) -> None:
    """A verb's own --db and --operator, set only when given after the verb: argparse copies a
    verb's defaults over what the main parser read, so `main.py --db FILE check` checked the
    default database instead of FILE."""
    add_common(parser, argparse.SUPPRESS)


def open_existing_store(db_path: str | None, read_only: bool = False):
    """Open the database a verb names; a missing file is an error, never a new empty one.

    Verbs that only read pass `read_only`: the file is opened so that nothing about it changes
    (it may sit on read-only media), and an empty or foreign file is refused untouched.
    """
    from sqlalchemy.engine import make_url

    from app.domain.errors import ValidationError, folder_not_file
    from app.services.paths import database_url
    from db.store import Store

    url = database_url(db_path)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:" and Path(database).is_dir():
            raise ValidationError(folder_not_file(database, "请指定数据库文件（例如 jifen.db）"))
        if database and database != ":memory:" and not Path(database).is_file():
            raise ValidationError(f"找不到数据库文件“{database}”，请检查路径（新数据库请先打开程序完成初始设置，或运行 demo）。")
    return Store(url, read_only=read_only)


def _verb_modules():
    names = sorted(info.name for info in pkgutil.iter_modules(app.cli.__path__) if info.name.endswith("_verbs"))
    modules = [importlib.import_module(f"app.cli.{name}") for name in names]
    return sorted(modules, key=lambda module: getattr(module, "ORDER", 100))


def build_parser() -> tuple[ChineseArgumentParser, dict[str, Handler]]:
    parser = ChineseArgumentParser(
        prog="main.py",
        description="党员积分管理：不带命令时打开图形界面；带命令时在命令行中执行。",
        epilog="每个命令都可以加 --db 路径 和 --help，例如：main.py totals --help",
    )
    parser.add_argument("--version", action="version", version=f"党员积分管理 {__version__}", help="显示版本号并退出")
    add_common(parser)
    verbs = parser.add_subparsers(dest="verb", metavar="命令", title="命令", parser_class=ChineseArgumentParser)
    handlers: dict[str, Handler] = {}
    for module in _verb_modules():
        handlers.update(module.register(verbs, _add_verb_common))
    return parser, handlers


# Verbs that run without a log-in, and why; each still refuses what it should not do.
LOGIN_FREE = {
    "verify": "只检查备份文件本身，不打开任何数据库",
    "demo": "只在没有账号的空数据库上建演示支部和账号；已有账号时要登录",
    "restore": "新电脑上还没有数据库时可以恢复；已有账号的数据库要管理员登录",
    "gather": "新建乡镇汇总库时用输入的账号和密码建第一个管理员；已有的汇总库要登录",
}


def run(args: argparse.Namespace, handlers: dict[str, Handler]) -> int:
    """Run a parsed verb; an AppError becomes one line on stderr and exit status 1."""
    try:
        if args.verb not in LOGIN_FREE:
            credentials(args)  # no account or password given: one sentence before anything opens
        return handlers[args.verb](args)
    except AppError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("已中止。", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; there is nobody left to tell.
        sys.stderr = None
        return EXIT_OK


__all__ = ["build_parser", "run", "add_common", "logged_in", "LOGIN_FREE", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE"]
