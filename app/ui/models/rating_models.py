"""The star-rating tables: candidates (one plain `CandidateLine` per member), star history, objections, awards.

`CandidateLine` is made from the round's frozen `CandidateRow` on the UI thread; before the
round is assessed its rank and total come from the live ranking and are marked as not frozen.
The models are thin adapters over these plain rows (never ORM objects).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QCoreApplication

from app.domain.enums import MemberClass
from app.domain.points import format_points
from app.domain.rating import RatingScheme
from app.services.rating.rounds import AwardRow
from app.services.rating.queries import CandidateRow, ObjectionRow, RoundView, StarChangeRow
from app.ui.models.table_models import CENTER, RIGHT, Column, RowTableModel

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

RED, BLUE, GREY, ORANGE = "#C00000", "#1F4E79", "#777777", "#B35C00"


def star_text(stars: int | None) -> str:
    """★★★☆☆ for three stars; 不评星 for none; empty before the round is assessed."""
    if stars is None:
        return ""
    return "★" * stars + "☆" * (5 - stars) if stars else translate("RatingModels", "不评星")


def stars_word(stars: int | None) -> str:
    if stars is None:
        return ""
    return translate("RatingModels", "{0}星").format(stars) if stars else translate("RatingModels", "不评星")


@dataclass(frozen=True)
class CandidateLine:
    """One member of the round as the table shows him."""

    candidate: CandidateRow
    rank: int | None
    total: Decimal | None
    frozen: bool  # rank and total frozen by the assessment (False: the live ranking's, for orientation)
    hints: tuple[str, ...]

    @property
    def member_id(self) -> uuid.UUID:
        return self.candidate.member_id

    @property
    def name(self) -> str:
        return self.candidate.name


def dual_report_text(candidate: CandidateRow) -> str:
    if candidate.member_class is not MemberClass.IN_SERVICE:
        return "—"
    return translate("RatingModels", "已落实") if candidate.dual_report_served else translate("RatingModels", "未落实")


def _star_hints(candidate: CandidateRow) -> list[str]:
    """What moved the stars: the points' band against the assessment, an adjustment, a higher declaration."""
    hints = []
    band, proposed, stars = candidate.band_stars, candidate.proposed_stars, candidate.stars
    if band is not None and proposed is not None and band > proposed and not candidate.vetoed:
        hints.append(translate("RatingModels", "按积分{0}星，测评为{1}星").format(band, proposed))
    if stars is not None and proposed is not None and stars != proposed:
        hints.append(translate("RatingModels", "已调整（测评{0}）").format(stars_word(proposed)))
    if candidate.declared_stars and stars is not None and candidate.declared_stars > stars:
        hints.append(translate("RatingModels", "申报高于评定"))
    return hints


def candidate_hints(candidate: CandidateRow, scheme: RatingScheme) -> tuple[str, ...]:
    hints: list[str] = []
    if candidate.vetoed:
        hints.append(translate("RatingModels", "一票否决"))
    if candidate.member_class is MemberClass.IN_SERVICE and not candidate.dual_report_served:
        hints.append(translate("RatingModels", "未落实双报到，最高{0}星").format(scheme.dual_report_max_stars))
    hints += _star_hints(candidate)
    hints.extend(flag for flag in candidate.flags if flag not in hints)
    return tuple(hints)


def candidate_lines(view: RoundView, live: dict[uuid.UUID, tuple[int, Decimal]] | None = None) -> list[CandidateLine]:
    """The round's candidates in rank order; `live` gives (rank, total) before the totals are frozen."""
    lines = []
    for candidate in view.candidates:
        frozen = candidate.final_total is not None
        rank, total = (candidate.rank, candidate.final_total) if frozen else (live or {}).get(candidate.member_id, (None, None))
        lines.append(CandidateLine(candidate, rank, total, frozen, candidate_hints(candidate, view.scheme)))
    if not any(line.frozen for line in lines):
        lines.sort(key=lambda line: (line.rank or 10**6, line.name))
    return lines


def _stars_colour(line: CandidateLine) -> str | None:
    stars = line.candidate.stars
    if stars is None:
        return None
    if stars == 0:
        return RED
    return RED if stars >= 4 else ORANGE


def candidate_columns() -> list[Column]:
    def live(line: CandidateLine) -> str | None:
        return None if line.frozen else GREY

    return [
        Column(translate("RatingModels", "名次"), lambda r: r.rank, CENTER, colour=live),
        Column(translate("RatingModels", "姓名"), lambda r: r.name),
        Column(translate("RatingModels", "党小组"), lambda r: r.candidate.group_name),
        Column(translate("RatingModels", "类别"), lambda r: r.candidate.member_class.label),
        Column(translate("RatingModels", "年度积分"), lambda r: format_points(r.total) if r.total is not None else "", RIGHT,
               tooltip=lambda r: "" if r.frozen else translate("RatingModels", "测评前显示的是目前的积分，测评时冻结"),
               header_tooltip=translate("RatingModels", "测评星级时冻结的年度积分；测评前灰色显示目前的积分"), colour=live),
        Column(translate("RatingModels", "申报"), lambda r: stars_word(r.candidate.declared_stars), CENTER,
               tooltip=lambda r: r.candidate.declaration),
        Column(translate("RatingModels", "测评星级"), lambda r: stars_word(r.candidate.proposed_stars), CENTER,
               header_tooltip=translate("RatingModels", "系统按积分、双报到和五星名额测评的星级")),
        Column(translate("RatingModels", "当前星级"), lambda r: star_text(r.candidate.stars), colour=_stars_colour),
        Column(translate("RatingModels", "双报到"), lambda r: dual_report_text(r.candidate), CENTER,
               colour=lambda r: RED if dual_report_text(r.candidate) == translate("RatingModels", "未落实") else None),
        Column(translate("RatingModels", "提示"), lambda r: "；".join(r.hints), tooltip=lambda r: "；".join(r.hints),
               colour=lambda r: RED if r.candidate.vetoed else (BLUE if r.hints else None)),
    ]


class CandidateTableModel(RowTableModel):
    """The round's candidates; rows are `CandidateLine`s."""

    STARS_COLUMN = 7

    def __init__(self, parent=None) -> None:
        super().__init__(candidate_columns(), parent)

    def row_of(self, member_id: uuid.UUID | None) -> int:
        return next((i for i, line in enumerate(self._rows) if line.member_id == member_id), -1)

    def line_named(self, name: str) -> CandidateLine | None:
        return next((line for line in self._rows if line.name == name), None)


def _from_to(change: StarChangeRow) -> str:
    start = stars_word(change.from_stars) if change.from_stars is not None else translate("RatingModels", "（无）")
    return f"{start} → {stars_word(change.to_stars)}"


def history_columns() -> list[Column]:
    """Rows are (year, StarChangeRow) pairs from member_star_history."""
    return [
        Column(translate("RatingModels", "年度"), lambda r: r[0], CENTER),
        Column(translate("RatingModels", "环节"), lambda r: r[1].stage.label),
        Column(translate("RatingModels", "星级变化"), lambda r: _from_to(r[1]), CENTER),
        Column(translate("RatingModels", "日期"), lambda r: f"{r[1].on_date:%Y-%m-%d}", CENTER),
        Column(translate("RatingModels", "操作员"), lambda r: r[1].operator),
        Column(translate("RatingModels", "理由"), lambda r: r[1].reason, tooltip=lambda r: r[1].reason),
    ]


def objection_result(row: ObjectionRow) -> str:
    if row.answered_on is None:
        return translate("RatingModels", "待答复")
    return translate("RatingModels", "成立") if row.upheld else translate("RatingModels", "不成立")


def objection_columns() -> list[Column]:
    return [
        Column(translate("RatingModels", "对象"), lambda r: r.member_name),
        Column(translate("RatingModels", "提出人"), lambda r: r.raised_by),
        Column(translate("RatingModels", "提出日期"), lambda r: f"{r.raised_on:%Y-%m-%d}", CENTER),
        Column(translate("RatingModels", "异议内容"), lambda r: r.content, tooltip=lambda r: r.content),
        Column(translate("RatingModels", "结论"), objection_result, CENTER,
               colour=lambda r: RED if r.answered_on is None else None),
        Column(translate("RatingModels", "答复日期"), lambda r: f"{r.answered_on:%Y-%m-%d}" if r.answered_on else "", CENTER),
        Column(translate("RatingModels", "答复"), lambda r: r.answer, tooltip=lambda r: r.answer),
    ]


def award_columns() -> list[Column]:
    return [
        Column(translate("RatingModels", "姓名"), lambda r: r.name),
        Column(translate("RatingModels", "星级"), lambda r: star_text(r.stars), colour=lambda r: RED if r.stars >= 4 else ORANGE),
        Column(translate("RatingModels", "评先评优"), lambda r: translate("RatingModels", "可以推荐") if r.eligible
               else translate("RatingModels", "不能推荐"), CENTER, colour=lambda r: None if r.eligible else RED),
        Column(translate("RatingModels", "不能推荐的原因"), lambda r: "；".join(r.reasons), tooltip=lambda r: "；".join(r.reasons)),
    ]


def award_summary(rows: list[AwardRow]) -> str:
    eligible = sum(1 for r in rows if r.eligible)
    return translate("RatingModels", "可以推荐 {0} 人，不能推荐 {1} 人").format(eligible, len(rows) - eligible)
