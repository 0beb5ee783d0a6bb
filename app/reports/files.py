"""Writing a finished PDF to disk so that a half-written file never replaces a good one.

The bytes go to a temporary file in the same folder, are flushed and fsynced, and then
replace the target in one `os.replace`; on POSIX the folder is fsynced too. OS errors
become an AppError with a sentence the clerk understands (on Windows the commonest is a
PDF still open in a reader, which locks the file).
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from app.domain.errors import AppError


class OutputError(AppError):
    """The PDF could not be written where the clerk asked."""


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """Pages in a PDF written by reportlab (which never hides page objects in streams)."""
    return len(_PAGE.findall(pdf))


def describe_os_error(exc: OSError, path: Path) -> str:
    name = path.name
    if exc.errno == errno.ENOSPC:
        return f"磁盘已满，无法保存“{name}”。请换一个位置或清理磁盘后再试。"
    if exc.errno in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        return f"无法写入“{name}”：没有权限，或者这个文件正被 PDF 阅读器打开。请关闭它或换一个文件名后再试。"
    if exc.errno == errno.EROFS:
        return f"“{path.parent}”是只读的，无法保存“{name}”。"
    if exc.errno == errno.ENOENT:
        return f"文件夹“{path.parent}”不存在，请先建立它或换一个位置。"
    return f"无法保存“{name}”：{exc.strerror or exc}。"


def check_output_path(path: Path) -> Path:
    """Refuse, before any work is done, a target that cannot be a PDF file we may write."""
    if path.is_dir():
        raise OutputError(f"“{path}”是一个文件夹，请写上文件名，例如“{path / '积分卡.pdf'}”。")
    if path.suffix.lower() != ".pdf":
        raise OutputError(f"输出文件名应以 .pdf 结尾，例如“{path.stem or '积分卡'}.pdf”。")
    if not path.parent.is_dir():
        raise OutputError(f"文件夹“{path.parent}”不存在，请先建立它或换一个位置。")
    return path


def write_atomically(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` all or nothing; returns the path written."""
    path = Path(path)
    temp_name = None
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".part", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
        temp_name = None
        if os.name == "posix":
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, path), details=str(exc)) from exc
    finally:
        if temp_name is not None:
            try:
                os.unlink(temp_name)
            except OSError:
                pass
    return path
