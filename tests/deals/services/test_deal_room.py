"""Multi-partner deals: roles and credit splits that sum to exactly 100 %, a deal room only its parties reach."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.deals import selectors
from allied.deals.services import deal_register, file_add, note_add, participants_set
from tests.conftest import make_partner, make_user
from tests.factories import deal_data

pytestmark = pytest.mark.django_db


def _team(world, b_share="33.33", a_share="33.33", c_share="33.34"):
    c = make_partner("Charlie Cloud", "msp")
    return c, [
        {"partner": world.partner_a, "role": "sourcing", "split_pct": a_share},
        {"partner": world.partner_b, "role": "implementing", "split_pct": b_share},
        {"partner": c, "role": "influencing", "split_pct": c_share},
    ]


def test_splits_must_sum_to_exactly_one_hundred(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    _, rows = _team(world, c_share="33.33")
    with pytest.raises(DomainError) as exc:
        participants_set(actor=world.cam, deal=deal, participants=rows)
    assert "99.99" in exc.value.message
    _, rows = _team(world)
    saved = participants_set(actor=world.cam, deal=deal, participants=rows)
    assert sum(p.split_pct for p in saved) == Decimal("100.00")


def test_registering_partner_stays_the_sourcing_partner(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    with pytest.raises(DomainError):
        participants_set(actor=world.cam, deal=deal, participants=[{"partner": world.partner_b, "role": "sourcing", "split_pct": "100"}])
    with pytest.raises(PermissionDenied):
        participants_set(actor=world.a_admin, deal=deal, participants=[{"partner": world.partner_a, "role": "sourcing", "split_pct": "100"}])


def test_deal_room_is_visible_to_the_parties_only(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    c, rows = _team(world)
    participants_set(actor=world.cam, deal=deal, participants=rows)
    outsider_partner = make_partner("Delta Data", "si")
    outsider = make_user("sales@delta.example", "partner_sales", outsider_partner)
    note_add(actor=world.b_sales, deal=deal, body="Implementation plan attached")
    file_add(actor=world.cam, deal=deal, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf"))
    assert selectors.deal_get(actor=world.b_marketing, public_id=deal.public_id) == deal
    assert [n.body for n in selectors.note_list(actor=world.b_sales, deal=deal)] == ["Implementation plan attached"]
    with pytest.raises(NotFound):
        selectors.deal_get(actor=outsider, public_id=deal.public_id)
    with pytest.raises(NotFound):
        selectors.note_list(actor=outsider, deal=deal)
    with pytest.raises(PermissionDenied):
        note_add(actor=outsider, deal=deal, body="let me in")
    with pytest.raises(NotFound):
        selectors.conflict_list(actor=world.b_sales, deal=deal)  # evidence is vendor-only


@pytest.mark.parametrize("name,content,ctype", [
    ("evil.exe", b"MZ...", "application/octet-stream"),
    ("fake.pdf", b"<html>", "application/pdf"),
    ("empty.txt", b"", "text/plain"),
])
def test_bad_files_are_refused(world, name, content, ctype):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    with pytest.raises(DomainError) as exc:
        file_add(actor=world.a_sales, deal=deal, upload=SimpleUploadedFile(name, content, content_type=ctype))
    assert exc.value.field == "file"


def test_a_note_reaches_the_other_parties_not_its_author(world):
    from tests.factories import outbox_to

    deal = deal_register(actor=world.a_sales, data=deal_data())
    _, rows = _team(world)
    participants_set(actor=world.cam, deal=deal, participants=rows)
    note_add(actor=world.b_sales, deal=deal, body="Kick-off on Monday")
    assert any("New note" in m.subject for m in outbox_to(world.cam.email))
    assert any("Kick-off on Monday" in m.body for m in outbox_to(world.a_sales.email))
    assert not [m for m in outbox_to(world.b_sales.email) if "New note" in m.subject]
    note_add(actor=world.cam, deal=deal, body="Pricing approved")
    assert any("Pricing approved" in m.body for m in outbox_to(world.b_admin.email))


def test_close_by_the_partner_tells_the_cam(world):
    from allied.deals.services import deal_close
    from tests.factories import outbox_to

    deal = deal_register(actor=world.a_sales, data=deal_data())
    deal_close(actor=world.a_sales, deal=deal, won=True)
    assert any("Deal closed won" in m.subject for m in outbox_to(world.cam.email))
