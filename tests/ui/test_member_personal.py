"""The member dialog shows personal data masked until an account with the right asks (audited)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from app.domain.enums import Role
from app.services.roster import members, queries
from db.models import AuditRecord

pytestmark = pytest.mark.gui


@pytest.fixture
def page(demo_window):
    return demo_window.show_page("members")


def _someone(page):
    store, admin = page.ctx.store, page.ctx.actor
    row = next(r for r in members.list_members(store, actor=admin) if r.id_number and r.phone)
    page.search.setText(row.name_pinyin)
    page.refresh()
    assert page.select_member_named(row.name)
    return row


def _audited(store, action):
    with store.session() as session:
        return session.scalars(select(AuditRecord).where(AuditRecord.action == action)).all()


def test_personal_data_shows_masked_and_a_save_keeps_it(page):
    store = page.ctx.store
    row = _someone(page)
    dialog = page.edit_member()
    assert dialog.id_edit.text() == row.id_number[:6] + "********" + row.id_number[-4:]
    assert dialog.phone_edit.text() == row.phone[:3] + "****" + row.phone[-4:]
    assert dialog.id_edit.isReadOnly() and not dialog.birth_edit.isEnabled()
    assert dialog.birth_edit.placeholderText() == f"{row.birth_date.year}年"
    dialog.post_edit.setText("环境监督岗")
    dialog.save_button.click()
    assert not dialog.isVisible()
    kept = members.get_member(store, row.id, page.ctx.actor)
    assert (kept.id_number, kept.phone, kept.birth_date, kept.post_title) == (row.id_number, row.phone, row.birth_date, "环境监督岗")
    assert _audited(store, "reveal") == []


def test_revealing_is_audited_and_the_full_values_can_be_changed(page):
    store = page.ctx.store
    row = _someone(page)
    dialog = page.edit_member()
    assert dialog.reveal_button.isVisible() and dialog.reveal_button.isEnabled()
    dialog.reveal_button.click()
    assert dialog.id_edit.text() == row.id_number and not dialog.id_edit.isReadOnly()
    assert dialog.birth_edit.date_value() == row.birth_date
    dialog.phone_edit.setText("13900139000")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert members.get_member(store, row.id, page.ctx.actor).phone == "13900139000"
    (revealed,) = _audited(store, "reveal")
    assert row.name in revealed.summary
    (updated,) = [a for a in _audited(store, "update") if a.entity_id == row.id]
    assert updated.details["changed"] == {"phone": [row.phone[:3] + "****" + row.phone[-4:], "139****9000"]}


def test_an_account_without_the_right_cannot_reveal(page, monkeypatch):
    viewer = dataclasses.replace(page.ctx.actor, roles=frozenset({Role.VIEWER}))
    monkeypatch.setattr(page.ctx, "actor", viewer)
    row = _someone(page)
    form = queries.member_input_for(page.ctx.store, row.id, keep_personal=True)
    assert form.id_number == "" and form.keep_personal
    dialog = page.edit_member()
    assert dialog.reveal_button.isVisible() and not dialog.reveal_button.isEnabled()
    dialog.reject()


def test_a_full_id_number_typed_in_the_search_box_finds_the_member(page):
    row = next(r for r in members.list_members(page.ctx.store, actor=page.ctx.actor) if r.id_number)
    page.search.setText(row.id_number.lower())
    page.refresh()
    assert [page.model.row_at(r).name for r in range(page.model.rowCount())] == [row.name]
    page.search.setText(row.id_number[:10])  # part of a number finds nobody: only whole ones are looked up
    page.refresh()
    assert page.model.rowCount() == 0
