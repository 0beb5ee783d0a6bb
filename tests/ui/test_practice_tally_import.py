"""民主评议 → 从Excel读入计票…: the counters' sheet fills the grid (nothing saved until 保存计票);
a sheet with a bad row leaves the grid as it was and says which row."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from app.domain.appraisal_tally import Converted, Votes, convert
from app.services.practice import appraisal
from app.ui.pages.practice_appraisal import FIXED

pytestmark = pytest.mark.gui


def _grid(tab) -> dict[str, tuple[int, ...]]:
    return {m.name: tuple(int(tab.grid.item(i, FIXED + o).text()) for o in range(4)) for i, m in enumerate(tab.members)}


def _sheet(path, rows):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "优秀", "合格", "基本合格", "不合格"])
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return str(path)


def test_the_sheet_fills_the_grid_and_the_tally_is_saved_from_it(demo_window, demo_store, tmp_path, monkeypatch):
    tab = demo_window.show_page("practice").appraisal_tab
    said = []
    tab.ctx.status_message.connect(said.append)
    first, second, third = (m.name for m in tab.members[:3])
    before = _grid(tab)
    bad = _sheet(tmp_path / "bad.xlsx", [(first, 20, 5, 0, 0), ("查无此人", 1, 1, 1, 1)])
    monkeypatch.setattr(tab.ctx, "ask_open_path", lambda *args, **kwargs: bad)
    tab.import_button.click()
    assert "第 3 行的“查无此人”不在 2026 年本支部的党员名册上" in tab.problem.text() and _grid(tab) == before

    good = _sheet(tmp_path / "计票.xlsx", [(first, 20, 5, 0, 0), (second, 2, 15, 6, 2), (third, 0, 25, 0, 0)])
    monkeypatch.setattr(tab.ctx, "ask_open_path", lambda *args, **kwargs: good)
    tab.import_button.click()
    grid = _grid(tab)
    assert tab.problem.text() == ""
    assert (grid[first], grid[second], grid[third]) == ((20, 5, 0, 0), (2, 15, 6, 2), (0, 25, 0, 0))
    assert all(counts == (0, 0, 0, 0) for name, counts in grid.items() if name not in (first, second, third))
    others = len(tab.members) - 3
    assert said[-1] == f"已从“计票.xlsx”读入 3 名党员的得票（名册上另有 {others} 人表中没有，按 0 票）；核对发出、收回票数后点“保存计票”。"
    assert appraisal.tally_result(demo_store, 2026).rows  # the demo's tally, not yet replaced
    tab.issued_spin.setValue(30)
    tab.returned_spin.setValue(25)
    tab.save()
    second_id = tab.members[1].member_id
    assert tab.problem.text() == ""
    # By hand: (2×100 + 15×80 + 6×60 + 2×0) ÷ 25 = 70.4; 6 + 2 = 8 is not over 25 ÷ 3, 2 not over 25 ÷ 2 → 合格.
    assert convert(Votes(2, 15, 6, 2), 25) == Converted(Decimal("70.40"), "合格")
    assert appraisal.appraisal_score(demo_store, second_id, 2026) == (Decimal("70.40"), "合格")
