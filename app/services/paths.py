"""Every path the program uses, with environment overrides (tests point them elsewhere).

The program's own files (font, templates, migrations, icons) come from app.locations, which
knows whether the program runs from the source tree or frozen. The clerk's files:

DYJF_DATA_DIR   the user data folder (default: the platform's, e.g. %LOCALAPPDATA%\\dangyuan-jifen;
                in portable mode the `data` folder beside the program)
DYJF_DB         the database file (default: <data folder>/jifen.db)
DATABASE_URL    any SQLAlchemy URL instead of a file (a township's PostgreSQL server)
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from app.locations import FONTS_DIR, ICONS_DIR, RESOURCES_DIR, TEMPLATES_DIR, portable_data_dir
from db.engine import sqlite_url

APP_NAME = "dangyuan-jifen"
DATABASE_FILE_NAME = "jifen.db"
LOGS_FOLDER = "logs"

__all__ = ["FONTS_DIR", "ICONS_DIR", "RESOURCES_DIR", "TEMPLATES_DIR"]  # re-exported for the layers above


def user_data_dir() -> Path:
    """The platform's user data folder for the program (where a normal install keeps its data)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """DYJF_DATA_DIR, else the portable `data` folder beside the program, else the user data folder."""
    override = os.environ.get("DYJF_DATA_DIR")
    if override:
        return Path(override)
    return portable_data_dir() or user_data_dir()


def logs_dir() -> Path:
    """Where a crash writes its log file."""
    return data_dir() / LOGS_FOLDER


def default_database_path() -> Path:
    override = os.environ.get("DYJF_DB")
    return Path(override) if override else data_dir() / DATABASE_FILE_NAME


def database_url(db_path: str | os.PathLike | None = None) -> str:
    """--db wins, then DATABASE_URL, then the default file."""
    if db_path:
        return sqlite_url(Path(db_path))
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return sqlite_url(default_database_path())
