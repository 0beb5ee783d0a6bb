"""One gathering, several passphrases: villages that encrypted their backups differently are gathered in one run.

Each encrypted backup is tried with the passphrase given, then with those that opened an earlier
file, and only then is the clerk asked (again after a wrong answer); no answer skips that file and
the others go on. A wrong passphrase never merges anything.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.services import organisation
from app.services.accounts import operators
from app.services.backup import archive as backup
from app.services.rules import rulesets
from app.services.township import gather
from app.services.township import overview as township_overview
from conftest import add, keyed_admin
from db.store import Store

FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 1024, "lanes": 1}
HONGXING, DONGFENG, XIANGYANG, GUANGMING = "红星村党支部", "东风村党支部", "向阳村党支部", "光明村党支部"
PASSPHRASES = {HONGXING: "红星向阳共用口令2026", DONGFENG: "东风村自己的口令2026", XIANGYANG: "红星向阳共用口令2026", GUANGMING: None}


@pytest.fixture(scope="module")
def stick(tmp_path_factory) -> Path:
    """Four small villages on one stick, backed up in this order (gathering goes oldest first):
    红星 and 向阳 share a passphrase, 东风 has its own, 光明 did not encrypt."""
    root = tmp_path_factory.mktemp("passphrases")
    stick = root / "stick"
    stick.mkdir()
    for index, (name, secret) in enumerate(PASSPHRASES.items()):
        with Store.open_file(root / f"village{index}.db") as store:
            admin = keyed_admin(store)
            organisation.setup_branch(store, admin, "城关镇党委", name, [])
            rulesets.create_rule_set(store, admin, 2026, template="village_100")
            add(store, admin, f"党员{index}")
            backup.backup_to(store, stick, secret, kdf=FAST_KDF if secret else None,
                             now=datetime(2026, 11, 20, 8, index, tzinfo=timezone.utc))
    return stick


@pytest.fixture
def township(tmp_path):
    with Store.open_file(tmp_path / "乡镇汇总.db") as store:
        yield store, operators.ensure_admin(store)


class Clerk:
    """Answers the questions in turn from `answers` (per village), and notes who was asked."""

    def __init__(self, **answers: list[str | None]) -> None:
        self.answers = {name: list(given) for name, given in answers.items()}
        self.asked: list[str] = []

    def __call__(self, path: Path, manifest) -> str | None:
        self.asked.append(manifest.branch_name)
        left = self.answers.get(manifest.branch_name) or [None]
        return left.pop(0)


def by_branch(report: gather.GatherReport) -> dict[str, gather.FileResult]:
    return {item.branch_name: item for item in report.files}


def gathered_names(store) -> list[str]:
    return [branch.name for branch in township_overview.township_overview(store, 2026).branches]


def test_the_passphrase_given_and_the_clerks_answers_open_villages_with_different_passphrases(stick, township):
    store, admin = township
    clerk = Clerk(**{DONGFENG: ["东风村的错口令2026", PASSPHRASES[DONGFENG]]})
    report = gather.gather(store, admin, [stick], PASSPHRASES[HONGXING], ask=clerk)
    assert clerk.asked == [DONGFENG, DONGFENG]  # asked again after the wrong answer; never for 红星 or 向阳
    assert {name: item.status for name, item in by_branch(report).items()} == dict.fromkeys(PASSPHRASES, "gathered")
    assert gathered_names(store) == sorted(PASSPHRASES)


def test_a_passphrase_that_opened_one_village_is_tried_on_the_next_before_asking(stick, township):
    store, admin = township
    clerk = Clerk(**{HONGXING: [PASSPHRASES[HONGXING]], DONGFENG: [PASSPHRASES[DONGFENG]]})
    report = gather.gather(store, admin, [stick], None, ask=clerk)
    assert clerk.asked == [HONGXING, DONGFENG]  # 向阳 opened with 红星's passphrase, unasked
    assert not report.failed and not report.skipped


def test_no_answer_skips_that_village_only_and_merges_nothing_of_it(stick, township):
    store, admin = township
    clerk = Clerk(**{DONGFENG: ["东风村的错口令2026", None]})
    report = gather.gather(store, admin, [stick], PASSPHRASES[HONGXING], ask=clerk)
    skipped = by_branch(report)[DONGFENG]
    assert (skipped.status, skipped.message) == ("skipped", gather.SKIPPED_WITHOUT_PASSPHRASE)
    assert [item.branch_name for item in report.skipped] == [DONGFENG] and not report.failed
    assert "汇总 3 个" in report.summary and "跳过 1 个" in report.summary
    assert gathered_names(store) == sorted(set(PASSPHRASES) - {DONGFENG})

    again = gather.gather(store, admin, [stick], None, ask=Clerk(**{DONGFENG: [PASSPHRASES[DONGFENG]]}))
    assert by_branch(again)[DONGFENG].status == "gathered"  # asked again another time, it goes in then
    assert gathered_names(store) == sorted(PASSPHRASES)


def test_the_same_wrong_answer_twice_ends_the_asking(stick, township):
    """A source that always gives the same wrong passphrase is not asked for ever; an answer that
    was already tried (the passphrase typed above) is not tried again, the clerk is asked once more."""
    store, admin = township
    stubborn = Clerk(**{DONGFENG: ["一直都是这个错口令"] * 5})
    report = gather.gather(store, admin, [stick], PASSPHRASES[HONGXING], ask=stubborn)
    assert stubborn.asked == [DONGFENG, DONGFENG] and by_branch(report)[DONGFENG].status == "skipped"

    typed_again = Clerk(**{DONGFENG: [PASSPHRASES[HONGXING], PASSPHRASES[DONGFENG]]})
    report = gather.gather(store, admin, [stick], PASSPHRASES[HONGXING], ask=typed_again)
    assert typed_again.asked == [DONGFENG, DONGFENG] and by_branch(report)[DONGFENG].status == "gathered"


def test_without_asking_a_wrong_passphrase_fails_that_file_as_before(stick, township):
    store, admin = township
    report = gather.gather(store, admin, [stick], PASSPHRASES[HONGXING])
    failed = by_branch(report)[DONGFENG]
    assert failed.status == "failed" and "口令不对" in failed.message
    assert {name: item.status for name, item in by_branch(report).items() if name != DONGFENG} == dict.fromkeys(
        set(PASSPHRASES) - {DONGFENG}, "gathered")
    nothing = gather.gather(store, admin, [stick], None)
    assert by_branch(nothing)[DONGFENG].status == "failed" and "请输入备份时设置的口令" in by_branch(nothing)[DONGFENG].message
