"""Rankings give exactly the figures they gave before they were made fast (issue 14).

tests/services/ranking_record.py wrote down every ranking of the demo branch and of a small
county (three years, so last year's total carries into each base) with the program as it was;
the program now must give the same rows, rank for rank and figure for figure, both the quick
ranking (one sum a member) and the detailed one papers use (the scorer's months behind each row).
"""

from __future__ import annotations

import json

import pytest

from tests.services.ranking_record import RECORD, county_file, demo_file, rankings


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ranking-record")
    return {"demo": demo_file(folder), "county": county_file(folder)}


@pytest.mark.parametrize("name", ["demo", "county"])
def test_rankings_are_the_recorded_ones(files, name):
    recorded = json.loads(RECORD.read_text())[name]
    now = rankings(files[name], {"details": True})
    differing = sorted(key for key in recorded if recorded[key] != now.get(key))
    assert not differing, f"{name}: rankings differ from the record: {differing}"
    assert set(now) == set(recorded)
