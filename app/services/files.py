"""Files the clerk carries around (backups, PDFs, exchange files), and OS errors as plain sentences.

This is the one place for both jobs:

- `write_atomically` (bytes in memory) and `write_streamed` (a file made piece by piece, in
  constant memory) never leave a half file: the bytes go to a hidden temporary name in the
  target folder (`.<name>.partial-<random>`), are written in chunks and fsynced, optionally
  read back from the device and compared, then renamed over (or, with `keep_existing`,
  beside) the final name, and the folder is fsynced on POSIX. On any failure the temporary
  file is removed where the device still allows it and nothing new stands under the final
  name; one that could not be removed (the stick was pulled) is cleaned up by a later write
  of the same name once it is an hour old.
- `plain_os_error` turns an OSError (POSIX errno or Windows winerror) into one AppError with
  a sentence the clerk understands: what happened to the place ("U 盘", "磁盘"), then what
  it means for the clerk ("备份没有完成……").

Runs on whatever thread calls it; never imports Qt.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Callable, TypeVar

from app.domain.errors import AppError, StoreError, ValidationError, folder_not_file
from app.services.backup.drives import place_of

Progress = Callable[[float, str], None]
T = TypeVar("T")

CHUNK = 1 << 20
TEMP_MARK = ".partial-"
STALE_TEMP_SECONDS = 3600

# Indirections the fault tests (and the kill tests' child) replace to simulate a full or
# vanished stick, or to die at a chosen call.
_write = os.write
_fsync = os.fsync

__all__ = [
    "Progress", "plain_os_error", "check_output_path", "write_atomically", "write_streamed", "AtomicSink", "write_pdf",
    "fsync_file", "fsync_folder", "unused_name", "remove_quietly", "remove_stale", "remove_orphaned", "process_alive",
]


# ----------------------------------------------------------------------------- plain OS errors

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_GONE = {errno.EIO, errno.ENXIO, errno.ENODEV, errno.ENOENT, errno.EBADF,
         getattr(errno, "ENOMEDIUM", errno.EIO), getattr(errno, "ESTALE", errno.EIO)}
_READ_ONLY = {errno.EROFS}
_NO_PERMISSION = {errno.EACCES, errno.EPERM}
# Windows reports its own codes (winerror); Python maps only some of them to errno.
_WIN_DISK_FULL = {39, 112}  # ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
_WIN_GONE = {2, 3, 21, 31, 1117, 1167}  # not found, no path, not ready, general failure, I/O, device gone
_WIN_MISSING = {2, 3}  # ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND
_WIN_READ_ONLY = {19}  # ERROR_WRITE_PROTECT
_WIN_NO_PERMISSION = {5}  # ERROR_ACCESS_DENIED (also what replacing a file open elsewhere gives)


def plain_os_error(
    exc: OSError,
    outcome: str = "文件没有保存。",
    *,
    place: str | None = None,
    folder: Path | None = None,
    locked_hint: str | None = None,
    error: type[AppError] = StoreError,
) -> AppError:
    """One sentence for an OS error: what happened to `place`, then `outcome`.

    place: how to name the device ("U 盘", "磁盘"); by default judged from `folder`, or
      "磁盘或 U 盘" when neither is known.
    folder: the folder being written into; when it no longer exists the sentence names it.
    locked_hint: a likelier cause of "permission denied" worth naming, e.g. "这个文件正被
      PDF 阅读器打开" (Windows will not replace a file another program holds open).
    error: the AppError subclass returned (the caller raises it).
    """
    winerror = getattr(exc, "winerror", None)

    def kind(posix: set, windows: set) -> bool:
        return exc.errno in posix or (winerror is not None and winerror in windows)

    if place is None:
        place = place_of(folder) if folder is not None else "磁盘或 U 盘"
    if kind(_DISK_FULL, _WIN_DISK_FULL):
        what = f"{place}已满"
    elif kind(_READ_ONLY, _WIN_READ_ONLY):
        what = f"{place}是只读的（可能打开了写保护开关）"
    elif kind(_NO_PERMISSION, _WIN_NO_PERMISSION):
        what = f"没有权限，或者{locked_hint}" if locked_hint else "没有写入权限"
    elif kind({errno.ENOENT}, _WIN_MISSING) and folder is not None and not Path(folder).is_dir():
        what = f"文件夹“{folder}”不存在（U 盘可能已被拔出）"
    elif kind(_GONE, _WIN_GONE):
        what = f"{place}被拔出或无法读写"
    else:
        what = f"读写{place}时出错"
    return error(f"{what}，{outcome}", details=f"{type(exc).__name__}: {exc}")


def check_output_path(path: Path, suffix: str = ".pdf", example: str = "积分卡") -> Path:
    """Refuse, before any work is done, a target that cannot be a file of that kind we may write."""
    if path.is_dir():
        raise ValidationError(folder_not_file(path, f"请写上文件名，例如“{path / (example + suffix)}”"))
    if path.suffix.lower() != suffix:
        raise ValidationError(f"输出文件名应以 {suffix} 结尾，例如“{path.stem or example}{suffix}”。")
    if not path.parent.is_dir():
        raise ValidationError(f"文件夹“{path.parent}”不存在，请先建立它或换一个位置。")
    return path


# ----------------------------------------------------------------------------- atomic writes


def write_atomically(
    path: Path | str,
    data: bytes,
    *,
    outcome: str | None = None,
    place: str | None = None,
    locked_hint: str | None = None,
    error: type[AppError] = StoreError,
    keep_existing: bool = False,
    verify: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Write `data` to `path` all or nothing; returns the path written.

    outcome, place, locked_hint, error: how a failure is told (see plain_os_error); the
      outcome defaults to "“<name>”没有保存。".
    keep_existing: never replace a file; a taken name gets "-2", "-3", ... (looked at again
      just before the rename, for a second writer in the same second).
    verify: before the rename, read the file back from the device and compare (a stick with
      bad blocks returns other bytes than it was given).
    progress(fraction, sentence): while writing, and before verifying.
    """
    final, _ = write_streamed(
        path, lambda sink: sink.write(data), total=len(data), outcome=outcome, place=place, locked_hint=locked_hint,
        error=error, keep_existing=keep_existing, verify=verify, progress=progress,
    )
    return final


class AtomicSink:
    """The hidden temporary file a `write_streamed` producer writes into: each byte goes
    through `_write` (short writes retried) and into the SHA-256 the read-back compares with."""

    def __init__(self, fd: int, report: Progress, total: int | None) -> None:
        self._fd, self._report, self._total = fd, report, total
        self.written = 0
        self.hash = hashlib.sha256()

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            count = _write(self._fd, view[done : done + CHUNK])
            if count <= 0:
                raise OSError(errno.EIO, "short write")
            self.hash.update(view[done : done + count])
            done += count
            self.written += count
            if self._total:
                self._report(self.written / self._total, "正在写入文件……")
        return done


def write_streamed(
    path: Path | str,
    produce: Callable[[AtomicSink], T],
    *,
    outcome: str | None = None,
    place: str | None = None,
    locked_hint: str | None = None,
    error: type[AppError] = StoreError,
    keep_existing: bool = False,
    verify: bool = False,
    progress: Progress | None = None,
    total: int | None = None,
) -> tuple[Path, T]:
    """write_atomically for a file made piece by piece: `produce(sink)` calls `sink.write`
    as often as it likes (nothing is held in memory here); returns (the path written, what
    `produce` returned). `total`: the bytes expected, for progress; the producer reports
    itself when it is not given. Everything else as write_atomically; an exception from
    `produce` leaves nothing behind either.
    """
    path = Path(path)
    folder, name = path.parent, path.name
    outcome = outcome or f"“{name}”没有保存。"
    if path.is_dir():
        raise error(folder_not_file(path, "请给文件起个名字"))
    report = progress or (lambda fraction, text: None)
    remove_stale(folder, f".{glob.escape(path.stem)}*{TEMP_MARK}*")  # left by an earlier write that was cut off
    final = unused_name(folder, name) if keep_existing else path
    temp = folder / f".{final.name}{TEMP_MARK}{secrets.token_hex(4)}"
    try:
        result, expected = _produce_new_file(temp, produce, report, total)
        if verify:
            report(1.0, "正在校验写入的文件……")
            if _read_back_digest(temp) != expected:
                where = place or place_of(folder)
                raise error(f"写入{where}后读回的内容与原内容不一致（{where}可能有坏块），{outcome}", details="read-back mismatch")
        if keep_existing:
            final = unused_name(folder, name)
        os.replace(temp, final)
        try:
            fsync_folder(folder)
        except OSError:
            # The rename happened; keep the file only if the device still returns it whole.
            if not (final.exists() and _read_back_digest(final) == expected):
                remove_quietly(final)
                raise
    except OSError as exc:
        remove_quietly(temp)
        raise plain_os_error(exc, outcome, place=place, folder=folder, locked_hint=locked_hint, error=error) from exc
    except BaseException:
        remove_quietly(temp)
        raise
    return final, result


def write_pdf(path: Path | str, pdf: bytes) -> Path:
    """write_atomically for a finished report. On Windows the usual reason it is refused is the
    previous copy still open in a PDF reader, so the sentence says so."""
    return write_atomically(path, pdf, locked_hint="这个文件正被 PDF 阅读器打开")


def _produce_new_file(temp: Path, produce: Callable[[AtomicSink], T], report: Progress, total: int | None) -> tuple[T, bytes]:
    """(what produce returned, SHA-256 of the bytes it wrote) for a new file at `temp`, fsynced."""
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        sink = AtomicSink(fd, report, total)
        result = produce(sink)
        _fsync(fd)
    finally:
        os.close(fd)
    return result, sink.hash.digest()


def _read_back_digest(path: Path) -> bytes:
    """SHA-256 of the file as the device returns it (the page cache is dropped first where possible)."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        if hasattr(os, "posix_fadvise"):
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            except OSError:
                pass
        while True:
            chunk = os.read(fd, CHUNK)
            if not chunk:
                break
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.digest()


# ----------------------------------------------------------------------------- small helpers


def fsync_file(path: Path | str) -> None:
    """Flush a file that was written and closed to the device."""
    with open(path, "rb+") as handle:
        _fsync(handle.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no folder handle to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        _fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # some file systems cannot sync folders
            raise
    finally:
        os.close(fd)


def unused_name(folder: Path, name: str) -> Path:
    """`folder / name`, or with "-2", "-3", ... before the suffix when that is taken."""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def remove_quietly(path: Path | str) -> None:
    """Remove a file if the device still lets us; a leftover is cleaned up by remove_stale later."""
    try:
        os.unlink(path)
    except OSError:
        pass


def process_alive(pid: int) -> bool:
    """Whether process `pid` still runs (unsure counts as running: its files are kept)."""
    if pid == os.getpid():
        return True
    if os.name != "nt":
        try:
            os.kill(pid, 0)  # signal 0: only asks
        except ProcessLookupError:
            return False
        except OSError:
            return True  # EPERM: it runs, as another user
        return True
    return _windows_process_alive(pid)


def _windows_process_alive(pid: int) -> bool:
    import ctypes  # os.kill on Windows would terminate the process: ask the kernel instead

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def remove_orphaned(folder: Path, prefix: str) -> list[Path]:
    """Remove the files and folders in `folder` named `<prefix><pid>-…` whose process is gone
    (a restore or backup that was cut off), whatever their age; those of a running process stay.
    Returns what was removed; never raises."""
    removed = []
    try:
        entries = list(folder.glob(glob.escape(prefix) + "*"))
    except OSError:
        return removed
    for entry in entries:
        pid = entry.name[len(prefix) :].split("-", 1)[0]
        if not (pid.isascii() and pid.isdigit()) or process_alive(int(pid)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            remove_quietly(entry)
        if not os.path.lexists(entry):
            removed.append(entry)
    return removed


def remove_stale(folder: Path, pattern: str, older_than: float = STALE_TEMP_SECONDS) -> None:
    """Temporary files matching `pattern` left by a write that was cut off (older than an hour,
    so that a write still under way in another process keeps its file)."""
    try:
        for leftover in folder.glob(pattern):
            if time.time() - leftover.stat().st_mtime > older_than:
                remove_quietly(leftover)
    except OSError:
        pass
