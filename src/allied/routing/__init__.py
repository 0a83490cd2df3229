"""Pure lead-routing engine (no Django): which partner gets a lead, and why.

The Django ``leads`` app builds plain data (``Lead``, ``PartnerProfile``, ``RoutingRules``) from its
rows and stores what comes back (``Assignment.as_dict()``: the partner, the score breakdown, the
runners-up and the reasons in words).

- ``eligibility(lead, partner, rules)``: the reasons a partner may not get a lead ("why not X");
- ``score(lead, partner, rules)``: points per factor and an explanation a CAM reads
  ("Gold, 12 km, 3/10 capacity, 41 % conversion, speaks to: security");
- ``route_one``: online mode, one lead as it arrives, against a ``PartnerTable`` built once
  (``unroutable_reason`` says why when nobody is eligible);
- ``route_batch``: many leads at once, capacities respected globally, total score maximised
  (top-K candidate edges per lead, then an ε-auction with a dual bound; see ``batch``);
- ``odoo_lottery``: the open-source peer (Odoo's weighted draw in widening boxes), for comparison.

Same rules and the same scoring kernel (``PartnerTable.evaluate``) in every mode; deterministic:
the same inputs in any order give the same routing.
"""

from .batch import BatchResult, all_edges, candidate_edges, route_batch, solve_batch
from .geo import haversine_km
from .lottery import Draw, odoo_lottery
from .model import DEFAULT_WEIGHTS, FACTORS, Assignment, Candidate, Lead, PartnerProfile, RoutingRules, Score
from .online import route_one, unroutable_reason
from .scoring import eligibility, explain_unroutable, score
from .table import LeadArrays, PartnerTable

__all__ = [
    "DEFAULT_WEIGHTS",
    "FACTORS",
    "Assignment",
    "BatchResult",
    "Candidate",
    "Draw",
    "Lead",
    "LeadArrays",
    "PartnerProfile",
    "PartnerTable",
    "RoutingRules",
    "Score",
    "all_edges",
    "candidate_edges",
    "eligibility",
    "explain_unroutable",
    "haversine_km",
    "odoo_lottery",
    "route_batch",
    "route_one",
    "score",
    "solve_batch",
    "unroutable_reason",
]
