"""Benchmark: a search keystroke on the roster page with 70,000 members, keystroke to updated view.

Run:

    uv run python -m tests.benchmarks.bench_members_search                 # 70,000 members
    uv run python -m tests.benchmarks.bench_members_search --members 5000  # quicker

It builds a branch of N members with Chinese names (pinyin keys as the members service makes
them), each with an ID number, phone and birth date sealed as the roster service stores them
(db/sealed.py, with the ID number's keyed look-up hash), and about three approved entries each,
then, in the same process and alternating:

- ours:     the real MembersPage: a key pressed in its search box (QTest.keyClick) → the SQL
            search/sort/page of app.services.roster.queries → the paged table model reset →
            the table repainted (viewport().repaint(), so the figure includes drawing);
- baseline: what the page would do with the existing service: members.list_members (all
            rows loaded, filtered in Python) → a RowTableModel holding every matching row →
            the same table repainted.

Keystrokes: typing "zhang", "wjg", "li", "x" letter by letter, then Backspace back to empty,
so short queries with many matches and empty ones (the whole roster) are both measured.
Then a full ID number is typed digit by digit (the 18th key is a look-up of its keyed hash,
which must find that one member), and the baseline is run once more with the data key, opening
every member's sealed personal data as a page built on list_members would.
It prints the median and worst keystroke-to-view time of each in milliseconds, and the time
of the exact count of matches that the page runs once the clerk stops typing (250 ms later;
“100 多人…” is shown until then), which is not part of a keystroke.
Measured 2026-11-30 on the 2-core test machine shared with other jobs (load 3-5), 70,000
members with sealed personal data: a name keystroke median 63 ms, worst 106 ms (baseline 3.9 s,
72x); a full ID number's look-up key 12 ms; the exact count 17 ms; the baseline that opens
every member's personal data 9.9 s.
Not collected by pytest (bench_*.py). Runs offscreen.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from app.domain.enums import EntryStatus, MemberClass, MemberStatus, Membership  # noqa: E402
from app.domain.idcard import id_check_char  # noqa: E402
from app.domain.names import pinyin_keys  # noqa: E402
from app.services import organisation  # noqa: E402
from app.services.roster import members
from app.services.accounts import keyring, operators
from app.services.context import Actor, unit_of_work
from app.services.rules import rulesets
from app.ui.app import make_application  # noqa: E402
from app.ui.context import UiContext  # noqa: E402
from app.ui.jobs import JobRunner  # noqa: E402
from app.ui.pages.members_page import MembersPage  # noqa: E402
from app.ui.models.table_models import RowTableModel  # noqa: E402
from app.ui.widgets import make_table  # noqa: E402
from db.models import Member, MemberPersonal, OrgUnit, PointsEntry, RuleItemRecord  # noqa: E402
from db.sealed import Sealer  # noqa: E402
from db.store import Store  # noqa: E402

TODAY = date(2026, 11, 23)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国志强伟军勇明华平刚斌海波涛超德福永林文杰春生光辉庆红兵卫东振秀英桂兰玉梅丽娟芳敏静燕霞花美玲翠萍凤淑珍"
TYPED = ["zhang", "wjg", "li", "x"]


def sealed_personal(sealer: Sealer, rng: random.Random, number: int, member_id: uuid.UUID, now: datetime) -> dict:
    """A member's ID number, phone and birth date as the roster service stores them: sealed,
    with the ID number's keyed look-up hash."""
    born = date(1940 + number % 60, 1 + number % 12, 1 + number % 28)
    first17 = f"{410000 + number // 1000:06d}{born:%Y%m%d}{number % 1000:03d}"  # region and sequence: one per member
    id_number = first17 + id_check_char(first17)
    return {
        "id": uuid.uuid4(), "member_id": member_id, "created_at": now, "updated_at": now,
        "id_number_sealed": sealer.seal("id_number", id_number), "id_number_lookup": sealer.lookup(id_number),
        "phone_sealed": sealer.seal("phone", f"13{rng.randrange(10**9):09d}"), "birth_date_sealed": sealer.seal_date("birth_date", born),
    }


def build(path: Path, count: int, seed: int = 7) -> tuple[Store, Actor]:
    """The branch, and its administrator holding the data key its members' personal data is sealed with."""
    store = Store.open_file(path)
    admin = operators.ensure_admin(store)
    with unit_of_work(store, admin) as uow:
        admin = dataclasses.replace(admin, data_key=keyring.set_up(uow, admin.id, "bench password 70k"))
    sealer = Sealer(admin.data_key)
    organisation.setup_branch(store, admin, "城关镇党委", "测试村党支部", ["第一党小组", "第二党小组", "第三党小组"])
    rulesets.create_rule_set(store, admin, TODAY.year, template="village_100")
    branch = organisation.get_branch(store)
    groups = [g.id for g in branch.groups]
    rng = random.Random(seed)
    keys: dict[str, tuple[str, str]] = {}
    member_rows, entry_rows, personal_rows = [], [], []
    with store.session() as session:
        items = {r.code: r.id for r in session.scalars(select(RuleItemRecord))}
    now = datetime.now(timezone.utc)
    classes = list(MemberClass)
    for number in range(count):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in keys:
            keys[name] = pinyin_keys(name)
        member_id = uuid.uuid4()
        member_rows.append({
            "id": member_id, "created_at": now, "updated_at": now, "branch_id": branch.id, "group_id": rng.choice(groups),
            "name": name, "name_pinyin": keys[name][0], "name_initials": keys[name][1], "ethnicity": "汉族",
            "join_date": date(1990 + number % 30, 7, 1), "membership": Membership.FULL, "member_class": rng.choice(classes),
            "is_hub_household": number % 17 == 0, "is_vanguard_post": number % 11 == 0, "post_title": "",
            "status": MemberStatus.ACTIVE, "in_branch_since": date(1990 + number % 30, 7, 1), "note": "",
        })
        personal_rows.append(sealed_personal(sealer, rng, number, member_id, now))
        for month in rng.sample(range(1, 12), 3):
            entry_rows.append({
                "id": uuid.uuid4(), "created_at": now, "member_id": member_id, "rule_item_id": items["R01"],
                "occurred_on": date(TODAY.year, month, 28), "quantity": Decimal(1), "points": Decimal(2), "note": "",
                "evidence": "", "status": EntryStatus.APPROVED, "entered_by": admin.id, "reviewed_by": admin.id,
                "reviewed_at": now, "review_note": "",
            })
    with store.session() as session, session.begin():
        session.execute(insert(Member), member_rows)
        session.execute(insert(MemberPersonal), personal_rows)
        session.execute(insert(PointsEntry), entry_rows)
    with store.session() as session:
        assert session.scalar(select(OrgUnit.id).where(OrgUnit.id == branch.id))
    return store, admin


class Baseline:
    """What the page would do with members.list_members: every match loaded into the model
    (with `actor`, every member's sealed personal data opened too)."""

    def __init__(self, store: Store, actor: Actor | None = None) -> None:
        self.store, self.actor = store, actor
        self.model = RowTableModel([
            ("姓名", lambda r: r.name), ("性别", lambda r: r.gender.label if r.gender else ""), ("党小组", lambda r: r.group_name),
            ("党员类别", lambda r: r.member_class.label), ("正式/预备", lambda r: r.membership.label),
            ("入党日期", lambda r: r.join_date), ("标记", lambda r: ""), ("本月得分", lambda r: ""), ("本年得分", lambda r: ""),
        ])
        self.table = make_table()
        self.table.setModel(self.model)
        self.table.resize(1000, 700)
        self.table.show()

    def search(self, text: str) -> None:
        self.model.set_rows(members.list_members(self.store, members.MemberFilter(query=text), self.actor))
        self.table.viewport().repaint()


def keystrokes() -> list[tuple[str, str]]:
    """(key, text after it) for typing every word letter by letter and erasing it again."""
    steps = []
    for word in TYPED:
        for end in range(1, len(word) + 1):
            steps.append((word[end - 1], word[:end]))
        for end in range(len(word) - 1, -1, -1):
            steps.append(("\b", word[:end]))
    return steps


def time_ours(page: MembersPage, app: QApplication) -> list[float]:
    """Key press → search box → page query → model reset → table painted (repaint lays out and draws now)."""
    times = []
    for key, _text in keystrokes():
        app.processEvents()  # nothing left over from the previous keystroke
        start = time.perf_counter()
        if key == "\b":
            QTest.keyClick(page.search, Qt.Key.Key_Backspace)
        else:
            QTest.keyClick(page.search, key)
        page.table.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
    app.processEvents()
    return times


def time_id_typing(page: MembersPage, app: QApplication, id_number: str, name: str) -> list[float]:
    """A full ID number typed digit by digit: every keystroke a name search that finds nothing,
    the 18th a look-up of the number's keyed hash that finds the one member."""
    times = []
    for key in id_number:
        app.processEvents()
        start = time.perf_counter()
        QTest.keyClick(page.search, key)
        page.table.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
    app.processEvents()
    found = [page.model.row_at(r).name for r in range(page.model.rowCount())]
    assert found == [name], found
    page.search.setText("")
    app.processEvents()
    return times


def one_member(store: Store, actor: Actor) -> tuple[str, str]:
    """(ID number, name) of a member in the middle of the roster, opened with the data key."""
    with store.session() as session:
        member = session.scalars(select(Member).order_by(Member.id).offset(1234)).first()
        return Sealer(actor.data_key).open("id_number", member.personal.id_number_sealed), member.name


def time_count(page: MembersPage) -> list[float]:
    times = []
    for _key, text in keystrokes():
        page.search.blockSignals(True)
        page.search.setText(text)
        page.search.blockSignals(False)
        page.model.query.text = text
        start = time.perf_counter()
        page.count_matches()
        times.append((time.perf_counter() - start) * 1000)
    page.search.setText("")
    return times


def time_baseline(baseline: Baseline, limit: int) -> list[float]:
    times = []
    for _key, text in keystrokes()[:limit]:
        start = time.perf_counter()
        baseline.search(text)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=70_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-keystrokes", type=int, default=10,
                        help="the baseline takes seconds per keystroke at 70,000: time only the first N (“zhang” typed and erased)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DYJF_DATA_DIR"] = folder  # window state of the benchmark stays in the temporary folder
        started = time.perf_counter()
        store, admin = build(Path(folder) / "bench.db", args.members)
        print(f"built {args.members} members with sealed personal data in {time.perf_counter() - started:.1f} s")
        app = make_application()
        ctx = UiContext(store, admin, jobs=JobRunner(synchronous=True), today=TODAY)
        page = MembersPage(ctx)
        page.resize(1000, 700)
        page.show()
        app.processEvents()
        page.search.setFocus()
        baseline, opened_baseline = Baseline(store), Baseline(store, admin)
        id_number, name = one_member(store, admin)
        ours_all, base_all, count_all, id_all, opened_all = [], [], [], [], []
        for _ in range(args.rounds):
            ours_all += time_ours(page, app)
            base_all += time_baseline(baseline, args.baseline_keystrokes)
            opened_all += time_baseline(opened_baseline, 1)
            count_all += time_count(page)
            id_all += time_id_typing(page, app, id_number, name)
        assert page.search.text() == ""
        print(f"keystroke → updated view (ms), {args.members} members:")
        print(f"  ours (SQL search + paged model):      median {statistics.median(ours_all):7.1f}   worst {max(ours_all):7.1f}"
              f"   ({len(ours_all)} keystrokes)")
        print(f"  baseline (list_members + full model): median {statistics.median(base_all):7.1f}   worst {max(base_all):7.1f}"
              f"   ({len(base_all)} keystrokes)")
        same = [t for i, t in enumerate(ours_all) if i % len(keystrokes()) < args.baseline_keystrokes]
        print(f"  ours on the baseline's keystrokes:    median {statistics.median(same):7.1f}   worst {max(same):7.1f}")
        print(f"  baseline / ours (median, same keystrokes): {statistics.median(base_all) / statistics.median(same):.0f}×")
        print(f"  deferred exact count (once typing stops): median {statistics.median(count_all):.1f}   worst {max(count_all):.1f}")
        print(f"  typing a full ID number (18 keys):    median {statistics.median(id_all):7.1f}   worst {max(id_all):7.1f}"
              f"   last key (look-up) {statistics.median(id_all[17::18]):.1f}")
        print(f"  baseline opening every member's sealed ID, phone and birth date, first key: median {statistics.median(opened_all):.1f}")
        store.close()


if __name__ == "__main__":
    main()
