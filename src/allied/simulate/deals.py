"""Two years of deal registrations for the demo ecosystem, decided by the real rules of engagement.

Registrations are replayed in time order. Each one's evidence comes from the matching engine — an
in-memory ``MatchIndex`` of the registrations holding their customer at that moment and one of the
account master — built the way ``deals/conflicts.py`` builds it from the database, and its outcome
from ``deals.rules.decide``. Conflicts are not scripted: partners chase the same customers (typed
their own way), register the vendor's named accounts, existing customers and accounts the direct
team is working, renew their own customers, and the engine and the rules decide.

What happened next is simulated from the partner's strength: the CAM's review (some past the SLA),
stages, extensions, won / lost / expired. A win makes the customer a vendor customer with the
partner as its partner of record, and is the partner's DEAL_WON achievement (a tier fact). Rows
are written at the end, in bulk, as the services would have left them.
"""

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from allied.accounts.models import User
from allied.customers.models import AccountKey, AccountSource, CustomerAccount, DirectOpportunity
from allied.deals.conflicts import SCORE_CAP, keys_for
from allied.deals.models import (
    ConflictKind,
    DealConflict,
    DealNote,
    DealParticipant,
    DealRegistration,
    DealSource,
    DealStage,
    DealStatus,
    DealType,
    Decision,
    EngagementRules,
    ExtensionRequest,
    ExtensionStatus,
    ParticipantRole,
    RegistrationKey,
)
from allied.deals.rules import APPROVE, DECLINE, Evidence, Outcome, decide
from allied.deals.services.registration import rule_set
from allied.matching import (
    POSSIBLE,
    MatchIndex,
    Record,
    blocking_keys,
    normalize_company_name,
    normalize_domain,
    prepare,
)
from allied.partners.models import Achievement, AchievementKind, Partner, PartnerStatus

from .customers import (
    LEGAL,
    TITLES,
    Account,
    Company,
    CompanyNames,
    Opp,
    account_master,
    country_near,
    person,
    seed_products,
    variant,
    with_public_id,
)

BATCH = 2000
# A fuzzy key (name halves, words) held by more records than this is skipped like a stop word; exact keys
# (same domain, same normalised name) never are. Low, so that thousands of look-ups stay fast: the
# simulated check may miss a typo without a website that the database check would catch.
KEY_CAP = 5
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
# How a partner picks the customer of its next registration (the rest: a brand-new logo).
INTENTS = {"chase": 7.0, "prospect": 6.0, "own_customer": 6.0, "customer": 5.0, "direct_opp": 3.0, "named": 1.5,
           "duplicate": 1.2, "subsidiary": 2.5, "other_customer": 0.7, "unknown_renewal": 0.3}
FRESH_WEIGHT = 67.5
CAM_APPROVES = {"direct_account": 0.1, "direct_opportunity": 0.35, "existing_customer": 0.45, "incumbent": 0.9,
                "no_customer": 0.5, "possible_match": 0.8, "manual_review": 0.8}
CAM_DECLINES = {
    "direct_account": "This is one of our named direct accounts; the direct team will involve a partner if it needs one.",
    "direct_opportunity": "Our direct team is already far along with this customer; we will bring you in if they need a partner.",
    "existing_customer": "This company already buys from us through its current channel; talk to your channel manager about expansion.",
    "no_customer": "We could not find this customer among our accounts; please register it as a new logo.",
    "possible_match": "This customer matches an account the vendor already works with.",
    "already_registered": "This customer is already registered by another partner.",
    "tie": "This customer is already registered by another partner.",
}
CAM_APPROVAL_WORDS = {
    "direct_opportunity": "Approved for co-selling with our direct team; your channel manager will introduce you.",
    "existing_customer": "Approved: a new buying centre for this customer.",
    "possible_match": "Checked by your channel manager: no conflicting account.",
}
LOST_REASONS = ["Lost to a competitor", "No budget this year", "Project postponed", "Customer kept its current solution",
                "Went with a cheaper option", "Champion left the company"]
NOTES = ["Kick-off call booked with the customer's IT lead.", "Security questionnaire sent back; waiting for their review.",
         "Pricing approved by the customer's finance team.", "Proof of concept starts next Monday.",
         "Can the vendor's solution engineer join the technical deep-dive?", "Customer asked for a reference in their industry.",
         "Procurement wants a three-year term; discussing the discount.", "Implementation partner confirmed for the rollout."]
CAM_NOTES = ["Looping in our solution engineer for the technical validation.", "Approved the discount request up to 15 %.",
             "Reference customer lined up; details in the shared folder."]
DEAL_NOTES = ["Customer is evaluating three vendors.", "Budget approved for this fiscal year.", "Replacing a legacy on-premise tool.",
              "", "", "", ""]
SPLITS = [(70, 30), (60, 40), (80, 20), (60, 25, 15), (50, 30, 20)]
STAGES = list(DealStage)
# Registrations a year per unit of strength and of 1 / win rate: about 3 wins a year per unit of strength,
# the pace of the history the seed generated before deals existed (keeps the tier distribution).
RATE = 3.8
ADD_ONS = ["analytics", "security-suite", "premium-support", "pro-services"]


@dataclass
class DealSeed:
    accounts: int = 0
    registrations: int = 0
    won: int = 0
    achievements: int = 0


@dataclass(eq=False)
class _Seller:
    partner: Partner
    strength: float
    user_id: int | None
    win: float  # chance an approved registration is won
    size_mu: float
    regs: list = field(default_factory=list)
    customers: list = field(default_factory=list)  # accounts this partner became partner of record of


@dataclass(eq=False)
class _Reg:
    key: str
    deal: DealRegistration
    seller: _Seller
    company: Company
    approved_at: datetime | None = None
    holds_until: datetime | None = None  # None: still holds its customer now
    account: Account | None = None
    evidence: list = field(default_factory=list)  # (Evidence, the simulated deal / account / opportunity)
    decisive: set = field(default_factory=set)
    rival: "_Reg | None" = None  # the other registration that decided the outcome
    extensions: list = field(default_factory=list)
    others: list = field(default_factory=list)  # (partner, role, split)
    notes: list = field(default_factory=list)  # (author id, body, at)

    def status_at(self, t: datetime) -> str:
        return DealStatus.APPROVED if self.approved_at is not None and self.approved_at <= t else DealStatus.PENDING


def _record(key: str, deal: DealRegistration) -> Record:
    return Record(id=key, name=deal.customer_name, domain=deal.domain, country=deal.country)


def _poisson(rng: random.Random, lam: float) -> int:
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


def _money(value: float) -> Decimal:
    return Decimal(max(500, int(value) // 100 * 100))


class DealSimulation:
    def __init__(self, *, rng: random.Random, now: datetime, partners: list[Partner], strengths: list[float], cams: list[User],
                 admin: User, names: CompanyNames, progress: Callable[[str, int], None]):
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
        self.sellers = [_Seller(partner=p, strength=s, user_id=users.get(p.pk), win=min(0.7, 0.3 + 0.09 * min(s, 4.5)),
                                size_mu=10.62 + 0.05 * min(s, 4) - (0.7 if p.partner_type.code == "referral" else 0.0))
                        for p, s in zip(partners, strengths, strict=True)]
        self.by_partner = {s.partner.pk: s for s in self.sellers}
        self.co_sellers = [s for s in self.sellers if s.partner.status == PartnerStatus.ACTIVE
                           and s.partner.partner_type.code in ("si", "isv", "msp", "agency")]
        self.accounts: list[Account] = []
        self.account_by_key: dict[str, Account] = {}
        # One index of the account master and of every registration that held its customer; a search
        # keeps the registrations still holding at that moment (``self.live``).
        self.index = MatchIndex(key_cap=KEY_CAP)
        self.by_domain: dict[str, Account] = {}
        self.live: dict[str, _Reg] = {}
        self.recent: list[_Reg] = []  # holding registrations in order of arrival (for chasers)
        self.regs: list[_Reg] = []
        self.events: list = []  # heap of (time, seq, kind, reg)
        self.seq = 0

    # ------------------------------------------------------------------ the account master

    def seed_accounts(self, cams: list[User]) -> None:
        start_ext = CustomerAccount.objects.count() + DirectOpportunity.objects.count()
        owners = cams or [self.admin]
        for acct in account_master(self.rng, self.names, partners=self.partners, strengths=self.strengths, owners=owners,
                                   now=self.now, start=self.start, next_external=start_ext):
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

    def _at(self, when: datetime, kind: str, reg: _Reg) -> None:
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

    def _won(self, reg: _Reg, closed_at: datetime) -> None:
        """What deal_close does to the account master: the customer, its partner of record."""
        deal, partner = reg.deal, reg.seller.partner
        acct = reg.account or (self.by_domain.get(deal.domain) if deal.domain else None)
        if acct is None:
            row = with_public_id(CustomerAccount(
                name=deal.customer_name, name_normalized=deal.customer_name_normalized, website=deal.website, domain=deal.domain,
                country=deal.country, is_customer=True, customer_since=closed_at.date(), incumbent_partner=partner,
                source=AccountSource.DEAL, created_at=closed_at))
            acct = Account(key=f"w{len(self.accounts)}", row=row, company=reg.company, customer_from=closed_at)
            self._account_add(acct)
            reg.seller.customers.append(acct)
        else:
            row = acct.row
            row.is_customer = True
            row.customer_since = row.customer_since or closed_at.date()
            if acct.customer_from is None:
                acct.customer_from = closed_at
            if row.incumbent_partner is None or deal.deal_type == DealType.NEW_LOGO:
                if row.incumbent_partner is not partner:
                    reg.seller.customers.append(acct)
                row.incumbent_partner = partner
        reg.account = acct

    # ------------------------------------------------------------------ registrations

    def run(self, showcase: _Seller | None) -> None:
        rng, now = self.rng, self.now
        intents: list[tuple[datetime, int, str | None, str | None]] = []
        for i, s in enumerate(self.sellers):
            p = s.partner
            if p.status not in (PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING):
                continue
            begin = max(self.start, p.joined_at + timedelta(days=rng.uniform(7, 30)))
            if begin >= now - DAY:
                continue
            years = (now - begin).total_seconds() / (365 * 86400)
            if s.strength <= 0:
                n = 1 if rng.random() < 0.25 else 0  # an inactive partner tried once, or never
            else:
                referral = 1.5 if p.partner_type.code == "referral" else 1.0  # more, smaller deals
                n = min(700, _poisson(rng, (RATE * s.strength / s.win * referral + 1.0) * years))
            intents += [(begin + (now - begin) * rng.random(), i, None, None) for _ in range(n)]
        if showcase is not None:  # a partner whose portal shows every state (the demo login)
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

    def _pick(self, seller: _Seller, t: datetime, kind: str, force: str | None):
        """(company, name, website, e-mail domain, deal type, account) for the registration, or None."""
        rng, me = self.rng, seller.partner
        if kind == "chase" or kind == "duplicate":
            pool = self.recent[-400:] if kind == "chase" else seller.regs[-12:]
            for _ in range(12):
                if not pool:
                    return None
                reg = rng.choice(pool)
                if reg.key in self.live and (reg.seller is not seller) == (kind == "chase") and (
                        force != "approved" or reg.status_at(t) == DealStatus.APPROVED):
                    return (reg.company, *variant(rng, reg.company), reg.deal.deal_type, None)
            return None
        if kind == "direct_opp":
            for _ in range(8):
                opp: Opp = rng.choice(self.opps) if self.opps else None
                if opp is not None and opp.open_at(t):
                    acct = self.account_by_key[opp.account_key]
                    return (acct.company, *variant(rng, acct.company), DealType.NEW_LOGO, acct)
            return None
        if kind in ("own_customer", "other_customer", "customer"):
            pool = seller.customers if kind == "own_customer" else self.customers
            for _ in range(8):
                if not pool:
                    return None
                acct = rng.choice(pool)
                mine = acct.row.incumbent_partner is me
                if not acct.is_customer_at(t) or mine != (kind == "own_customer") or (force and acct.row.is_named_direct):
                    continue
                if kind == "customer":
                    return (acct.company, *variant(rng, acct.company), DealType.NEW_LOGO, acct)
                deal_type = DealType.RENEWAL if rng.random() < 0.55 else DealType.UPSELL
                website = rng.choice([acct.row.website, acct.company.domain, f"https://{acct.company.domain}"])
                return (acct.company, acct.row.name, website, acct.company.domain, deal_type, acct)
            return None
        if kind in ("named", "prospect"):
            pool = self.named if kind == "named" else self.prospects
            acct = rng.choice(pool) if pool else None
            if acct is None or (kind == "prospect" and acct.is_customer_at(t)):
                return None
            return (acct.company, *variant(rng, acct.company), DealType.NEW_LOGO, None)
        if kind == "subsidiary":  # the same brand's company in another country: a possible match, not the same company
            pool = self.recent[-400:] if rng.random() < 0.5 else self.accounts
            if not pool:
                return None
            pick = rng.choice(pool)
            parent = pick.company
            country = rng.choice([c for c in ("US", "GB", "DE", "FR", "AU", "BR", "JP") if c != parent.country])
            company = Company(core=parent.core, name=f"{parent.core} {rng.choice(LEGAL.get(country, ['Ltd']))}",
                              domain=parent.domain.replace(".example", f"-{country.lower()}.example"), country=country,
                              industry=parent.industry)
            return (company, company.name, f"https://www.{company.domain}", company.domain, DealType.NEW_LOGO, None)
        if kind == "unknown_renewal":
            company = self.names.company(country_near(rng, me))
            return (company, company.name, f"https://www.{company.domain}", company.domain, DealType.RENEWAL, None)
        return None

    def _register(self, t: datetime, seller: _Seller, kind: str | None, force: str | None) -> None:
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
                      company.domain, DealType.NEW_LOGO, None)
        company, name, website, mail_domain, deal_type, _ = picked
        contact, local = person(rng)
        domain = normalize_domain(website) if website else normalize_domain(mail_domain)
        amount = rng.lognormvariate(seller.size_mu, 0.75) * {DealType.NEW_LOGO: 1.0, DealType.RENEWAL: 0.7, DealType.UPSELL: 0.35}[deal_type]
        source = DealSource.API if seller.strength > 3 and rng.random() < 0.2 else DealSource.CSV if rng.random() < 0.03 else DealSource.PORTAL
        deal = with_public_id(DealRegistration(
            partner_id=partner.pk, registered_by_id=seller.user_id, source=source, customer_name=name,
            customer_name_normalized=normalize_company_name(name)[:255], website=website, domain=domain, country=company.country,
            contact_name=contact, contact_email=f"{local}@{mail_domain}", contact_title=rng.choice(TITLES),
            products=self._products(deal_type, amount), amount=_money(amount), currency="USD", deal_type=deal_type,
            expected_close_date=(t + timedelta(days=rng.uniform(30, 150))).date(), notes=rng.choice(DEAL_NOTES), submitted_at=t))
        reg = _Reg(key=f"r{len(self.regs)}", deal=deal, seller=seller, company=company)
        self.regs.append(reg)
        seller.regs.append(reg)

        found = self._evidence(prepare(Record(id="", name=name, domain=domain, country=company.country)), partner, t)
        evidence = [e for e, _ in found]
        outcome = decide(evidence, deal_type=deal_type, partner_id=partner.pk, rules=self.ruleset, now=t)
        reg.evidence = found[:20]
        reg.decisive = {id(e) for e in outcome.decisive}
        reg.rival = next((sim for e, sim in found if id(e) in reg.decisive and e.kind == ConflictKind.REGISTRATION), None)
        deal.decision_code, deal.decision_reason, deal.review_notes = outcome.code, outcome.partner_reason, outcome.review_notes
        reg.account = next((sim for e, sim in found if e.strong and e.kind in (ConflictKind.CUSTOMER, ConflictKind.NAMED_ACCOUNT)), None)
        if outcome.action == DECLINE:
            deal.status, deal.decision, deal.decided_at = DealStatus.DECLINED, Decision.AUTO_DECLINED, t
            return
        self.live[reg.key] = reg
        self.index.add(_record(reg.key, deal))
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
        # conflict_check breaks ties by public id; these are random, so ties go by simulation order (deterministic).
        out.sort(key=lambda item: (-item[0].score, item[0].kind, item[1].row.external_id if isinstance(item[1], Opp) else item[1].key))
        return out

    def _products(self, deal_type: str, amount: float) -> list[str]:
        rng = self.rng
        if deal_type == DealType.RENEWAL:
            return ["core-platform", "premium-support"]
        if deal_type == DealType.UPSELL:
            return rng.sample(ADD_ONS, rng.randint(1, 2))
        return ["core-enterprise" if amount > 120_000 else "core-platform"] + rng.sample(ADD_ONS, rng.choice((0, 1, 1, 2)))

    # ------------------------------------------------------------------ what happened next

    def _tick(self, t: datetime) -> datetime:
        """The hourly deals job notices ``t`` (escalation, expiry) within the hour."""
        return min(self.now, t + timedelta(minutes=self.rng.uniform(1, 59)))

    def _review(self, reg: _Reg, outcome: Outcome, t: datetime, force: str | None) -> None:
        rng, deal = self.rng, reg.deal
        deal.status, deal.sla_due_at = DealStatus.PENDING, t + self.sla
        r = rng.random()
        decided = t + timedelta(hours=rng.uniform(2, 40) if r < 0.55 else rng.uniform(40, 120) if r < 0.85 else rng.uniform(120, 340))
        behind = t > self.now - 10 * DAY and rng.random() < 0.3  # the CAM has not got to it yet
        if force == "undecided" or behind or decided > self.now:
            if deal.sla_due_at < self.now:
                deal.escalated_at = self._tick(deal.sla_due_at)
            return  # still in review: it holds its customer
        if deal.sla_due_at < decided:
            deal.escalated_at = min(self._tick(deal.sla_due_at), decided)
        deal.decided_at, deal.decided_by_id = decided, reg.seller.partner.cam_id
        approve, words = self._cam_decides(reg, outcome, decided)
        deal.decision_reason = words
        if approve:
            deal.decision = Decision.APPROVED
            self._approved(reg, decided, force)
        else:
            deal.status, deal.decision = DealStatus.DECLINED, Decision.DECLINED
            reg.holds_until = decided
            self._at(decided, "drop", reg)

    def _cam_decides(self, reg: _Reg, outcome: Outcome, at: datetime) -> tuple[bool, str]:
        """The CAM's call on a registration in review, and the words the partner reads (never another partner's name)."""
        code, rng = outcome.code, self.rng
        fallback = "We could not confirm this opportunity; add the customer's details and register again."
        if code in ("already_registered", "tie"):
            rival = reg.rival
            if rival is not None and rival.approved_at is not None and (rival.holds_until is None or rival.holds_until > at):
                return False, CAM_DECLINES[code]  # the first registration stands
            return (True, "Approved by your channel manager.") if rng.random() < 0.85 else (False, fallback)
        chance = CAM_APPROVES.get(code, 0.6) + 0.04 * min(reg.seller.strength, 3)
        if rng.random() < chance:
            return True, CAM_APPROVAL_WORDS.get(code, "Approved by your channel manager.")
        return False, CAM_DECLINES.get(code, fallback)

    def _approved(self, reg: _Reg, start: datetime, force: str | None) -> None:
        """An approved registration's life: stages, extensions, and won, lost, withdrawn or expired (or still open)."""
        rng, now, deal, rules = self.rng, self.now, reg.deal, self.rules
        reg.approved_at, deal.status = start, DealStatus.APPROVED
        win, r = reg.seller.win, rng.random()
        target: datetime | None = None
        if force == "won":
            fate, target = "won", start + timedelta(days=rng.uniform(30, 60))
        elif force == "open":
            fate, target = "won", now + timedelta(days=rng.uniform(20, 40))
        elif r < 0.03:
            fate, target = "withdrawn", start + timedelta(days=rng.uniform(5, 60))
        else:
            fate = "won" if r < 0.03 + win else "lost" if r < 0.03 + win + (1 - win) * 0.55 else "expired"
            if fate != "expired":
                target = start + timedelta(days=rng.uniform(12, 85) if rng.random() < 0.85 else rng.uniform(95, 150))
        # Extensions the partner asks for when the close slips past the protection end.
        end, asks = start + self.protection, []
        wants_more = fate == "expired" and rng.random() < 0.2
        while force != "open" and len(asks) < rules.max_extensions and ((target and target > end) or (wants_more and not asks)):
            req = end - timedelta(days=rng.uniform(2, 12))
            dec = req + timedelta(hours=rng.uniform(3, min(60.0, (end - req) / HOUR - 1)))
            ok = rng.random() < 0.88
            asks.append((req, dec, ok))
            if not ok:
                break
            end = max(end, dec) + timedelta(days=rules.extension_days)
        # Only what happened before now.
        end = start + self.protection
        for req, dec, ok in asks:
            if req > now:
                break
            if dec > now:
                reg.extensions.append((req, None, None))
                break
            reg.extensions.append((req, dec, ok))
            if not ok:
                break
            end = max(end, dec) + timedelta(days=rules.extension_days)
        deal.extensions = sum(1 for _, _, ok in reg.extensions if ok)
        deal.protection_expires_at = end
        closes = target if fate != "expired" and target is not None and target <= end else None
        if closes is not None and closes <= now:
            deal.closed_at = closes
            if fate == "won":
                deal.status, deal.stage = DealStatus.WON, DealStage.NEGOTIATION
                deal.won_amount = _money(float(deal.amount) * rng.uniform(0.85, 1.1))
                self._at(closes, "win", reg)
            elif fate == "lost":
                deal.status, deal.stage, deal.lost_reason = DealStatus.LOST, rng.choice(STAGES[1:]), rng.choice(LOST_REASONS)
            else:
                deal.status, deal.stage = DealStatus.WITHDRAWN, rng.choice(STAGES[:2])
        elif end <= now:
            deal.status, deal.closed_at, deal.stage = DealStatus.EXPIRED, self._tick(end), rng.choice(STAGES[:3])
        else:
            horizon = (target or end) - start
            deal.stage = STAGES[min(3, int((now - start) / horizon * 4))]
        stop = deal.closed_at or now
        if deal.closed_at is not None:
            reg.holds_until = deal.closed_at
            self._at(deal.closed_at, "drop", reg)
        crossed = [d for d in self.reminders if end - timedelta(days=d) <= stop]
        deal.reminded_days = min(crossed) if crossed else None
        self._team_and_notes(reg, start, stop)

    def _team_and_notes(self, reg: _Reg, start: datetime, stop: datetime) -> None:
        rng = self.rng
        if self.co_sellers and rng.random() < 0.055:
            split = rng.choice(SPLITS)
            others = []
            for _ in range(len(split) - 1):
                for _ in range(5):
                    co = rng.choice(self.co_sellers)
                    if co is not reg.seller and co not in others:
                        others.append(co)
                        break
            if len(others) == len(split) - 1:
                role = {"isv": ParticipantRole.INFLUENCING, "distributor": ParticipantRole.RESELLING}
                at = min(stop, start + timedelta(days=rng.uniform(1, 20)))
                reg.others = [(co.partner, role.get(co.partner.partner_type.code, ParticipantRole.IMPLEMENTING), Decimal(pct), at)
                              for co, pct in zip(others, split[1:], strict=True)]
                reg.sourcing_split = Decimal(split[0])
        if rng.random() < 0.06:
            for _ in range(rng.randint(1, 3)):
                at = start + (stop - start) * rng.random()
                cam = rng.random() < 0.3 or reg.seller.user_id is None
                reg.notes.append((reg.seller.partner.cam_id if cam else reg.seller.user_id, rng.choice(CAM_NOTES if cam else NOTES), at))

    # ------------------------------------------------------------------ rows

    def write(self, progress_units: int) -> DealSeed:
        out = DealSeed()
        rows = [a.row for a in self.accounts]
        CustomerAccount.objects.bulk_create(rows, batch_size=BATCH)
        AccountKey.objects.bulk_create(
            [AccountKey(account_id=row.pk, key=k) for row in rows
             for k in sorted({k[:80] for k in blocking_keys(prepare(Record(id=row.public_id, name=row.name, domain=row.domain,
                                                                          country=row.country))) if k})],
            batch_size=BATCH)
        DirectOpportunity.objects.bulk_create([o.row for o in self.opps], batch_size=BATCH)
        out.accounts = len(rows)
        self.progress("customer accounts", progress_units // 3)
        for reg in self.regs:
            if reg.account is not None:
                reg.deal.account_id = reg.account.row.pk
        deals = [r.deal for r in self.regs]
        DealRegistration.objects.bulk_create(deals, batch_size=BATCH)
        out.registrations = len(deals)
        conflicts, people, notes, asks, keys, wins = [], [], [], [], [], []
        for reg in self.regs:
            deal = reg.deal
            for e, sim in reg.evidence:
                conflicts.append(DealConflict(
                    deal_id=deal.pk, kind=e.kind, score=Decimal(str(round(e.score, 3))), reason=e.reason[:500],
                    decisive=id(e) in reg.decisive,
                    other_deal_id=sim.deal.pk if isinstance(sim, _Reg) else None,
                    account_id=sim.row.pk if isinstance(sim, Account) else None,
                    opportunity_id=sim.row.pk if isinstance(sim, Opp) else None))
            sourcing = getattr(reg, "sourcing_split", Decimal(100))
            people.append(DealParticipant(deal_id=deal.pk, partner_id=deal.partner_id, role=ParticipantRole.SOURCING,
                                          split_pct=sourcing, added_at=deal.submitted_at))
            people += [DealParticipant(deal_id=deal.pk, partner_id=p.pk, role=role, split_pct=pct, added_at=at)
                       for p, role, pct, at in reg.others]
            notes += [with_public_id(DealNote(deal_id=deal.pk, author_id=author, body=body, created_at=at)) for author, body, at in reg.notes]
            for req, dec, ok in reg.extensions:
                status = ExtensionStatus.PENDING if dec is None else ExtensionStatus.APPROVED if ok else ExtensionStatus.DECLINED
                asks.append(with_public_id(ExtensionRequest(
                    deal_id=deal.pk, requested_by_id=reg.seller.user_id, days=self.rules.extension_days, status=status,
                    reason="The customer's procurement needs a few more weeks to sign.", created_at=req,
                    decided_by_id=reg.seller.partner.cam_id if dec else None, decided_at=dec)))
            if deal.status in (DealStatus.PENDING, DealStatus.APPROVED):
                keys += [RegistrationKey(registration_id=deal.pk, key=k) for k in dict.fromkeys(keys_for(deal))]
            elif deal.status == DealStatus.WON:
                wins.append(with_public_id(Achievement(
                    partner_id=deal.partner_id, kind=AchievementKind.DEAL_WON, name=deal.customer_name[:200], amount=deal.won_amount,
                    currency=deal.currency, occurred_at=deal.closed_at)))
        for model, objs in ((DealConflict, conflicts), (DealParticipant, people), (DealNote, notes), (ExtensionRequest, asks),
                            (RegistrationKey, keys), (Achievement, wins)):
            model.objects.bulk_create(objs, batch_size=BATCH)
        out.won = out.achievements = len(wins)
        self.progress("deal outcomes", progress_units - progress_units // 3)
        return out


def _showcase(sellers: list[_Seller], now: datetime) -> _Seller | None:
    """A steady partner (not the champion) whose portal will show every state of a registration."""
    fit = [s for s in sellers if s.partner.status == PartnerStatus.ACTIVE and (now - s.partner.joined_at).days > 400
           and 1.2 <= s.strength <= 4]
    if not fit:
        fit = [s for s in sellers if s.partner.status == PartnerStatus.ACTIVE]
    return min(fit, key=lambda s: abs(s.strength - 2.5)) if fit else None


def seed_deals(*, rng: random.Random, now: datetime, partners: list[Partner], strengths: list[float], cams: list[User],
               admin: User, taken_names: set[str], progress: Callable[[str, int], None]) -> DealSeed:
    """Products, the account master and two years of deal registrations; ``len(partners)`` progress units in all."""
    seed_products()
    sim = DealSimulation(rng=rng, now=now, partners=partners, strengths=strengths, cams=cams, admin=admin,
                         names=CompanyNames(rng, {normalize_company_name(n) for n in taken_names}), progress=progress)
    n = len(partners)
    sim.seed_accounts(cams)
    progress("customer accounts", n // 10)
    sim.run(_showcase(sim.sellers, now))
    return sim.write(n - n // 10 - n * 6 // 10)


def deal_mix_partner() -> Partner | None:
    """The active partner whose portal shows the most states of a registration (approved, in review,
    declined, won, expiring soon), the fewest deals breaking a tie: a good demo login."""
    from django.db.models import Count
    from django.utils import timezone

    now = timezone.now()
    wanted = {DealStatus.APPROVED, DealStatus.PENDING, DealStatus.DECLINED, DealStatus.WON}
    seen: dict[int, set[str]] = {}
    totals: dict[int, int] = {}
    for pid, status, n in (DealRegistration.objects.filter(partner__status=PartnerStatus.ACTIVE)
                           .values_list("partner_id", "status").annotate(n=Count("id")).order_by()):
        totals[pid] = totals.get(pid, 0) + n
        if status in wanted:
            seen.setdefault(pid, set()).add(status)
    expiring = set(DealRegistration.objects.filter(status=DealStatus.APPROVED, protection_expires_at__gte=now,
                                                   protection_expires_at__lte=now + timedelta(days=14))
                   .values_list("partner_id", flat=True).distinct())
    if not seen:
        return None
    best = max(seen, key=lambda pid: (len(seen[pid]) + (pid in expiring), -totals[pid], -pid))
    return Partner.objects.select_related("partner_type").get(pk=best)
