"""The member detail under the ranking states his shop balance and 双报到 hours beside the year's
result: the same figures the 积分超市 page and the 双报到 tab show."""

from __future__ import annotations

import pytest

from app.domain.points import format_points
from app.services.practice import dual_report
from app.services.shop import balances

pytestmark = pytest.mark.gui


def test_the_detail_shows_the_shop_balance_and_the_service_hours(demo_window, demo_store):
    page = demo_window.show_page("totals")
    page.set_period("year")
    shop = {r.member_id: r.balance for r in balances.year_balances(demo_store, 2026)}
    dual = {r.member_id: r for r in dual_report.year_rows(demo_store, 2026)}
    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    in_service = next(r for r in rows if r.member_id in dual and dual[r.member_id].hours > 0)
    other = next(r for r in rows if r.member_id not in dual)
    for row in (in_service, other):
        assert page.select_member(row.member_id)
        text = page.detail.summary.text()
        assert f"超市可兑换 {format_points(shop.get(row.member_id, 0))} 分" in text
        if row is in_service:
            decision = dual[row.member_id].decision
            assert f"双报到 {format_points(decision.hours)}/{format_points(decision.threshold)} 小时" in text
            assert ("（已落实）" if decision.served else "（未落实）") in text
        else:
            assert "双报到" not in text

