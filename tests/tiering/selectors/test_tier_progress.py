"""tiering/selectors.py::tier_progress"""

import pytest

from allied.core.errors import NotFound
from allied.tiering.selectors import tier_progress
from tests.factories import certification, deal_won, make_silver_worthy, set_tier, tier


def test_shows_next_tier_and_what_is_missing(world):
    # given B has one of the two deals Silver needs and no certification
    deal_won(world.partner_b, 55000)
    # when
    progress = tier_progress(actor=world.b_sales, partner=world.partner_b)
    # then
    assert progress.current == tier("Registered")
    assert progress.next_tier == tier("Silver")
    by_fact = {c.fact: c for c in progress.checks}
    assert set(by_fact) == {"deals_won_12m", "revenue_won_12m", "active_certifications"}
    assert by_fact["revenue_won_12m"].met
    assert by_fact["deals_won_12m"].text == "1 of 2 closed-won deals (trailing 12 months)"
    assert {c.fact for c in progress.missing} == {"deals_won_12m", "active_certifications"}
    assert progress.met_count == 1


def test_all_met_means_nothing_missing(world):
    make_silver_worthy(world.partner_b)
    progress = tier_progress(actor=world.cam, partner=world.partner_b)
    assert progress.missing == [] and progress.met_count == 3


def test_current_checks_show_whether_the_tier_is_kept(world):
    set_tier(world.partner_b, "Silver")
    certification(world.partner_b)
    progress = tier_progress(actor=world.admin, partner=world.partner_b)
    assert progress.next_tier == tier("Gold")
    kept = {c.fact: c.met for c in progress.current_checks}
    assert kept == {"active_certifications": True, "deals_won_12m": False, "revenue_won_12m": False}


def test_top_tier_has_no_next(world):
    set_tier(world.partner_b, "Platinum")
    progress = tier_progress(actor=world.b_admin, partner=world.partner_b)
    assert progress.next_tier is None and progress.checks == [] and progress.missing == []


def test_foreign_partner_is_not_found(world):
    with pytest.raises(NotFound):
        tier_progress(actor=world.b_admin, partner=world.partner_a)
    # a distributor may look at its sub-partner
    assert tier_progress(actor=world.a_admin, partner=world.partner_a1).next_tier == tier("Silver")
