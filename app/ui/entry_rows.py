"""Ledger rows as tables show them: columns, colours, and reversals placed beside what they reverse."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.domain.enums import EntryStatus
from app.domain.points import format_points
from app.services.ledger.queries import EntryRow
from app.ui.models.table_models import CENTER, RIGHT, Column

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

STATUS_COLOURS = {EntryStatus.PENDING: "#B35C00", EntryStatus.APPROVED: "#375623", EntryStatus.REJECTED: "#999999"}


def reversals_beside(rows: list[EntryRow]) -> list[EntryRow]:
    """The list in its order, except that a reversing entry comes right after the entry it reverses."""
    by_id = {row.id for row in rows}
    reversals = {row.reverses_id: row for row in rows if row.reverses_id in by_id}
    placed = []
    for row in rows:
        if row.reverses_id in by_id:
            continue
        placed.append(row)
        if row.id in reversals:
            placed.append(reversals[row.id])
    return placed


def reversal_text(row: EntryRow) -> str:
    if row.is_reversal:
        return translate("ledger", "↳ 冲正上一条")
    if row.reversed_by_id is not None:
        return translate("ledger", "已冲正")
    return ""


def row_colour(row: EntryRow) -> str | None:
    if row.is_reversal:
        return "#1F4E79"
    if row.reversed_by_id is not None or row.status is EntryStatus.REJECTED:
        return "#999999"
    return None


def review_columns() -> list[Column]:
    """What a reviewer needs to judge a pending entry."""
    return entry_columns()[:5] + [
        Column(translate("ledger", "事由"), lambda r: r.note, tooltip=lambda r: r.note),
        Column(translate("ledger", "佐证材料"), lambda r: r.evidence, tooltip=lambda r: r.evidence),
        Column(translate("ledger", "录入人"), lambda r: r.entered_by),
        Column(translate("ledger", "录入时间"), lambda r: f"{r.entered_at.astimezone():%Y-%m-%d %H:%M}"),
    ]


def entry_columns(with_status: bool = True) -> list[Column]:
    columns = [
        Column(translate("ledger", "日期"), lambda r: f"{r.occurred_on:%Y-%m-%d}", CENTER, colour=row_colour),
        Column(translate("ledger", "姓名"), lambda r: r.member_name, colour=row_colour),
        Column(translate("ledger", "项目"), lambda r: f"{r.item_code} {r.item_name}", tooltip=lambda r: r.item_name, colour=row_colour),
        Column(translate("ledger", "分值"), lambda r: format_points(r.points), RIGHT, colour=row_colour),
        Column(translate("ledger", "数量"), lambda r: format_points(r.quantity), RIGHT, colour=row_colour),
    ]
    if with_status:
        columns.append(Column(translate("ledger", "状态"), lambda r: r.status.label, CENTER, colour=lambda r: STATUS_COLOURS.get(r.status)))
    columns += [
        Column(translate("ledger", "事由"), lambda r: r.note, tooltip=lambda r: r.note, colour=row_colour),
        Column(translate("ledger", "录入人"), lambda r: r.entered_by, colour=row_colour),
        Column(translate("ledger", "审核人"), lambda r: r.reviewed_by, colour=row_colour),
        Column(translate("ledger", "审核意见"), lambda r: r.review_note, tooltip=lambda r: r.review_note, colour=row_colour),
        Column(translate("ledger", "冲正"), reversal_text, colour=row_colour),
    ]
    return columns
