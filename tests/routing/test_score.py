"""Scores: the breakdown adds up, each factor means what the docs say, and the explanation reads well."""

from datetime import timedelta

import pytest

from allied.routing import DEFAULT_WEIGHTS, FACTORS, RoutingRules, haversine_km, score

from .conftest import NOW, lead, partner


def test_haversine_known_distances():
    assert haversine_km(52.52, 13.40, 48.14, 11.58) == pytest.approx(504, abs=1)  # Berlin - Munich
    assert haversine_km(40.71, -74.01, 51.51, -0.13) == pytest.approx(5570, abs=5)  # New York - London
    assert haversine_km(10, 20, 10, 20) == 0


def test_breakdown_adds_up_to_the_total():
    rules = RoutingRules(now=NOW)
    p = partner("p1", specialties={"security"}, products={"EDR"}, capacity=10, open_leads=3, offered=40, accepted=30,
                converted=12, last_assigned_at=NOW - timedelta(hours=30))
    s = score(lead(specialty="security", products=["EDR", "SIEM"]), p, rules)
    assert list(s.breakdown) == list(FACTORS)
    assert sum(s.breakdown.values()) == pytest.approx(s.total, abs=1e-3)
    assert 0 < s.total <= sum(DEFAULT_WEIGHTS.values())
    for factor, points in s.breakdown.items():
        assert 0 <= points <= rules.weight(factor)


def test_each_factor():
    rules = RoutingRules(now=NOW, distance_half_km=50, tier_priority={"Gold": 0.8})
    here = dict(lat=52.52, lon=13.40)
    s = score(lead(**here, specialty="security", products=["EDR", "SIEM"]),
              partner("p1", **here, specialties={"security"}, products={"EDR"}, capacity=10, open_leads=5), rules)
    assert s.breakdown["distance"] == pytest.approx(30.0)  # 0 km: all the distance points
    assert s.breakdown["fit"] == pytest.approx(20 * (1 + 0.5) / 2)  # specialty covered, 1 of 2 products
    assert s.breakdown["tier"] == pytest.approx(15 * 0.8)  # the tier's lead priority
    assert s.breakdown["acceptance"] == pytest.approx(10 * 0.7)  # no history: the program mean
    assert s.breakdown["conversion"] == pytest.approx(15 * 0.5)  # at the program mean: half the points
    assert s.breakdown["fairness"] == pytest.approx(10 * (0.5 * 0.5 + 0.5 * 1.0))  # half full, never assigned
    # Half the distance points at the half distance (great-circle km).
    lat = 52.52 + 50 / 111.195
    far = score(lead(lat=lat, lon=13.40), partner("p1", **here), rules)
    assert far.distance_km == pytest.approx(50, abs=0.1)
    assert far.breakdown["distance"] == pytest.approx(15.0, abs=0.05)
    # Unknown distance: a fixed share.
    assert score(lead(lat=None, lon=None), partner("p1"), rules).breakdown["distance"] == pytest.approx(30 * 0.3)


def test_small_samples_are_shrunk_toward_the_program_mean():
    rules = RoutingRules(prior_conversion=0.2, prior_acceptance=0.7, prior_strength=20)
    lucky = score(lead(), partner("p1", offered=1, accepted=1, converted=1), rules)
    assert lucky.conversion == pytest.approx((1 + 0.2 * 20) / (1 + 20), abs=1e-4)  # 24 %, not 100 %
    assert lucky.acceptance == pytest.approx((1 + 0.7 * 20) / (1 + 20), abs=1e-4)
    proven = score(lead(), partner("p2", offered=500, accepted=400, converted=200), rules)
    assert proven.conversion == pytest.approx((200 + 4) / (400 + 20), abs=1e-4)  # its own record dominates
    assert proven.breakdown["conversion"] > lucky.breakdown["conversion"]


def test_explanation_reads_like_a_cam_would_say_it():
    rules = RoutingRules()
    p = partner("p1", tier="Gold", lat=52.52, lon=13.40, capacity=10, open_leads=3, offered=100, accepted=80, converted=37,
                specialties={"security"})
    s = score(lead(lat=52.52 + 12 / 111.195, lon=13.40, specialty="security"), p, rules)
    assert s.explanation == "Gold, 12 km, 3/10 capacity, 41 % conversion, speaks to: security"
    newcomer = score(lead(lat=None, lon=None), partner("p2", tier="Silver", capacity=5), rules)
    assert newcomer.explanation == "Silver, distance unknown, 0/5 capacity, 20 % conversion (few leads yet)"
    assert s.as_dict()["explanation"] == s.explanation and s.as_dict()["breakdown"] == s.breakdown


def test_closer_partner_scores_higher_all_else_equal():
    rules = RoutingRules()
    near = score(lead(), partner("p1", lat=52.50, lon=13.30), rules)
    far = score(lead(), partner("p2", lat=51.50, lon=12.30), rules)
    assert near.total > far.total and near.breakdown["fit"] == far.breakdown["fit"]


def test_rules_refuse_unknown_factors_and_negative_weights():
    with pytest.raises(ValueError, match="unknown scoring factor"):
        RoutingRules(weights={"distance": 10, "charm": 5})
    with pytest.raises(ValueError, match="negative"):
        RoutingRules(weights={"distance": -1})
