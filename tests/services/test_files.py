"""The one atomic writer and the one OS-error sentence mapping (app.services.files)."""

from __future__ import annotations

import errno
import os

import pytest

from app.domain.errors import StoreError, ValidationError
from app.services import files


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "报表.pdf"
    target.write_bytes(b"old")
    assert files.write_atomically(target, b"new" * 1000) == target
    assert target.read_bytes() == b"new" * 1000
    assert [p.name for p in tmp_path.iterdir()] == ["报表.pdf"]


def test_keep_existing_writes_beside_a_taken_name(tmp_path):
    (tmp_path / "a.jfbak").write_bytes(b"earlier")
    written = files.write_atomically(tmp_path / "a.jfbak", b"later", keep_existing=True, verify=True)
    assert written.name == "a-2.jfbak" and written.read_bytes() == b"later"
    assert (tmp_path / "a.jfbak").read_bytes() == b"earlier"


def test_a_missing_folder_is_named_and_nothing_is_written(tmp_path):
    with pytest.raises(StoreError) as caught:
        files.write_atomically(tmp_path / "没有" / "x.jfrating", b"data")
    assert caught.value.message == f"文件夹“{tmp_path / '没有'}”不存在（U 盘可能已被拔出），“x.jfrating”没有保存。"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_not_a_file_name(tmp_path):
    with pytest.raises(StoreError, match="是一个文件夹"):
        files.write_atomically(tmp_path, b"data")


def test_a_file_held_open_elsewhere_is_named_for_pdfs(tmp_path, monkeypatch):
    def refuse(*args):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(StoreError) as caught:
        files.write_pdf(tmp_path / "证书.pdf", b"%PDF")
    assert caught.value.message == "没有权限，或者这个文件正被 PDF 阅读器打开，“证书.pdf”没有保存。"
    with pytest.raises(StoreError) as caught:
        files.write_atomically(tmp_path / "r.jfrating", b"{}")
    assert caught.value.message == "没有写入权限，“r.jfrating”没有保存。"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_sync_failing_after_the_rename_keeps_a_file_that_reads_back_whole(tmp_path, monkeypatch):
    def folder_sync_fails(folder):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(files, "fsync_folder", folder_sync_fails)
    assert files.write_atomically(tmp_path / "a.bin", b"whole").read_bytes() == b"whole"
    monkeypatch.setattr(files, "_read_back_digest", lambda path: b"other bytes")
    with pytest.raises(StoreError, match="磁盘被拔出或无法读写"):
        files.write_atomically(tmp_path / "b.bin", b"torn")
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_sentences_without_a_place_and_with_a_windows_code():
    assert files.plain_os_error(OSError(errno.ENOSPC, "x")).message == "磁盘或 U 盘已满，文件没有保存。"
    assert files.plain_os_error(OSError(errno.EIO, "x"), "无法读取“r.jfrating”。").message == (
        "磁盘或 U 盘被拔出或无法读写，无法读取“r.jfrating”。"
    )
    write_protected = OSError(errno.EINVAL, "x")
    write_protected.winerror = 19
    assert files.plain_os_error(write_protected, place="U 盘").message == "U 盘是只读的（可能打开了写保护开关），文件没有保存。"


@pytest.mark.parametrize(
    "name, words",
    [("报表.txt", "应以 .pdf 结尾"), ("没有这个文件夹/报表.pdf", "不存在"), ("", "是一个文件夹")],
)
def test_check_output_path(tmp_path, name, words):
    with pytest.raises(ValidationError, match=words):
        files.check_output_path(tmp_path / name if name else tmp_path)
    assert files.check_output_path(tmp_path / "报表.pdf") == tmp_path / "报表.pdf"


def test_stale_temporary_files_go_and_fresh_ones_stay(tmp_path):
    old, fresh = tmp_path / ".a.jfbak.partial-1", tmp_path / ".b.jfbak.partial-2"
    for path in (old, fresh):
        path.write_bytes(b"cut off")
    os.utime(old, (0, 0))
    files.remove_stale(tmp_path, ".*.jfbak.partial-*")
    assert [p.name for p in tmp_path.iterdir()] == [fresh.name]
