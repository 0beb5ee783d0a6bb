"""Writing files the clerk carries around (PDFs, exchange files) so a failure leaves no half file.

The bytes go to a temporary name in the target folder, are flushed and fsynced, then renamed
over the final name; on POSIX the folder is fsynced too. OS errors become one plain sentence.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from app.domain.errors import StoreError

_PLAIN_OS_ERRORS = {
    errno.ENOSPC: "磁盘或 U 盘已满，文件没有保存。",
    errno.EROFS: "目标位置是只读的（U 盘可能有写保护开关），文件没有保存。",
    errno.EACCES: "没有写入这个位置的权限，文件没有保存。",
    errno.EPERM: "没有写入这个位置的权限，文件没有保存。",
    errno.ENOENT: "找不到目标文件夹（U 盘可能已被拔出），文件没有保存。",
    errno.EIO: "读写出错（U 盘可能已被拔出或损坏），文件没有保存。",
    errno.ENODEV: "找不到目标设备（U 盘可能已被拔出），文件没有保存。",
}


def plain_os_error(exc: OSError, fallback: str = "无法写入文件，文件没有保存。") -> StoreError:
    return StoreError(_PLAIN_OS_ERRORS.get(exc.errno, fallback), details=f"{type(exc).__name__}: {exc}")


def write_atomically(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` all or nothing; raises StoreError with a plain sentence on failure."""
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"“{path}”是一个文件夹，请给文件起个名字。")
    temp_name = None
    try:
        descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
        temp_name = None
        _fsync_folder(path.parent)
    except OSError as exc:
        raise plain_os_error(exc) from exc
    finally:
        if temp_name is not None:
            try:
                os.unlink(temp_name)
            except OSError:
                pass
    return path


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
