"""Plain data the engine reads and returns: leads, partner profiles, the admin's rules, scores.

Everything here is a slotted dataclass of plain values (str, int, float, tuples, frozensets,
datetimes), so the Django ``leads`` app builds them from rows and stores what comes back
(``Score.as_dict()``, ``Assignment.as_dict()``) without the engine knowing about the ORM.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

#: The scoring factors, in the order they are computed and shown.
FACTORS: tuple[str, ...] = ("distance", "fit", "tier", "acceptance", "conversion", "fairness")

#: Default points per factor (they add up to 100, so a score reads as "points out of 100").
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "distance": 30.0,
    "fit": 20.0,
    "tier": 15.0,
    "acceptance": 10.0,
    "conversion": 15.0,
    "fairness": 10.0,
}


def _strings(values: Iterable[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (values or ()) if v and v.strip())


@dataclass(slots=True)
class Lead:
    """A lead to route. ``region`` is best an ISO 3166-2 code (``US-CA``) so regions never collide
    across countries; ``specialty`` is the need or industry partners are matched on (their
    ``specialties``); ``declined_by`` holds the partners who already declined (or timed out on)
    this lead: they are never offered it again. ``segment``, ``size`` and ``amount`` are carried
    for the caller and not scored."""

    id: Hashable
    country: str
    region: str = ""
    postcode: str = ""
    lat: float | None = None
    lon: float | None = None
    products: tuple[str, ...] = ()
    specialty: str = ""
    segment: str = ""
    size: float | None = None
    amount: Decimal | None = None
    declined_by: frozenset[Hashable] = frozenset()

    def __post_init__(self) -> None:
        self.country = (self.country or "").strip().upper()
        self.region = (self.region or "").strip().upper()
        self.postcode = "".join((self.postcode or "").split()).upper()
        self.products = tuple(sorted(_strings(self.products)))
        self.specialty = (self.specialty or "").strip()
        self.declined_by = frozenset(self.declined_by or ())
        if (self.lat is None) != (self.lon is None):
            self.lat = self.lon = None

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(slots=True)
class PartnerProfile:
    """What routing needs to know about one partner, as of now.

    Territory: ``countries`` served (empty means the partner's own ``country`` only), ``regions``
    served (empty: every region of those countries), ``postcode_prefixes`` (empty: every postcode).
    History: ``offered``/``accepted`` leads give the acceptance rate, ``converted`` (of the
    accepted) the conversion rate; both are shrunk toward the program mean (see ``scoring``).
    """

    id: Hashable
    partner_type: str
    tier: str
    tier_rank: int
    country: str = ""
    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    postcode_prefixes: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    service_radius_km: float | None = None
    specialties: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()
    capacity: int = 0
    open_leads: int = 0
    offered: int = 0
    accepted: int = 0
    converted: int = 0
    last_assigned_at: datetime | None = None
    assigned_count: int = 0
    name: str = ""

    def __post_init__(self) -> None:
        self.country = (self.country or "").strip().upper()
        self.countries = frozenset(c.upper() for c in _strings(self.countries)) or (
            frozenset({self.country}) if self.country else frozenset())
        self.regions = frozenset(r.upper() for r in _strings(self.regions))
        self.postcode_prefixes = tuple(sorted({"".join(p.split()).upper() for p in (self.postcode_prefixes or ()) if p.strip()}))
        self.specialties = _strings(self.specialties)
        self.products = _strings(self.products)
        if (self.lat is None) != (self.lon is None):
            self.lat = self.lon = None
        if self.capacity < 0 or self.open_leads < 0:
            raise ValueError(f"partner {self.id!r}: capacity and open_leads must not be negative")
        if not 0 <= self.converted <= self.accepted <= self.offered:
            raise ValueError(f"partner {self.id!r}: need 0 <= converted <= accepted <= offered")

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.open_leads)


#: The name the issue uses for a partner being considered for a lead.
Candidate = PartnerProfile


@dataclass(slots=True, frozen=True)
class RoutingRules:
    """The program admin's routing configuration. Same rules for online and batch routing.

    Eligibility (a partner failing any of these is never offered the lead):

    - territory: ``require_country`` / ``require_region`` / ``require_postcode``;
    - distance: ``max_distance_km`` (great-circle), and each partner's own service radius when
      ``respect_service_radius``; ``unknown_distance_eligible`` says what happens when the lead or
      the partner has no coordinates;
    - ``allowed_partner_types`` (None: all), ``min_tier_rank`` (None: all);
    - ``require_specialty`` (the lead's specialty must be one of the partner's) and
      ``require_products`` (``"any"``: certified in at least one of the lead's products; ``"all"``);
      otherwise they are only scored;
    - capacity: a partner with ``open_leads >= capacity`` is full;
    - ``excluded_partner_ids`` (e.g. suspended partners) and each lead's ``declined_by``.

    Scoring: ``weights`` gives the points of each factor (see ``scoring``); ``tier_priority`` maps
    tier name -> 0..1 (the "lead priority" tier benefit; default ``tier_rank / top_tier_rank``);
    ``prior_acceptance``/``prior_conversion`` are the program means that small samples are
    shrunk toward, with ``prior_strength`` pseudo-leads. ``now`` is the clock for fairness
    (None: recency is ignored, so the same inputs always give the same answer).

    Batch solver: ``top_k`` candidate partners kept per lead; the auction's ``epsilon`` (points a
    lead may be left below its best choice) and ``max_gap``, the certified relative distance to the
    optimum on those edges that is good enough (else the auction reruns with a smaller epsilon).
    """

    require_country: bool = True
    require_region: bool = False
    require_postcode: bool = False
    max_distance_km: float | None = None
    respect_service_radius: bool = True
    unknown_distance_eligible: bool = True
    allowed_partner_types: frozenset[str] | None = None
    min_tier_rank: int | None = None
    require_specialty: bool = False
    require_products: Literal["none", "any", "all"] = "none"
    excluded_partner_ids: frozenset[Hashable] = frozenset()
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    distance_half_km: float = 50.0
    unknown_distance_fit: float = 0.3
    tier_priority: Mapping[str, float] | None = None
    top_tier_rank: int = 4
    prior_acceptance: float = 0.7
    prior_conversion: float = 0.2
    prior_strength: float = 20.0
    fairness_window_hours: float = 72.0
    now: datetime | None = None
    top_k: int = 20
    epsilon: float = 0.5
    max_gap: float = 0.001

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(FACTORS)
        if unknown:
            raise ValueError(f"unknown scoring factor(s): {', '.join(sorted(unknown))}; known: {', '.join(FACTORS)}")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("scoring weights must not be negative")
        if self.require_products not in ("none", "any", "all"):
            raise ValueError("require_products must be 'none', 'any' or 'all'")
        if not 0 < self.prior_acceptance < 1 or not 0 < self.prior_conversion < 1 or self.prior_strength <= 0:
            raise ValueError("program means must be in (0, 1) and prior_strength positive")
        if self.distance_half_km <= 0 or self.top_k < 1 or self.epsilon <= 0 or self.max_gap < 0:
            raise ValueError("distance_half_km, top_k and epsilon must be positive, max_gap not negative")
        if self.allowed_partner_types is not None:
            object.__setattr__(self, "allowed_partner_types", frozenset(self.allowed_partner_types))
        object.__setattr__(self, "excluded_partner_ids", frozenset(self.excluded_partner_ids))

    def weight(self, factor: str) -> float:
        return float(self.weights.get(factor, 0.0))


@dataclass(slots=True)
class Score:
    """One partner's score for one lead: points per factor and the facts a CAM reads."""

    partner_id: Hashable
    total: float
    breakdown: dict[str, float]
    distance_km: float | None
    tier: str
    open_leads: int
    capacity: int
    acceptance: float
    conversion: float
    lead: Lead = field(repr=False, compare=False)
    candidate: PartnerProfile = field(repr=False, compare=False)

    @property
    def matches(self) -> tuple[str, ...]:
        """The lead's specialty and products this partner covers."""
        wanted = ((self.lead.specialty,) if self.lead.specialty else ()) + self.lead.products
        have = self.candidate.specialties | self.candidate.products
        return tuple(dict.fromkeys(w for w in wanted if w in have))

    @property
    def explanation(self) -> str:
        """E.g. ``Gold, 12 km, 3/10 capacity, 41 % conversion, speaks to: security``."""
        parts = [self.tier or "no tier"]
        parts.append("distance unknown" if self.distance_km is None else f"{self.distance_km:.0f} km")
        parts.append(f"{self.open_leads}/{self.capacity} capacity")
        parts.append(f"{self.conversion * 100:.0f} % conversion")
        if self.candidate.accepted < 10:
            parts[-1] += " (few leads yet)"
        if self.matches:
            parts.append("speaks to: " + ", ".join(self.matches))
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "partner_id": self.partner_id,
            "total": self.total,
            "breakdown": dict(self.breakdown),
            "distance_km": self.distance_km,
            "explanation": self.explanation,
        }


@dataclass(slots=True)
class Assignment:
    """Where one lead went (``partner_id`` None: nowhere, and ``reason`` says why)."""

    lead_id: Hashable
    partner_id: Hashable | None
    score: Score | None
    runners_up: tuple[Score, ...] = ()
    eligible: int = 0
    reason: str = ""
    mode: Literal["online", "batch"] = "online"

    def as_dict(self) -> dict[str, Any]:
        return {
            "lead_id": self.lead_id,
            "partner_id": self.partner_id,
            "mode": self.mode,
            "score": self.score.as_dict() if self.score else None,
            "runners_up": [s.as_dict() for s in self.runners_up],
            "eligible": self.eligible,
            "reason": self.reason,
        }
