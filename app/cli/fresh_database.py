"""A database file that a verb creates (demo, gather) is left behind only when the run used it.

Opening a missing file makes a new, ~600 KB database at once (the schema is written before any
question is asked). A run that then fails — a password too short, only damaged backups —
would leave that empty database where the clerk named one, and the next run would find
"a database" there. `created_unless_kept` removes it again, with its side files and any
folders made for it, unless the verb says the run put something in it.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import make_url

from app.services.files import remove_quietly

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

    def keep(self) -> None:
        self.kept = True


@contextmanager
def created_unless_kept(url: str) -> Iterator[FreshDatabase]:
    """When the database at `url` did not exist before and the run ends (normally or by an
    error) without calling `keep()`, the file this run created is removed again.
    The store must be closed inside the block."""
    fresh = FreshDatabase(_sqlite_file(url))
    try:
        yield fresh
    finally:
        if not fresh.kept:
            for suffix in ("", *SIDE_FILES):
                remove_quietly(f"{fresh.path}{suffix}")
            _remove_made_folders(fresh.path, fresh.outermost_new_folder)


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
