"""Fixtures of the report tests: the demo branch and a 200-member branch, opened read-only in use."""

from __future__ import annotations

import pytest

from app.services.printing import report_data
from db.store import Store
from tests.reports.report_support import DEMO_DAY, demo_database, large_branch


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """The demo branch as of 2026-11-23 (reports only read it)."""
    with Store.open_file(demo_database(tmp_path_factory)) as store:
        yield store


@pytest.fixture(scope="session")
def large_store(tmp_path_factory):
    """200 members, one approved entry each in October 2026."""
    path = tmp_path_factory.mktemp("large") / "large.db"
    large_branch(path, 200)
    with Store.open_file(path) as store:
        yield store


@pytest.fixture
def settings():
    return report_data.IssueSettings(issued_on=DEMO_DAY, objection_phone="0371-6288 1234")
