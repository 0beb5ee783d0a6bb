"""The star notice and the certificates print the round's frozen results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.reports.certificates import render_certificates
from app.reports.notices import render_star_notice
from app.services.ledger import entries as ledger
from app.services.rating import rounds as rating
from app.services.printing import report_data
from app.services.ledger.entries import EntryRequest
from app.services.rating.queries import load_view
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


def test_the_annual_summary_gives_the_rounds_stars(store, admin, ids):
    """The member's year paper says what the star notice and his certificate say: the round's
    stars after an upheld objection, not the ranking's (甲 is five stars by his total)."""
    from app.reports.annual import render_annual
    from app.services.totals import ranking as totals
    from tests.reports.report_support import all_lines

    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 22), objection_contact="村党群服务中心", today=LATER)
    rating.record_objection(store, admin, 2026, ids["甲"], "群众李某", date(2026, 11, 23), "多次无故缺席组织生活", today=LATER)
    objection = load_view(store, 2026).objections[0]
    rating.answer_objection(store, admin, objection.id, "经核实属实，降为四星", True, date(2026, 11, 24), new_stars=4, today=LATER)
    assert totals.branch_ranking(store, 2026).row_for(ids["甲"]).stars == 5
    inside_the_year = report_data.IssueSettings(issued_on=date(2026, 11, 25))  # assessed: the stars are decided
    batch = report_data.annual_summaries(store, 2026, [ids["甲"]], inside_the_year)
    assert batch.summaries[0].stars == 4 and batch.stars_from == "round" and batch.so_far is None
    lines = all_lines(render_annual(batch, invariant=True))
    assert lines[1] == "（2026年度）"
    assert any(line.startswith("星级 ★★★★ 四星党员") for line in lines)
    assert "星级为本支部星级评定的结果" in "".join(lines)
    certificates = report_data.certificates(store, 2026, [ids["甲"]], settings=inside_the_year)
    assert [c.stars for c in certificates.certificates] == [4]


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


EDGE_TOTALS = {"甲": 95, "乙": 93, "丙": 93, "丁": 91, "戊": 85, "己": 82, "庚": 80, "辛": 75, "壬": 70, "癸": 65}
TIED = "五星名额 2 名只剩 1 名，年度积分同为 93 分的 2 人同分同星，不能只评其中一部分，一起降为四星"
BELOW = "五星名额 2 名只剩 1 名，积分更高的 2 人（同为 93 分）已因同分一起降为四星，积分较低者不能越过他们评五星，降为四星"


@pytest.fixture
def edge_ids(store, admin, village_year):
    ids = {}
    for name, total in EDGE_TOTALS.items():
        ids[name] = add(store, admin, f"党员{name}")
        _give(store, admin, ids[name], total)
    return ids


def test_the_notice_lists_who_the_quota_moved_down_and_why(store, admin, edge_ids):
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER, five_star_quota=D("0.2"))
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    notice = report_data.star_notice(store, 2026)
    assert notice.five_star_quota == 2
    assert [m.name for m in notice.level(5).members] == ["党员甲"]
    # In the notice's order: by total, then as the levels list them.
    assert [(m.name, m.final_total, m.reason) for m in notice.quota_moves] == [
        ("党员丙", D(93), TIED), ("党员乙", D(93), TIED), ("党员丁", D(91), BELOW),
    ]
    text = "".join(page_texts(render_star_notice(notice))).replace("\n", "")
    assert notice.assessed and "2026年度星级党员评定结果公示" in text and "经个人申报、支部审核评星" in text and "公示时间" in text
    assert "五星党员名额不超过 2 名。因名额限制，3 名党员由五星调为四星，名单和原因列在表后。" in text
    assert "因五星名额限制由五星调为四星的党员（共 3 名）" in text
    assert f"党员丁（年度积分 91 分）：{BELOW}。" in text
    # Lowered later for his own reason, 丙 is no longer the quota's doing and leaves the list.
    rating.override(store, admin, 2026, edge_ids["丙"], 3, "多次无故缺席组织生活，支委会讨论决定", date(2026, 11, 21), today=LATER)
    assert [m.name for m in report_data.star_notice(store, 2026).quota_moves] == ["党员乙", "党员丁"]


def test_the_estimate_before_a_round_lists_the_same_moves(store, admin, branch, tmp_path):
    # The village template with a quota of 20% written into its scheme.
    from app.services.rules import rulesets
    from tests.domain.conftest import TEMPLATES

    text = (TEMPLATES / "village_100.toml").read_text(encoding="utf-8")
    template = tmp_path / "village_quota.toml"
    template.write_text(text.replace('[scheme]\n', '[scheme]\nfive_star_quota = "0.2"\n', 1), encoding="utf-8")
    rulesets.create_rule_set(store, admin, 2026, template=str(template))
    for name, total in EDGE_TOTALS.items():
        _give(store, admin, add(store, admin, f"党员{name}"), total)
    notice = report_data.star_notice(store, 2026)
    assert (notice.five_star_quota, [m.name for m in notice.level(5).members]) == (2, ["党员甲"])
    assert [(m.name, m.reason) for m in notice.quota_moves] == [("党员丙", TIED), ("党员乙", TIED), ("党员丁", BELOW)]
