"""partners/selectors.py::partner_get"""

import pytest

from allied.core.errors import NotFound
from allied.partners.selectors import partner_get


def test_partner_user_gets_own_partner(world):
    assert partner_get(actor=world.b_admin, public_id=world.partner_b.public_id) == world.partner_b


def test_foreign_partner_answers_like_a_missing_one(world):
    with pytest.raises(NotFound) as foreign:
        partner_get(actor=world.b_admin, public_id=world.partner_a.public_id)
    with pytest.raises(NotFound) as missing:
        partner_get(actor=world.b_admin, public_id="ptn_0000000000000000")
    assert str(foreign.value) == str(missing.value) == "partner not found"
    assert foreign.value.status == 404


def test_distributor_gets_sub_partner_but_sub_partner_cannot_get_distributor(world):
    assert partner_get(actor=world.a_sales, public_id=world.partner_a1.public_id) == world.partner_a1
    with pytest.raises(NotFound):
        partner_get(actor=world.a1_admin, public_id=world.partner_a.public_id)
    with pytest.raises(NotFound):
        partner_get(actor=world.a_admin, public_id=world.partner_b.public_id)


def test_vendor_gets_any_partner(world):
    for p in (world.partner_a, world.partner_a1, world.partner_b):
        assert partner_get(actor=world.finance, public_id=p.public_id) == p
