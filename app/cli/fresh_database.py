"""A database file that a verb creates (demo, gather) is left behind only when the run used it.

Opening a missing file makes a new, ~600 KB database at once (the schema is written before any
question is asked). A run that then fails — a password too short, only damaged backups —
would leave that empty database where the clerk named one, and the next run would find
"a database" there. `created_unless_kept` removes it again, with its side files and any
folders made for it, unless the verb says the run put something in it.

An existing file the run may write to before it knows it will use it (an empty file, or a
database without accounts, which gets its first administrator before any backup is gathered)
is copied aside first and put back as it was unless the run is kept.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import make_url

from app.services.files import plain_os_error, remove_quietly

SIDE_FILES = ("-wal", "-shm", "-journal")

__all__ = ["created_unless_kept", "FreshDatabase"]


def _sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def _first_missing_folder(path: Path) -> Path | None:
    """The outermost folder above `path` that does not exist yet (opening the store makes it)."""
    missing = None
    for folder in path.parents:
        if folder.exists():
            break
        missing = folder
    return missing


class FreshDatabase:
    """Whether this run creates the database file, and whether the run has put something in it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.is_new = path is not None and not path.exists()
        self.outermost_new_folder = _first_missing_folder(path) if self.is_new else None
        self.kept = not self.is_new
        self.saved_copy: Path | None = None
        if path is not None and path.is_file() and path.stat().st_size == 0:
            self.put_back_unless_kept()  # opening the store writes the schema into it at once

    def keep(self) -> None:
        self.kept = True

    def put_back_unless_kept(self) -> None:
        """Copy the existing file aside (the store must be closed), to be put back unless the run calls keep()."""
        if self.path is None or self.is_new or self.saved_copy is not None:
            return
        copy = self.path.with_name(f".{self.path.name}.{os.getpid()}.unchanged")
        try:
            shutil.copy2(self.path, copy)
        except OSError as exc:
            remove_quietly(copy)
            raise plain_os_error(exc, "数据库没有改动。", folder=self.path.parent) from exc
        self.saved_copy, self.kept = copy, False


@contextmanager
def created_unless_kept(url: str) -> Iterator[FreshDatabase]:
    """When the database at `url` did not exist before and the run ends (normally or by an
    error) without calling `keep()`, the file this run created is removed again.
    The store must be closed inside the block."""
    fresh = FreshDatabase(_sqlite_file(url))
    try:
        yield fresh
    finally:
        if fresh.saved_copy is not None:
            _settle_saved_copy(fresh)
        elif not fresh.kept:
            for suffix in ("", *SIDE_FILES):
                remove_quietly(f"{fresh.path}{suffix}")
            _remove_made_folders(fresh.path, fresh.outermost_new_folder)


def _settle_saved_copy(fresh: FreshDatabase) -> None:
    """A kept run's copy is dropped; otherwise the file is the copy again, as the run found it."""
    if fresh.kept:
        remove_quietly(fresh.saved_copy)
        return
    for suffix in SIDE_FILES:
        remove_quietly(f"{fresh.path}{suffix}")
    os.replace(fresh.saved_copy, fresh.path)


def _remove_made_folders(path: Path, outermost: Path | None) -> None:
    if outermost is None:
        return
    for folder in path.parents:
        try:
            folder.rmdir()  # only empty ones: nothing anyone put there is removed
        except OSError:
            return
        if folder == outermost:
            return
