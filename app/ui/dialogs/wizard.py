"""First start on an empty database: set up the branch and its rules, or load a demo branch."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.domain.enums import OrgKind
from app.services import demo, organisation
from app.services.township import gather
from app.services.rules import rulesets
from app.ui.changes import EVERYTHING, Kind
from app.ui.context import UiContext
from app.ui.errors import describe
from app.ui.widgets import EnumBox, error_label, hint_label, show_problem

DEFAULT_GROUPS = QT_TRANSLATE_NOOP("FirstRunWizard", "第一党小组\n第二党小组\n第三党小组")


class FirstRunWizard(QWizard):
    WELCOME, BRANCH, RULES = range(3)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("欢迎使用党员积分管理"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.setMinimumSize(620, 460)
        self.setPage(self.WELCOME, self._welcome_page())
        self.setPage(self.BRANCH, self._branch_page())
        self.setPage(self.RULES, self._rules_page())
        self.setStartId(self.WELCOME)

    # -- pages

    def _welcome_page(self) -> QWizardPage:
        page = _WelcomePage(self)
        page.setTitle(self.tr("第一次使用"))
        page.setSubTitle(self.tr("这个数据库还是空的。请选择怎样开始："))
        layout = QVBoxLayout(page)
        self.own_branch_radio = QRadioButton(self.tr("设置我们自己的支部（正式使用）"))
        self.own_branch_radio.setChecked(True)
        self.demo_radio = QRadioButton(self.tr("先生成一个演示支部看看（36 名党员，一月到今天的会议和积分）"))
        group = QButtonGroup(page)
        group.addButton(self.own_branch_radio)
        group.addButton(self.demo_radio)
        layout.addWidget(self.own_branch_radio)
        layout.addWidget(hint_label(self.tr("接下来填写支部名称、党小组，并选择积分细则模板。")))
        layout.addSpacing(12)
        layout.addWidget(self.demo_radio)
        self.demo_radio.toggled.connect(page.completeChanged)
        layout.addWidget(hint_label(self.tr(
            "演示支部只用于熟悉操作，数据保存在当前数据库里。正式使用时，请用“文件 → 新建数据库”另建一个。"
        )))
        layout.addSpacing(12)
        self.township_radio = QRadioButton(self.tr("这是乡镇汇总数据库（乡镇党委汇总各村的备份、给各村验星）"))
        group.addButton(self.township_radio)
        layout.addWidget(self.township_radio)
        self.township_name_edit = QLineEdit()
        self.township_name_edit.setPlaceholderText(self.tr("乡镇（街道）党委名称，如 城关镇党委"))
        self.township_name_edit.setEnabled(False)
        self.township_radio.toggled.connect(self.township_name_edit.setEnabled)
        self.township_radio.toggled.connect(page.completeChanged)
        self.township_name_edit.textChanged.connect(page.completeChanged)
        layout.addWidget(self.township_name_edit)
        for radio in (self.own_branch_radio, self.demo_radio, self.township_radio):
            radio.toggled.connect(lambda on: on and self._choice_changed())
        layout.addStretch(1)
        self.problem = error_label()
        layout.addWidget(self.problem)
        return page

    def _branch_page(self) -> QWizardPage:
        page = QWizardPage()
        page.setTitle(self.tr("支部信息"))
        page.setSubTitle(self.tr("这些名称会印在积分卡和公示表上，以后也可以添加党小组。"))
        form = QFormLayout(page)
        self.township_edit = QLineEdit()
        self.township_edit.setPlaceholderText(self.tr("如 城关镇党委"))
        form.addRow(self.tr("乡镇（街道）党委"), self.township_edit)
        self.branch_edit = QLineEdit()
        self.branch_edit.setPlaceholderText(self.tr("如 红星村党支部"))
        form.addRow(self.tr("支部名称"), self.branch_edit)
        self.kind_box = EnumBox(OrgKind, (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH))
        form.addRow(self.tr("组织类型"), self.kind_box)
        self.groups_edit = QPlainTextEdit(self.tr(DEFAULT_GROUPS))
        self.groups_edit.setMaximumHeight(110)
        form.addRow(self.tr("党小组（每行一个）"), self.groups_edit)
        page.registerField("township*", self.township_edit)
        page.registerField("branch*", self.branch_edit)
        return page

    def _rules_page(self) -> QWizardPage:
        page = QWizardPage()
        page.setTitle(self.tr("积分细则"))
        page.setSubTitle(self.tr("选一个最接近本村做法的模板，建立后可以在“积分细则”中修改分值和项目。"))
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(self.ctx.today().year)
        self.year_spin.setMaximumWidth(120)
        form.addRow(self.tr("年度"), self.year_spin)
        layout.addLayout(form)
        self.template_list = QListWidget()
        for template in rulesets.list_templates():
            item = QListWidgetItem(f"{template.name}\n    {template.description}")
            item.setData(Qt.ItemDataRole.UserRole, template.key)
            self.template_list.addItem(item)
        keys = [self.template_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.template_list.count())]
        self.template_list.setCurrentRow(keys.index("village_100") if "village_100" in keys else 0)
        layout.addWidget(self.template_list)
        self.setup_problem = error_label()
        layout.addWidget(self.setup_problem)
        return page

    def _choice_changed(self) -> None:
        """QWizard decides between 下一步 and 完成 only when it enters a page: enter the first page again."""
        if self.currentId() == self.WELCOME:
            self.restart()

    def nextId(self) -> int:
        if self.currentId() == self.WELCOME and (self.demo_radio.isChecked() or self.township_radio.isChecked()):
            return -1
        return super().nextId()

    # -- finishing

    def group_names(self) -> list[str]:
        return [line.strip() for line in self.groups_edit.toPlainText().splitlines() if line.strip()]

    def accept(self) -> None:
        """Finish: load the demo, mark a township database, or set up the branch and the year's rules;
        stay open on a problem."""
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        if self.township_radio.isChecked():
            name = self.township_name_edit.text()
            self.ctx.write(
                lambda _control: gather.start_township_database(store, actor, name), Kind.SETTINGS | Kind.TOWNSHIP,
                self._finish, parent=self, on_problem=lambda exc: show_problem(self.problem, _message(exc)),
            )
            return
        if self.demo_radio.isChecked():
            self.ctx.write(
                lambda _control: demo.create_demo_branch(store, actor, today=today), EVERYTHING, self._finish,
                parent=self, on_problem=lambda exc: show_problem(self.problem, _message(exc)), summary=self._demo_summary,
                progress=(self.tr("生成演示支部"), self.tr("正在生成演示支部，大约需要几秒钟…")), cancellable=False,
            )
            return
        item = self.template_list.currentItem()
        if item is None:
            show_problem(self.setup_problem, self.tr("请选择一个积分细则模板。"))
            return
        branch = (self.township_edit.text(), self.branch_edit.text(), self.group_names(), self.kind_box.current())
        year, template = self.year_spin.value(), item.data(Qt.ItemDataRole.UserRole)

        def set_up(_control):
            if organisation.current_branch_id(store) is None:
                organisation.setup_branch(store, actor, *branch)
            return rulesets.create_rule_set(store, actor, year, template=template)

        self.ctx.write(
            set_up, Kind.SETTINGS | Kind.RULES, self._finish, parent=self, on_problem=self._setup_refused,
            summary=lambda change: self.tr("支部已设置好。{0}").format(change.summary),
        )

    def _setup_refused(self, exc: BaseException) -> None:
        message = _message(exc)
        show_problem(self.setup_problem, message)
        if "支部" in message or "党小组" in message or "党委" in message:
            self.back()

    def _demo_summary(self, summary) -> str:
        return self.tr("已生成演示支部“{0}”：党员 {1} 名，积分记录 {2} 条（待审核 {3} 条）。").format(
            summary.branch, summary.members, summary.entries, summary.pending
        )

    def _finish(self, _result) -> None:
        super().accept()


class _WelcomePage(QWizardPage):
    def isFinalPage(self) -> bool:  # noqa: N802 (Qt name)
        wizard = self.wizard()
        return bool(wizard and (wizard.demo_radio.isChecked() or wizard.township_radio.isChecked()))

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        wizard = self.wizard()
        if wizard and wizard.township_radio.isChecked():
            return bool(wizard.township_name_edit.text().strip())
        return super().isComplete()


def _message(exc: BaseException) -> str:
    return describe(exc)[0]
