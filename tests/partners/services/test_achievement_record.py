"""partners/services.py::achievement_record"""

from decimal import Decimal

import pytest

from allied.core.errors import PermissionDenied
from allied.core.models import AuditEvent
from allied.partners.models import Achievement
from allied.partners.services import achievement_record


def test_records_a_won_deal_with_audit(world):
    ach = achievement_record(actor=world.cam, partner=world.partner_b, kind="deal_won", name="Acme renewal",
                             amount=Decimal("12500.50"))
    row = Achievement.objects.get(pk=ach.pk)
    assert row.partner == world.partner_b and row.kind == "deal_won"
    assert row.amount == Decimal("12500.50") and row.currency == "USD"
    assert row.occurred_at is not None
    event = AuditEvent.objects.get(action="achievement.recorded")
    assert event.partner_id == world.partner_b.pk
    assert event.after == {"kind": "deal_won", "name": "Acme renewal", "amount": "12500.50", "currency": "USD"}


def test_system_may_record(world):
    achievement_record(actor=None, partner=world.partner_b, kind="certification", name="Architect")
    assert AuditEvent.objects.get(action="achievement.recorded").actor_label == "system"


@pytest.mark.parametrize("who", ["b_admin", "pmm"])
def test_partner_users_and_non_managers_cannot_record(world, who):
    with pytest.raises(PermissionDenied):
        achievement_record(actor=getattr(world, who), partner=world.partner_b, kind="deal_won", amount=Decimal("1"))
    assert not Achievement.objects.exists()
