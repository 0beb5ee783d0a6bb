"""`check`'s caps, measured in SQL (app/services/check_caps.py), against the domain's own
measure (rules.cap_overruns over every counted entry, as `check` measured them before): the
demo file with caps of every period and direction added, its entries' points and statuses
scrambled by raw edits, must give the same overruns."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest
from sqlalchemy import select

from app.domain.enums import EntryStatus
from app.domain.points import format_points
from app.domain.rules import CountedLine, cap_overruns
from app.services import demo
from app.services.check_caps import cap_problems
from app.services.context import read_session
from app.services.rules.rulesets import rule_set_from_record
from conftest import TODAY
from db.models import Member, PointsEntry, RuleSetRecord
from db.store import Store

CATEGORY_CAPS = [
    {"category": "duty", "cap": "70.00", "period": "year"},
    {"category": "bonus", "cap": "6.00", "period": "quarter"},
    {"category": "deduction", "cap": "3.00", "period": "month"},
]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from conftest import keyed_admin

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store.open_file(path) as store:
        demo.create_demo_branch(store, keyed_admin(store), today=TODAY)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("DROP TRIGGER points_entries_no_rewrite")
    raw.execute("UPDATE rule_sets SET settings = json_set(settings, '$.category_caps', json(?))", (json.dumps(CATEGORY_CAPS),))
    raw.execute("UPDATE rule_items SET cap = 300, cap_period = 'quarter' WHERE code = (SELECT min(code) FROM rule_items WHERE category = 'deduction')")
    raw.execute("UPDATE rule_items SET cap = 500, cap_period = 'year' WHERE code = (SELECT max(code) FROM rule_items WHERE category = 'bonus' AND NOT outside_cap)")
    raw.close()
    return path


def _scrambled(demo_file, tmp_path, seed: int):
    copy = tmp_path / f"scrambled-{seed}.db"
    copy.write_bytes(demo_file.read_bytes())
    rng = random.Random(seed)
    raw = sqlite3.connect(copy, isolation_level=None)
    # In the order the demo wrote them: the ids are random UUIDs, and a sample drawn from them in
    # id order would differ from run to run.
    ids = [row[0] for row in raw.execute("SELECT id FROM points_entries ORDER BY rowid")]
    for entry_id in rng.sample(ids, len(ids) // 3):
        raw.execute("UPDATE points_entries SET points = points * ? WHERE id = ?", (rng.choice([2, 3, 5, -1, 0]), entry_id))
    for entry_id in rng.sample(ids, len(ids) // 10):
        raw.execute("UPDATE points_entries SET status = ? WHERE id = ?", (rng.choice(["pending", "rejected"]), entry_id))
    raw.close()
    return copy


def _as_the_domain_measures(session) -> list[str]:
    """Every counted entry one line, through rules.cap_overruns, worded as `check` words it."""
    sentences = []
    names = dict(session.execute(select(Member.id, Member.name)).all())
    for record in session.scalars(select(RuleSetRecord)):
        rule_set = rule_set_from_record(record)
        items = {item.id: rule_set.item(item.code) for item in record.items}
        lines = [
            (entry.member_id, CountedLine(items[entry.rule_item_id].code, items[entry.rule_item_id].category,
                                          entry.occurred_on, entry.points, items[entry.rule_item_id].outside_cap))
            for entry in session.scalars(select(PointsEntry).where(PointsEntry.status != EntryStatus.REJECTED))
            if entry.rule_item_id in items
        ]
        sentences += [
            f"{names.get(o.member_id, '?')}在{o.period}的“{o.what}”累计 {format_points(o.used)} 分，超过上限 {format_points(o.cap)} 分。"
            for o in cap_overruns(rule_set, lines)
        ]
    return sentences


SEEDS = [1, 2, 3, 4]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_caps_in_sql_find_what_the_domain_finds(demo_file, tmp_path, seed):
    with Store.open_file(_scrambled(demo_file, tmp_path, seed), read_only=True) as store, read_session(store) as session:
        found, expected = cap_problems(session), _as_the_domain_measures(session)
    assert expected, "the scrambled ledger should go beyond some cap"
    assert sorted(found) == sorted(expected)


def test_the_scrambled_ledgers_go_beyond_caps_of_every_period(demo_file, tmp_path):
    """So that the comparison above is not met by chance on yearly caps alone: the seeds together
    must bring quarterly and monthly overruns (one seed alone need not bring both)."""
    found = []
    for seed in SEEDS:
        with Store.open_file(_scrambled(demo_file, tmp_path, seed), read_only=True) as store, read_session(store) as session:
            found += cap_problems(session)
    assert any("季度" in sentence for sentence in found)
    assert any("月的" in sentence for sentence in found)
    assert any("年的" in sentence or "年度" in sentence for sentence in found), found[:5]


def test_the_demo_with_its_new_caps_unscrambled(demo_file):
    with Store.open_file(demo_file, read_only=True) as store, read_session(store) as session:
        assert sorted(cap_problems(session)) == sorted(_as_the_domain_measures(session))
