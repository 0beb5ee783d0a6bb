"""The five-step strip of the star rating: each step's state, date and operator, and its buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.ui.controllers.rating_state import CURRENT, DONE, PROBLEM, StepState, step_titles

STYLES = {
    DONE: ("#5B9B5B", "#F1F8F1", "#2F6B2F"),
    CURRENT: ("#C00000", "#FFF6F2", "#C00000"),
    PROBLEM: ("#C00000", "#FDE9E9", "#C00000"),
}
TODO_STYLE = ("#C8C8C8", "#FAFAFA", "#777777")
MARKS = ("①", "②", "③", "④", "⑤")


class ElidedLabel(QLabel):
    """One line of text, cut with … when the page is narrow; the whole text in the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 40))
        super().setText(shown)


class StepBox(QFrame):
    def __init__(self, number: int, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratingStep")
        self.number, self.state = number, ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 5, 8, 6)
        layout.setSpacing(3)
        self.title_label = QLabel(f"{MARKS[number]} {title}")
        font = QFont(self.title_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title_label.setFont(font)
        layout.addWidget(self.title_label)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.detail_label)
        self.button_column = QVBoxLayout()
        self.button_column.setSpacing(2)
        layout.addLayout(self.button_column)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def add_button(self, button: QPushButton) -> None:
        button.setStyleSheet("QPushButton { padding: 3px 6px; }")
        self.button_column.addWidget(button)

    def set_state(self, state: StepState) -> None:
        self.state = state.state
        border, background, text = STYLES.get(state.state, TODO_STYLE)
        width = 2 if state.state in (CURRENT, PROBLEM) else 1
        self.setStyleSheet(
            f"QFrame#ratingStep {{ border: {width}px solid {border}; border-radius: 6px; background: {background}; }}"
        )
        self.title_label.setStyleSheet(f"color: {text};")
        self.detail_label.setStyleSheet("color: #333;" if state.state != PROBLEM else "color: #C00000;")
        mark = "✔ " if state.state == DONE else ""
        self.detail_label.setText(mark + state.detail)


class StepStrip(QWidget):
    """申报创星 → 审核评星 → 公示亮星 → 上报验星 → 动态调星."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        self.boxes: list[StepBox] = []
        for number, title in enumerate(step_titles()):
            if number:
                arrow = QLabel("›")
                arrow.setStyleSheet("color: #999; font-size: 20px;")
                arrow.setAlignment(Qt.AlignmentFlag.AlignCenter)
                row.addWidget(arrow)
            box = StepBox(number, title)
            self.boxes.append(box)
            row.addWidget(box, 1)

    def add_button(self, step: int, button: QPushButton) -> None:
        self.boxes[step].add_button(button)

    def set_states(self, states: list[StepState]) -> None:
        for box, state in zip(self.boxes, states):
            box.set_state(state)

    def states(self) -> list[str]:
        return [box.state for box in self.boxes]

    def details(self) -> list[str]:
        return [box.detail_label.text() for box in self.boxes]
