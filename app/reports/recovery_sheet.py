"""The recovery sheet: printed once when the first administrator is set up, kept locked away.

It carries the recovery code (the only copy: the program keeps only a key wrapped by it), who
it belongs to, how to use it, and in plain words what happens when both the password and the
sheet are lost. Data first (`recovery_sheet_data`), then one A4 page (`render_recovery_sheet`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from app.reports.layout import A4_PORTRAIT, FONT, FONT_BOLD, new_canvas
from app.reports.text import wrap_text

TITLE = "党员积分管理 账号恢复单"


@dataclass(frozen=True)
class RecoverySheet:
    branch: str
    username: str
    display_name: str
    recovery_code: str
    made_on: date
    steps: tuple[str, ...]
    warnings: tuple[str, ...]


def recovery_sheet_data(branch: str, username: str, display_name: str, recovery_code: str, made_on: date) -> RecoverySheet:
    steps = (
        "打开程序，在登录画面选中这个管理员账号，点“忘记密码”。",
        "照本单抄写恢复码（字母不分大小写，横线可以不输），再设一个新密码。",
        "进入程序后，其他人忘记密码时，由管理员在“账号管理”中为他重设。",
        "用过恢复码、或担心本单被别人看过时，请在“账号管理”中重新生成恢复码并打印新的恢复单，旧单作废。",
    )
    warnings = (
        "恢复码和管理员密码一样重要：有了它就能打开本支部的全部数据，包括党员的身份证号和电话。",
        "请把本单放进信封封好，锁在文件柜里；不要拍照，不要存在电脑或手机里，不要和电脑放在一起。",
        "如果管理员密码和本单都丢了，谁也打不开这个数据库里党员的身份证号、电话和出生日期（软件公司也不能），"
        "只能从以前的备份恢复（仍要那时的密码或恢复码），或重新登记。",
    )
    return RecoverySheet(branch, username, display_name, recovery_code, made_on, steps, warnings)


def render_recovery_sheet(sheet: RecoverySheet, invariant: bool = False) -> bytes:
    buffer = io.BytesIO()
    geometry = A4_PORTRAIT
    canvas = new_canvas(buffer, geometry, TITLE, invariant=invariant)
    left, width = geometry.left, geometry.frame_width
    y = geometry.height - geometry.top - 8 * mm

    canvas.setFont(FONT_BOLD, 20)
    canvas.drawCentredString(geometry.width / 2, y, TITLE)
    y -= 12 * mm
    canvas.setFont(FONT, 12)
    for label, value in (
        ("支部", sheet.branch), ("管理员账号", f"{sheet.username}（{sheet.display_name}）"),
        ("打印日期", f"{sheet.made_on.year}年{sheet.made_on.month}月{sheet.made_on.day}日"),
    ):
        canvas.drawString(left, y, f"{label}：{value}")
        y -= 7 * mm

    y -= 4 * mm
    box_height = 26 * mm
    canvas.setLineWidth(1.2)
    canvas.rect(left, y - box_height, width, box_height)
    canvas.setFont(FONT, 11)
    canvas.drawString(left + 4 * mm, y - 7 * mm, "恢复码")
    canvas.setFont(FONT_BOLD, 24)
    canvas.drawCentredString(geometry.width / 2, y - 19 * mm, sheet.recovery_code)
    y -= box_height + 10 * mm

    y = _section(canvas, left, width, y, "忘记管理员密码时", [f"{n}. {step}" for n, step in enumerate(sheet.steps, 1)])
    y = _section(canvas, left, width, y - 4 * mm, "请注意", [f"• {warning}" for warning in sheet.warnings])
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _section(canvas, left: float, width: float, y: float, heading: str, lines: list[str]) -> float:
    canvas.setFont(FONT_BOLD, 13)
    canvas.drawString(left, y, heading)
    y -= 8 * mm
    canvas.setFont(FONT, 11)
    for text in lines:
        for line in wrap_text(text, width - 4 * mm, 11):
            canvas.drawString(left + 4 * mm, y, line)
            y -= 6 * mm
        y -= 1.5 * mm
    return y
