"""One open database: its engine, its session factory and what opening it did to the schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.errors import StoreError, folder_not_file
from db.engine import make_engine, make_session_factory, sqlite_path, sqlite_url
from db.ledger_guard import install_ledger_guard
import db.rating_models  # noqa: F401  (every table is mapped before the first session)
from db.schema import SchemaReport, ensure_schema

install_ledger_guard(Session)


class Store:
    """Open (creating or migrating as needed) the database at `url`.

    Sessions from `session()` belong to one thread; the UI runs database jobs on one worker.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        path = sqlite_path(self.engine)
        if path is not None:
            _prepare_folder(path)
        try:
            self.schema: SchemaReport = ensure_schema(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        self._sessions = make_session_factory(self.engine)
        self._write_sessions = make_session_factory(self.engine, write=True)

    @classmethod
    def open_file(cls, path: Path | str) -> "Store":
        return cls(sqlite_url(Path(path)))

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.engine)

    def session(self) -> Session:
        """A session for reading (its transaction takes no write lock until it writes)."""
        return self._sessions()

    def write_session(self) -> Session:
        """A session whose transaction holds the write lock from BEGIN (waits for other writers)."""
        return self._write_sessions()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _prepare_folder(path: Path) -> None:
    if path.is_dir():
        raise StoreError(folder_not_file(path, "请指定数据库文件的名字"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"无法建立数据库所在的文件夹“{path.parent}”。", details=str(exc)) from exc
