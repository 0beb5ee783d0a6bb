"""Month paper says what the month means (issue 10).

A branch that starts keeping points in November: everyone has 20 (base) + 6 (November) = 26
for the year to date, which the year's bands would call 不合格. The November notice and cards
print the month and the year to date with its basis, and no grade: the rule set grades the
whole year only. A member whose items the branch meeting adjusted (老弱病残) carries a
neutral mark, never the words; a veto is a public decision and is printed as one.

    member  class          November                year to date
    甲      无职党员        R01 2 + R02 4 = 6        26
    乙      老弱病残党员    R01 2 + R02 4 = 6        26
    丙      无职党员        R01 2 + R02 4 + V04     0 (一票否决)
    丁      无职党员        R01 2 + R02 4 + B02 1   27
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from app.domain.enums import MemberClass
from app.domain.periods import Month
from app.domain.points import format_points
from app.reports import render_monthly_notice, render_scorecards
from app.reports.data import ScorecardBatch
from app.reports.layout import FONT_FILES, FONTS_DIR
from app.services.ledger import entries as ledger
from app.services.printing import report_data
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from app.services.ledger.entries import EntryRequest
from conftest import TODAY, add
from tests.reports.report_support import all_lines, assert_only_bundled_fonts, page_lines, page_sizes, page_texts

D = Decimal
NOVEMBER = Month(2026, 11)
MONTH_POINTS = {"甲": D(6), "乙": D(6), "丙": D(6), "丁": D(7)}
YEAR_TO_DATE = {"甲": D(26), "乙": D(26), "丙": D(0), "丁": D(27)}
EXEMPT_WORDS = ("老弱病残", "免考", "部分项目")
ADJUSTED_LEGEND_TEXT = "△ 经支部会议决定调整考核项目"
VETO_LEGEND_TEXT = "一票否决：本年度积分按 0 分计，不得评星，不得评先评优"
NO_GRADE_TEXT = "年度等次和星级在年度总评后另行公示"


@pytest.fixture
def november_start(store, admin, branch):
    """The village_100 scheme, four members in two party groups, and nothing before November."""
    rulesets.create_rule_set(store, admin, 2026, template="village_100")
    first, second = (group.id for group in branch.groups)
    ids = {
        "甲": add(store, admin, "甲", group_id=first),
        "乙": add(store, admin, "乙", member_class=MemberClass.EXEMPT_FRAIL, group_id=first),
        "丙": add(store, admin, "丙", group_id=second),
        "丁": add(store, admin, "丁", group_id=second),
    }
    requests = []
    for name, member_id in ids.items():
        requests += [
            EntryRequest(member_id, "R01", date(2026, 11, 3)),
            EntryRequest(member_id, "R02", date(2026, 11, 4), points=D(4)),
        ]
    requests += [EntryRequest(ids["丙"], "V04", date(2026, 11, 10)), EntryRequest(ids["丁"], "B02", date(2026, 11, 12))]
    ledger.record_batch(store, admin, requests, approve=True, today=TODAY)
    return ids


@pytest.fixture
def issue():
    return report_data.IssueSettings(issued_on=TODAY)


def _grade_labels(store) -> set[str]:
    labels = {band.label for band in rulesets.get_rule_set(store, 2026).rule_set.grade_bands}
    assert {"优秀", "合格", "基本合格", "不合格"} <= labels
    return labels


def _strings(value):
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_the_year_would_call_everyone_not_qualified(store, november_start):
    """The premise: on the year's bands, the November year to date is 不合格 (or vetoed) for all."""
    ranking = totals.branch_ranking(store, 2026, month=11)
    assert {row.name: row.grade for row in ranking.rows} == {"甲": "不合格", "乙": "不合格", "丙": "一票否决", "丁": "不合格"}
    assert "老弱病残，部分项目免考" in next(row for row in ranking.rows if row.name == "乙").flags


def test_the_november_notice_prints_no_annual_grade(store, november_start, issue):
    notice = report_data.monthly_notice(store, NOVEMBER, issue)
    assert {row.name: row.month_points for row in notice.rows} == MONTH_POINTS
    assert {row.name: row.year_to_date for row in notice.rows} == YEAR_TO_DATE
    for paper in ("A4", "A3"):
        pdf = render_monthly_notice(notice, paper=paper, invariant=True)
        assert len(page_texts(pdf)) == 1
        lines = all_lines(pdf)
        flat = "".join(lines)
        for label in _grade_labels(store):
            assert label not in flat, (paper, label)
        assert "等次" not in flat.replace(NO_GRADE_TEXT, ""), "no 等次 column"
        assert "本年累计（截至11月）" in flat
        assert "本年累计为1月至11月已审核的积分，含基础分" in flat
        assert f"{NO_GRADE_TEXT}。" in flat
        # each row reads: rank, name, group, month points, year to date (and its mark)
        for row in notice.rows:
            at = lines.index(row.name)
            assert lines[at - 1] == str(row.rank)
            assert lines[at + 2:at + 4] == [format_points(row.month_points), format_points(row.year_to_date)]
    assert "grade" not in {field.name for field in dataclasses.fields(notice.rows[0])}


def test_the_november_cards_print_no_annual_grade(store, november_start, issue):
    batch = report_data.scorecards(store, NOVEMBER, settings=issue)
    assert {card.member_name: card.month_total for card in batch.cards} == MONTH_POINTS
    assert {card.member_name: card.year_to_date for card in batch.cards} == YEAR_TO_DATE
    pdf = render_scorecards(batch, per_page=2, invariant=True)
    texts = page_texts(pdf)
    assert len(texts) == 2 and {(round(w), round(h)) for w, h in page_sizes(pdf)} == {(595, 842)}
    assert_only_bundled_fonts(pdf)
    labels = _grade_labels(store)
    for text in texts:
        for label in labels:
            assert label not in text, label
        lines = page_lines(text)
        assert lines.count("本月积分 本年累计（截至11月）") == 2
        assert lines.count("基础分 履职分 加分 扣分 本月合计 本月排名 累计积分 累计排名") == 2
        assert "".join(lines).count("本年累计为1月至11月已审核的积分，含基础分。") == 2
    for card, text in zip(batch.cards, page_texts(render_scorecards(batch, per_page=1, invariant=True))):
        lines = page_lines(text)
        assert f"姓名 {card.member_name} 类别" in text
        values = lines[lines.index("基础分 履职分 加分 扣分 本月合计 本月排名 累计积分 累计排名") + 1].split()
        assert values[4:] == [
            format_points(card.month_total), f"第{card.month_rank}名", format_points(card.year_to_date), f"第{card.year_rank}名",
        ]
    assert "grade" not in {field.name for field in dataclasses.fields(batch.cards[0])}


def test_an_exempt_member_is_a_neutral_mark_on_the_notice(store, november_start, issue):
    notice = report_data.monthly_notice(store, NOVEMBER, issue)
    data_text = "\n".join(_strings(notice)) + "\n".join(row.remark for row in notice.rows)
    assert not any(word in data_text for word in EXEMPT_WORDS)
    assert {row.name: row.remark for row in notice.rows} == {"甲": "", "乙": "△", "丙": "一票否决", "丁": ""}
    for paper in ("A4", "A3"):
        lines = all_lines(render_monthly_notice(notice, paper=paper, invariant=True))
        flat = "".join(lines)
        assert not any(word in flat for word in EXEMPT_WORDS), paper
        at = lines.index("乙")
        assert lines[at + 4] == "△"
        assert f"{ADJUSTED_LEGEND_TEXT}。" in flat
        assert lines.count("△") == 1  # the one member's mark; the legend line reads on


def test_an_exempt_member_is_a_neutral_mark_on_the_card(store, november_start, issue):
    chosen = report_data.member_ids_by_name(store, ["乙", "甲"])
    batch = report_data.scorecards(store, NOVEMBER, chosen, issue)
    assert not any(word in "\n".join(_strings(batch)) for word in EXEMPT_WORDS)
    yi, jia = batch.cards
    assert (yi.adjusted, yi.member_class, jia.adjusted, jia.member_class) == (True, "", False, "无职党员")
    first, second = page_texts(render_scorecards(batch, per_page=1, invariant=True))
    assert not any(word in first + second for word in EXEMPT_WORDS)
    assert "姓名 乙 类别 △ 身份 正式党员" in first and f"{ADJUSTED_LEGEND_TEXT}。" in first
    assert "姓名 甲 类别 无职党员" in second and "△" not in second


def test_a_veto_reads_the_same_on_the_notice_and_the_card(store, november_start, issue):
    from app.reports.data import ADJUSTED_LEGEND, VETO_LEGEND

    notice = report_data.monthly_notice(store, NOVEMBER, issue)
    assert notice.legend == (
        "本年累计为1月至11月已审核的积分，含基础分", ADJUSTED_LEGEND, VETO_LEGEND,
    )
    assert (ADJUSTED_LEGEND, VETO_LEGEND) == (ADJUSTED_LEGEND_TEXT, VETO_LEGEND_TEXT)
    lines = all_lines(render_monthly_notice(notice, invariant=True))
    at = lines.index("丙")
    assert lines[at + 2:at + 5] == ["6", "0", "一票否决"]
    assert f"{VETO_LEGEND_TEXT}。" in "".join(lines)
    [card] = report_data.scorecards(store, NOVEMBER, report_data.member_ids_by_name(store, ["丙"]), issue).cards
    assert card.vetoed and card.year_to_date == 0
    batch = ScorecardBatch(NOVEMBER, card.branch, report_data.issue_info(store, issue), (card,))
    assert f"{VETO_LEGEND_TEXT}。" in page_texts(render_scorecards(batch, invariant=True))[0].replace("\n", "")


def test_the_legend_lists_only_the_marks_in_use(large_store, settings):
    notice = report_data.monthly_notice(large_store, Month(2026, 10), settings)
    assert notice.legend == ("本年累计为1月至10月已审核的积分，含基础分",)
    flat = "".join(all_lines(render_monthly_notice(notice, invariant=True)))
    assert "△" not in flat and "一票否决" not in flat and "本年累计为1月至10月已审核的积分，含基础分。" in flat


def test_january_says_january():
    from app.reports.data import year_to_date_note, year_to_date_title

    assert year_to_date_title(Month(2026, 1)) == "本年累计（截至1月）"
    assert year_to_date_note(Month(2026, 1)) == "本年累计为1月已审核的积分，含基础分"


def test_the_bundled_font_draws_every_mark_and_legend():
    """No empty boxes: the marks and legends are in both faces of the bundled font."""
    from app.reports.data import ADJUSTED_LEGEND, NO_GRADE_NOTE, VETO_LEGEND

    text = ADJUSTED_LEGEND + VETO_LEGEND + NO_GRADE_NOTE + "本年累计（截至11月）说明："
    for file_name in FONT_FILES.values():
        face = TTFont("probe", str(FONTS_DIR / file_name)).face
        missing = {char for char in text if char != " " and ord(char) not in face.charToGlyph}
        assert not missing, (file_name, missing)


def test_the_readme_names_the_columns_the_paper_prints(store, november_start, issue):
    """README's Printing table names the notice's columns and the card's figures as printed."""
    from pathlib import Path

    from app.reports.notices import _notice_headings

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line.split("|")[3] for line in readme.splitlines() if line.startswith("| `")}
    notice = report_data.monthly_notice(store, NOVEMBER, issue)
    headings = [h.replace("11", "N") for h in _notice_headings(notice, narrow=False)]
    assert ", ".join(headings) in rows["`notice` 积分公示表"]
    card_text = page_texts(render_scorecards(report_data.scorecards(store, NOVEMBER, settings=issue), invariant=True))[0]
    for figure in ("本月合计", "本月排名", "本年累计（截至11月）", "累计积分", "累计排名"):
        assert figure in card_text and figure.replace("11", "N") in rows["`scorecards` 积分卡"], figure
    assert "等次" not in rows["`notice` 积分公示表"] and "band" not in rows["`scorecards` 积分卡"]
