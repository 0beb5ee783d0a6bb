"""Who runs a command: the account named by --operator (or $DYJF_OPERATOR) and its password.

The password is never taken from the command line (it would stay in the shell history and the
process list): it comes from $DYJF_PASSWORD or from a prompt when a person is at the terminal.
`commands.run` asks for both before any verb that needs a log-in starts (so a verb without them
stops before it opens anything); the verb then logs in on the database it opened
(`logged_in`), which checks the password, slows down repeated failures and audits them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass

from app.domain.errors import LoginRequired
from app.services.accounts import login
from app.services.context import Actor

OPERATOR_ENV, PASSWORD_ENV = login.OPERATOR_ENV, login.PASSWORD_ENV


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def __repr__(self) -> str:  # never print the password, even in a traceback
        return f"Credentials(username={self.username!r})"


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def ask_password(prompt: str, confirm: bool = False) -> str:
    """From $DYJF_PASSWORD, else from the terminal; LoginRequired when neither is possible."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not _interactive():
        raise LoginRequired(f"需要密码：请在终端中运行并输入密码，或设置环境变量 {PASSWORD_ENV}。")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("请再输入一次：") != first:
        raise LoginRequired("两次输入的密码不一样。")
    if not first:
        raise LoginRequired("没有输入密码。")
    return first


def credentials(args: argparse.Namespace) -> Credentials:
    """The account and password for this command (asked once, kept on `args`)."""
    known = getattr(args, "credentials", None)
    if known is not None:
        return known
    username = (getattr(args, "operator", None) or os.environ.get(OPERATOR_ENV) or "").strip()
    if not username:
        raise LoginRequired()
    args.credentials = Credentials(username, ask_password(f"请输入账号“{username}”的密码："))
    return args.credentials


def logged_in(store, args: argparse.Namespace) -> Actor:
    """Log in on `store` with this command's credentials; the Actor holds the branch's data key."""
    given = credentials(args)
    outcome = login.log_in(store, given.username, given.password, record=False)
    if outcome.must_change_password:
        print("提示：管理员重设过你的密码，请尽快在程序里（账号 → 修改密码）改成只有你自己知道的密码。", file=sys.stderr)
    return outcome.actor
