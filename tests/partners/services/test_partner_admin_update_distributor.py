import pytest

from allied.core.errors import DomainError
from allied.partners.services import partner_admin_update
from allied.program.models import PartnerType


def test_distributor_with_sub_partners_keeps_its_type(world):
    # given partner A is a distributor with sub-partner A1
    reseller = PartnerType.objects.get(code="reseller")
    # when the vendor tries to make it a reseller
    with pytest.raises(DomainError) as exc:
        partner_admin_update(actor=world.admin, partner=world.partner_a, partner_type=reseller)
    # then it is refused, naming the field, and nothing changed
    assert exc.value.field == "partner_type"
    world.partner_a.refresh_from_db()
    assert world.partner_a.partner_type.code == "distributor"
