"""The open-source peer, reproduced for comparison: Odoo's reseller assignment.

Odoo (``website_crm_partner_assign``, ``crm.lead.search_geo_partner``) assigns a lead to a
partner by a weighted lottery. For a lead with a country and coordinates it looks for partners
with ``partner_weight > 0`` (the weight comes from the partner's grade, i.e. tier), not among
the lead's decliners, in widening boxes around the lead:

1. same country, latitude ±2°, longitude ±1.5° (strict inequalities);
2. same country, latitude ±4°, longitude ±3°;
3. same country, latitude ±8°, longitude ±8°;
4. anywhere in the same country (coordinates not needed);
5. the one partner closest in plain degrees (``point(lon, lat) <-> point(lon, lat)``), in any
   country, among partners with coordinates;

and draws one of the first non-empty set with probability proportional to the weight
(``random.choices``). Leads without a country or without coordinates are not assigned (Odoo
tries to geocode them first; there is no geocoder here). No capacity, skills, SLA or
reproducibility: Odoo draws from the process-wide random generator. Here the draw uses
``random.Random(seed)`` over leads in the order given and partners in id order (Odoo's order is
the partner table's), so a benchmark can repeat it.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .model import Lead, PartnerProfile

#: (half-height in latitude degrees, half-width in longitude degrees) of Odoo's boxes.
BOXES: tuple[tuple[float, float], ...] = ((2.0, 1.5), (4.0, 3.0), (8.0, 8.0))


@dataclass(slots=True, frozen=True)
class Draw:
    lead_id: Hashable
    partner_id: Hashable | None
    step: int  # 1-3: box, 4: whole country, 5: nearest anywhere, 0: not assigned
    pool: int  # how many partners were in the draw


def odoo_lottery(
    leads: Sequence[Lead],
    candidates: Sequence[PartnerProfile],
    seed: int,
    *,
    weights: Mapping[str, float] | None = None,
) -> list[Draw]:
    """One ``Draw`` per lead, in order. ``weights`` maps tier name -> Odoo's grade weight
    (default: the tier rank); partners with weight 0 are never drawn. A partner's country is its
    address ``country`` (Odoo's ``country_id``), not the countries it serves."""
    cands = sorted(candidates, key=lambda c: c.id)
    ids = [c.id for c in cands]
    index = {pid: i for i, pid in enumerate(ids)}
    w = np.array([float(weights.get(c.tier, 0) if weights is not None else c.tier_rank) for c in cands])
    lat = np.array([np.nan if c.lat is None else c.lat for c in cands])
    lon = np.array([np.nan if c.lon is None else c.lon for c in cands])
    home = np.array([c.country or (min(c.countries) if c.countries else "") for c in cands], dtype=object)
    has_coords = ~np.isnan(lat)
    by_country: dict[str, np.ndarray] = {}
    for country in set(home.tolist()):
        by_country[country] = np.flatnonzero((home == country) & (w > 0))
    with_coords = np.flatnonzero(has_coords & (w > 0))
    weight_list = w.tolist()
    rng = random.Random(seed)

    out = []
    for lead in leads:
        # Odoo: `if not lead.country_id: continue` and `if latitude and longitude:` (0.0 counts as missing).
        if not lead.country or not lead.lat or not lead.lon:
            out.append(Draw(lead.id, None, 0, 0))
            continue
        declined = [index[p] for p in lead.declined_by if p in index]
        pool = by_country.get(lead.country, np.zeros(0, np.int64))
        if declined:
            pool = pool[~np.isin(pool, declined)]
        found, step = np.zeros(0, np.int64), 0
        plat, plon = lat[pool], lon[pool]
        for s, (dlat, dlon) in enumerate(BOXES, start=1):
            inside = ((plat > lead.lat - dlat) & (plat < lead.lat + dlat)
                      & (plon > lead.lon - dlon) & (plon < lead.lon + dlon))  # NaN compares False
            if inside.any():
                found, step = pool[inside], s
                break
        if not found.size and pool.size:
            found, step = pool, 4
        if not found.size:
            near = with_coords[~np.isin(with_coords, declined)] if declined else with_coords
            if near.size:
                d = np.hypot(lon[near] - lead.lon, lat[near] - lead.lat)
                found, step = near[[int(np.argmin(d))]], 5
        if not found.size:
            out.append(Draw(lead.id, None, 0, 0))
            continue
        members = found.tolist()
        pick = rng.choices(members, [weight_list[i] for i in members])[0]
        out.append(Draw(lead.id, ids[pick], step, len(members)))
    return out
