"""The fixture script never overwrites a released fixture and leaves nothing behind when it fails."""

from __future__ import annotations

from app.domain.errors import NotFound
from tests.fixtures import make_schema_fixture as script


def test_an_existing_file_is_refused_and_left_alone(tmp_path, capsys):
    released = tmp_path / "schema-0008.db"
    released.write_bytes(b"released bytes")
    assert script.main([str(released)]) == script.EXIT_REFUSED
    assert "已经存在" in capsys.readouterr().err
    assert released.read_bytes() == b"released bytes"


def test_a_missing_folder_is_refused(tmp_path, capsys):
    assert script.main([str(tmp_path / "nowhere" / "schema.db")]) == script.EXIT_REFUSED
    assert "不存在" in capsys.readouterr().err


def test_a_failed_build_leaves_no_file(tmp_path, monkeypatch, capsys):
    def failing_build(path):
        path.write_bytes(b"half a database")
        raise NotFound("演示支部里没有党员“某某”。")

    monkeypatch.setattr(script, "make_fixture", failing_build)
    assert script.main([str(tmp_path / "schema.db")]) == 1
    assert capsys.readouterr().err.strip() == "演示支部里没有党员“某某”。"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_given_as_the_fixture_is_refused(tmp_path, capsys):
    assert script.main([str(tmp_path)]) == script.EXIT_REFUSED
    assert "是一个文件夹" in capsys.readouterr().err


def test_a_file_system_without_hard_links_says_so_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    def no_links(source, target):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(script, "make_fixture", lambda path: path.write_bytes(b"a database"))
    monkeypatch.setattr(script.os, "link", no_links)
    assert script.main([str(tmp_path / "schema.db")]) == 1
    assert capsys.readouterr().err.strip() == f"没能把夹具放到“{tmp_path / 'schema.db'}”（Operation not permitted）；请在本机硬盘上的文件夹里生成。"
    assert list(tmp_path.iterdir()) == []
