"""partners/selectors.py::audit_list"""

from allied.partners.selectors import audit_list
from allied.partners.services import partner_update


def test_partner_page_shows_that_partners_events(world):
    partner_update(actor=world.b_admin, partner=world.partner_b, data={"city": "Lyon"})
    partner_update(actor=world.a_admin, partner=world.partner_a, data={"city": "Oslo"})
    events = list(audit_list(actor=world.b_admin, partner=world.partner_b))
    assert [e.after for e in events] == [{"city": "Lyon"}]


def test_foreign_partner_history_is_empty_not_leaked(world):
    partner_update(actor=world.a_admin, partner=world.partner_a, data={"city": "Oslo"})
    assert list(audit_list(actor=world.b_admin, partner=world.partner_a)) == []
    # a distributor may read its sub-partner's history
    partner_update(actor=world.a1_admin, partner=world.partner_a1, data={"city": "Bergen"})
    assert audit_list(actor=world.a_admin, partner=world.partner_a1).count() == 1


def test_whole_trail_is_vendor_only(world):
    partner_update(actor=world.a_admin, partner=world.partner_a, data={"city": "Oslo"})
    assert audit_list(actor=world.finance).count() == 1
    assert audit_list(actor=world.a_admin).count() == 0
