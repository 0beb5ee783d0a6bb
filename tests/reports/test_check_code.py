"""The ledger chain's check code printed on the notice-board papers."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from app.domain.chain import Head, paper_code, parse_paper_code
from app.domain.periods import Month
from app.reports import render_monthly_notice, render_star_notice
from app.services.printing import report_data
from tests.reports.report_support import page_texts

CODE = paper_code(Head(711, "94289cb3ae3d082e78b461dfada96d90962426ef1231ee30154506e2bf46bd57"))


def test_the_code_is_the_chain_length_and_eight_hex_digits():
    assert CODE == "711-94289CB3"
    assert parse_paper_code(" 711-94289cb3 ") == (711, "94289CB3")
    assert parse_paper_code("94289CB3") is None


def test_both_notices_print_the_code_under_the_date(demo_store, settings):
    notice = report_data.monthly_notice(demo_store, Month(2026, 10), settings)
    stars = report_data.star_notice(demo_store, 2026, settings)
    for pdf in (
        render_monthly_notice(replace(notice, issue=replace(notice.issue, check_code=CODE)), invariant=True),
        render_star_notice(replace(stars, issue=replace(stars.issue, check_code=CODE)), invariant=True),
    ):
        assert "台账校验码 711-94289CB3" in page_texts(pdf)[-1]


def test_real_notices_carry_the_files_own_code(demo_store, settings):
    """The code comes from the file itself: the ledger chain's length and head, read here by plain SQL."""
    path = demo_store.path
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as raw:
        seq, head = raw.execute(
            "SELECT chain_seq, chain_hash FROM points_entries WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1"
        ).fetchone()
    expected = f"{seq}-{head[:8].upper()}"
    notice = report_data.monthly_notice(demo_store, Month(2026, 10), settings)
    stars = report_data.star_notice(demo_store, 2026, settings)
    assert notice.issue.check_code == stars.issue.check_code == expected
    assert f"台账校验码 {expected}" in page_texts(render_monthly_notice(notice, invariant=True))[-1]
