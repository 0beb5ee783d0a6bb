"""Is this database already open in another window? One lock file beside it says so.

Two windows on one file are safe for the data (writes wait for each other, see db.engine),
but a clerk who edits in both gets confused about which shows what; the second window says
so at start. The lock is an OS file lock on `<database>.window-lock`, held while the window
is open and dropped by the OS when the program ends in any way (a crash included), so a
stale file never blocks anyone; the file itself only names who holds it.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime
from pathlib import Path

if os.name == "nt":
    import msvcrt
else:
    import fcntl

LOCK_SUFFIX = ".window-lock"


class WindowClaim:
    """This window's hold on its database; `release()` when the window closes."""

    def __init__(self, handle) -> None:
        self._handle = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            _unlock(self._handle)
        finally:
            self._handle.close()
            self._handle = None


def _lock(handle) -> bool:
    try:
        if os.name == "nt":
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle) -> None:
    if os.name == "nt":
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + LOCK_SUFFIX)


def claim_window(database: Path | None) -> tuple[WindowClaim | None, str]:
    """(the claim, "") when no other window has the database open; (None, who) when one has.

    `who` describes the other window ("本机另一个窗口（进程 1234，10:05 打开）"). A database that is
    not a local file (a township's server) or a folder that cannot be written gives a claim
    that holds nothing: there is nothing to detect there.
    """
    if database is None:
        return WindowClaim(None), ""
    path = lock_path(Path(database))
    try:
        handle = open(path, "a+", encoding="utf-8")
    except OSError:
        return WindowClaim(None), ""
    if not _lock(handle):
        try:
            handle.seek(0)
            holder = handle.read()
        except OSError:  # Windows keeps the locked byte unreadable to others
            holder = ""
        handle.close()
        return None, _describe(holder)
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "opened": datetime.now().isoformat(timespec="minutes")}))
    handle.flush()
    return WindowClaim(handle), ""


def _describe(holder: str) -> str:
    try:
        facts = json.loads(holder)
        opened = datetime.fromisoformat(facts["opened"]).strftime("%m-%d %H:%M")
        where = "本机" if facts.get("host") == socket.gethostname() else f"电脑“{facts.get('host', '')}”上"
        return f"{where}另一个窗口（进程 {facts['pid']}，{opened} 打开）"
    except (ValueError, KeyError, TypeError):
        return "另一个窗口"
