"""What a first start on a bare machine needs, without Qt: the crash log, the check for the
system libraries Qt's X11 plugin needs, and the facts the 关于 box shows.

The window (app.ui.app) calls these; nothing here shows anything. Writing the crash log never
raises: if the data folder cannot be written, the log goes to the system's temporary folder.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from app.locations import APP_TITLE, FONT_LICENCE, FROZEN, VERSION, portable_marker, program_dir
from app.services.backup.automatic import auto_backup_folder
from app.services.paths import data_dir, default_database_path, logs_dir

# Qt 6.5+'s xcb platform plugin loads these at start; Debian's package for each.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
APT_HINT = "sudo apt install " + " ".join(XCB_LIBRARIES.values())


def write_crash_log(kind, value, trace) -> Path:
    """Write what went wrong to <data folder>/logs/crash-<time>.log and return its path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    lines = [
        f"{APP_TITLE} {VERSION}（{'冻结版' if FROZEN else '源码运行'}）",
        f"时间：{datetime.now().isoformat(timespec='seconds')}",
        f"系统：{platform.platform()}，Python {platform.python_version()}",
        f"程序位置：{program_dir()}",
        f"数据文件夹：{data_dir()}",
        "",
        "".join(traceback.format_exception(kind, value, trace)),
    ]
    text = "\n".join(lines)
    for folder in (logs_dir(), Path(tempfile.gettempdir())):
        path = folder / f"crash-{stamp}.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path(tempfile.gettempdir()) / f"crash-{stamp}.log"  # nowhere writable; the sentence still names a place


def crash_sentence(log: Path) -> str:
    return f"程序遇到了意外的问题，刚才的操作没有完成。经过已记在“{log}”，请把这个文件交给技术支持。"


def missing_xcb_packages() -> list[str]:
    """The Debian packages whose libraries Qt's xcb plugin needs and this machine cannot load."""
    bundled = Path(getattr(sys, "_MEIPASS", "")) if FROZEN else None
    missing = []
    for library, package in XCB_LIBRARIES.items():
        if bundled is not None and any(bundled.rglob(library)):
            continue
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(package)
    return missing


def uses_x11() -> bool:
    """Whether Qt is about to start its xcb plugin (Linux, a display, no other platform asked for)."""
    if not sys.platform.startswith("linux"):
        return False
    wanted = os.environ.get("QT_QPA_PLATFORM", "")
    if wanted:
        return wanted.startswith("xcb")
    return bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")


NO_WINDOW_EXIT = 3  # the exit status when no window can open (as for missing X11 libraries)


def display_problem() -> str | None:
    """Why no window can open on this machine, told before Qt starts: with no display at all Qt
    aborts (exit 134, a core dump, English lines), and with a display that does not answer it
    prints English lines first. None when a display answers, or when Qt is asked for another
    platform (offscreen, Wayland) or the machine is not Linux."""
    if not sys.platform.startswith("linux"):
        return None
    wanted = os.environ.get("QT_QPA_PLATFORM", "")
    if (wanted and not wanted.startswith("xcb")) or (not wanted and os.environ.get("WAYLAND_DISPLAY")):
        return None
    display = os.environ.get("DISPLAY", "")
    after = "请在图形桌面里启动本程序；命令行功能（--help）不受影响。"
    if not display:
        return f"{APP_TITLE}无法打开窗口：找不到可用的显示器（没有图形桌面，DISPLAY 没有设置）。{after}"
    if not _x_display_answers(display):
        return f"{APP_TITLE}无法打开窗口：连接不上显示器“{display}”（图形桌面可能已经关闭，或 DISPLAY 设错了）。{after}"
    return None


def _x_display_answers(display: str) -> bool:
    """Whether the X server `display` accepts a connection, asked through libxcb (the library Qt's
    xcb plugin connects with). Without libxcb the answer is left to Qt (and the packages check)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)  # never NULL: a failed one carries its error
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def platform_plugin_sentence(missing: list[str]) -> str:
    """Why no window can open: the missing Debian packages when known, else both usual causes."""
    if missing:
        return (
            f"{APP_TITLE}无法打开窗口：系统缺少 Qt 的 X11 显示插件（xcb）需要的软件包。"
            f"请让管理员安装：sudo apt install {' '.join(missing)}，然后再启动本程序。命令行功能（--help）不受影响。"
        )
    return (
        f"{APP_TITLE}无法打开窗口：Qt 的 X11 显示插件（xcb）启动不了。请确认是在图形桌面里启动的（DISPLAY 已设置），"
        f"并且已安装 Qt 需要的软件包：{APT_HINT}。命令行功能（--help）不受影响。"
    )


def about_lines(database: Path | str) -> list[str]:
    """The facts 帮助 → 关于 shows under the window's own description."""
    lines = [f"版本：{VERSION}"]
    marker = portable_marker()
    if marker is not None and not os.environ.get("DYJF_DATA_DIR"):
        lines.append(f"便携版：数据保存在程序旁的文件夹（因为有 {marker.name}）")
    lines += [
        f"数据文件夹：{data_dir()}",
        f"数据库文件：{database or default_database_path()}",
        f"自动备份：{auto_backup_folder()}",
        f"字体：{FONT_LICENCE}，许可证全文随程序附带（resources/fonts/OFL.txt）",
    ]
    return lines


def portable_title() -> str | None:
    """What the window's title adds in portable mode ("便携版，数据在 …"); None otherwise."""
    if portable_marker() is None or os.environ.get("DYJF_DATA_DIR"):
        return None
    return f"便携版，数据在 {data_dir()}"
