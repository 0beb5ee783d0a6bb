"""Helpers for the backup tests, and the child process the kill tests shoot (not a test module).

Run as a script it is a "zygote": it imports the program once, prints `ready`, then for each
JSON command on stdin forks a grandchild that runs one backup or restore; the zygote kills
it with SIGKILL after `delay` seconds (a random moment chosen by the test), or the grandchild
kills itself just before its `kill_at`-th file-system call (os.replace, fsync, write, unlink,
copy) — every crash window in turn. The zygote answers one JSON line per command. Forking
from an idle, single-threaded process with no open database keeps each attempt to a few
milliseconds instead of a second of imports.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path


# A restore adds its own audit record (and, when nobody was logged in, the account it names):
# the restored data is the backup's, with that record beside it.
RESTORE_RECORDS = {
    "audit_log": "WHERE action != 'restore'",
    "operators": "WHERE username != 'restore_unattended' AND username NOT LIKE '%@restore%'",
}


def content_digest(path: Path | str, ignoring_restore_records: bool = False) -> str:
    """SHA-256 of every row of every table (through the WAL, if any): 'the data is unchanged'."""
    digest = hashlib.sha256()
    with closing(sqlite3.connect(path)) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in tables:
            digest.update(table.encode())
            where = RESTORE_RECORDS.get(table, "") if ignoring_restore_records else ""
            for row in connection.execute(f'SELECT * FROM "{table}" {where} ORDER BY 1'):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def integrity_ok(path: Path | str) -> bool:
    try:
        with closing(sqlite3.connect(path)) as connection:
            return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False


def files_bytes(folder: Path, pattern: str = "*") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob(pattern)) if p.is_file()}


# ----------------------------------------------------------------------------- the zygote


def _hook_calls(kill_at: int | None):
    """Count file-system calls in this (grandchild) process; die before the kill_at-th."""
    import shutil

    from app.services import files

    calls = {"n": 0}

    def wrap(fn):
        def hooked(*args, **kwargs):
            calls["n"] += 1
            if kill_at is not None and calls["n"] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return fn(*args, **kwargs)
        return hooked

    files._write = wrap(os.write)
    files._fsync = wrap(os.fsync)
    os.replace = wrap(os.replace)
    os.unlink = wrap(os.unlink)
    shutil.copyfile = wrap(shutil.copyfile)
    return calls


def _operation(command: dict):
    from app.services.backup import archive as backup
    from app.services.backup import restore
    from db.store import Store

    if command["op"] == "backup":
        def run():
            with Store.open_file(command["db"]) as store:
                backup.backup_to(store, command["folder"], command.get("passphrase"), kdf=command.get("kdf"))
        return run
    if command["op"] == "restore":
        def run():
            restore.restore(command["backup"], command["db"], command.get("passphrase"), allow_replacing_newer=True)
        return run
    raise ValueError(command["op"])


def _serve() -> None:
    import app.services.backup.archive  # noqa: F401  (imported once, before any fork)
    import app.services.backup.restore  # noqa: F401
    import db.store  # noqa: F401

    print("ready", flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        read_end, write_end = os.pipe()
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            code = 0
            try:
                calls = _hook_calls(command.get("kill_at"))
                _operation(command)()
                os.write(write_end, json.dumps({"calls": calls["n"]}).encode())
            except BaseException as exc:  # reported, not raised: this is a forked child
                os.write(write_end, json.dumps({"error": repr(exc)}).encode())
                code = 3
            os._exit(code)
        os.close(write_end)
        if command.get("delay") is not None:
            time.sleep(command["delay"])
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter() - started
        with os.fdopen(read_end, "rb") as pipe:
            said = pipe.read()
        answer = json.loads(said) if said else {}
        answer["killed"] = os.WIFSIGNALED(status)
        answer["elapsed"] = elapsed
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    _serve()
