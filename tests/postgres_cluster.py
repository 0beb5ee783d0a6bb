"""A throwaway PostgreSQL cluster from the Debian `postgresql` binaries, for the tests that run the
program on PostgreSQL (tests/db/test_postgres.py and its neighbours) and for bench_county --postgres.

The cluster lives in a temporary folder (owned by the `postgres` user when run as root, since
initdb and postgres refuse root), listens on a free loopback port with trust authentication, and
is stopped and removed when the context ends, also after an error. Its commands run in their own
session, so a Ctrl+C at the terminal reaches the caller, whose clean-up stops the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


class ClusterFailed(RuntimeError):
    """initdb or pg_ctl failed; the message carries their output."""


def available() -> bool:
    return PG_BIN is not None and (PG_BIN / "initdb").exists()


@contextmanager
def throwaway_cluster(prefix: str, settings: tuple[str, ...] = (), initdb_options: tuple[str, ...] = ()) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a fresh cluster's superuser (no database name); `settings` are
    server options ("wal_level=minimal"), `initdb_options` extra initdb flags ("--no-sync")."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1" + "".join(f" -c {setting}" for setting in settings)
    try:
        _run([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", *initdb_options])
        _run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "-o", options, "start"])
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _run(argv: list[str]) -> None:
    done = subprocess.run(_as_postgres(argv), capture_output=True, text=True, check=False, start_new_session=True)
    if done.returncode != 0:
        raise ClusterFailed(f"{Path(argv[0]).name} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args
