"""Partners that receive leads: three US partners at different distances from New York and one in Berlin,
each with a seller; the world's own partners are paused so routing is deterministic."""

import pytest

from allied.leads.models import PartnerLeadSettings
from allied.leads.services import lead_create
from tests.conftest import make_partner, make_user
from tests.factories import lead_data


@pytest.fixture
def field(world):
    from allied.program.models import Tier

    tiers = list(Tier.objects.order_by("rank"))
    near = make_partner("Near Gold", "reseller", cam=world.cam, tier=tiers[-2], specialties=["security"])
    far = make_partner("Far Silver", "reseller", cam=world.cam, tier=tiers[1])
    third = make_partner("Third Registered", "msp", cam=world.cam)
    for p, lat, lon in ((near, 40.75, -73.99), (far, 41.88, -87.63), (third, 34.05, -118.24)):
        PartnerLeadSettings.objects.create(partner=p, lat=lat, lon=lon, capacity=5)
    for p in (world.partner_a, world.partner_a1, world.partner_b):
        PartnerLeadSettings.objects.create(partner=p, paused=True)
    sales = {key: make_user(f"sales@{p.name.split()[0].lower()}.example", "partner_sales", p)
             for key, p in (("near", near), ("far", far), ("third", third))}
    marketing = make_user("marketing@near.example", "partner_marketing", near)
    return {"near": near, "far": far, "third": third, "sales": sales, "marketing": marketing}


def nyc_lead(actor, **kw):
    """A lead in New York about security: it goes to Near Gold."""
    return lead_create(actor=actor, data=lead_data(lat=40.71, lon=-74.0, specialty="security", **kw))
