"""The Odoo-style lottery reproduces Odoo's widening boxes, fallbacks and weighted draw."""

from collections import Counter

from allied.routing import odoo_lottery

from .conftest import lead, partner

AT = dict(lat=50.0, lon=10.0)


def draw(leads, partners, seed=1, **kw):
    return odoo_lottery(leads, partners, seed, **kw)


def pick(leads, partners):
    """(partner drawn, step) for the first lead."""
    d = draw(leads, partners)[0]
    return d.partner_id, d.step


def test_box_widening_steps():
    box1 = partner("box1", lat=51.5, lon=11.0)  # within ±2° lat, ±1.5° lon
    box2 = partner("box2", lat=53.0, lon=12.5)  # within ±4°, ±3°
    box3 = partner("box3", lat=56.0, lon=17.0)  # within ±8°, ±8°
    country = partner("country", lat=35.0, lon=30.0)  # same country, outside every box
    abroad = partner("abroad", country="FR", lat=50.5, lon=10.5)  # nearest, but another country
    assert pick([lead(**AT)], [box1, box2, box3, country, abroad]) == ("box1", 1)
    assert pick([lead(**AT)], [box2, box3, country, abroad]) == ("box2", 2)
    assert pick([lead(**AT)], [box3, country, abroad]) == ("box3", 3)
    assert pick([lead(**AT)], [country, abroad]) == ("country", 4)
    assert pick([lead(**AT)], [abroad, partner("far", country="FR", lat=40.0, lon=0.0)]) == ("abroad", 5)


def test_box_edges_are_strict():
    edge = partner("edge", lat=52.0, lon=10.0)  # exactly +2° latitude: outside box 1, inside box 2
    assert draw([lead(**AT)], [edge])[0].step == 2


def test_partners_without_coordinates_only_count_in_the_whole_country_step():
    blind = partner("blind", lat=None, lon=None)
    assert pick([lead(**AT)], [blind]) == ("blind", 4)


def test_decliners_and_zero_weights_are_never_drawn():
    a, b = partner("a", lat=50.1, lon=10.1), partner("b", lat=50.2, lon=10.2, tier="Registered")
    got = draw([lead(**AT, declined_by={"a"})], [a, b])[0]
    assert got.partner_id == "b"
    got = draw([lead(**AT)], [a, b], weights={"Gold": 1, "Registered": 0})[0]
    assert got.partner_id == "a" and got.pool == 1


def test_leads_without_country_or_coordinates_are_not_assigned():
    p = partner("p")
    got = draw([lead("x", lat=None, lon=None), lead("y", country=""), lead("z", lat=0.0, lon=0.0)], [p])
    assert [(d.partner_id, d.step) for d in got] == [(None, 0), (None, 0), (None, 0)]


def test_draw_is_weighted_by_tier_and_ignores_capacity():
    gold = partner("gold", tier="Gold", tier_rank=3, lat=50.1, lon=10.1, capacity=1)
    reg = partner("reg", tier="Registered", tier_rank=1, lat=50.2, lon=10.2, capacity=1)
    leads = [lead(f"l{i}", **AT) for i in range(4000)]
    counts = Counter(d.partner_id for d in draw(leads, [gold, reg], seed=3))
    assert 0.72 < counts["gold"] / 4000 < 0.78  # weight 3 of 4
    assert counts["reg"] > 1  # far beyond its capacity of 1
    assert draw(leads[:50], [gold, reg], seed=3) == draw(leads[:50], [reg, gold], seed=3)  # reproducible by seed
