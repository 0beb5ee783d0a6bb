"""Under the candidates: the selected member's star history, the objections, and the 评先评优 list."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.services.rating import rounds as rating
from app.services.rating.queries import CandidateRow, ObjectionRow, RoundView, member_star_history
from app.ui.asking import Asker
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.models.rating_models import award_columns, award_summary, history_columns, objection_columns, stars_word
from app.ui.models.table_models import RowTableModel
from app.ui.widgets import fit_columns, hint_label, make_table

HISTORY, OBJECTIONS, AWARDS = range(3)


def is_assessed(view: RoundView | None) -> bool:
    return view is not None and any(c.stars is not None for c in view.candidates)


def ask_awards(store, view: RoundView | None) -> tuple[list, str]:
    """The 评先评优 list once stars are given, or why it cannot be read (on the database worker)."""
    if not is_assessed(view):
        return [], ""
    try:
        return rating.award_eligibility_list(store, view.year), ""
    except AppError as exc:
        return [], exc.message


class RatingTabs(QTabWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = Asker(self, ctx)
        self.view: RoundView | None = None
        # 星级变动记录
        history = QWidget()
        layout = QVBoxLayout(history)
        self.member_label = QLabel()
        self.member_label.setWordWrap(True)
        layout.addWidget(self.member_label)
        self.history_model = RowTableModel(history_columns(), self)
        self.history_table = make_table(self)
        self.history_table.setModel(self.history_model)
        layout.addWidget(self.history_table, 1)
        self.addTab(history, self.tr("星级变动记录"))
        # 异议
        objections = QWidget()
        layout = QVBoxLayout(objections)
        self.objections_label = hint_label()
        layout.addWidget(self.objections_label)
        self.objection_model = RowTableModel(objection_columns(), self)
        self.objection_table = make_table(self)
        self.objection_table.setModel(self.objection_model)
        layout.addWidget(self.objection_table, 1)
        self.addTab(objections, self.tr("公示异议"))
        # 评先评优
        awards = QWidget()
        layout = QVBoxLayout(awards)
        self.award_label = hint_label()
        layout.addWidget(self.award_label)
        self.award_model = RowTableModel(award_columns(), self)
        self.award_table = make_table(self)
        self.award_table.setModel(self.award_model)
        layout.addWidget(self.award_table, 1)
        self.addTab(awards, self.tr("评先评优名单"))
        # Short tables whose contents change with every member: fitted to what they show each time.
        for model, table in ((self.history_model, self.history_table), (self.objection_model, self.objection_table),
                             (self.award_model, self.award_table)):
            model.modelReset.connect(lambda t=table: fit_columns(t))
        self.setMinimumHeight(120)
        self.show_member(None)

    def load(self, view: RoundView | None, awards: tuple[list, str] = ([], "")) -> None:
        """Show the round's objections and its 评先评优 list (`awards`: the rows, or why not; see `ask_awards`)."""
        self.view = view
        objections = list(view.objections) if view else []
        self.objection_model.set_rows(objections)
        waiting = sum(1 for o in objections if o.answered_on is None)
        if not objections:
            self.objections_label.setText(self.tr("没有异议。公示期间有人提出异议时，点上面的“登记异议…”登记。"))
        else:
            self.objections_label.setText(self.tr("共 {0} 条异议，待答复 {1} 条。双击一条待答复的异议进行答复。").format(len(objections), waiting))
        self.setTabText(OBJECTIONS, self.tr("公示异议（{0}）").format(len(objections)) if objections else self.tr("公示异议"))
        self._show_awards(*awards)

    def _show_awards(self, rows: list, problem: str) -> None:
        view = self.view
        if not is_assessed(view):
            self.award_model.set_rows([])
            self.award_label.setText(self.tr("测评星级之后，这里列出可以推荐评先评优的党员，以及其他党员不能推荐的原因。"))
            return
        self.award_model.set_rows(rows)
        if problem:
            self.award_label.setText(problem)
            return
        self.award_label.setText(self.tr("按本轮评定的当前星级：{0}。{1}星及以上、没有一票否决、在职党员落实了双报到，才能推荐。").format(
            award_summary(rows), view.scheme.award_min_stars))

    def show_member(self, candidate: CandidateRow | None) -> None:
        if candidate is None:
            self.asker.read(lambda _control: None, lambda _answer: None, key="history")  # drops an older answer
            self.member_label.setText(self.tr("在上面的名单中点一名党员，查看他历年的星级变动：系统测评、支委会调整、异议处理和动态调星。"))
            self.history_model.set_rows([])
            return
        text = self.tr("{0}：当前{1}").format(candidate.name, stars_word(candidate.stars) or self.tr("尚未测评"))
        if candidate.declared_stars:
            text += self.tr("；申报{0}：{1}").format(stars_word(candidate.declared_stars), candidate.declaration or self.tr("（未写承诺）"))
        self.member_label.setText(text)
        store, member_id = self.ctx.store, candidate.member_id
        self.asker.read(lambda _control: member_star_history(store, member_id), self.history_model.set_rows,
                        key="history", on_problem=self._history_problem)

    def _history_problem(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        self.member_label.setText(exc.message)
        self.history_model.set_rows([])

    def selected_objection(self) -> ObjectionRow | None:
        rows = self.objection_table.selectionModel().selectedRows()
        return self.objection_model.row_at(rows[0].row()) if rows else None
