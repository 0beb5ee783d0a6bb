"""The star notice and the certificates print the round's frozen results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.reports.certificates import render_certificates
from app.reports.notices import render_star_notice
from app.services import ledger, rating, report_data
from app.services.ledger import EntryRequest
from app.services.rating_queries import load_view
from tests.reports.report_support import page_texts
from tests.services.test_rating_round import LATER, TOTALS, _give
from conftest import add

D = Decimal


@pytest.fixture
def ids(store, admin, village_year):
    ids = {}
    for name, total in TOTALS.items():
        ids[name] = add(store, admin, f"党员{name}")
        _give(store, admin, ids[name], total)
    return ids


def _level_of(text: str, name: str) -> str:
    """The star level heading under which `name` appears on the notice."""
    level = ""
    for line in text.splitlines():
        for heading in ("五星党员", "四星党员", "三星党员", "二星党员", "一星党员"):
            if heading in line:
                level = heading
        if name in line:
            return level
    raise AssertionError(f"{name} not on the notice")


def test_upheld_objection_changes_the_printed_notice(store, admin, ids):
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 22), objection_contact="村党群服务中心", today=LATER)
    before = "\n".join(page_texts(render_star_notice(report_data.star_notice(store, 2026))))
    assert _level_of(before, "党员甲") == "五星党员"
    assert "2026年11月22日" in before.replace(" ", "") or "二〇二六年十一月二十二日" in before.replace(" ", "")
    rating.record_objection(store, admin, 2026, ids["甲"], "群众李某", date(2026, 11, 23), "多次无故缺席组织生活", today=LATER)
    objection = load_view(store, 2026).objections[0]
    rating.answer_objection(store, admin, objection.id, "经核实属实，降为四星", True, date(2026, 11, 24), new_stars=4, today=LATER)
    after = "\n".join(page_texts(render_star_notice(report_data.star_notice(store, 2026))))
    assert _level_of(after, "党员甲") == "四星党员"


def test_printed_results_do_not_follow_later_ledger_changes(store, admin, ids):
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    # A deduction recorded after the assessment moves the live total but not the round.
    ledger.record_entry(store, admin, EntryRequest(ids["甲"], "J06", date(2026, 11, 22)), approve=True, today=LATER)
    notice = report_data.star_notice(store, 2026)
    five = [m.name for m in notice.level(5).members]
    assert "党员甲" in five and notice.level(5).members[five.index("党员甲")].final_total == D(98)
    batch = report_data.certificates(store, 2026, min_stars=5)
    assert [c.name for c in batch.certificates] == [m.name for m in notice.level(5).members]
    text = "\n".join(page_texts(render_certificates(batch)))
    assert "党员甲" in text
