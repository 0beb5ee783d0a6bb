"""No paper carries a member's ID number, phone or birth date: each kind of the report verb that
lists members is rendered for the demo branch and its text searched for every member's values."""

from __future__ import annotations

import pytest

import main as entry
from app.services.roster import members
from conftest import TEST_PASSWORD, keyed_admin
from db.store import Store
from tests.reports.report_support import all_lines, demo_database

PAPERS = {
    "scorecards": ["--month", "2026-11"],
    "notice": ["--month", "2026-11"],
    "annual": ["--year", "2026"],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_database(tmp_path_factory)


@pytest.mark.parametrize("kind", list(PAPERS))
def test_a_paper_shows_no_id_number_phone_or_birth_date(kind, demo, tmp_path, monkeypatch, capsys):
    with Store.open_file(demo) as store:
        rows = members.list_members(store, members.MemberFilter(statuses=()), keyed_admin(store))
    secrets = {value for row in rows for value in (row.id_number, row.phone, f"{row.birth_date:%Y-%m-%d}", f"{row.birth_date:%Y年%-m月%-d日}")}
    assert len(rows) == 36 and all(secrets)
    monkeypatch.setenv("DYJF_OPERATOR", "admin")
    monkeypatch.setenv("DYJF_PASSWORD", TEST_PASSWORD)
    out = tmp_path / f"{kind}.pdf"
    assert entry.main(["report", kind, *PAPERS[kind], "--db", str(demo), "--out", str(out)]) == 0, capsys.readouterr().err
    text = "\n".join(all_lines(out.read_bytes())).replace(" ", "")
    assert any(row.name in text for row in rows)  # the paper does list the members
    assert [secret for secret in secrets if secret in text] == []
