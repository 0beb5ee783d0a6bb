"""帮助 → 使用说明: the help page walks the clerk's month; its pictures are made here, offscreen.

DYJF_UPDATE_HELP=1 writes the pictures into resources/help/images (run it after changing a page
the help shows, and look at them); otherwise they are rendered into the test's temporary folder,
which checks that every picture the page shows can still be made.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTabWidget

from app.ui import menu_actions
from app.ui.dialogs.help_dialog import HELP_DIR, HELP_PAGE
from tests.ui.screen_check import LAPTOPS, settle, usable

pytestmark = pytest.mark.gui

PICTURE_WIDTH = 1100  # enough to read, small enough to ship


def _tab(page, title_start: str) -> None:
    for tabs in page.findChildren(QTabWidget):
        for index in range(tabs.count()):
            if tabs.tabText(index).startswith(title_start):
                tabs.setCurrentIndex(index)
                return
    raise AssertionError(f"no tab {title_start}")


def _save(widget, path: Path) -> Path:
    settle()
    image = widget.grab().toImage()
    if image.width() > PICTURE_WIDTH:
        image = image.scaledToWidth(PICTURE_WIDTH, Qt.TransformationMode.SmoothTransformation)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path)), path
    return path


def render_help_pictures(window, folder: Path) -> set[str]:
    """The steps of the month as the clerk sees them at 1366×768."""
    window.resize(usable(LAPTOPS["1366x768"]))
    made = set()
    for name, key, tab in (("meeting", "entry", "会议考勤"), ("single", "entry", "单条录入"),
                           ("review", "ledger", "待审核"), ("ledger", "ledger", "全部记录"), ("ranking", "totals", None)):
        page = window.show_page(key)
        if tab:
            _tab(page, tab)
        made.add(_save(window, folder / f"{name}.png").name)
    for name, dialog in (("print", menu_actions.open_print_dialog(window)), ("backup", menu_actions.open_backup(window, "backup"))):
        dialog.resize(dialog.sizeHint().boundedTo(QSize(1000, 700)))
        made.add(_save(dialog, folder / f"{name}.png").name)
        dialog.close()
    return made


def test_the_help_pictures_are_made_from_the_window(demo_window, tmp_path):
    folder = HELP_DIR / "images" if os.environ.get("DYJF_UPDATE_HELP") else tmp_path / "help"
    made = render_help_pictures(demo_window, folder)
    shown = set(Path(src).name for src in re.findall(r'<img src="([^"]+)"', HELP_PAGE.read_text(encoding="utf-8")))
    assert shown and shown <= made
    assert all((HELP_DIR / "images" / name).exists() for name in shown)


def test_help_opens_the_month_in_chinese(demo_window, tmp_path):
    action = demo_window.help_action
    assert action.text() == "使用说明"
    action.trigger()
    dialog = demo_window.help_dialog
    assert dialog.isVisible()
    text = dialog.browser.toPlainText()
    for step in ("会议考勤", "单条录入", "待审核", "冲正", "积分统计", "公示表", "积分卡", "备份到U盘"):
        assert step in text, step
    for name in ("meeting.png", "backup.png"):  # the pictures are found beside the text
        image = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(f"images/{name}"))
        assert image is not None and not QImage.fromData(bytes(image)).isNull(), name
    dialog.browser.grab().save(str(tmp_path / "help.png"))
    dialog.close()
