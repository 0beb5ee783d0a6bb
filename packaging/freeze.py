"""Build the frozen one-folder program: `uv run python packaging/freeze.py`.

Leaves dist/dangyuan-jifen/ with the executable dangyuan-jifen (dangyuan-jifen.exe and
dangyuan-jifen-cli.exe on Windows), from packaging/dangyuan-jifen.spec. On Windows it first
writes the version resource (file and product version, names) from app.__version__.
Prints the build time and the folder's size. Exit status: PyInstaller's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "dangyuan-jifen.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build"
NAME = "dangyuan-jifen"

sys.path.insert(0, str(ROOT))
from app import __version__  # noqa: E402


def version_resource() -> Path:
    """The Windows version resource (VSVersionInfo) PyInstaller embeds in the .exe."""
    numbers = tuple(int(part) for part in __version__.split(".")[:3]) + (0,)
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
      StringStruct('CompanyName', '党员积分管理'),
      StringStruct('FileDescription', '党员积分管理'),
      StringStruct('FileVersion', '{__version__}'),
      StringStruct('InternalName', '{NAME}'),
      StringStruct('OriginalFilename', '{NAME}.exe'),
      StringStruct('ProductName', '党员积分管理'),
      StringStruct('ProductVersion', '{__version__}')])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
"""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "version_info.txt"
    path.write_text(text, encoding="utf-8")
    return path


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def main() -> int:
    env = dict(os.environ)
    if sys.platform == "win32":
        env["DYJF_VERSION_FILE"] = str(version_resource())
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        print(f"打包失败（PyInstaller 退出码 {result.returncode}），用时 {seconds:.0f} 秒。", file=sys.stderr)
        return result.returncode
    folder = DIST / NAME
    size = folder_size(folder)
    print(f"打包完成：{folder}")
    print(f"build time: {seconds:.0f} s; folder size: {size / 2**20:.1f} MiB ({size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
