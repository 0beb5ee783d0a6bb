"""The practice papers rendered from hand-made data and read back: every figure and the rules
printed, rare name characters in the bundled font, one letter or card per page run."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.reports import page_count
from app.reports.practice_data import (
    BallotPaper,
    BallotRow,
    CadreAssessment,
    CadreBatch,
    CadreCard,
    CadreLineRow,
    FeedbackBatch,
    FeedbackLetter,
    ServiceLineRow,
    TallySheet,
    TallySheetRow,
)
from app.reports.practice_papers import render_ballot, render_cadre_papers, render_feedback_letters, render_tally_sheet
from tests.reports.report_support import assert_only_bundled_fonts, page_texts

D = Decimal
GRADES = ("优秀", "合格", "基本合格", "不合格")


def _flat(pdf: bytes) -> str:
    return "".join(page_texts(pdf)).replace(" ", "").replace("\n", "")


def _letter(name: str, hours: tuple[str, ...]) -> FeedbackLetter:
    lines = tuple(ServiceLineRow(date(2026, 7, 10 + i), "社区环境整治", D(h), "社区书记 王某") for i, h in enumerate(hours))
    total = sum((D(h) for h in hours), D(0))
    return FeedbackLetter("城关镇党委", "红星村党支部", 2026, 3, name, "东街社区", "县财政局", "办公室 李主任", lines,
                          total, total + 20, "全年服务满 50 小时", f"截至本季度末累计服务 {total + 20} 小时", "红星村党支部",
                          date(2026, 10, 8))


def test_feedback_letters_one_per_member():
    batch = FeedbackBatch(2026, 3, (_letter("𠮷祥云", ("8", "4.5")), _letter("赵在职", ())))
    pdf = render_feedback_letters(batch, invariant=True)
    assert_only_bundled_fonts(pdf)
    first, second = page_texts(pdf)
    flat = first.replace(" ", "")
    assert "𠮷祥云" in flat and "县财政局（办公室李主任）" in flat and "本季度服务12.5小时" in flat and "4.5" in flat
    assert "本季度没有登记服务记录" in second.replace(" ", "")


def test_ballot_and_tally_sheet_state_their_rules():
    rows = tuple(BallotRow(n, f"党员{n:02d}", "第一党小组") for n in range(1, 41))
    ballot = render_ballot(BallotPaper("城关镇党委", "红星村党支部", 2026, GRADES, rows), invariant=True)
    assert page_count(ballot) == 2  # 40 members run onto a second page, heading repeated
    assert "党员40" in _flat(ballot) and _flat(ballot).count("基本合格") >= 2

    sheet = TallySheet(
        "城关镇党委", "红星村党支部", 2026, date(2026, 12, 20), 10, 9, "张三、李四", GRADES,
        (TallySheetRow(1, "甲党员", "", (7, 2, 0, 0), 9, D("95.56"), "优秀"), TallySheetRow(2, "戊党员", "", (0, 0, 0, 0), 0, None, None),
         TallySheetRow(3, "乙党员", "", (5, 3, 0, 0), 8, D("92.50"), "优秀")),
        ("评议得分 = 加权平均", "不合格票超过三分之一的为不合格"), "本年度细则按等次系数折算：年度总分 = 积分 × 等次系数（优秀 1）",
        (("优秀", 1), ("合格", 0), ("基本合格", 0), ("不合格", 0)),
    )
    flat = _flat(render_tally_sheet(sheet, invariant=True))
    assert "发出测评票10张" in flat and "收回测评票9张" in flat and "95.56" in flat and "无有效票" in flat
    assert "92.50" in flat  # the sheet says 保留两位小数: the zero is printed
    assert "折算规则" in flat and "按等次系数折算" in flat and "评议结果：优秀1人" in flat


def test_cadre_card_and_assessment():
    card = CadreCard("城关镇党委", "红星村党支部", "周振华", "驻村干部", "县农业农村局", "驻村第一书记", "2026年10月",
                     (CadreLineRow(date(2026, 10, 28), "到岗到位", D(1), ""), CadreLineRow(date(2026, 10, 9), "未经请假离岗", D(-2), "回单位")),
                     D(-1), D(60), D("79.5"), D("7.95"), "称职", "十分制得分 = 年度积分 ÷ 100 × 10")
    sheet = CadreAssessment("城关镇党委", "红星村党支部", "周振华", "驻村干部", "县农业农村局", "驻村第一书记", "2026年1月1日至2026年12月31日",
                            2026, D(60), (("到岗到位", D(10)), ("未经请假离岗", D(-2))), D(68), D("6.80"), "基本称职", "十分制得分 = 年度积分 ÷ 100 × 10")
    pdf = render_cadre_papers(CadreBatch("驻村干部", cards=(card,), assessments=(sheet,)), invariant=True)
    card_text, sheet_text = (page.replace(" ", "") for page in page_texts(pdf))
    assert "本月合计" in card_text and "-1" in card_text and "79.5分" in card_text and "7.95分" in card_text and "称职" in card_text
    assert "年度积分" in sheet_text and "68" in sheet_text and "6.80分" in sheet_text and "基本称职" in sheet_text and "乡镇党委意见" in sheet_text
