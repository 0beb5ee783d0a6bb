"""The county benchmark's Excel figure (tests/benchmarks/bench_county.py): the 积分台账 of the own
branch's year (a 2,000-member branch: about 52,000 entries, 12 columns) out to .xlsx.

The project: `exports.export_ledger`, as the window's 导出 runs it (the entries read from SQL in
the window's order as they are written, a box and number format on every cell, title, header,
page setup). The baseline: the same entries by one hand-written SELECT, written by bare
XlsxWriter in its constant-memory mode, values only: what the file's cells cost at the least.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from datetime import date
from pathlib import Path


def project_export(store, year: int) -> None:
    from app.services.exports import tables
    from app.services.ledger.queries import EntryFilter

    with tempfile.TemporaryDirectory(prefix="jfcounty-export-") as folder:
        tables.export_ledger(store, Path(folder) / "积分台账.xlsx", EntryFilter(year=year))


def baseline_export(database: str, year: int) -> None:
    import xlsxwriter

    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw, \
            tempfile.TemporaryDirectory(prefix="jfcounty-export-") as folder:
        branch = raw.execute("SELECT value FROM store_settings WHERE key = 'branch_id'").fetchone()[0].replace("-", "")
        rows = raw.execute(
            "SELECT e.occurred_on, m.name, i.code, i.name, i.category, e.quantity, e.points, e.status, e.note, o.display_name, "
            "r.display_name, e.reverses_id FROM points_entries e JOIN members m ON m.id = e.member_id "
            "JOIN rule_items i ON i.id = e.rule_item_id JOIN operators o ON o.id = e.entered_by "
            "LEFT JOIN operators r ON r.id = e.reviewed_by "
            "WHERE m.branch_id = ? AND e.occurred_on BETWEEN ? AND ? ORDER BY e.occurred_on DESC, e.created_at DESC",
            (branch, f"{year}-01-01", f"{year}-12-31"),
        )
        book = xlsxwriter.Workbook(str(Path(folder) / "bare.xlsx"), {"constant_memory": True, "tmpdir": folder})
        sheet = book.add_worksheet("积分台账")
        for at, (day, name, code, item, category, quantity, points, status, note, enterer, reviewer, reverses) in enumerate(rows):
            sheet.write_datetime(at, 0, date.fromisoformat(day))
            for column, text in ((1, name), (2, code), (3, item), (4, category), (7, status), (8, note), (9, enterer),
                                 (10, reviewer or ""), (11, "冲正记录" if reverses else "")):
                sheet.write_string(at, column, text)
            sheet.write_number(at, 5, quantity)
            sheet.write_number(at, 6, points / 100)
        book.close()
