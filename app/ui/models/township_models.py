"""The township's tables: branches side by side, the township-wide ranking, received reports, a report's candidates.

Each is a `RowTableModel` over plain rows from app.services.township.gather and app.services.rating.exchange;
this module only says which columns they show and how.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from app.domain.points import format_points
from app.services.township.gather import BranchSummary, GatheredBranch
from app.services.rating.exchange import ReportedCandidate, ReportedObjection
from app.services.shop.township import ShopActivity
from app.ui.models.table_models import CENTER, RIGHT, Column, RowTableModel

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

RED, ORANGE, BLUE, GREEN = "#C00000", "#B35C00", "#1F4E79", "#375623"


def star_text(stars: int | None) -> str:
    return "★" * stars + "☆" * (5 - stars) if stars else "—"


def _star_colour(stars: int | None) -> str | None:
    return RED if (stars or 0) >= 4 else ORANGE if stars else None


def _date_text(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _moment_text(moment) -> str:
    """A backup's time on the clerk's clock, short: 2026-11-23 07:00."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


# ----------------------------------------------------------------------------- branches side by side


@dataclass(frozen=True)
class BranchLine:
    """One branch of the overview, with what is known of the last backup gathered from it."""

    year: int
    summary: BranchSummary
    gathered: GatheredBranch | None
    shop: ShopActivity | None = None  # the branch's honour shop in the year (app/services/shop/township.py)

    @property
    def shop_text(self) -> str:
        if self.shop is None or not self.shop.redemptions:
            return "—"
        return translate("TownshipModels", "{0} 人 {1} 笔 {2} 分").format(self.shop.members, self.shop.redemptions, format_points(self.shop.points))

    @property
    def entries(self) -> int | None:
        return None if self.gathered is None else self.gathered.counts.get("points_entries")

    @property
    def troubled(self) -> bool:
        """No rule set for the year, or differences found while gathering: the note is a warning."""
        return not self.summary.has_rule_set or bool(self.gathered is not None and self.gathered.conflicts)

    @property
    def note(self) -> str:
        """The warnings first (they are what a narrow column must still show), then the plain facts."""
        notes = []
        if not self.summary.has_rule_set:
            notes.append(translate("TownshipModels", "该村没有{0}年的积分细则").format(self.year))
        if self.gathered is not None and self.gathered.conflicts:
            notes.append(translate("TownshipModels", "汇总时发现 {0} 处不一致").format(self.gathered.conflicts))
        if self.summary.departed:
            notes.append(translate("TownshipModels", "含年内转出、去世 {0} 人（不评星）").format(self.summary.departed))
        return "；".join(notes)


BRANCH_FIGURE_COLUMNS = tuple(range(1, 11))  # 党员, 记录数, 年度总分, 平均分, 五星…一星, 否决 in branch_model: a few digits


def branch_model(parent=None) -> RowTableModel:
    star_headers = (
        (5, translate("TownshipModels", "五星")), (4, translate("TownshipModels", "四星")), (3, translate("TownshipModels", "三星")),
        (2, translate("TownshipModels", "二星")), (1, translate("TownshipModels", "一星")),
    )
    stars = [
        Column(header, lambda line, n=n: line.summary.stars.get(n, 0), RIGHT,
               colour=lambda line, n=n: _star_colour(n) if line.summary.stars.get(n) else None)
        for n, header in star_headers
    ]
    return RowTableModel(
        [
            Column(translate("TownshipModels", "支部"), lambda line: line.summary.name),
            Column(translate("TownshipModels", "党员"), lambda line: line.summary.rated, RIGHT, header_tooltip=translate("TownshipModels", "本年度参加评分的党员人数")),
            Column(translate("TownshipModels", "记录数"), lambda line: line.entries, RIGHT,
                   header_tooltip=translate("TownshipModels", "汇总的备份中该村的积分记录条数（各年度合计，含待审核）")),
            Column(translate("TownshipModels", "年度总分"), lambda line: format_points(line.summary.total), RIGHT),
            Column(translate("TownshipModels", "平均分"), lambda line: format_points(line.summary.average), RIGHT),
            *stars,
            Column(translate("TownshipModels", "否决"), lambda line: line.summary.vetoed, RIGHT, header_tooltip=translate("TownshipModels", "一票否决的人数"),
                   colour=lambda line: RED if line.summary.vetoed else None),
            Column(translate("TownshipModels", "积分超市"), lambda line: line.shop_text, RIGHT,
                   header_tooltip=translate("TownshipModels", "本年度在积分超市兑换的人数、笔数（不含冲正掉的）和净使用积分")),
            # The backup's file name is its cell's tooltip, not a column of its own: with it the table was
            # wider than the page at 1366×768, 提示 cut and 备份时间 behind a scroll bar; the name says the
            # branch and the time again. 提示 comes last and takes the width left (stretched).
            Column(translate("TownshipModels", "备份时间"), lambda line: _moment_text(line.summary.backup_created_at),
                   tooltip=lambda line: translate("TownshipModels", "备份文件：{0}").format(line.gathered.file_name) if line.gathered else "",
                   header_tooltip=translate("TownshipModels", "最近汇总的这个村的备份是什么时候做的；鼠标停在时间上可以看到备份文件的名字")),
            Column(translate("TownshipModels", "提示"), lambda line: line.note, tooltip=lambda line: line.note, colour=lambda line: RED if line.troubled else None),
        ],
        parent,
    )


# ----------------------------------------------------------------------------- one ranking across the township


def ranking_model(parent=None) -> RowTableModel:
    return RowTableModel(
        [
            Column(translate("TownshipModels", "名次"), lambda row: row.rank, CENTER),
            Column(translate("TownshipModels", "支部"), lambda row: row.branch_name),
            Column(translate("TownshipModels", "姓名"), lambda row: row.name),
            Column(translate("TownshipModels", "年度总分"), lambda row: format_points(row.final_total), RIGHT),
            Column(translate("TownshipModels", "等次"), lambda row: row.grade, CENTER),
            Column(translate("TownshipModels", "星级"), lambda row: star_text(row.stars), colour=lambda row: _star_colour(row.stars)),
            Column(translate("TownshipModels", "提示"), lambda row: translate("TownshipModels", "一票否决") if row.vetoed else "", colour=lambda row: RED if row.vetoed else None),
        ],
        parent,
    )


# ----------------------------------------------------------------------------- 验星: reports received


def decision_text(decision: str | None) -> str:
    if decision == "verified":
        return translate("TownshipModels", "验星通过")
    if decision == "returned":
        return translate("TownshipModels", "已退回")
    return translate("TownshipModels", "待验星")


def _decision_colour(decision: str | None) -> str:
    return GREEN if decision == "verified" else RED if decision == "returned" else BLUE


def verification_model(parent=None) -> RowTableModel:
    return RowTableModel(
        [
            Column(translate("TownshipModels", "支部"), lambda row: row.branch_name),
            Column(translate("TownshipModels", "年度"), lambda row: row.year, CENTER),
            Column(translate("TownshipModels", "候选人"), lambda row: row.candidates, RIGHT),
            Column(translate("TownshipModels", "五星"), lambda row: row.five_star, RIGHT),
            Column(translate("TownshipModels", "状态"), lambda row: decision_text(row.decision), colour=lambda row: _decision_colour(row.decision)),
            Column(translate("TownshipModels", "验星日期"), lambda row: _date_text(row.decided_on)),
            Column(translate("TownshipModels", "乡镇意见"), lambda row: row.comments, tooltip=lambda row: row.comments),
        ],
        parent,
    )


# ----------------------------------------------------------------------------- one report's content


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return translate("TownshipModels", "是") if value else translate("TownshipModels", "否")


def candidate_history(candidate: ReportedCandidate) -> str:
    lines = []
    for change in candidate.history:
        moved = translate("TownshipModels", "{0}星 → {1}星").format(change.from_stars, change.to_stars) if change.from_stars else \
            translate("TownshipModels", "{0}星").format(change.to_stars)
        lines.append(f"{_date_text(change.on_date)} {change.stage} {moved} {change.reason} {change.operator}".strip())
    return "\n".join(lines)


def candidate_notes(candidate: ReportedCandidate) -> str:
    notes = list(candidate.flags)
    if candidate.vetoed:
        notes.insert(0, translate("TownshipModels", "一票否决"))
    if candidate.stars is not None and candidate.proposed_stars is not None and candidate.stars != candidate.proposed_stars:
        notes.append(translate("TownshipModels", "测评{0}星，调整为{1}星").format(candidate.proposed_stars, candidate.stars))
    return "；".join(notes)


def candidate_model(parent=None) -> RowTableModel:
    def stars(value: int | None) -> str:
        return "" if value is None else str(value)

    return RowTableModel(
        [
            Column(translate("TownshipModels", "名次"), lambda c: c.rank, CENTER),
            Column(translate("TownshipModels", "姓名"), lambda c: c.name),
            Column(translate("TownshipModels", "党小组"), lambda c: c.group_name),
            Column(translate("TownshipModels", "类别"), lambda c: c.member_class),
            Column(translate("TownshipModels", "年度总分"), lambda c: "" if c.final_total is None else format_points(c.final_total), RIGHT),
            Column(translate("TownshipModels", "申报"), lambda c: stars(c.declared_stars), CENTER, header_tooltip=translate("TownshipModels", "党员申报的星级")),
            Column(translate("TownshipModels", "测评"), lambda c: stars(c.proposed_stars), CENTER, header_tooltip=translate("TownshipModels", "按积分分档、名额和双报到测评的星级")),
            Column(translate("TownshipModels", "评定星级"), lambda c: star_text(c.stars), colour=lambda c: _star_colour(c.stars),
                   tooltip=candidate_history),
            Column(translate("TownshipModels", "双报到"), lambda c: _yes_no(c.dual_report_served), CENTER),
            Column(translate("TownshipModels", "提示"), candidate_notes, tooltip=lambda c: "\n".join(filter(None, [candidate_notes(c), candidate_history(c)])),
                   colour=lambda c: RED if c.vetoed or c.stars != c.proposed_stars else None),
        ],
        parent,
    )


def step_model(parent=None) -> RowTableModel:
    return RowTableModel(
        [
            Column(translate("TownshipModels", "日期"), lambda s: _date_text(s.on_date)),
            Column(translate("TownshipModels", "步骤"), lambda s: s.status),
            Column(translate("TownshipModels", "经办人"), lambda s: s.operator),
            Column(translate("TownshipModels", "说明"), lambda s: s.note, tooltip=lambda s: s.note),
        ],
        parent,
    )


def objection_model(parent=None) -> RowTableModel:
    def upheld(o: ReportedObjection) -> str:
        if o.upheld is None:
            return ""
        return translate("TownshipModels", "属实") if o.upheld else translate("TownshipModels", "不属实")

    return RowTableModel(
        [
            Column(translate("TownshipModels", "日期"), lambda o: _date_text(o.raised_on)),
            Column(translate("TownshipModels", "党员"), lambda o: o.member),
            Column(translate("TownshipModels", "提出人"), lambda o: o.raised_by),
            Column(translate("TownshipModels", "异议内容"), lambda o: o.content, tooltip=lambda o: o.content),
            Column(translate("TownshipModels", "核实"), upheld, CENTER),
            Column(translate("TownshipModels", "答复"), lambda o: o.answer, tooltip=lambda o: o.answer),
        ],
        parent,
    )

