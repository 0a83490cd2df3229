"""Scores with their breakdown, eligibility with its reasons, both from the table's one kernel.

A score is points out of (by default) 100, the sum of six factors, each ``weight × fit`` with the
fit in 0..1:

- ``distance``: ``0.5 ** (km / distance_half_km)`` (great-circle km; half the points at 50 km by
  default), or ``unknown_distance_fit`` when the lead or the partner has no coordinates;
- ``fit``: the mean of the applicable parts, "does the partner cover the lead's specialty" (0/1)
  and "which share of the lead's products is the partner certified in";
- ``tier``: the tier's lead priority (a tier benefit set by the admin, 0..1);
- ``acceptance``: the partner's acceptance rate, shrunk (below);
- ``conversion``: the partner's conversion rate, shrunk, relative to the program: at the program
  mean it earns half the points, at twice the mean or more all of them;
- ``fairness``: free capacity share (and, when ``rules.now`` is given, time since the last lead
  against ``fairness_window_hours``), so equals take turns.

Small samples are shrunk toward the program mean with a Beta prior: with program mean ``m`` and
strength ``n0`` (pseudo-leads), a partner with ``s`` successes in ``t`` trials is scored at the
posterior mean ``(s + m·n0) / (t + n0)``. A new partner with 1 of 1 converted is not "100 %": with
m = 20 % and n0 = 20 it reads ``(1 + 4) / 21 = 24 %``; after 200 leads its own record dominates.
This is the empirical-Bayes estimate of the partner's true rate under a Beta(m·n0, (1-m)·n0)
prior, and keeps lucky newcomers from jumping the queue and unlucky ones from being starved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from .model import FACTORS, Lead, PartnerProfile, RoutingRules, Score
from .table import LeadArrays, PartnerTable


def scores_for(table: PartnerTable, leads: LeadArrays, rows: np.ndarray, cols: np.ndarray) -> list[Score]:
    """Score objects for lead ``rows[i]`` with partner ``cols[i]`` (pairs)."""
    if len(rows) == 0:
        return []
    ev = table.evaluate(leads, rows, cols, parts=True)
    rules = table.rules
    points = np.round(np.stack([rules.weight(f) * ev.fits[f] for f in FACTORS], axis=1), 4).tolist()
    totals = np.round(ev.total, 4).tolist()
    dist = [None if d != d else d for d in np.round(ev.distance, 1).tolist()]  # NaN -> None
    opens, caps = table.open[cols].tolist(), table.capacity[cols].tolist()
    acc, conv = np.round(table.acceptance[cols], 4).tolist(), np.round(table.conversion[cols], 4).tolist()
    cands, lead_list, ids = table.candidates, leads.leads, table.ids
    return [
        Score(ids[c], t, dict(zip(FACTORS, p)), d, cands[c].tier, o, k, a, v, lead_list[r], cands[c])  # noqa: B905
        for r, c, t, p, d, o, k, a, v in zip(rows.tolist(), cols.tolist(), totals, points, dist, opens, caps, acc, conv,
                                             strict=True)
    ]


def score(lead: Lead, candidate: PartnerProfile, rules: RoutingRules) -> Score:
    """One partner's score for one lead, whether or not the partner is eligible (see ``eligibility``)."""
    table = PartnerTable([candidate], rules)
    return scores_for(table, LeadArrays([lead], table), np.zeros(1, np.int64), np.zeros(1, np.int64))[0]


# -- eligibility with reasons ---------------------------------------------------------------------

REASON_ORDER = ("excluded", "declined", "type", "tier", "capacity", "territory", "region", "postcode",
                "distance", "radius", "no_coordinates", "specialty", "products")
REASON_LABEL = {
    "excluded": "excluded by the program", "declined": "declined this lead", "type": "partner type not allowed",
    "tier": "tier below the minimum", "capacity": "at capacity", "territory": "outside territory",
    "region": "region not served", "postcode": "postcode not served", "distance": "too far",
    "radius": "outside their service radius", "no_coordinates": "distance unknown",
    "specialty": "specialty not covered", "products": "not certified in the products",
}


def failures(table: PartnerTable, leads: LeadArrays, row: int, cols: np.ndarray) -> dict[str, np.ndarray]:
    """For one lead, which filter each of the partners ``cols`` fails (a boolean array per reason)."""
    rules, lead = table.rules, leads.leads[row]
    r = np.full(len(cols), row, dtype=np.int64)
    ev = table.evaluate(leads, r, cols)
    dist = ev.distance
    declined = np.array([table.ids[c] in lead.declined_by for c in cols.tolist()], dtype=bool)
    out = {
        "excluded": table.excluded[cols], "declined": declined, "type": ~table.type_ok[cols], "tier": ~table.tier_ok[cols],
        "capacity": table.remaining[cols] <= 0,
        "territory": (np.array([lead.country not in table.candidates[c].countries for c in cols.tolist()], dtype=bool)
                      if rules.require_country else np.zeros(len(cols), bool)),
        "region": ~table.region_ok[leads.region_row[r], cols] if rules.require_region else np.zeros(len(cols), bool),
        "postcode": (~leads.postcode_ok(table, r, cols) if rules.require_postcode and table.prefixes
                     else np.zeros(len(cols), bool)),
        "distance": (dist > rules.max_distance_km) if rules.max_distance_km is not None else np.zeros(len(cols), bool),
        "radius": (dist > table.radius[cols]) if rules.respect_service_radius else np.zeros(len(cols), bool),
        "no_coordinates": (np.isnan(dist) if (rules.max_distance_km is not None or rules.respect_service_radius)
                           and not rules.unknown_distance_eligible else np.zeros(len(cols), bool)),
    }
    spec = table.spec_has[leads.spec_row[r], cols] > 0
    out["specialty"] = (leads.has_spec[r] & ~spec) if rules.require_specialty else np.zeros(len(cols), bool)
    if rules.require_products != "none" and leads.nprod[row] > 0:
        matched = table.matched_products(leads, r, cols)
        out["products"] = matched == 0 if rules.require_products == "any" else matched < leads.nprod[row]
    else:
        out["products"] = np.zeros(len(cols), bool)
    return out


def _reason_text(code: str, lead: Lead, table: PartnerTable, c: int, dist: float | None) -> str:
    rules, cand = table.rules, table.candidates[c]
    if code == "type":
        return f"partner type {cand.partner_type} not allowed (allowed: {', '.join(sorted(rules.allowed_partner_types or ()))})"
    if code == "tier":
        return f"tier {cand.tier} below the minimum (rank {cand.tier_rank} < {rules.min_tier_rank})"
    if code == "capacity":
        return f"at capacity ({table.open[c]}/{table.capacity[c]} open leads)"
    if code == "territory":
        return f"outside territory: serves {', '.join(sorted(cand.countries)) or 'no country'} (lead in {lead.country or '?'})"
    if code == "region":
        return f"region {lead.region or '?'} not served (serves {', '.join(sorted(cand.regions))})"
    if code == "postcode":
        return f"postcode {lead.postcode or '?'} not served (prefixes {', '.join(cand.postcode_prefixes)})"
    if code == "distance":
        return f"{dist:.0f} km away (the maximum is {rules.max_distance_km:.0f} km)"
    if code == "radius":
        return f"{dist:.0f} km away (serves within {cand.service_radius_km:.0f} km)"
    if code == "no_coordinates":
        return "distance unknown (no coordinates) and the rules need one"
    if code == "specialty":
        return f"does not cover {lead.specialty}"
    if code == "products":
        missing = [p for p in lead.products if p not in cand.products]
        return f"not certified in {', '.join(missing)}"
    return REASON_LABEL[code]


def eligibility(lead: Lead, candidate: PartnerProfile, rules: RoutingRules) -> list[str]:
    """Why ``candidate`` may not get ``lead`` (empty list: eligible). For "why not partner X"."""
    table = PartnerTable([candidate], rules)
    return reasons_for(table, LeadArrays([lead], table), 0, [candidate.id])[candidate.id]


def reasons_for(table: PartnerTable, leads: LeadArrays, row: int, partner_ids: Sequence) -> dict:
    """``{partner_id: [reason, ...]}`` for one lead and some partners of the table."""
    cols = np.array([table.index[p] for p in partner_ids], dtype=np.int64)
    fails = failures(table, leads, row, cols)
    r = np.full(len(cols), row, dtype=np.int64)
    dist = table.evaluate(leads, r, cols).distance.tolist()
    lead = leads.leads[row]
    out = {}
    for k, c in enumerate(cols.tolist()):
        d = None if dist[k] != dist[k] else dist[k]
        out[table.ids[c]] = [_reason_text(code, lead, table, c, d) for code in REASON_ORDER if fails[code][k]]
    return out


def explain_unroutable(table: PartnerTable, leads: LeadArrays, row: int) -> str:
    """Why no partner is eligible for a lead: partners counted by the first filter they fail."""
    if table.size == 0:
        return "no eligible partner: there are no partners"
    fails = failures(table, leads, row, table.all_partners)
    first = Counter()
    left = np.ones(table.size, dtype=bool)
    for code in REASON_ORDER:
        hit = fails[code] & left
        if hit.any():
            first[code] = int(hit.sum())
            left &= ~hit
    if not first:
        return "no eligible partner"
    parts = [f"{n} {REASON_LABEL[code]}" for code, n in first.most_common()]
    return "no eligible partner: " + ", ".join(parts)
