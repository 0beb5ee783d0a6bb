"""Shared fixtures for the domain tests: the shipped rule templates loaded as 2026 rule sets."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from app.domain.ruleset_format import rule_set_from_dict

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "resources" / "rule_templates"


def load_template_data(name: str) -> dict:
    with open(TEMPLATES / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="session")
def village():
    """Scheme A: 村党员百分制 (base 20 + duty 70 + bonus 10)."""
    return rule_set_from_dict(load_template_data("village_100"), 2026)


@pytest.fixture(scope="session")
def post_duty():
    """Scheme B: 无职党员设岗定责 (base 50 + duty 50 + bonus 20 per quarter, appraisal share 0.2)."""
    return rule_set_from_dict(load_template_data("post_duty"), 2026)


@pytest.fixture(scope="session")
def rural():
    """Scheme C: 农村党员积分制 (base 100, deductions, appraisal factor)."""
    return rule_set_from_dict(load_template_data("rural_deduction"), 2026)
