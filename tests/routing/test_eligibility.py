"""Eligibility: each filter the admin can switch on, with the reason a CAM reads ("why not X")."""

import numpy as np
import pytest

from allied.routing import (
    LeadArrays,
    PartnerTable,
    RoutingRules,
    all_edges,
    eligibility,
    route_one,
    unroutable_reason,
)

from .conftest import NOW, instance, lead, partner


def test_eligible_partner_has_no_reasons(rules):
    assert eligibility(lead(), partner("p1"), rules) == []


def test_territory_by_country():
    rules = RoutingRules()
    assert eligibility(lead(country="FR"), partner("p1", country="DE"), rules) == ["outside territory: serves DE (lead in FR)"]
    assert eligibility(lead(country="AT"), partner("p1", country="DE", countries={"DE", "AT"}), rules) == []
    assert eligibility(lead(country="FR"), partner("p1", country="DE"), RoutingRules(require_country=False)) == []


def test_territory_by_region_and_postcode():
    rules = RoutingRules(require_region=True, require_postcode=True)
    p = partner("p1", regions={"DE-BE"}, postcode_prefixes=("10", "12"))
    assert eligibility(lead(region="DE-BE", postcode="10115"), p, rules) == []
    assert eligibility(lead(region="DE-BY", postcode="80331"), p, rules) == [
        "region DE-BY not served (serves DE-BE)", "postcode 80331 not served (prefixes 10, 12)"]
    # Empty regions / prefixes mean "all of the served countries".
    assert eligibility(lead(region="DE-BY", postcode="80331"), partner("p2"), rules) == []


def test_distance_limit_and_service_radius():
    munich = dict(lat=48.14, lon=11.58)  # ~504 km from Berlin
    assert eligibility(lead(**munich), partner("p1"), RoutingRules(max_distance_km=300)) == [
        "504 km away (the maximum is 300 km)"]
    assert eligibility(lead(**munich), partner("p1", service_radius_km=100), RoutingRules()) == [
        "504 km away (serves within 100 km)"]
    assert eligibility(lead(**munich), partner("p1", service_radius_km=100), RoutingRules(respect_service_radius=False)) == []


def test_unknown_distance_is_eligible_unless_the_rules_need_coordinates():
    no_coords = lead(lat=None, lon=None)
    assert eligibility(no_coords, partner("p1"), RoutingRules(max_distance_km=100)) == []
    assert eligibility(no_coords, partner("p1"), RoutingRules(max_distance_km=100, unknown_distance_eligible=False)) == [
        "distance unknown (no coordinates) and the rules need one"]


def test_partner_type_and_minimum_tier():
    rules = RoutingRules(allowed_partner_types=frozenset({"reseller", "msp"}), min_tier_rank=2)
    assert eligibility(lead(), partner("p1", partner_type="distributor"), rules) == [
        "partner type distributor not allowed (allowed: msp, reseller)"]
    assert eligibility(lead(), partner("p1", tier="Registered", tier_rank=1), rules) == [
        "tier Registered below the minimum (rank 1 < 2)"]


def test_capacity_full():
    assert eligibility(lead(), partner("p1", capacity=10, open_leads=10), RoutingRules()) == [
        "at capacity (10/10 open leads)"]


def test_excluded_by_the_program_and_declined_by_the_partner():
    rules = RoutingRules(excluded_partner_ids=frozenset({"p1"}))
    assert eligibility(lead(), partner("p1"), rules) == ["excluded by the program"]
    assert eligibility(lead(declined_by={"p2"}), partner("p2"), RoutingRules()) == ["declined this lead"]


def test_required_specialty_and_products():
    rules = RoutingRules(require_specialty=True, require_products="all")
    p = partner("p1", specialties={"security"}, products={"EDR"})
    assert eligibility(lead(specialty="security", products=["EDR"]), p, rules) == []
    assert eligibility(lead(specialty="cloud", products=["EDR", "SIEM"]), p, rules) == [
        "does not cover cloud", "not certified in SIEM"]
    assert eligibility(lead(products=["EDR", "SIEM"]), p, RoutingRules(require_products="any")) == []


def test_routing_never_offers_an_ineligible_partner():
    rules = RoutingRules(max_distance_km=100, allowed_partner_types=frozenset({"reseller"}), min_tier_rank=2,
                         excluded_partner_ids=frozenset({"x1"}))
    partners = [
        partner("far", lat=48.14, lon=11.58), partner("type", partner_type="distributor"),
        partner("tier", tier="Registered", tier_rank=1), partner("full", capacity=3, open_leads=3),
        partner("x1"), partner("declined"), partner("abroad", country="FR"), partner("ok", lat=52.0, lon=13.0),
    ]
    got = route_one(lead(declined_by={"declined"}), partners, rules, runners_up=10)
    assert got.partner_id == "ok" and got.runners_up == () and got.eligible == 1
    nobody = route_one(lead(declined_by={"declined", "ok"}), partners, rules)
    assert nobody is None
    why = unroutable_reason(lead(declined_by={"declined", "ok"}), partners, rules)
    assert why.startswith("no eligible partner: ")
    for words in ("excluded by the program", "declined this lead", "partner type not allowed", "tier below the minimum",
                  "at capacity", "outside territory", "too far"):
        assert words in why


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reasons_agree_with_the_vector_kernel(seed):
    """The per-pair reasons and the vectorised batch eligibility are the same filters."""
    rules = RoutingRules(max_distance_km=150, allowed_partner_types=frozenset({"reseller", "msp"}), min_tier_rank=2,
                         require_region=True, require_products="any", now=NOW)
    partners, leads = instance(40, 30, seed)
    table = PartnerTable(partners, rules)
    arrays = LeadArrays(leads, table)
    rows, cols, _ = all_edges(table, arrays)
    kernel = set(zip(rows.tolist(), cols.tolist(), strict=True))
    for i, ld in enumerate(leads):
        for j, p in enumerate(table.candidates):
            assert ((i, j) in kernel) == (eligibility(ld, p, rules) == []), (ld, p, eligibility(ld, p, rules))
    assert np.unique(rows).size > 10  # the instance exercises both outcomes
