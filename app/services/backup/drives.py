"""Removable drives (USB sticks, SD cards): which are plugged in, and whether a folder is on one.

Best effort on Windows, Linux and macOS; listing never raises (a machine without /proc or
without drives lists none). Used by the "back up to USB" action and to name the place in a
plain error sentence ("U 盘" or "磁盘").
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import string
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Drive", "list_removable_drives", "is_removable_path", "place_of"]


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    free_bytes: int | None = None
    total_bytes: int | None = None

    @property
    def display(self) -> str:
        free = f"，剩余 {self.free_bytes / 1024**3:.1f} GB" if self.free_bytes is not None else ""
        return f"{self.label}（{self.path}）{free}"


def list_removable_drives() -> list[Drive]:
    """Mounted removable drives (USB sticks, SD cards), best effort on Windows, Linux and macOS."""
    try:
        if sys.platform == "win32":
            drives = _windows_drives()
        elif sys.platform == "darwin":
            drives = _mac_drives(Path("/Volumes"))
        else:
            drives = _linux_drives(Path("/proc/mounts"), Path("/sys"))
    except OSError:
        return []
    return [_with_space(drive) for drive in drives]


def is_removable_path(path: Path | str) -> bool:
    try:
        resolved = Path(path).resolve()
    except OSError:
        return False
    return any(resolved == drive.path or drive.path in resolved.parents for drive in list_removable_drives())


def place_of(folder: Path | str) -> str:
    """How a plain sentence names where `folder` is: "U 盘" on a removable drive, else "磁盘"."""
    return "U 盘" if is_removable_path(folder) else "磁盘"


def _with_space(drive: Drive) -> Drive:
    try:
        usage = shutil.disk_usage(drive.path)
    except OSError:
        return drive
    return Drive(drive.path, drive.label, usage.free, usage.total)


def _windows_drives() -> list[Drive]:
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    drive_removable = 2
    old_mode = kernel32.SetErrorMode(1)  # SEM_FAILCRITICALERRORS: no "insert a disk" pop-ups
    try:
        mask = kernel32.GetLogicalDrives()
        drives = []
        for index, letter in enumerate(string.ascii_uppercase):
            if not mask & (1 << index):
                continue
            root = f"{letter}:\\"
            if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) != drive_removable:
                continue
            name = ctypes.create_unicode_buffer(261)
            ok = kernel32.GetVolumeInformationW(ctypes.c_wchar_p(root), name, 261, None, None, None, None, 0)
            if not ok:
                continue  # a card reader without a card
            drives.append(Drive(Path(root), name.value or f"U 盘 {letter}:"))
        return drives
    finally:
        kernel32.SetErrorMode(old_mode)


_PSEUDO_FS = {"proc", "sysfs", "tmpfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "overlay", "squashfs",
              "autofs", "mqueue", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "fusectl", "configfs",
              "hugetlbfs", "ramfs", "nsfs", "efivarfs", "binfmt_misc"}


def _unescape_mount(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match[1], 8)), text)


def _linux_drives(mounts: Path, sys_root: Path) -> list[Drive]:
    drives = []
    seen = set()
    for line in mounts.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        device, mount_point, fs_type = parts[0], _unescape_mount(parts[1]), parts[2]
        if fs_type in _PSEUDO_FS or mount_point in seen:
            continue
        under_media = mount_point.startswith(("/media/", "/run/media/"))
        removable = device.startswith("/dev/") and _linux_block_removable(device, sys_root)
        if under_media or removable:
            seen.add(mount_point)
            drives.append(Drive(Path(mount_point), Path(mount_point).name or mount_point))
    return drives


def _linux_block_removable(device: str, sys_root: Path) -> bool:
    name = Path(os.path.realpath(device)).name if sys_root == Path("/sys") else Path(device).name
    node = sys_root / "class" / "block" / name
    if not node.exists():
        return False
    disk = node
    if (node / "partition").exists():
        disk = node.resolve().parent
    try:
        if (disk / "removable").read_text().strip() == "1":
            return True
    except OSError:
        pass
    return "/usb" in str(disk.resolve())


def _mac_drives(volumes: Path) -> list[Drive]:
    drives = []
    for entry in sorted(volumes.iterdir()) if volumes.is_dir() else []:
        try:
            if os.path.realpath(entry) == "/" or not os.path.ismount(entry):
                continue
        except OSError:
            continue
        drives.append(Drive(entry, entry.name))
    return drives
