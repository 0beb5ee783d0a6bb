"""Where the program's own files are, whether it runs frozen, and whether it runs portable.

The one module that knows how the program was started. Run from the source tree
(`uv run main.py`), its files are the tree itself; run as the frozen build
(`dist/dangyuan-jifen/dangyuan-jifen`), they are inside the bundle PyInstaller made
(`sys._MEIPASS`, the `_internal` folder), and nothing is read from a source tree. Every
other module asks here (through app.services.paths, or directly where the layers forbid
that: db.schema and app.reports.layout) instead of computing a path from `__file__`.

Portable mode: a marker file (便携版.txt or portable.txt) beside the program makes it keep
its database, settings and automatic backups in a `data` folder beside itself, e.g. on a
USB stick. DYJF_PROGRAM_DIR stands in for the program's folder in tests.

Imports nothing of the program, so every layer may use it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app import __version__

APP_TITLE = "党员积分管理"
VERSION = __version__
FROZEN = bool(getattr(sys, "frozen", False))
PORTABLE_MARKERS = ("便携版.txt", "portable.txt")
PORTABLE_DATA_FOLDER = "data"
FONT_LICENCE = "霞鹜文楷 LXGW WenKai，SIL Open Font License 1.1（OFL-1.1）"


def bundle_dir() -> Path:
    """The folder the program's own files (resources, migrations) are read from."""
    if FROZEN:
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).resolve().parent))
    return Path(__file__).resolve().parents[1]


def program_dir() -> Path:
    """The folder the clerk sees the program in: the executable's, or the source tree's."""
    override = os.environ.get("DYJF_PROGRAM_DIR")
    if override:
        return Path(override)
    if FROZEN:
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parents[1]


def portable_marker() -> Path | None:
    """The marker file beside the program that asks for portable mode, if there is one."""
    folder = program_dir()
    for name in PORTABLE_MARKERS:
        if (folder / name).is_file():
            return folder / name
    return None


def portable_data_dir() -> Path | None:
    """The data folder beside the program in portable mode; None otherwise."""
    return program_dir() / PORTABLE_DATA_FOLDER if portable_marker() else None


RESOURCES_DIR = bundle_dir() / "resources"
FONTS_DIR = RESOURCES_DIR / "fonts"
FONT_LICENCE_FILE = FONTS_DIR / "OFL.txt"
TEMPLATES_DIR = RESOURCES_DIR / "rule_templates"
ICONS_DIR = RESOURCES_DIR / "icons"
MIGRATIONS_DIR = bundle_dir() / "db" / "migrations"
