"""Properties of scoring and pricing over random ledgers (hypothesis).

Expected values are computed independently here with plain loops; the app's period helpers
are not used for the checks (month/quarter/year bounds are recomputed below).
"""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.enums import Category, CapPeriod, MemberClass, ValueKind
from app.domain.errors import CapExceeded, ValidationError
from app.domain.periods import Month
from app.domain.rules import CountedLine, MemberFacts, price_entry
from app.domain.ruleset_format import rule_set_from_dict
from app.domain.scoring import LedgerLine, score_member_year

D = Decimal
ZERO = D("0")
TEMPLATES = Path(__file__).resolve().parents[2] / "resources" / "rule_templates"


def _load(name: str):
    with open(TEMPLATES / f"{name}.toml", "rb") as handle:
        return rule_set_from_dict(tomllib.load(handle), 2026)


VILLAGE = _load("village_100")
POST_DUTY = _load("post_duty")
VETO_ITEMS = [item for item in VILLAGE.items if item.is_veto]
OTHER_ITEMS = [item for item in VILLAGE.items if not item.is_veto]

SETTINGS = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

YEAR_DATES = st.dates(date(2026, 1, 1), date(2026, 12, 31))


# ---- strategies ----------------------------------------------------------------------------


@st.composite
def item_value(draw, item):
    """A value the item could legitimately carry on the ledger."""
    if item.value_kind is ValueKind.FIXED:
        return item.value * draw(st.integers(1, 3))
    if item.value_kind is ValueKind.RANGE:
        return draw(st.decimals(item.min_value, item.max_value, places=2))
    hours = draw(st.decimals(D("0.5"), D("8"), places=1))
    return (item.value * hours).quantize(D("0.01"))


@st.composite
def ledger_line(draw, member_id="m"):
    # vetoes are rarer than ordinary items so that both cases are common
    item = draw(st.sampled_from(OTHER_ITEMS)) if draw(st.integers(0, 9)) else draw(st.sampled_from(VETO_ITEMS))
    return LedgerLine(member_id, item.code, item.category, draw(YEAR_DATES), draw(item_value(item)))


def reversal_of(line: LedgerLine) -> LedgerLine:
    """The correcting entry: opposite points, sign −1, dated like the original."""
    return LedgerLine(line.member_id, line.item_code, line.category, line.occurred_on, -line.points, sign=-1)


@st.composite
def ledger_with_reversals(draw):
    lines = draw(st.lists(ledger_line(), max_size=30))
    reversed_ix = draw(st.sets(st.integers(0, len(lines) - 1), max_size=len(lines))) if lines else set()
    everything = lines + [reversal_of(lines[i]) for i in sorted(reversed_ix)]
    return lines, reversed_ix, draw(st.permutations(everything))


BASE_STARTS = st.sampled_from([None, D("20"), D("0"), D("5.5"), D("19.8"), D("100")])


# ---- scoring -------------------------------------------------------------------------------


def expected_year(lines, reversed_ix, base_start, floor):
    kept = [line for index, line in enumerate(lines) if index not in reversed_ix]
    base_sum = ZERO
    other_sum = ZERO
    vetoed = False
    for line in kept:
        if line.category is Category.BASE:
            base_sum += line.points
        else:
            other_sum += line.points
        if line.category is Category.VETO:
            vetoed = True
    base_component = base_start + base_sum
    if base_component < 0:
        base_component = ZERO
    total = base_component + other_sum
    if floor and total < 0:
        total = ZERO
    return base_component, total, vetoed


@SETTINGS
@given(ledger=ledger_with_reversals(), base_start=BASE_STARTS, floor=st.booleans())
def test_points_total_is_base_component_plus_other_lines(ledger, base_start, floor):
    lines, reversed_ix, shuffled = ledger
    rules = dataclasses.replace(VILLAGE, floor_total_at_zero=floor)
    start = VILLAGE.base_points if base_start is None else base_start
    base_component, total, vetoed = expected_year(lines, reversed_ix, start, floor)

    score = score_member_year(rules, "m", shuffled, base_start=base_start)

    assert score.base_start == start
    assert score.base_component == base_component
    assert ZERO <= score.base_component <= start
    assert score.vetoed is vetoed
    if vetoed:
        assert score.points_total == ZERO
        assert score.final_total == ZERO
        assert score.stars == 0
        assert score.grade == "一票否决"
    else:
        assert score.points_total == total
        assert score.final_total == total  # village_100 has no appraisal
        if floor:
            assert score.points_total >= 0
    # months add up to the sum of all entries (reversals included, they net out)
    assert sum(score.by_month.values(), ZERO) == sum((line.points for line in shuffled), ZERO)


@SETTINGS
@given(lines=st.lists(ledger_line(), max_size=25), extra=ledger_line(), where=st.integers(0, 25), data=st.data())
def test_line_and_its_reversal_net_to_zero_in_every_month(lines, extra, where, data):
    with_pair = list(lines)
    with_pair.insert(min(where, len(with_pair)), extra)
    with_pair.insert(data.draw(st.integers(0, len(with_pair))), reversal_of(extra))

    before = score_member_year(VILLAGE, "m", lines)
    after = score_member_year(VILLAGE, "m", with_pair)

    for month in range(1, 13):
        assert after.month_total(month) == before.month_total(month), month
    for quarter in range(1, 5):
        assert after.quarter_total(quarter) == before.quarter_total(quarter)
    for category in Category:
        assert after.by_category.get(category, ZERO) == before.by_category.get(category, ZERO)
    assert after.base_component == before.base_component
    assert after.points_total == before.points_total
    assert after.final_total == before.final_total
    assert after.vetoed == before.vetoed
    assert after.stars == before.stars
    assert after.grade == before.grade


@SETTINGS
@given(lines=st.lists(ledger_line(), max_size=25), veto=st.sampled_from(VETO_ITEMS), day=YEAR_DATES)
def test_unreversed_veto_always_zeroes(lines, veto, day):
    veto_line = LedgerLine("m", veto.code, veto.category, day, ZERO)
    score = score_member_year(VILLAGE, "m", lines + [veto_line])
    assert score.vetoed is True
    assert score.points_total == ZERO
    assert score.final_total == ZERO
    assert score.stars == 0
    assert score.grade == "一票否决"


@SETTINGS
@given(lines=st.lists(ledger_line(), max_size=25), month=st.integers(1, 12))
def test_year_to_date_only_counts_months_up_to(lines, month):
    early = [line for line in lines if line.occurred_on.month <= month]
    to_date = score_member_year(VILLAGE, "m", lines, up_to=Month(2026, month))
    only_early = score_member_year(VILLAGE, "m", early)
    assert to_date.points_total == only_early.points_total
    assert to_date.vetoed == only_early.vetoed
    for m in range(month + 1, 13):
        assert to_date.month_total(m) == ZERO


# ---- pricing: caps are never exceeded ------------------------------------------------------


def bounds(period: CapPeriod, day: date) -> tuple[date, date]:
    if period is CapPeriod.MONTH:
        start = date(day.year, day.month, 1)
        end = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    elif period is CapPeriod.QUARTER:
        first = (day.month - 1) // 3 * 3 + 1
        start = date(day.year, first, 1)
        end = date(day.year + 1, 1, 1) if first == 10 else date(day.year, first + 3, 1)
    else:
        start, end = date(day.year, 1, 1), date(day.year + 1, 1, 1)
    return start, end  # end is exclusive


def assert_caps_hold(rule_set, counted):
    for line in counted:
        item = rule_set.item(line.item_code)
        if item.cap is not None:
            start, end = bounds(item.cap_period, line.occurred_on)
            used = ZERO
            for other in counted:
                if other.item_code == item.code and start <= other.occurred_on < end:
                    used += other.points
            assert used * (item.sign or 1) <= item.cap, (item.code, start, used)
        cap = rule_set.category_cap(line.category)
        if cap is not None and not line.outside_cap:
            start, end = bounds(cap.period, line.occurred_on)
            used = ZERO
            for other in counted:
                if other.category is line.category and not other.outside_cap and start <= other.occurred_on < end:
                    used += other.points
            assert used <= cap.cap, (line.category, start, used)


ODD_QUANTITIES = st.one_of(
    st.sampled_from([D("0"), D("-1"), D("1.5"), D("2")]),
    st.decimals(D("-2"), D("12"), places=1),
)


def capped_first(rule_set):
    """Items that can hit an item or category cap appear three times, so caps are reached often."""
    weighted = []
    for item in rule_set.items:
        capped = item.cap is not None or (rule_set.category_cap(item.category) and not item.outside_cap)
        weighted += [item] * (3 if capped else 1)
    return weighted


@st.composite
def request(draw, rule_set):
    if draw(st.integers(0, 9)) == 0:
        return ("reverse", draw(st.integers(0, 10_000)))
    item = draw(st.sampled_from(capped_first(rule_set)))
    if draw(st.integers(0, 9)):
        day = draw(YEAR_DATES)
    else:
        day = draw(st.dates(date(2025, 11, 1), date(2027, 2, 28)))
    odd = draw(st.integers(0, 5)) == 0  # one request in six is deliberately malformed
    if item.value_kind is ValueKind.RANGE:
        if odd:
            chosen = draw(st.one_of(st.none(), st.decimals(D("-12"), D("12"), places=2)))
            quantity = draw(st.sampled_from([D("1"), D("2"), D("0")]))
        else:
            chosen = draw(st.decimals(item.min_value, item.max_value, places=2))
            quantity = D("1")
    elif odd:
        quantity = draw(ODD_QUANTITIES)
        chosen = draw(st.one_of(st.none(), st.decimals(D("-12"), D("12"), places=2)))
    elif item.value_kind is ValueKind.FIXED:
        quantity, chosen = D(draw(st.integers(1, 3))), None
    else:
        quantity, chosen = draw(st.decimals(D("0.5"), D("8"), places=1)), None
    return ("price", item.code, day, quantity, chosen)


@st.composite
def pricing_stream(draw):
    rule_set = draw(st.sampled_from([VILLAGE, POST_DUTY]))
    member_class = draw(
        st.sampled_from([MemberClass.NO_POST, MemberClass.NO_POST, MemberClass.IN_SERVICE, *MemberClass])
    )
    today = draw(st.sampled_from([date(2026, 12, 31), date(2026, 12, 31), date(2026, 9, 30)]))
    requests = draw(st.lists(request(rule_set), min_size=10, max_size=60))
    return rule_set, member_class, today, requests


@SETTINGS
@given(stream=pricing_stream())
def test_accepted_entries_never_exceed_any_cap(stream):
    rule_set, member_class, today, requests = stream
    member = MemberFacts("张三", member_class)
    counted: list[CountedLine] = []
    reversible: list[int] = []  # indices in counted of accepted, not yet reversed entries
    for req in requests:
        if req[0] == "reverse":
            if reversible:
                original = counted[reversible.pop(req[1] % len(reversible))]
                counted.append(dataclasses.replace(original, points=-original.points))
            continue
        _, code, day, quantity, chosen = req
        item = rule_set.item(code)
        try:
            value = price_entry(rule_set, item, member, day, quantity, chosen, counted, today)
        except ValidationError as exc:  # RuleViolation and CapExceeded are ValidationErrors
            assert exc.message
            if isinstance(exc, CapExceeded):
                assert exc.allowed >= 0
            continue
        # an accepted entry is within the year, not in the future, and worth what the item says
        assert day.year == 2026 and day <= today
        assert value == value.quantize(D("0.01"))
        if item.value_kind is ValueKind.RANGE:
            assert item.min_value <= value <= item.max_value
        else:
            assert value == (item.value * quantity).quantize(D("0.01"))
        counted.append(CountedLine(code, item.category, day, value, item.outside_cap))
        reversible.append(len(counted) - 1)
        assert_caps_hold(rule_set, counted)
    assert_caps_hold(rule_set, counted)
