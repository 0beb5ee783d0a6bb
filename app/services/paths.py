"""Every path the program uses, with environment overrides (tests point them elsewhere).

DYJF_DATA_DIR   the user data folder (default: the platform's, e.g. %LOCALAPPDATA%\\党员积分管理)
DYJF_DB         the database file (default: <data folder>/jifen.db)
DATABASE_URL    any SQLAlchemy URL instead of a file (a township's PostgreSQL server)
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from db.engine import sqlite_url

APP_NAME = "dangyuan-jifen"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
RESOURCES_DIR = PROJECT_ROOT / "resources"
TEMPLATES_DIR = RESOURCES_DIR / "rule_templates"
FONTS_DIR = RESOURCES_DIR / "fonts"
DATABASE_FILE_NAME = "jifen.db"


def data_dir() -> Path:
    override = os.environ.get("DYJF_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


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
