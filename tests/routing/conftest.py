"""Small routing instances for the tests: a few cities, partners around them, leads near them."""

import random
from datetime import datetime, timedelta

import pytest

from allied.routing import Lead, PartnerProfile, RoutingRules

NOW = datetime(2025, 3, 3, 12, 0)
CITIES = [("DE", "DE-BE", 52.52, 13.40), ("DE", "DE-BY", 48.14, 11.58), ("FR", "FR-IDF", 48.86, 2.35),
          ("US", "US-NY", 40.71, -74.01), ("US", "US-MA", 42.36, -71.06)]
TIERS = [("Registered", 1), ("Silver", 2), ("Gold", 3), ("Platinum", 4)]
SPECIALTIES = ["security", "cloud", "data"]
PRODUCTS = ["EDR", "SIEM", "Backup", "IAM"]


def partner(pid, **kw) -> PartnerProfile:
    defaults = dict(partner_type="reseller", tier="Gold", tier_rank=3, country="DE", lat=52.52, lon=13.40, capacity=10)
    defaults.update(kw)
    return PartnerProfile(id=pid, **defaults)


def lead(lid="lead_1", **kw) -> Lead:
    defaults = dict(country="DE", lat=52.50, lon=13.35)
    defaults.update(kw)
    return Lead(id=lid, **defaults)


def instance(n_leads: int, n_partners: int, seed: int, *, capacity: tuple[int, int] = (1, 4)):
    rng = random.Random(seed)
    partners = []
    for i in range(n_partners):
        country, region, lat, lon = rng.choice(CITIES)
        tier, rank = rng.choice(TIERS)
        offered = rng.choice([0, 3, 20, 100])
        accepted = rng.randint(0, offered)
        cap = rng.randint(*capacity)
        partners.append(partner(
            f"p{i:03d}", partner_type=rng.choice(["reseller", "reseller", "msp", "distributor"]), tier=tier, tier_rank=rank,
            country=country, regions=frozenset({region}) if rng.random() < 0.2 else frozenset(),
            lat=lat + rng.gauss(0, 0.3), lon=lon + rng.gauss(0, 0.3),
            service_radius_km=rng.choice([None, None, 60.0, 150.0]),
            specialties=frozenset(rng.sample(SPECIALTIES, rng.randint(0, 2))),
            products=frozenset(rng.sample(PRODUCTS, rng.randint(0, 3))),
            capacity=cap, open_leads=rng.randint(0, cap), offered=offered, accepted=accepted,
            converted=rng.randint(0, accepted),
            last_assigned_at=None if offered == 0 else NOW - timedelta(hours=rng.randint(1, 200)),
            assigned_count=offered,
        ))
    leads = []
    for i in range(n_leads):
        country, region, lat, lon = rng.choice(CITIES)
        coords = rng.random() < 0.9
        leads.append(lead(
            f"l{i:04d}", country=country, region=region, lat=lat + rng.gauss(0, 0.4) if coords else None,
            lon=lon + rng.gauss(0, 0.4) if coords else None, specialty=rng.choice(SPECIALTIES + [""]),
            products=tuple(rng.sample(PRODUCTS, rng.randint(0, 2))),
            declined_by=frozenset({f"p{rng.randrange(n_partners):03d}"}) if rng.random() < 0.1 else frozenset(),
        ))
    return partners, leads


@pytest.fixture
def rules() -> RoutingRules:
    return RoutingRules(max_distance_km=120, allowed_partner_types=frozenset({"reseller", "msp"}), now=NOW)
