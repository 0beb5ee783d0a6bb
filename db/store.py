"""One open database: its engine, its session factory and what opening it did to the schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.errors import StoreError, folder_not_file
from db.engine import make_engine, make_session_factory, sqlite_path, sqlite_url
from db.ledger_chain import install_ledger_chain
from db.ledger_guard import install_ledger_guard
import db.rating_models  # noqa: F401  (every table is mapped before the first session)
import db.practice_models  # noqa: F401
import db.shop_models  # noqa: F401
from db.schema import SchemaReport, ensure_schema, require_current_schema
from db.summaries import install_summaries

install_ledger_guard(Session)
install_ledger_chain(Session)
install_summaries(Session)


class Store:
    """Open (creating or migrating as needed) the database at `url`.

    Sessions from `session()` belong to one thread; the UI runs database jobs on one worker.
    """

    def __init__(self, url: str, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        self.closings = 0  # work begun before a close must not go on afterwards: a restore replaces the file
        self.engine = make_engine(url, read_only=read_only)
        path = sqlite_path(self.engine)
        self._companions_before = _companions(path) if read_only and path is not None else None
        if path is not None and not read_only:
            _prepare_folder(path)
        try:
            self.schema: SchemaReport = require_current_schema(self.engine) if read_only else ensure_schema(self.engine)
        except BaseException:
            self.close()
            raise
        self._sessions = make_session_factory(self.engine)
        self._write_sessions = make_session_factory(self.engine, write=True)

    @classmethod
    def open_file(cls, path: Path | str, read_only: bool = False) -> "Store":
        """Open a database file; `read_only` changes nothing about it (journal mode included)
        and refuses a file that is empty, foreign, or needs an upgrade."""
        return cls(sqlite_url(Path(path)), read_only=read_only)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.engine)

    def session(self) -> Session:
        """A session for reading (its transaction takes no write lock until it writes)."""
        return self._sessions()

    def write_session(self) -> Session:
        """A session whose transaction holds the write lock from BEGIN (waits for other writers)."""
        if self.read_only:
            raise StoreError("数据库是以只读方式打开的，不能修改。")
        return self._write_sessions()

    def close(self) -> None:
        self.closings += 1
        self.engine.dispose()
        if self._companions_before is not None:
            _remove_new_companions(self.path, self._companions_before)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _companions(path: Path) -> set[Path]:
    return {companion for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")) if companion.exists()}


def _remove_new_companions(path: Path, before: set[Path]) -> None:
    """A reader of a WAL file leaves an empty -wal and a -shm behind (only a writer removes them);
    the ones this read created go again, so reading changes nothing in the folder. A -wal with
    content means another program wrote meanwhile: then both stay."""
    created = _companions(path) - before
    wal = path.with_name(path.name + "-wal")
    if not created or (wal.exists() and wal.stat().st_size > 0):
        return
    for companion in created:
        try:
            companion.unlink()
        except OSError:
            pass  # read-only media or already gone: nothing was created there to begin with


def _prepare_folder(path: Path) -> None:
    if path.is_dir():
        raise StoreError(folder_not_file(path, "请指定数据库文件的名字"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"无法建立数据库所在的文件夹“{path.parent}”。", details=str(exc)) from exc
