"""Benchmark: the honour shop on a branch of 2,000 members with a year of ledger (issue 15).

Run:

    uv run python -m tests.benchmarks.bench_shop                 # 2,000 members, 56,000 entries
    uv run python -m tests.benchmarks.bench_shop --members 500 --entries 14000

The branch comes from bench_county's builder (cached in the temporary folder; the database's own
branch, rule set village_100, entries approved and chained). A copy gets five goods and 200
redemptions through the services. Each figure prints one line, best of three:

    NAME: project X s, baseline Y s, ratio R

- shop page (balances.year_balances: every member's shop year) against the year's ranking of the
  same branch (app.services.totals.ranking.branch_ranking), which the shop's figures are built on;
- a redemption (redemptions.redeem: the member's balance, the stock, the slip, the audit record,
  in one unit of work) against recording one approved points entry (ledger.record_entry, a base
  deduction J02, which no cap refuses);
- the year's passbooks for everyone (data + PDF) against the year's annual summaries (data + PDF);
- the shop part of `check` (app.services.shop.checks) against `PRAGMA integrity_check`;
- then with four earlier years of the same ledger: the shop page with the earlier years kept
  against the year's ranking, the page working every year out again (as it did before the
  carried balances were kept) against the kept one, and the page right after a redemption.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from tests.benchmarks.bench_county import cached_county


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def line(name: str, project: float, baseline: float) -> None:
    print(f"{name}: project {project:.3f} s, baseline {baseline:.3f} s, ratio {project / baseline:.2f}", flush=True)


def stock_the_shop(store, admin, members: list, today: date) -> list:
    from app.services.shop import goods, redemptions

    shelf = []
    for name, price in (("香皂", "2"), ("毛巾", "3"), ("洗衣粉", "4"), ("大米", "6"), ("食用油", "8")):
        goods_id = goods.add_goods(store, admin, goods.GoodsInput(name, Decimal(price))).created[0]
        goods.receive_stock(store, admin, goods_id, 10_000, date(today.year, 1, 5))
        shelf.append(goods_id)
    done = 0
    for member_id in members:
        try:
            redemptions.redeem(store, admin, redemptions.RedemptionRequest(member_id, shelf[done % 2], 1, today))
            done += 1
        except Exception:  # a member without points: the next one
            continue
        if done == 200:
            break
    return shelf


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=56000)
    args = parser.parse_args()
    source = cached_county(args.members, 1, args.entries)
    folder = Path(tempfile.mkdtemp())
    database = folder / "shop.db"
    shutil.copy(source, database)

    from sqlalchemy import select

    from app.domain.enums import MemberStatus
    from app.reports import render_annual
    from app.reports.shop_papers import render_passbooks
    from app.services.accounts import operators
    from app.services.context import read_session
    from app.services.ledger import entries as ledger
    from app.services.printing import report_data, shop_papers
    from app.services.shop import balances, checks, redemptions
    from app.services.totals.ranking import branch_ranking
    from db.models import Member, RuleSetRecord
    from db.store import Store

    with Store.open_file(database) as store:
        admin = operators.ensure_admin(store)
        with read_session(store) as session:
            members = list(session.scalars(select(Member.id).where(Member.status == MemberStatus.ACTIVE).order_by(Member.name_pinyin)))
            year = max(session.scalars(select(RuleSetRecord.year)))
        today = date(year, 12, 20)
        shelf = stock_the_shop(store, admin, members, today)
        print(f"{len(members)} members, year {year}, 200 redemptions", flush=True)

        line("shop page (every member's year)", best(lambda: balances.year_balances(store, year)), best(lambda: branch_ranking(store, year)))

        queue = iter(members[len(members) // 3:])

        def redeem_one():
            for member_id in queue:
                try:
                    return redemptions.redeem(store, admin, redemptions.RedemptionRequest(member_id, shelf[0], 1, today))
                except Exception:
                    continue

        entry_members = iter(members[2 * len(members) // 3:])

        def record_one():
            for member_id in entry_members:  # a deduction of the base (J02), which no cap refuses
                request = ledger.EntryRequest(member_id, "J02", date(year, 12, 1))
                return ledger.record_entry(store, admin, request, approve=True, today=today)

        line("one redemption", best(redeem_one), best(record_one))
        line(
            "passbooks of the year (data + PDF)",
            best(lambda: render_passbooks(shop_papers.passbooks(store, year, today=today)), 1),
            best(lambda: render_annual(report_data.annual_summaries(store, year)), 1),
        )

        def shop_check():
            with read_session(store) as session:
                checks.shop_problems(session)

        def integrity():
            with sqlite3.connect(database) as raw:
                raw.execute("PRAGMA integrity_check").fetchall()

        line("check, the shop part", best(shop_check), best(integrity))
        earlier_years(store, admin, database, year, members, shelf[1])


def earlier_years(store, admin, database: Path, year: int, members: list, goods_id, count: int = 4) -> None:
    """The shop page when the branch has kept its points for five years: the four years before get
    rule sets and the same month and year sums as `year` (what the scorer reads), then the page is timed
    with the earlier years kept (app/services/shop/carried.py), against working them all out
    again as the page did before, and against the five-year branch's ranking."""
    from app.services.rules import rulesets
    from app.services.shop import balances, carried, redemptions
    from app.services.totals.ranking import branch_ranking

    for earlier in range(year - count, year):
        rulesets.create_rule_set(store, admin, earlier, template="village_100")
    with sqlite3.connect(database) as raw:
        ids = dict(raw.execute("SELECT year, id FROM rule_sets"))
        for earlier in range(year - count, year):
            raw.execute(
                "INSERT INTO member_month_sums (rule_set_id, year, member_id, month, category, points, vetoes) "
                "SELECT ?, ?, member_id, month, category, points, vetoes FROM member_month_sums WHERE rule_set_id = ?",
                (ids[earlier], earlier, ids[year]),
            )
            raw.execute(
                "INSERT INTO member_year_sums (rule_set_id, year, member_id, category, points, vetoes) "
                "SELECT ?, ?, member_id, category, points, vetoes FROM member_year_sums WHERE rule_set_id = ?",
                (ids[earlier], earlier, ids[year]),
            )
    print(f"{count + 1} rule-set years of the same ledger", flush=True)

    def afresh():
        carried.forget_everything()
        balances.year_balances(store, year)

    kept = best(lambda: balances.year_balances(store, year))
    line(f"shop page, {count + 1} years, earlier years kept", kept, best(lambda: branch_ranking(store, year)))
    line(f"shop page, {count + 1} years, every year worked out (as before)", best(afresh), kept)
    shoppers = iter(members)

    def after_a_redemption() -> float:
        for member_id in shoppers:  # the next member with points enough
            try:
                redemptions.redeem(store, admin, redemptions.RedemptionRequest(member_id, goods_id, 1, date(year, 12, 20)))
                break
            except Exception:
                continue
        started = time.perf_counter()
        balances.year_balances(store, year)
        return time.perf_counter() - started

    line(f"shop page after a redemption, {count + 1} years", min(after_a_redemption() for _ in range(3)), kept)

if __name__ == "__main__":
    main()
