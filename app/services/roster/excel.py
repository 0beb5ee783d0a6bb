"""The roster to and from Excel, in the shape clerks already keep: one name for the window,
the command line and the tests.

Reading, previewing and saving an import is app.services.roster.excel_import; the template,
the roster export and the refused rows are app.services.roster.excel_export; reading one
cell as clerks write it is app.services.roster.cells.
"""

from __future__ import annotations

from app.domain.errors import ImportRejected  # re-exported for the UI
from app.services.roster.cells import parse_date_text
from app.services.roster.excel_export import COLUMNS, REQUIRED_COLUMNS, SHEET_NAME, export_members, write_refused, write_template
from app.services.roster.excel_import import (
    ColumnUse, PreviewRow, RosterPreview, RosterSheet, SkippedRow, commit_roster, import_members, load_roster,
    preview_roster, remap,
)

RowProblem = PreviewRow

__all__ = [
    "COLUMNS", "REQUIRED_COLUMNS", "SHEET_NAME", "ColumnUse", "ImportRejected", "PreviewRow", "RosterPreview",
    "RosterSheet", "RowProblem", "SkippedRow", "commit_roster", "export_members", "import_members", "load_roster",
    "parse_date_text", "preview_roster", "remap", "write_refused", "write_template",
]
