"""Every command in these tests logs in as the built-in administrator with the test password
(the fixtures' admin has it; `demo` gives it to the demo's accounts)."""

from __future__ import annotations

import os

import pytest

from app.cli.login import OPERATOR_ENV, PASSWORD_ENV
from conftest import TEST_PASSWORD


@pytest.fixture(scope="package", autouse=True)
def _logged_in_as_admin():
    saved = {name: os.environ.get(name) for name in (OPERATOR_ENV, PASSWORD_ENV)}
    os.environ[OPERATOR_ENV], os.environ[PASSWORD_ENV] = "admin", TEST_PASSWORD
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
