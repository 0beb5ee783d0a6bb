"""Opening files: a new one is created at the newest schema, others are refused or migrated safely."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.domain.errors import SchemaTooNew, StoreError
from db import schema
from db.schema import APPLICATION_ID, head_revision
from db.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_new_file_gets_the_newest_schema(db_path):
    with Store.open_file(db_path) as store:
        assert store.schema.migrated and store.schema.previous_revision is None
        assert store.schema.current_revision == head_revision()
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(schema.known_revisions())
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    triggers = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert {"points_entries_no_delete", "points_entries_no_rewrite", "audit_log_no_update"} <= triggers
    raw.close()


def test_reopening_changes_nothing(db_path):
    Store.open_file(db_path).close()
    with Store.open_file(db_path) as store:
        assert not store.schema.migrated
        assert store.schema.safety_copy is None


def test_connections_have_foreign_keys_and_busy_timeout(store):
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_newer_schema_is_refused_and_left_alone(db_path):
    Store.open_file(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNew) as caught:
        Store.open_file(db_path)
    assert "升级" in caught.value.message
    assert db_path.read_bytes() == before


def test_foreign_sqlite_file_is_refused(db_path):
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError) as caught:
        Store.open_file(db_path)
    assert "不是本程序" in caught.value.message


def test_garbage_file_is_refused(db_path):
    db_path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError) as caught:
        Store.open_file(db_path)
    assert "损坏" in caught.value.message


def test_folder_instead_of_file_is_refused(tmp_path):
    with pytest.raises(StoreError) as caught:
        Store.open_file(tmp_path)
    assert "文件夹" in caught.value.message


def _scripts_with(tmp_path: Path, extra_revision: str) -> Path:
    folder = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    text = extra_revision.replace("HEAD", head_revision())
    (folder / "versions" / "9001_test.py").write_text(text, encoding="utf-8")
    return folder


NEXT_REVISION = '''
from alembic import op
import sqlalchemy as sa

revision = "9001"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("notes_for_test", sa.Column("id", sa.Integer, primary_key=True))
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("nickname", sa.String(20), nullable=True))
'''

FAILING_REVISION = '''
from alembic import op
import sqlalchemy as sa

revision = "9001"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    raise RuntimeError("simulated failure half-way through a migration")
'''


def test_older_file_is_copied_then_migrated_without_losing_rows(tmp_path, monkeypatch, db_path):
    from conftest import add
    from app.services import organisation
    from app.services.accounts import operators

    head = head_revision()
    with Store.open_file(db_path) as store:
        admin = operators.ensure_admin(store)
        organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", [])
        add(store, admin, "张三")
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", _scripts_with(tmp_path, NEXT_REVISION))
    with Store.open_file(db_path) as store:
        report = store.schema
        assert (report.previous_revision, report.current_revision, report.migrated) == (head, "9001", True)
        assert report.safety_copy is not None and report.safety_copy.exists()
        with store.engine.connect() as connection:
            # The batch recreation of `members` must not cascade into its children.
            assert connection.execute(text("SELECT count(*) FROM members")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM member_events")).scalar() == 1
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    copy = sqlite3.connect(report.safety_copy)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
    assert copy.execute("SELECT count(*) FROM members").fetchone()[0] == 1
    copy.close()


def test_failed_migration_rolls_back_whole(tmp_path, monkeypatch, db_path):
    Store.open_file(db_path).close()
    head = head_revision()
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", _scripts_with(tmp_path, FAILING_REVISION))
    with pytest.raises(StoreError) as caught:
        Store.open_file(db_path)
    assert "撤销" in caught.value.message
    raw = sqlite3.connect(db_path)
    assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
    tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    raw.close()


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema-*.db")), ids=lambda p: p.name)
def test_every_released_schema_opens_and_checks_clean(tmp_path, fixture):
    from app.services import check
    from app.services.totals import ranking as totals

    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    with Store.open_file(copy) as store:
        assert store.schema.current_revision == head_revision()
        assert check.check_store(store).ok
        ranking = totals.branch_ranking(store, 2026)
        assert len(ranking.rows) == 36
        if fixture.name >= "schema-0002":
            from app.domain.rating import RoundStatus
            from app.services.rating.queries import load_view

            view = load_view(store, 2026)
            assert view.status is RoundStatus.PUBLICISING and len(view.objections) == 1
    # word for word as a new file's: alembic's comparison with the models cannot see a partial
    # index's WHERE (ix_audit_log_acts), which the 操作日志's plan depends on
    new = tmp_path / "new.db"
    Store.open_file(new).close()
    assert _index_sql(copy) == _index_sql(new)


def _index_sql(path) -> dict[str, str]:
    from contextlib import closing

    with closing(sqlite3.connect(path)) as raw:
        return dict(raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_the_kept_sums_are_clustered_by_their_key_in_new_and_upgraded_files(tmp_path):
    """The month and year sums are tables without rowid (a ranking reads them in key order with no
    row lookup), in a new file and in one upgraded from 0008; the models cannot say so to Alembic's
    comparison, so it is read from SQLite itself."""
    from contextlib import closing

    upgraded = tmp_path / "upgraded.db"
    shutil.copy(FIXTURES / "schema-0008.db", upgraded)
    for path in (tmp_path / "new.db", upgraded):
        Store.open_file(path).close()
        with closing(sqlite3.connect(path)) as raw:
            without_rowid = dict(raw.execute("SELECT name, wr FROM pragma_table_list WHERE name LIKE 'member_%_sums'"))
        assert without_rowid == {"member_month_sums": 1, "member_year_sums": 1}, path.name


def test_a_fixture_exists_for_the_current_schema():
    assert (FIXTURES / f"schema-{head_revision()}.db").exists()


def test_migrations_build_exactly_what_the_models_declare(store, tmp_path):
    """A model change without its migration (or the reverse) shows up here as a difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import db.rating_models  # noqa: F401
    import db.practice_models  # noqa: F401
    import db.shop_models  # noqa: F401
    from db.base import Base

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    # nor a partial index's WHERE, which it does not compare: the models' own DDL, word for word
    declared = tmp_path / "declared.db"
    engine = create_engine(f"sqlite:///{declared}")
    Base.metadata.create_all(engine)
    engine.dispose()
    assert _index_sql(declared) == _index_sql(store.path)
