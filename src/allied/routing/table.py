"""Partners as columns of numpy arrays, built once; leads scored against them in a few vector ops.

``PartnerTable(candidates, rules)`` sorts partners by id (so the order callers pass them in
never matters), turns every attribute into an array, and precomputes what does not depend on the
lead: the partner-only filters (type, tier, exclusion, free capacity), the partner-only points
(tier, acceptance, conversion, fairness), the tie-break order, and for each country the partners
serving it. ``evaluate`` is the one scoring kernel: online routing calls it for one lead against
all partners, batch routing for blocks of leads, and ``score()`` for one pair, so a lead gets the
same numbers in every mode.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .geo import chord_km, unit_vectors
from .model import Lead, PartnerProfile, RoutingRules

#: Totals are rounded to this many decimals before ranking, so equal inputs rank as equal even
#: when float arithmetic differs in the last bit; the tie-break bonus stays below that grain.
KEY_DECIMALS = 8
TIE_BONUS = 1e-9


def _shrunk(successes: np.ndarray, trials: np.ndarray, mean: float, strength: float) -> np.ndarray:
    """Posterior mean of a Beta(mean·n0, (1-mean)·n0) prior after ``successes`` of ``trials``."""
    return (successes + mean * strength) / (trials + strength)


def tie_break_order(fairness: np.ndarray, assigned: np.ndarray, last_ts: np.ndarray) -> np.ndarray:
    """Rank of each partner among equal scores: fairer first (more free capacity, longer since the
    last lead), then fewer leads so far, then the longest without a lead, then by id (the table is
    sorted by id, so the position is the id's rank)."""
    order = np.lexsort((np.arange(len(fairness)), last_ts, assigned, -np.round(fairness, 9)))
    rank = np.empty(len(fairness), dtype=np.int64)
    rank[order] = np.arange(len(fairness))
    return rank


def product_bits(product_sets: Sequence[Iterable[str]], index: dict[str, int]) -> np.ndarray:
    """One bit per product of the vocabulary, 64 to a word (products outside it set no bit)."""
    words = max(1, -(-len(index) // 64))
    bits = np.zeros((len(product_sets), words), dtype=np.uint64)
    for i, products in enumerate(product_sets):
        for p in products:
            v = index.get(p)
            if v is not None:
                bits[i, v >> 6] |= np.uint64(1) << np.uint64(v & 63)
    return bits


class PartnerTable:
    """The candidate partners under one set of rules, as arrays (index = position by id)."""

    def __init__(self, candidates: Iterable[PartnerProfile], rules: RoutingRules):
        self.rules = rules
        cands = sorted(candidates, key=lambda c: c.id)
        ids = [c.id for c in cands]
        if len(set(ids)) != len(ids):
            raise ValueError("partner ids must be unique")
        self.candidates: list[PartnerProfile] = cands
        self.ids = ids
        self.index: dict[Hashable, int] = {pid: i for i, pid in enumerate(ids)}
        n = len(cands)
        self.size = n
        f64 = np.float64

        lat = np.array([np.nan if c.lat is None else c.lat for c in cands], dtype=f64)
        lon = np.array([np.nan if c.lon is None else c.lon for c in cands], dtype=f64)
        self.lat, self.lon = lat, lon
        self.x, self.y, self.z = unit_vectors(lat, lon)
        self.radius = np.array([np.inf if c.service_radius_km is None else c.service_radius_km for c in cands], dtype=f64)
        self.capacity = np.array([c.capacity for c in cands], dtype=np.int64)
        self.open = np.array([c.open_leads for c in cands], dtype=np.int64)
        self.tier_rank = np.array([c.tier_rank for c in cands], dtype=np.int64)

        # Partner-only filters.
        types = rules.allowed_partner_types
        self.type_ok = np.array([types is None or c.partner_type in types for c in cands], dtype=bool)
        self.tier_ok = np.ones(n, dtype=bool) if rules.min_tier_rank is None else self.tier_rank >= rules.min_tier_rank
        self.excluded = np.array([c.id in rules.excluded_partner_ids for c in cands], dtype=bool)

        # Partner-only factors (0..1 each).
        prio = rules.tier_priority
        top = max(rules.top_tier_rank, 1)
        self.tier_fit = np.clip(np.array(
            [prio[c.tier] if prio is not None and c.tier in prio else c.tier_rank / top for c in cands], dtype=f64), 0, 1)
        offered = np.array([c.offered for c in cands], dtype=f64)
        accepted = np.array([c.accepted for c in cands], dtype=f64)
        converted = np.array([c.converted for c in cands], dtype=f64)
        self.acceptance = _shrunk(accepted, offered, rules.prior_acceptance, rules.prior_strength)
        self.conversion = _shrunk(converted, accepted, rules.prior_conversion, rules.prior_strength)
        self.acceptance_fit = self.acceptance
        self.conversion_fit = np.minimum(1.0, self.conversion / (2 * rules.prior_conversion))
        self.last_hours = np.array([
            np.inf if c.last_assigned_at is None or rules.now is None
            else max(0.0, (rules.now - c.last_assigned_at).total_seconds() / 3600) for c in cands], dtype=f64)
        self.assigned = np.array([c.assigned_count for c in cands], dtype=np.int64)
        self.last_ts = np.array([-np.inf if c.last_assigned_at is None else c.last_assigned_at.timestamp() for c in cands],
                                dtype=f64)
        self._refresh_load()

        # Territory.
        self.by_country: dict[str, np.ndarray] = {}
        for i, c in enumerate(cands):
            for country in c.countries:
                self.by_country.setdefault(country, []).append(i)
        self.by_country = {k: np.array(v, dtype=np.int64) for k, v in self.by_country.items()}
        self.all_partners = np.arange(n, dtype=np.int64)
        regions = sorted({r for c in cands for r in c.regions})
        self.region_index = {r: g for g, r in enumerate(regions)}
        unrestricted = np.array([not c.regions for c in cands], dtype=bool)
        self.region_ok = np.tile(unrestricted, (len(regions) + 1, 1))  # last row: a region nobody lists
        for i, c in enumerate(cands):
            for r in c.regions:
                self.region_ok[self.region_index[r], i] = True
        self.postcode_restricted = np.array([bool(c.postcode_prefixes) for c in cands], dtype=bool)
        self.prefixes: dict[str, list[int]] = {}
        for i, c in enumerate(cands):
            for p in c.postcode_prefixes:
                self.prefixes.setdefault(p, []).append(i)
        self.max_prefix = max((len(p) for p in self.prefixes), default=0)

        # Specialties and products.
        specs = sorted({s for c in cands for s in c.specialties})
        self.spec_index = {s: g for g, s in enumerate(specs)}
        self.spec_has = np.zeros((len(specs) + 1, n), dtype=f64)  # last row: a specialty nobody has
        for i, c in enumerate(cands):
            for s in c.specialties:
                self.spec_has[self.spec_index[s], i] = 1.0
        prods = sorted({p for c in cands for p in c.products})
        self.prod_index = {p: v for v, p in enumerate(prods)}
        self.prod_bits = product_bits([c.products for c in cands], self.prod_index)

    # -- state that changes as leads are assigned ------------------------------------------------

    def _refresh_load(self) -> None:
        rules = self.rules
        cap = self.capacity.astype(np.float64)
        load = np.where(cap > 0, np.minimum(1.0, self.open / np.maximum(cap, 1)), 1.0)
        if rules.now is None:
            self.fairness_fit = 1.0 - load
        else:
            recency = np.minimum(1.0, self.last_hours / rules.fairness_window_hours)
            self.fairness_fit = 0.5 * (1.0 - load) + 0.5 * recency
        self.remaining = np.maximum(0, self.capacity - self.open)
        self.ok = self.type_ok & self.tier_ok & ~self.excluded & (self.remaining > 0)
        w = rules.weight
        self.static = (w("tier") * self.tier_fit + w("acceptance") * self.acceptance_fit
                       + w("conversion") * self.conversion_fit + w("fairness") * self.fairness_fit)
        rank = tie_break_order(self.fairness_fit, self.assigned, self.last_ts)
        self.bonus = (self.size - rank) * (TIE_BONUS / max(self.size, 1))

    def record_assignment(self, partner_id: Hashable) -> None:
        """Count one more open lead for a partner, assigned now (online routing of a stream of
        leads without rebuilding the table). The caller's ``PartnerProfile`` is left as given."""
        i = self.index[partner_id]
        self.open[i] += 1
        self.assigned[i] += 1
        self.last_hours[i] = 0.0
        self.last_ts[i] = self.rules.now.timestamp() if self.rules.now else max(np.max(self.last_ts), 0.0) + 1.0
        self._refresh_load()

    # -- the kernel ------------------------------------------------------------------------------

    def matched_products(self, leads: LeadArrays, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """How many of each lead's products each partner is certified in (bitsets and popcounts)."""
        words = self.prod_bits.shape[1]
        matched = np.zeros(np.broadcast_shapes(np.shape(r), np.shape(c)), dtype=np.float64)
        for w in range(words):
            matched += np.bitwise_count(leads.prod_bits[r, w] & self.prod_bits[c, w])
        return matched

    def columns(self, country: str) -> np.ndarray:
        """Partners that pass the partner-only filters and, with ``require_country``, serve ``country``."""
        cols = self.by_country.get(country, np.zeros(0, np.int64)) if self.rules.require_country else self.all_partners
        return cols[self.ok[cols]]

    def evaluate(self, leads: LeadArrays, r: np.ndarray, c: np.ndarray, *, parts: bool = False) -> Evaluation:
        """Score lead rows ``r`` against partner columns ``c`` (broadcastable index arrays: ``(n, 1)``
        against ``(1, C)`` for a block, or two ``(m,)`` arrays for pairs). Partner-only filters and
        declines are the caller's; everything that depends on the pair is here."""
        rules = self.rules
        dist = chord_km(leads.x[r] - self.x[c], leads.y[r] - self.y[c], leads.z[r] - self.z[c])
        known = ~np.isnan(dist)
        eligible = np.ones(np.broadcast_shapes(np.shape(r), np.shape(c)), dtype=bool)
        distance_rule = rules.max_distance_km is not None or rules.respect_service_radius
        if rules.max_distance_km is not None:
            eligible &= ~(dist > rules.max_distance_km)
        if rules.respect_service_radius:
            eligible &= ~(dist > self.radius[c])
        if distance_rule and not rules.unknown_distance_eligible:
            eligible &= known
        if rules.require_region:
            eligible &= self.region_ok[leads.region_row[r], c]
        if rules.require_postcode and self.prefixes:
            eligible &= leads.postcode_ok(self, r, c)

        spec = self.spec_has[leads.spec_row[r], c]
        has_spec = leads.has_spec[r]
        nprod = leads.nprod[r]
        matched = self.matched_products(leads, r, c)
        coverage = np.where(nprod > 0, matched / np.maximum(nprod, 1), 0.0)
        if rules.require_specialty:
            eligible &= ~has_spec | (spec > 0)
        if rules.require_products == "any":
            eligible &= (nprod == 0) | (matched > 0)
        elif rules.require_products == "all":
            eligible &= (nprod == 0) | (matched >= nprod)
        applicable = has_spec.astype(np.float64) + (nprod > 0)
        fit = (np.where(has_spec, spec, 0.0) + coverage) / np.maximum(applicable, 1.0)
        distance_fit = np.where(known, np.exp2(-dist / rules.distance_half_km), rules.unknown_distance_fit)

        w = rules.weight
        total = (w("distance") * distance_fit + w("fit") * fit) + self.static[c]
        key = np.round(total, KEY_DECIMALS) + self.bonus[c]
        key = np.where(eligible, key, -np.inf)
        factor_fits = None
        if parts:
            factor_fits = {
                "distance": distance_fit, "fit": fit, "tier": self.tier_fit[c], "acceptance": self.acceptance_fit[c],
                "conversion": self.conversion_fit[c], "fairness": self.fairness_fit[c],
            }
        return Evaluation(key=key, total=total, eligible=eligible, distance=dist, fits=factor_fits)


@dataclass(slots=True)
class Evaluation:
    key: np.ndarray  # ranking key: rounded total + tie-break bonus, -inf where ineligible
    total: np.ndarray  # points
    eligible: np.ndarray
    distance: np.ndarray  # km, NaN when unknown
    fits: dict[str, np.ndarray] | None  # 0..1 per factor


class LeadArrays:
    """Leads encoded against one table's vocabularies (regions, specialties, products)."""

    def __init__(self, leads: Sequence[Lead], table: PartnerTable):
        self.leads = leads
        n = len(leads)
        lat = np.fromiter((np.nan if ld.lat is None else ld.lat for ld in leads), dtype=np.float64, count=n)
        lon = np.fromiter((np.nan if ld.lon is None else ld.lon for ld in leads), dtype=np.float64, count=n)
        self.x, self.y, self.z = unit_vectors(lat, lon)
        no_region = len(table.region_index)
        self.region_row = np.fromiter((table.region_index.get(ld.region, no_region) for ld in leads), dtype=np.int64, count=n)
        no_spec = len(table.spec_index)
        self.spec_row = np.fromiter((table.spec_index.get(ld.specialty, no_spec) for ld in leads), dtype=np.int64, count=n)
        self.has_spec = np.fromiter((bool(ld.specialty) for ld in leads), dtype=bool, count=n)
        self.nprod = np.fromiter((len(ld.products) for ld in leads), dtype=np.float64, count=n)
        self.prod_bits = product_bits([ld.products for ld in leads], table.prod_index)
        self.declined = np.fromiter((bool(ld.declined_by) for ld in leads), dtype=bool, count=n)
        self._postcodes: dict[str, np.ndarray] = {}

    def postcode_ok(self, table: PartnerTable, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Partners without prefixes serve every postcode; others need a prefix of the lead's."""
        rows = np.unique(np.asarray(r).ravel())
        masks = np.zeros((len(rows), table.size), dtype=bool)
        for k, i in enumerate(rows):
            pc = self.leads[i].postcode
            mask = self._postcodes.get(pc)
            if mask is None:
                mask = ~table.postcode_restricted
                for n in range(1, min(len(pc), table.max_prefix) + 1):
                    hit = table.prefixes.get(pc[:n])
                    if hit:
                        mask = mask.copy()
                        mask[hit] = True
                self._postcodes[pc] = mask
            masks[k] = mask
        return masks[np.searchsorted(rows, r), c]
