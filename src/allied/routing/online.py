"""Online mode: one lead, as it arrives, to the best eligible partner with free capacity."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .model import Assignment, Lead, PartnerProfile, RoutingRules
from .scoring import explain_unroutable, scores_for
from .table import LeadArrays, PartnerTable


def as_table(candidates: PartnerTable | Iterable[PartnerProfile], rules: RoutingRules) -> PartnerTable:
    """Use a prebuilt table (built under the same rules) or build one."""
    if isinstance(candidates, PartnerTable):
        if candidates.rules is not rules and candidates.rules != rules:
            raise ValueError("the PartnerTable was built under other rules; build it with these rules")
        return candidates
    return PartnerTable(candidates, rules)


def declined_columns(table: PartnerTable, lead: Lead) -> np.ndarray:
    return np.array(sorted(table.index[p] for p in lead.declined_by if p in table.index), dtype=np.int64)


def route_one(
    lead: Lead,
    candidates: PartnerTable | Iterable[PartnerProfile],
    rules: RoutingRules,
    *,
    runners_up: int = 3,
) -> Assignment | None:
    """The best eligible partner with free capacity for ``lead``, with up to ``runners_up`` next
    best partners, each with its breakdown; None when no partner is eligible (``explain_unroutable``
    says why). Deterministic: equal scores go to the fairer partner, then the smaller id.

    Pass a ``PartnerTable`` built once (``PartnerTable(candidates, rules)``) when routing many
    leads: building it is the expensive part, scoring one lead against it is a few vector ops.
    """
    table = as_table(candidates, rules)
    leads = LeadArrays([lead], table)
    cols = table.columns(lead.country)
    if lead.declined_by and cols.size:
        cols = cols[~np.isin(cols, declined_columns(table, lead))]
    if not cols.size:
        return None
    key = table.evaluate(leads, np.zeros((1, 1), np.int64), cols[None, :]).key[0]
    eligible = np.flatnonzero(key > -np.inf)
    if not eligible.size:
        return None
    take = min(1 + max(0, runners_up), eligible.size)
    if eligible.size > take:
        eligible = eligible[np.argpartition(-key[eligible], take - 1)[:take]]
    best = eligible[np.argsort(-key[eligible], kind="stable")]
    picked = cols[best]
    scores = scores_for(table, leads, np.zeros(len(picked), np.int64), picked)
    n_eligible = int(np.count_nonzero(key > -np.inf))
    return Assignment(
        lead_id=lead.id, partner_id=scores[0].partner_id, score=scores[0], runners_up=tuple(scores[1:]),
        eligible=n_eligible, reason=f"best of {n_eligible} eligible partner{'s' if n_eligible != 1 else ''}",
        mode="online",
    )


def unroutable_reason(lead: Lead, candidates: PartnerTable | Iterable[PartnerProfile], rules: RoutingRules) -> str:
    """Why ``route_one`` found nobody for ``lead``: the partners counted by the first filter they fail,
    e.g. ``no eligible partner: 12 outside territory, 3 too far, 2 at capacity``."""
    table = as_table(candidates, rules)
    return explain_unroutable(table, LeadArrays([lead], table), 0)
