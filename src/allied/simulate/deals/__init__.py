"""Two years of deal registrations for the demo ecosystem, decided by the real matching engine and rules.

``seed_deals`` adds the product catalogue and the vendor's account master (``simulate.customers``),
then replays registrations in time order (``replay``): partners chase the same customers (typed
their own way), register the vendor's named accounts, existing customers and accounts the direct
team is working, renew their own customers — and the matching engine and ``deals.rules.decide``
decide, as ``deal_register`` would have. What happened next comes from the partner's strength
(``aftermath``): the CAM's review, some past the SLA; stages, extensions; won, lost, withdrawn or
expired. A win makes the customer a vendor customer with the partner as its partner of record and
is the partner's DEAL_WON achievement (a tier fact). Rows are written at the end, in bulk (``rows``).
"""

import random
from collections.abc import Callable
from datetime import datetime

from allied.accounts.models import User
from allied.matching import normalize_company_name
from allied.partners.models import Partner

from ..customers import CompanyNames, seed_products
from .replay import DealSimulation, showcase_seller
from .rows import DealSeed, deal_mix_partner, write_rows

__all__ = ["DealSeed", "deal_mix_partner", "seed_deals"]


def seed_deals(*, rng: random.Random, now: datetime, partners: list[Partner], strengths: list[float], cams: list[User],
               admin: User, taken_names: set[str], progress: Callable[[str, int], None]) -> DealSeed:
    """Products, the account master and two years of deal registrations; ``len(partners)`` progress units in all."""
    seed_products()
    sim = DealSimulation(rng=rng, now=now, partners=partners, strengths=strengths, admin=admin,
                         names=CompanyNames(rng, {normalize_company_name(n) for n in taken_names}), progress=progress)
    n = len(partners)
    sim.seed_accounts(cams)
    progress("customer accounts", n // 10)
    sim.run(showcase_seller(sim.sellers, now))
    return write_rows(sim, n - n // 10 - n * 6 // 10)
