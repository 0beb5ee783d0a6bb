"""Scorecards read back from the PDF: the engine's names, totals and ranks, fonts, paging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import MemberClass
from app.domain.periods import Month
from app.domain.points import format_points
from app.reports import RenderCancelled, page_count, render_scorecards
from app.reports.data import CardEntry, IssueInfo, Scorecard, ScorecardBatch
from app.services.printing import report_data
from app.services.totals import ranking as totals
from tests.reports.report_support import (
    assert_only_bundled_fonts,
    dark_share,
    first_page_png,
    page_lines,
    page_sizes,
    page_texts,
)

OCTOBER = Month(2026, 10)
SUMMARY_GROUPS = "本月积分 本年累计（截至10月）"
SUMMARY_LABELS = "基础分 履职分 加分 扣分 本月合计 本月排名 累计积分 累计排名"


@pytest.fixture(scope="module")
def october(demo_store):
    settings = report_data.IssueSettings(issued_on=date(2026, 11, 23))
    return report_data.scorecards(demo_store, OCTOBER, settings=settings)


@pytest.fixture(scope="module")
def october_pdf(october):
    return render_scorecards(october, invariant=True)


def test_each_card_shows_what_the_engine_computed(demo_store, october, october_pdf):
    ranking = totals.branch_ranking(demo_store, 2026, month=10)
    by_name = {row.name: row for row in ranking.rows}
    texts = page_texts(october_pdf)
    assert len(texts) == len(october.cards) == len(ranking.rows) == 35
    for card, text in zip(october.cards, texts):
        row = by_name[card.member_name]
        lines = page_lines(text)  # a table row reads as one line, its cells separated by spaces
        assert lines[0] == "党员积分卡" and "（2026年10月）" in lines
        printed_class = "△" if row.member_class is MemberClass.EXEMPT_FRAIL else row.member_class.label
        assert f"姓名 {card.member_name} 类别 {printed_class} 身份" in text
        labels = lines.index(SUMMARY_LABELS)
        assert lines[labels - 1] == SUMMARY_GROUPS
        values = lines[labels + 1].split()
        assert values[4:] == [
            format_points(row.period_points), f"第{row.rank}名", format_points(row.year_to_date), f"第{card.year_rank}名",
        ]
        notes = "".join(lines[labels + 2:])
        assert "本年累计为1月至10月已审核的积分，含基础分。" in notes and "年度等次和星级在年度总评后另行公示。" in notes
        assert ("△ 经支部会议决定调整考核项目。" in notes) == (printed_class == "△")
        assert not any(grade in text for grade in ("优秀", "合格")) and "老弱病残" not in text
        assert ("一票否决：本年度积分按 0 分计，不得评星，不得评先评优。" in notes) == row.vetoed
        assert [value.lstrip("+") for value in values[:4]] == [format_points(v) for _, v in card.category_totals]
        for number, entry in enumerate(card.entries, start=1):
            assert any(line.startswith(f"{number} {entry.occurred_on.month}月{entry.occurred_on.day}日 {entry.item_name}") for line in lines)
        assert "党员本人签字：" in lines and "支部书记签字：" in lines
    assert "第 1 页 共 35 页" in texts[0] and "第 35 页 共 35 页" in texts[-1]


def test_rare_name_characters_survive_into_the_text(october_pdf):
    text = "\n".join(page_texts(october_pdf))
    assert "𠮷祥云" in text and "李䶮" in text


def test_only_the_bundled_font_is_used_and_embedded(october_pdf):
    assert_only_bundled_fonts(october_pdf)


def test_pages_are_a4_portrait_and_not_blank(october_pdf, tmp_path):
    assert {(round(w), round(h)) for w, h in page_sizes(october_pdf)} == {(595, 842)}
    assert dark_share(october_pdf) > 0.01
    png = first_page_png(october_pdf, tmp_path / "scorecard")
    assert png is None or png.stat().st_size > 5000


def test_two_cards_per_page(october):
    pdf = render_scorecards(october, per_page=2, invariant=True)
    texts = page_texts(pdf)
    assert len(texts) == 18
    for index, text in enumerate(texts):
        names = [card.member_name for card in october.cards[index * 2:index * 2 + 2]]
        assert all(f"姓名 {name} 类别" in text for name in names)
        assert page_lines(text).count("党员积分卡") == len(names)


def test_invariant_output_is_byte_identical(october, october_pdf):
    assert render_scorecards(october, invariant=True) == october_pdf
    assert page_count(october_pdf) == 35


def _long_card(entries: int) -> ScorecardBatch:
    issue = IssueInfo.make("红星村党支部", date(2026, 11, 23))
    note = "在村级重点项目（道路硬化、饮水安全工程）中发挥骨干作用，组织群众投工投劳，受到镇党委通报表扬。"
    rows = tuple(
        CardEntry(date(2026, 10, 1 + i % 28), "在村级重点项目中发挥骨干作用", "加分", Decimal(1), f"第{i + 1}条：{note}")
        for i in range(entries)
    )
    card = Scorecard(
        OCTOBER, "城关镇党委", "红星村党支部", "欧阳司马长孙无忌", "第一党小组", "村（社区）两委/支委", "正式党员",
        rows, (("基础分", Decimal(0)), ("履职分", Decimal(0)), ("加分", Decimal(entries)), ("扣分", Decimal(0))),
        Decimal(entries), Decimal(entries + 20), 1, 1, 1,
    )
    return ScorecardBatch(OCTOBER, "红星村党支部", issue, (card,))


@pytest.mark.parametrize("per_page", [1, 2])
def test_a_long_card_continues_with_headings_and_every_entry(per_page):
    batch = _long_card(30)
    texts = page_texts(render_scorecards(batch, per_page=per_page))
    assert len(texts) > 1
    joined = "\n".join(texts)
    for i in range(30):
        assert f"第{i + 1}条：" in joined.replace("\n", "")
    assert "党员积分卡（续）" in joined
    assert joined.count("积分项目") >= len(texts)  # the column headings repeat
    assert joined.count("本月合计") == 1 and "支部书记签字：" in texts[-1]
    assert f"第 {len(texts)} 页 共 {len(texts)} 页" in texts[-1]


def test_progress_is_reported_and_can_cancel(october):
    seen = []
    render_scorecards(october, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (35, 35) and len(seen) == 35

    def stop(done, total):
        if done >= 3:
            raise RenderCancelled()

    with pytest.raises(RenderCancelled):
        render_scorecards(october, progress=stop)
