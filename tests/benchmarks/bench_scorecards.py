"""Benchmark: scorecards of a 2,000-member township, against reportlab on a bare canvas.

Run:

    uv run python -m tests.benchmarks.bench_scorecards            # 2,000 members, best of 3
    uv run python -m tests.benchmarks.bench_scorecards --members 500 --rounds 1

It builds a synthetic township (plain report data: members of several villages with three
to nine entries each, rare name characters and long notes included), then times, in the
same process and alternating:

- ours:     app.reports.render_scorecards(batch) — measuring, wrapping, planning, drawing;
- baseline: the same text lines (notes wrapped beforehand, outside the timing), the same
            label fills and table rules, drawn with canvas.drawString, rect and lines at
            fixed positions: no measuring, wrapping or planning at all.

Both write one PDF with the bundled font embedded. It prints pages per second of each and
the ratio baseline/ours (the goal: at most 1.5). Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.domain.periods import Month
from app.reports import page_count, render_scorecards
from app.reports.data import CardEntry, IssueInfo, Scorecard, ScorecardBatch
from app.reports.layout import FONT, FONT_BOLD, GRID, LABEL_FILL, ensure_fonts
from app.reports.text import line_width, points_text, short_date, signed_points, wrap_text

MONTH = Month(2026, 10)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国志强伟军勇明华平刚斌海波涛超德福永林文杰春生光辉秀英桂兰玉梅丽娟芳敏静燕红霞"
ITEMS = [
    ("按时参加当月组织生活", "履职分", Decimal(2), "当月组织生活全勤"),
    ("履行岗位职责、兑现公开承诺", "履职分", Decimal(3), "2026年10月履职评定"),
    ("参加志愿服务", "加分", Decimal(2), "人居环境整治志愿服务 2 小时"),
    ("无故缺席三会一课", "基础分", Decimal(-2), "10月党小组会：缺席"),
    ("组织生活迟到或早退", "基础分", Decimal("-0.5"), "10月主题党日：迟到/早退"),
    ("在村级重点项目中发挥骨干作用", "加分", Decimal(4),
     "在村级重点项目（道路硬化、饮水安全工程）中发挥骨干作用，组织群众投工投劳，受到镇党委通报表扬。"),
    ("防汛、防火等急难险重任务中受到表扬", "加分", Decimal(2), "防汛值守受到镇党委表扬"),
]
CLASSES = ["无职党员", "在职党员", "流动党员", "离退休党员", "村（社区）两委/支委"]


def township(members: int, seed: int = 7) -> ScorecardBatch:
    """A synthetic township's October: `members` cards over 20 villages."""
    rng = random.Random(seed)
    cards = []
    for index in range(members):
        name = ("𠮷祥云", "李䶮", "欧阳司马长孙无忌")[index] if index < 3 else (
            rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
        )
        entries = []
        for _ in range(rng.randint(3, 9)):
            item, category, value, note = rng.choice(ITEMS)
            entries.append(CardEntry(date(2026, 10, rng.randint(1, 31)), item, category, value, note))
        entries.sort(key=lambda e: e.occurred_on)
        sums = {label: sum((e.points for e in entries if e.category == label), Decimal(0)) for label in ("基础分", "履职分", "加分", "扣分")}
        month_total = sum(sums.values(), Decimal(0))
        cards.append(
            Scorecard(
                MONTH, "城关镇党委", f"第{index % 20 + 1}村党支部", name, f"第{index % 3 + 1}党小组",
                rng.choice(CLASSES), "正式党员", tuple(entries), tuple(sums.items()), month_total,
                Decimal(60) + month_total, rng.randint(1, 100), rng.randint(1, 100), 100,
                pending_count=rng.choice([0, 0, 0, 1]),
            )
        )
    issue = IssueInfo.make("城关镇党委", date(2026, 11, 23))
    return ScorecardBatch(MONTH, "城关镇党委", issue, tuple(cards))


def _prepare_bare(batch: ScorecardBatch) -> list[dict]:
    """Untimed: every card's text lines (wrapped the way ours wraps them), fills and rules at
    fixed places, so that the baseline draws the same text and table and nothing else."""
    width, height = A4
    left, right = 18 * mm, width - 18 * mm
    widths = [12 * mm, 23 * mm, 50 * mm, 17 * mm, 15 * mm, right - left - 117 * mm]
    size, leading = 10.5, 13.5
    pages = []
    for number, card in enumerate(batch.cards, start=1):
        texts = [(FONT_BOLD, 22, width / 2 - 60, height - 40 * mm, "党员积分卡"),
                 (FONT, 12, width / 2 - 40, height - 47 * mm, f"（{card.month.label}）")]
        fills, segments = [], []
        y = height - 52 * mm
        info = [("支部", card.branch), ("党小组", card.group_name), ("月份", card.month.label),
                ("姓名", card.member_name), ("类别", card.member_class), ("身份", card.membership)]
        for i, (label, value) in enumerate(info):
            cx, cy = left + (i % 3) * 58 * mm, y - (i // 3) * 8 * mm
            fills.append((cx, cy - 8 * mm, 17 * mm, 8 * mm))
            texts += [(FONT_BOLD, size, cx + 2, cy - 5.5 * mm, label), (FONT, size, cx + 17 * mm + 2, cy - 5.5 * mm, value)]
        segments += [(left, y - k * 8 * mm, right, y - k * 8 * mm) for k in range(3)]
        y -= 20 * mm
        rows = [("序号", "日期", "积分项目", "类别", "分值", "备注")] + [
            (str(i + 1), short_date(e.occurred_on), e.item_name, e.category, signed_points(e.points), e.note)
            for i, e in enumerate(card.entries)
        ]
        top = y
        for row in rows:
            cells = [wrap_text(text, w - 3.2 * mm, size) for text, w in zip(row, widths)]
            row_height = max(7.5 * mm, max(len(c) for c in cells) * leading + 2.8 * mm)
            cx = left
            for lines, w in zip(cells, widths):
                for k, line in enumerate(lines):
                    texts.append((FONT, size, cx + 2, y - 4 * mm - k * leading, line))
                cx += w
            segments.append((left, y, right, y))
            y -= row_height
        segments.append((left, y, right, y))
        cx = left
        for w in widths + [0]:
            segments.append((cx, top, cx, y))
            cx += w
        labels = [name for name, _ in card.category_totals] + ["本月合计", "本月排名", "累计积分", "累计排名"]
        values = [signed_points(v) for _, v in card.category_totals] + [
            points_text(card.month_total), f"第{card.month_rank}名", points_text(card.year_to_date), f"第{card.year_rank}名"]
        for i, (label, value) in enumerate(zip(labels, values)):
            fills.append((left + i * 19 * mm, y - 12 * mm, 19 * mm, 8 * mm))
            texts += [(FONT_BOLD, size, left + i * 19 * mm + 2, y - 10 * mm, label), (FONT, size, left + i * 19 * mm + 2, y - 18 * mm, value)]
        segments += [(left, y - 4 * mm - k * 8 * mm, right, y - 4 * mm - k * 8 * mm) for k in range(3)]
        segments += [(left + i * 19 * mm, y - 4 * mm, left + i * 19 * mm, y - 20 * mm) for i in range(10)]
        notes = [f"本支部本月共 {card.ranked_count} 名党员参加排名；年度累计含基础分，截至{card.month.label}末。"]
        if card.pending_count:
            notes.append(f"另有 {card.pending_count} 条记录正在审核，审核通过后计入积分。")
        for k, note in enumerate(notes):
            texts.append((FONT, 9.5, left, y - 26 * mm - k * 5 * mm, note))
        texts += [(FONT, size, left, y - 45 * mm, "党员本人签字："), (FONT, size, width / 2, y - 45 * mm, "支部书记签字："),
                  (FONT, size, left + 30 * mm, y - 52 * mm, "年　　月　　日"), (FONT, size, width / 2 + 30 * mm, y - 52 * mm, "年　　月　　日"),
                  (FONT, 9.5, right - 60 * mm, 25 * mm, f"{batch.issue.issuing_org}　2026年11月23日"),
                  (FONT, 9, width / 2 - 20 * mm, 7 * mm, f"第 {number} 页 共 {len(batch.cards)} 页")]
        segments += [(left + 28 * mm, y - 46 * mm, width / 2 - 8 * mm, y - 46 * mm), (width / 2 + 28 * mm, y - 46 * mm, right, y - 46 * mm)]
        pages.append({"texts": texts, "fills": fills, "segments": segments})
    return pages


def bare_canvas(pages: list[dict]) -> bytes:
    """reportlab's own pace: the prepared lines, fills and rules drawn with no layout work."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=FONT)
    for page in pages:
        canvas.setFillColor(LABEL_FILL)
        for x, y, w, h in page["fills"]:
            canvas.rect(x, y, w, h, stroke=0, fill=1)
        canvas.setFillColor(GRID)
        for font, size, x, y, text in page["texts"]:
            canvas.setFont(font, size)
            canvas.drawString(x, y, text)
        canvas.lines(page["segments"])
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _has_rl_accel() -> bool:
    try:
        import _rl_accel  # noqa: F401
    except ImportError:
        return False
    return True


def _timed(function, batch) -> tuple[float, bytes]:
    start = time.perf_counter()
    pdf = function(batch)
    return time.perf_counter() - start, pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    ensure_fonts()
    batch = township(args.members)
    pages = len(batch.cards)
    ours = lambda b: render_scorecards(b)  # noqa: E731
    prepared = _prepare_bare(batch)
    # warm up both (font tables) on a small batch, as a long-running program would be
    small = ScorecardBatch(batch.month, batch.branch, batch.issue, batch.cards[:20])
    bare_canvas(_prepare_bare(small))
    ours(small)
    best_ours = best_bare = float("inf")
    for _ in range(args.rounds):
        seconds, bare_pdf = _timed(bare_canvas, prepared)
        best_bare = min(best_bare, seconds)
        wrap_text.cache_clear()  # ours wraps and measures the township's text itself, every round
        line_width.cache_clear()
        seconds, ours_pdf = _timed(ours, batch)
        best_ours = min(best_ours, seconds)
    bare_pages, ours_pages = page_count(bare_pdf), page_count(ours_pdf)
    print(f"township: {pages} members, {sum(len(c.entries) for c in batch.cards)} entries, best of {args.rounds}")
    print(f"baseline (bare canvas):   {bare_pages / best_bare:7.1f} pages/s  {bare_pages:5d} pages  {best_bare:6.2f} s  {len(bare_pdf) / 1e6:5.1f} MB")
    print(f"ours (render_scorecards): {ours_pages / best_ours:7.1f} pages/s  {ours_pages:5d} pages  {best_ours:6.2f} s  {len(ours_pdf) / 1e6:5.1f} MB")
    print(f"time for the same {pages} cards, ours/baseline: {best_ours / best_bare:.2f}x (goal: at most 1.5x)")
    print("(pure-Python reportlab: the optional rl_accel C extension is "
          f"{'installed' if _has_rl_accel() else 'not installed'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
