"""What the deal replay keeps in memory while it runs: partners as sellers, registrations, small helpers."""

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from allied.deals.models import DealRegistration, DealStage, DealStatus
from allied.matching import Record
from allied.partners.models import Partner

from ..customers import Account, Company

BATCH = 2000
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
STAGES = list(DealStage)


@dataclass(eq=False)
class Seller:
    """A partner as the replay sees it: how often it registers, how well it sells."""

    partner: Partner
    strength: float
    user_id: int | None  # who registers: the partner's sales rep, else its admin
    win: float  # chance an approved registration is won
    size_mu: float  # log-normal mean of its deal sizes
    regs: list = field(default_factory=list)
    customers: list = field(default_factory=list)  # accounts it became (or was) partner of record of


@dataclass(eq=False)
class Registration:
    """One registration while the replay runs; ``deal`` is the row that will be written."""

    key: str  # its id in the match index
    deal: DealRegistration
    seller: Seller
    company: Company
    approved_at: datetime | None = None
    holds_until: datetime | None = None  # when it stopped holding its customer; None: it still does
    account: Account | None = None
    evidence: list = field(default_factory=list)  # (Evidence, the simulated registration / account / opportunity)
    decisive: set = field(default_factory=set)  # id() of the decisive Evidence items
    rival: "Registration | None" = None  # the other partner's registration that decided the outcome
    extensions: list = field(default_factory=list)  # (requested, decided or None, approved or None)
    others: list = field(default_factory=list)  # (partner, role, split, added) of partners joining the deal
    sourcing_split: Decimal = Decimal(100)
    notes: list = field(default_factory=list)  # (author id, body, at)

    def status_at(self, t: datetime) -> str:
        return DealStatus.APPROVED if self.approved_at is not None and self.approved_at <= t else DealStatus.PENDING


def record(key: str, deal: DealRegistration) -> Record:
    return Record(id=key, name=deal.customer_name, domain=deal.domain, country=deal.country)


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def money(value: float) -> Decimal:
    return Decimal(max(500, int(value) // 100 * 100))
