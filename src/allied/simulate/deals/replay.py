"""The replay: partners register deals in time order; the matching engine and the rules of engagement decide.

Each registration's evidence comes from one in-memory ``MatchIndex`` holding the account master and
every registration that held its customer; a search keeps only the registrations still holding at
that moment (pending or approved, not yet declined, closed or expired). Evidence items are built
exactly as ``deals.conflicts.conflict_check`` builds them, and ``deals.rules.decide`` gives the
outcome. Events (a registration stops holding, a win makes a customer) are applied in time order
before each registration, so that later registrations meet the world as it was then.
"""

import heapq
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from allied.accounts.models import User
from allied.customers.models import AccountSource, CustomerAccount, DirectOpportunity
from allied.deals.conflicts import SCORE_CAP
from allied.deals.models import (
    ConflictKind,
    DealRegistration,
    DealSource,
    DealStatus,
    DealType,
    Decision,
    EngagementRules,
)
from allied.deals.rules import APPROVE, DECLINE, Evidence, decide
from allied.deals.services.registration import rule_set
from allied.matching import POSSIBLE, MatchIndex, Record, normalize_company_name, normalize_domain, prepare
from allied.partners.models import Partner, PartnerStatus

from ..customers import (
    LEGAL,
    TITLES,
    Account,
    Company,
    CompanyNames,
    Opp,
    account_master,
    country_near,
    person,
    variant,
    with_public_id,
)
from .aftermath import Aftermath
from .state import DAY, Registration, Seller, money, poisson, record

# A fuzzy key (name halves, words) held by more records than this is skipped like a stop word; exact keys
# (same domain, same normalised name) never are. Lower than the database check's cap so that tens of
# thousands of look-ups stay fast: the replay may miss a typo without a website that the real check catches.
KEY_CAP = 5
# How a partner picks the customer of its next registration; the rest of the weight is a brand-new logo.
INTENTS = {"chase": 7.0, "prospect": 6.0, "own_customer": 6.0, "customer": 5.0, "direct_opp": 3.0, "named": 1.5,
           "duplicate": 1.2, "subsidiary": 2.5, "other_customer": 0.7, "unknown_renewal": 0.3}
FRESH_WEIGHT = 67.5
# Registrations a year per unit of strength, divided by the partner's win rate: about three wins a year per
# unit of strength, the pace of the history the seed wrote before deals existed (keeps the tier distribution).
RATE = 3.8
SIZE_FACTOR = {DealType.NEW_LOGO: 1.0, DealType.RENEWAL: 0.7, DealType.UPSELL: 0.35}
ADD_ONS = ["analytics", "security-suite", "premium-support", "pro-services"]
DEAL_NOTES = ["Customer is evaluating three vendors.", "Budget approved for this fiscal year.", "Replacing a legacy on-premise tool.",
              "", "", "", ""]


class DealSimulation(Aftermath):
    def __init__(self, *, rng: random.Random, now: datetime, partners: list[Partner], strengths: list[float], admin: User,
                 names: CompanyNames, progress: Callable[[str, int], None]):
        self.rng, self.now, self.progress = rng, now, progress
        self.start = now - timedelta(days=730)
        self.admin = admin
        self.rules = EngagementRules.current()
        self.ruleset = rule_set(self.rules)
        self.protection = timedelta(days=self.rules.protection_days)
        self.sla = timedelta(hours=self.rules.approval_sla_hours)
        self.reminders = sorted({int(d) for d in self.rules.reminder_days or [] if int(d) > 0})
        self.names = names
        self.partners, self.strengths = partners, strengths
        users: dict[int, int] = {}
        for pk, partner_id, role in User.objects.filter(partner__in=partners).order_by("pk").values_list("pk", "partner_id", "role"):
            if role == "partner_sales" or partner_id not in users:
                users[partner_id] = pk
        self.sellers = [Seller(partner=p, strength=s, user_id=users.get(p.pk), win=min(0.7, 0.3 + 0.09 * min(s, 4.5)),
                               size_mu=10.62 + 0.05 * min(s, 4) - (0.7 if p.partner_type.code == "referral" else 0.0))
                        for p, s in zip(partners, strengths, strict=True)]
        self.by_partner = {s.partner.pk: s for s in self.sellers}
        self.co_sellers = [s for s in self.sellers if s.partner.status == PartnerStatus.ACTIVE
                           and s.partner.partner_type.code in ("si", "isv", "msp", "agency")]
        self.index = MatchIndex(key_cap=KEY_CAP)
        self.accounts: list[Account] = []
        self.account_by_key: dict[str, Account] = {}
        self.by_domain: dict[str, Account] = {}
        self.named: list[Account] = []
        self.customers: list[Account] = []
        self.prospects: list[Account] = []
        self.opps: list[Opp] = []
        self.live: dict[str, Registration] = {}  # registrations holding their customer now
        self.recent: list[Registration] = []  # holding registrations in order of arrival (what chasers pick from)
        self.regs: list[Registration] = []
        self.events: list = []  # heap of (time, seq, kind, registration)
        self.seq = 0

    # ------------------------------------------------------------------ the account master

    def seed_accounts(self, owners: list[User]) -> None:
        start_ext = CustomerAccount.objects.count() + DirectOpportunity.objects.count()
        for acct in account_master(self.rng, self.names, partners=self.partners, strengths=self.strengths,
                                   owners=owners or [self.admin], now=self.now, start=self.start, next_external=start_ext):
            self._account_add(acct)
            if acct.row.incumbent_partner is not None:
                self.by_partner[acct.row.incumbent_partner.pk].customers.append(acct)
        self.named = [a for a in self.accounts if a.row.is_named_direct]
        self.customers = [a for a in self.accounts if a.customer_from is not None]
        self.prospects = [a for a in self.accounts if a.customer_from is None and not a.row.is_named_direct]
        self.opps = [o for a in self.accounts for o in a.opps]

    def _account_add(self, acct: Account) -> None:
        self.accounts.append(acct)
        self.account_by_key[acct.key] = acct
        self.index.add(Record(id=acct.key, name=acct.row.name, domain=acct.row.domain, country=acct.row.country))
        if acct.row.domain:
            self.by_domain.setdefault(acct.row.domain, acct)

    # ------------------------------------------------------------------ time

    def _at(self, when: datetime, kind: str, reg: Registration) -> None:
        if when <= self.now:
            self.seq += 1
            heapq.heappush(self.events, (when, self.seq, kind, reg))

    def _advance(self, t: datetime) -> None:
        while self.events and self.events[0][0] <= t:
            when, _, kind, reg = heapq.heappop(self.events)
            if kind == "drop":
                self.live.pop(reg.key, None)
            else:
                self._won(reg, when)

    def _won(self, reg: Registration, closed_at: datetime) -> None:
        """What deal_close does to the account master: the customer, with the partner as its partner of record."""
        deal, partner = reg.deal, reg.seller.partner
        acct = reg.account or (self.by_domain.get(deal.domain) if deal.domain else None)
        if acct is None:
            row = with_public_id(CustomerAccount(
                name=deal.customer_name, name_normalized=deal.customer_name_normalized, website=deal.website, domain=deal.domain,
                country=deal.country, is_customer=True, customer_since=closed_at.date(), incumbent_partner=partner,
                source=AccountSource.DEAL, created_at=closed_at))
            acct = Account(key=f"w{len(self.accounts)}", row=row, company=reg.company, customer_from=closed_at)
            self._account_add(acct)
            self.customers.append(acct)
            reg.seller.customers.append(acct)
        else:
            row = acct.row
            row.is_customer = True
            row.customer_since = row.customer_since or closed_at.date()
            if acct.customer_from is None:
                acct.customer_from = closed_at
                self.customers.append(acct)
            if row.incumbent_partner is None or deal.deal_type == DealType.NEW_LOGO:
                if row.incumbent_partner is not partner:
                    reg.seller.customers.append(acct)
                row.incumbent_partner = partner
        reg.account = acct

    # ------------------------------------------------------------------ registrations

    def run(self, showcase: Seller | None) -> None:
        """Every partner's registrations over two years (its strength sets the pace), replayed in time order."""
        rng, now = self.rng, self.now
        intents: list[tuple[datetime, int, str | None, str | None]] = []
        for i, s in enumerate(self.sellers):
            p = s.partner
            if p.status not in (PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING):
                continue
            begin = max(self.start, p.joined_at + timedelta(days=rng.uniform(7, 30)))  # onboarding partners: only recent ones
            if begin >= now - DAY:
                continue
            years = (now - begin).total_seconds() / (365 * 86400)
            if s.strength <= 0:
                n = 1 if rng.random() < 0.25 else 0  # an inactive partner tried once, or never
            else:
                referral = 1.5 if p.partner_type.code == "referral" else 1.0  # more, smaller deals
                n = min(700, poisson(rng, (RATE * s.strength / s.win * referral + 1.0) * years))
            intents += [(begin + (now - begin) * rng.random(), i, None, None) for _ in range(n)]
        if showcase is not None:  # the demo login's portal shows every state of a registration
            i = self.sellers.index(showcase)
            intents += [(now - timedelta(days=81, hours=3), i, "fresh", "open"), (now - timedelta(days=150), i, "fresh", "won"),
                        (now - timedelta(days=6), i, "chase", "approved"), (now - timedelta(days=1, hours=5), i, "customer", "undecided"),
                        (now - timedelta(days=30), i, "named", None)]
        intents.sort(key=lambda x: (x[0], x[1]))
        units, done = len(self.partners) * 6 // 10, 0
        for n, (t, i, kind, force) in enumerate(intents, 1):
            self._advance(t)
            self._register(t, self.sellers[i], kind, force)
            if n % 500 == 0:
                self.progress("deal registrations", units * n // len(intents) - done)
                done = units * n // len(intents)
        self._advance(now)
        self.progress("deal registrations", units - done)

    def _pick(self, seller: Seller, t: datetime, kind: str, force: str | None) -> tuple[Company, str, str, str, str] | None:
        """(company, customer name, website, e-mail domain, deal type) of the customer the partner goes after, or None."""
        rng, me = self.rng, seller.partner
        if kind in ("chase", "duplicate"):  # another partner's customer (or its own, again), typed its own way
            pool = self.recent[-400:] if kind == "chase" else seller.regs[-12:]
            for _ in range(12 if pool else 0):
                reg = rng.choice(pool)
                if reg.key in self.live and (reg.seller is not seller) == (kind == "chase") and (
                        force != "approved" or reg.status_at(t) == DealStatus.APPROVED):
                    return (reg.company, *variant(rng, reg.company), reg.deal.deal_type)
            return None
        if kind == "direct_opp":
            for _ in range(8 if self.opps else 0):
                opp = rng.choice(self.opps)
                if opp.open_at(t):
                    company = self.account_by_key[opp.account_key].company
                    return (company, *variant(rng, company), DealType.NEW_LOGO)
            return None
        if kind in ("own_customer", "other_customer", "customer"):
            pool = seller.customers if kind == "own_customer" else self.customers
            for _ in range(8 if pool else 0):
                acct = rng.choice(pool)
                mine = acct.row.incumbent_partner is me
                if not acct.is_customer_at(t) or mine != (kind == "own_customer") or (force and acct.row.is_named_direct):
                    continue
                if kind == "customer":  # a new logo that is not one
                    return (acct.company, *variant(rng, acct.company), DealType.NEW_LOGO)
                deal_type = DealType.RENEWAL if rng.random() < 0.55 else DealType.UPSELL
                website = rng.choice([acct.row.website, acct.company.domain, f"https://{acct.company.domain}"])
                return (acct.company, acct.row.name, website, acct.company.domain, deal_type)
            return None
        if kind in ("named", "prospect"):
            pool = self.named if kind == "named" else self.prospects
            acct = rng.choice(pool) if pool else None
            if acct is None or (kind == "prospect" and acct.is_customer_at(t)):
                return None
            return (acct.company, *variant(rng, acct.company), DealType.NEW_LOGO)
        if kind == "subsidiary":  # the same brand in another country: a possible match, not the same company
            pool = self.recent[-400:] if rng.random() < 0.5 else self.accounts
            if not pool:
                return None
            parent = rng.choice(pool).company
            country = rng.choice([c for c in ("US", "GB", "DE", "FR", "AU", "BR", "JP") if c != parent.country])
            company = Company(core=parent.core, name=f"{parent.core} {rng.choice(LEGAL.get(country, ['Ltd']))}",
                              domain=parent.domain.replace(".example", f"-{country.lower()}.example"), country=country,
                              industry=parent.industry)
            return (company, company.name, f"https://www.{company.domain}", company.domain, DealType.NEW_LOGO)
        if kind == "unknown_renewal":
            company = self.names.company(country_near(rng, me))
            return (company, company.name, f"https://www.{company.domain}", company.domain, DealType.RENEWAL)
        return None

    def _register(self, t: datetime, seller: Seller, kind: str | None, force: str | None) -> None:
        """deal_register at time ``t``: the evidence, the rules' outcome, then what happened next."""
        rng, partner = self.rng, seller.partner
        if kind is None:
            r = rng.random() * (FRESH_WEIGHT + sum(INTENTS.values()))
            kind = "fresh"
            for name, weight in INTENTS.items():
                if r < weight:
                    kind = name
                    break
                r -= weight
        picked = self._pick(seller, t, kind, force) if kind != "fresh" else None
        if picked is None:
            company = self.names.company(country_near(rng, partner))
            picked = (company, company.name, rng.choice([f"https://www.{company.domain}", f"www.{company.domain}", company.domain]),
                      company.domain, DealType.NEW_LOGO)
        company, name, website, mail_domain, deal_type = picked
        contact, local = person(rng)
        domain = normalize_domain(website) if website else normalize_domain(mail_domain)  # as clean_registration does
        amount = rng.lognormvariate(seller.size_mu, 0.75) * SIZE_FACTOR[deal_type]
        source = (DealSource.API if seller.strength > 3 and rng.random() < 0.2 else
                  DealSource.CSV if rng.random() < 0.03 else DealSource.PORTAL)
        deal = with_public_id(DealRegistration(
            partner_id=partner.pk, registered_by_id=seller.user_id, source=source, customer_name=name,
            customer_name_normalized=normalize_company_name(name)[:255], website=website, domain=domain, country=company.country,
            contact_name=contact, contact_email=f"{local}@{mail_domain}", contact_title=rng.choice(TITLES),
            products=self._products(deal_type, amount), amount=money(amount), currency="USD", deal_type=deal_type,
            expected_close_date=(t + timedelta(days=rng.uniform(30, 150))).date(), notes=rng.choice(DEAL_NOTES), submitted_at=t))
        reg = Registration(key=f"r{len(self.regs)}", deal=deal, seller=seller, company=company)
        self.regs.append(reg)
        seller.regs.append(reg)

        found = self._evidence(prepare(Record(id="", name=name, domain=domain, country=company.country)), partner, t)
        outcome = decide([e for e, _ in found], deal_type=deal_type, partner_id=partner.pk, rules=self.ruleset, now=t)
        reg.evidence = found[:20]
        reg.decisive = {id(e) for e in outcome.decisive}
        reg.rival = next((sim for e, sim in found if id(e) in reg.decisive and e.kind == ConflictKind.REGISTRATION), None)
        reg.account = next((sim for e, sim in found if e.strong and e.kind in (ConflictKind.CUSTOMER, ConflictKind.NAMED_ACCOUNT)), None)
        deal.decision_code, deal.decision_reason, deal.review_notes = outcome.code, outcome.partner_reason, outcome.review_notes
        if outcome.action == DECLINE:
            deal.status, deal.decision, deal.decided_at = DealStatus.DECLINED, Decision.AUTO_DECLINED, t
            return
        self.live[reg.key] = reg
        self.index.add(record(reg.key, deal))
        self.recent.append(reg)
        if outcome.action == APPROVE:
            deal.decision, deal.decided_at = Decision.AUTO_APPROVED, t
            self._approved(reg, t, force)
        else:
            deal.decision = Decision.REVIEW
            self._review(reg, outcome, t, force)

    def _evidence(self, query, partner: Partner, t: datetime) -> list[tuple[Evidence, object]]:
        """As deals.conflicts.conflict_check: holding registrations, named accounts, customers, open direct opportunities;
        each with the simulated row it points at (the real check carries the row's primary key)."""
        out: list[tuple[Evidence, object]] = []
        for key, match in self.index.search(query, limit=2 * SCORE_CAP, threshold=POSSIBLE):
            if key[0] == "r":
                reg = self.live.get(key)
                if reg is None:
                    continue  # no longer holds its customer
                d = reg.deal
                own = reg.seller.partner is partner
                out.append((Evidence(kind=ConflictKind.OWN_REGISTRATION if own else ConflictKind.REGISTRATION, score=match.score,
                                     reason=match.reason, ref=d.public_id, status=reg.status_at(t), submitted_at=d.submitted_at,
                                     label=f"{d.customer_name}, registered by {reg.seller.partner.name}"), reg))
                continue
            acct = self.account_by_key[key]
            row = acct.row
            if row.is_named_direct:
                out.append((Evidence(kind=ConflictKind.NAMED_ACCOUNT, score=match.score, reason=match.reason, ref=row.public_id,
                                     label=row.name), acct))
            if acct.is_customer_at(t):
                incumbent = row.incumbent_partner.pk if row.incumbent_partner is not None else None
                out.append((Evidence(kind=ConflictKind.CUSTOMER, score=match.score, reason=match.reason, ref=row.public_id,
                                     label=row.name, incumbent_partner_id=incumbent), acct))
            for opp in acct.opps:
                if opp.open_at(t):
                    out.append((Evidence(kind=ConflictKind.DIRECT_OPPORTUNITY, score=match.score,
                                         reason=f"{match.reason}; the direct team has an open opportunity", ref=opp.row.public_id,
                                         label=f"{opp.row.name} ({row.name})"), opp))
        # conflict_check breaks ties by public id; those are random here, so ties go by simulation order instead.
        out.sort(key=lambda item: (-item[0].score, item[0].kind, item[1].row.external_id if isinstance(item[1], Opp) else item[1].key))
        return out

    def _products(self, deal_type: str, amount: float) -> list[str]:
        rng = self.rng
        if deal_type == DealType.RENEWAL:
            return ["core-platform", "premium-support"]
        if deal_type == DealType.UPSELL:
            return rng.sample(ADD_ONS, rng.randint(1, 2))
        return ["core-enterprise" if amount > 120_000 else "core-platform"] + rng.sample(ADD_ONS, rng.choice((0, 1, 1, 2)))


def showcase_seller(sellers: list[Seller], now: datetime) -> Seller | None:
    """A steady partner (not the champion) whose portal will show every state of a registration."""
    fit = [s for s in sellers if s.partner.status == PartnerStatus.ACTIVE and (now - s.partner.joined_at).days > 400
           and 1.2 <= s.strength <= 4]
    if not fit:
        fit = [s for s in sellers if s.partner.status == PartnerStatus.ACTIVE]
    return min(fit, key=lambda s: abs(s.strength - 2.5)) if fit else None
