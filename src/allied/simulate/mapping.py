"""Account mapping for the demo ecosystem: partner account lists whose overlap with the vendor's drives co-selling.

The vendor's list is synced from the account master (``vendor_list_sync``). About 60 % of the active partners
have an account list of a few hundred companies: some of the vendor's accounts written the way another CRM
writes them (``company_variants``: legal forms, case and punctuation, abbreviations, typos, websites as URLs or
e-mail addresses, missing domains), plus companies of their own. Statuses are mixed so that some overlaps are
co-sell opportunities (one side's customer is the other's open opportunity). Most partnerships are opted in on
both sides with varied sharing (counts only, overlapping records, a few full lists); each is mapped by the real
mapping run; a CAM turns a few co-sell opportunities into leads and deal rooms, and partners are introduced.

Lists, populations, partnerships and sharing rules are bulk-inserted (no audit events, like the rest of the
ecosystem); runs, co-sell actions and introductions go through the services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from allied.accounts.models import User
from allied.core.errors import DomainError
from allied.mapping import selectors as mapping_selectors
from allied.mapping import services as mapping
from allied.mapping.models import (
    AccountStatus,
    ListSource,
    MappedAccount,
    MappingRun,
    Partnership,
    Population,
    PopulationKind,
    RunStatus,
    ShareLevel,
    SharingRule,
)
from allied.mapping.services.lists import fingerprint
from allied.mapping.services.populations import DEFAULTS
from allied.matching import normalize_company_name, normalize_domain
from allied.partners.models import Partner, PartnerStatus

from .company_variants import LEGAL, _abbreviate, _case_punct, _present_domain, _typo
from .customers import CompanyNames, with_public_id
from .names import FIRST, LAST

BATCH = 2000
LIST_SHARE = 0.6  # partners with an account list
STAGES = ["Qualification", "Discovery", "Proposal", "Negotiation", "Verbal commit"]
INDUSTRIES = ["Software", "Manufacturing", "Healthcare", "Financial services", "Retail", "Logistics", "Energy", "Education",
              "Public sector", "Telecom", "Media", "Professional services"]
_LEGAL_WORDS = {w.casefold() for forms in LEGAL.values() for form in forms for w in form.split()}
FIELD_SETS = [["country", "status"], ["country", "status", "industry"], ["status", "opportunity_stage"],
              ["country", "status", "industry", "owner_name"], ["website", "country", "status", "industry", "employees"]]


@dataclass
class MappingSeed:
    lists: int = 0
    accounts: int = 0
    active: int = 0
    matches: int = 0
    cosell_actions: int = 0
    deal_rooms: int = 0  # co-sell actions that registered a deal for the partner
    leads: int = 0  # co-sell actions that handed a lead to the partner
    introductions: int = 0


def _variant_name(rng: random.Random, name: str, country: str) -> str:
    """The same company as another CRM holds it."""
    words = name.split()
    roll = rng.random()
    if roll < 0.3 or len(words) < 2:
        return name
    if roll < 0.5:  # another legal form, or none
        core = words[:-1] if words[-1].casefold().strip(".,") in _LEGAL_WORDS else words
        forms = LEGAL.get(country) or ["Inc."]
        return " ".join(core + ([rng.choice(forms)] if rng.random() < 0.7 else []))
    change = _case_punct if roll < 0.7 else _abbreviate if roll < 0.8 else _typo if roll < 0.88 else None
    changed = change(rng, words) if change else None
    return " ".join(changed) if changed else name.upper()


def _account(partner: Partner, ext: str, name: str, website: str, country: str, status: str, rng: random.Random, now: datetime,
             owners: list[str]) -> MappedAccount:
    name_normalized = normalize_company_name(name)[:255]
    domain = normalize_domain(website) if website else ""
    stage, amount = "", None
    if status == AccountStatus.OPPORTUNITY:
        stage = rng.choice(STAGES)
        amount = Decimal(rng.randrange(8, 400) * 1000)
    created = now - timedelta(days=rng.uniform(5, 700))
    updated = now - timedelta(days=rng.uniform(0, 10))  # uploaded again lately: newer than the partnership's last run
    row = MappedAccount(partner=partner, external_id=ext, name=name[:255], name_normalized=name_normalized, website=website[:255],
                        domain=domain, country=country, status=status, industry=rng.choice(INDUSTRIES),
                        employees=int(rng.lognormvariate(5, 1.4)) + 1, owner_name=rng.choice(owners), opportunity_stage=stage,
                        opportunity_amount=amount, source=ListSource.DEMO, fingerprint=fingerprint(name_normalized, domain, country),
                        created_at=created, updated_at=updated)
    return with_public_id(row)


def _partner_status(rng: random.Random, vendor_status: str) -> str:
    """What a vendor account is to the partner: biased so that one side's customer is often the other's opportunity."""
    if vendor_status == AccountStatus.CUSTOMER:
        return rng.choices([AccountStatus.CUSTOMER, AccountStatus.OPPORTUNITY, AccountStatus.PROSPECT], weights=[40, 35, 25])[0]
    return rng.choices([AccountStatus.CUSTOMER, AccountStatus.OPPORTUNITY, AccountStatus.PROSPECT], weights=[50, 30, 20])[0]


def _lists(rng: random.Random, now: datetime, partners: list[Partner], vendor: list[tuple]) -> int:
    names = CompanyNames(rng, {normalize_company_name(v[1]) for v in vendor})
    rows: list[MappedAccount] = []
    for partner in partners:
        owners = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(2, 6))]
        size = rng.randint(80, 320)
        overlap = min(len(vendor), int(size * rng.uniform(0.12, 0.35)))
        ext = 1
        for _pk, name, domain, country, status in rng.sample(vendor, overlap):
            website = _present_domain(rng, domain) if domain and rng.random() < 0.75 else ""
            rows.append(_account(partner, f"{rng.randrange(10**9, 10**10)}", _variant_name(rng, name, country), website,
                                 country if rng.random() < 0.9 else "", _partner_status(rng, status), rng, now, owners))
            ext += 1
        for _ in range(size - overlap):
            company = names.company(partner.country or "US")
            status = rng.choices([AccountStatus.CUSTOMER, AccountStatus.OPPORTUNITY, AccountStatus.PROSPECT, AccountStatus.OTHER],
                                 weights=[40, 20, 30, 10])[0]
            website = rng.choice([f"https://www.{company.domain}", company.domain, f"www.{company.domain}", ""])
            rows.append(_account(partner, f"{rng.randrange(10**9, 10**10)}", company.name, website, company.country, status, rng,
                                 now, owners))
        # external ids are HubSpot record ids: unique within one partner's list
        seen: set[str] = set()
        for row in rows[-size:]:
            while row.external_id in seen:
                row.external_id = f"{rng.randrange(10**9, 10**10)}"
            seen.add(row.external_id)
    MappedAccount.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _populations(partners: list[Partner], now: datetime) -> dict[int, dict[str, Population]]:
    mapping.populations_ensure_defaults(None)
    have = set(Population.objects.filter(partner__in=partners).values_list("partner_id", "kind"))
    new = [with_public_id(Population(partner=p, name=name, kind=kind, filters=filters, created_at=now))
           for p in partners for kind, name, filters in DEFAULTS if (p.pk, kind) not in have]
    Population.objects.bulk_create(new, batch_size=BATCH)
    out: dict[int, dict[str, Population]] = {}
    for pop in Population.objects.filter(partner__in=partners):
        out.setdefault(pop.partner_id, {})[pop.kind] = pop
    return out


def _level(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _partnerships(rng: random.Random, now: datetime, partners: list[Partner], pops: dict[int, dict[str, Population]],
                  cams: list[User], admins: dict[int, User]) -> list[Partner]:
    vendor = {p.kind: p for p in Population.objects.filter(partner__isnull=True)}
    existing = set(Partnership.objects.filter(partner__in=partners).values_list("partner_id", flat=True))
    rows, active = [], []
    for p in partners:
        if p.pk in existing:
            continue
        roll = rng.random()
        vendor_in = roll < 0.95
        partner_in = roll < 0.85 or roll >= 0.95
        row = Partnership(partner=p, discoverable=rng.random() < 0.35, created_at=now - timedelta(days=rng.uniform(30, 400)))
        if vendor_in:
            row.vendor_opted_in_at = row.created_at + timedelta(days=rng.uniform(0, 10))
            row.vendor_opted_in_by = p.cam or (cams[0] if cams else None)
        if partner_in:
            row.partner_opted_in_at = row.created_at + timedelta(days=rng.uniform(0, 30))
            row.partner_opted_in_by = admins.get(p.pk)
        rows.append(row)
        if vendor_in and partner_in:
            active.append(p)
    Partnership.objects.bulk_create(rows, batch_size=BATCH)
    by_partner = {r.partner_id: r for r in Partnership.objects.filter(partner__in=partners)}
    rules = []
    for i, p in enumerate(partners):
        ps = by_partner[p.pk]
        ours = {PopulationKind.CUSTOMERS: {ShareLevel.OVERLAPS: 70, ShareLevel.COUNTS: 25, ShareLevel.FULL: 5},
                PopulationKind.OPPORTUNITIES: {ShareLevel.OVERLAPS: 55, ShareLevel.COUNTS: 35, ShareLevel.HIDDEN: 10},
                PopulationKind.PROSPECTS: {ShareLevel.HIDDEN: 50, ShareLevel.COUNTS: 40, ShareLevel.OVERLAPS: 10}}
        theirs = {PopulationKind.CUSTOMERS: {ShareLevel.OVERLAPS: 60, ShareLevel.COUNTS: 28, ShareLevel.FULL: 12},
                  PopulationKind.OPPORTUNITIES: {ShareLevel.OVERLAPS: 55, ShareLevel.COUNTS: 35, ShareLevel.HIDDEN: 10},
                  PopulationKind.PROSPECTS: {ShareLevel.HIDDEN: 55, ShareLevel.COUNTS: 35, ShareLevel.OVERLAPS: 10}}
        for kind, weights in ours.items():
            rules.append(SharingRule(partnership=ps, population=vendor[kind], level=_level(rng, weights), fields=rng.choice(FIELD_SETS),
                                     updated_at=ps.created_at, updated_by=ps.vendor_opted_in_by))
        if i % 10 == 3:  # a few partners share their whole customer list
            theirs[PopulationKind.CUSTOMERS] = {ShareLevel.FULL: 1}
        for kind, weights in theirs.items():
            rules.append(SharingRule(partnership=ps, population=pops[p.pk][kind], level=_level(rng, weights),
                                     fields=rng.choice(FIELD_SETS), updated_at=ps.created_at, updated_by=admins.get(p.pk)))
    SharingRule.objects.bulk_create(rules, batch_size=BATCH, ignore_conflicts=True)
    return active


def _cosell(rng: random.Random, cams: list[User]) -> tuple[int, int, int]:
    """A CAM turns a few co-sell opportunities into leads and deal rooms (through the real services): (actions, deal rooms, leads)."""
    cam = cams[0] if cams else None
    if cam is None:
        return 0, 0, 0
    opportunities = [r for r in mapping_selectors.cosell_opportunities(user=cam) if r["own"]["country"]]
    rng.shuffle(opportunities)
    done = rooms = leads = 0
    for i, row in enumerate(opportunities[:40]):
        if done >= 8:
            break
        match = mapping_selectors.cosell_get(user=cam, public_id=row["match"])[0]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        contact = f"{first.lower()}.{last.lower()}@{row['own']['domain'] or 'example.com'}"
        try:
            if i % 3 == 2:
                mapping.cosell_to_deal(actor=cam, match=match, data={
                    "contact_name": f"{first} {last}", "contact_email": contact,
                    "amount": str(row["own"]["opportunity_amount"] or rng.randrange(20, 200) * 1000)})
                rooms += 1
            else:
                mapping.cosell_to_lead(actor=cam, match=match, contact_name=f"{first} {last}", contact_email=contact)
                leads += 1
        except DomainError:  # a named direct account, a duplicate lead, a registration the rules decline: skip it
            continue
        done += 1
    return done, rooms, leads


def _introductions(rng: random.Random, partners: list[Partner], cams: list[User], admins: dict[int, User]) -> int:
    findable = [p for p in partners if p.status == PartnerStatus.ACTIVE and p.listed_in_locator]
    if len(findable) < 3 or not cams:
        return 0
    made = 0
    for i in range(6):
        a, b = rng.sample(findable, 2)
        account = MappedAccount.objects.filter(partner=a).order_by("pk").values_list("name", flat=True).first() or "a joint customer"
        try:
            if i % 2 == 0:
                mapping.introduction_create(actor=a.cam or cams[0], to_partner=a, with_partner=b, account_name=account,
                                            message=f"{b.name} has deep {', '.join((b.specialties or ['delivery'])[:2])} skills for {account}.")
            elif admins.get(a.pk) is not None:
                mapping.introduction_create(actor=admins[a.pk], to_partner=b, account_name=account,
                                            message="We would like to bring you in on this account; can we talk this week?")
            else:
                continue
        except DomainError:
            continue
        made += 1
    return made


def seed_mapping(*, rng: random.Random, now: datetime, partners: list[Partner], strengths: list[float]) -> MappingSeed:
    """Lists, sharing, runs and co-selling for ``partners`` (the ecosystem's); idempotent per empty mapping tables."""
    res = MappingSeed()
    mapping.vendor_list_sync(actor=None)
    # the vendor's list was synced a month ago and each partnership last mapped before the partners' latest uploads,
    # so one incremental run per partnership matches each partner's list against the whole vendor list
    MappedAccount.objects.filter(partner__isnull=True).update(created_at=now - timedelta(days=40), updated_at=now - timedelta(days=30))
    vendor = list(MappedAccount.objects.filter(partner__isnull=True).order_by("pk")
                  .values_list("pk", "name", "domain", "country", "status"))
    if not vendor:
        return res
    ranked = [p for _, p in sorted(zip(strengths, partners, strict=True), key=lambda x: -x[0]) if p.status == PartnerStatus.ACTIVE]
    chosen = sorted(ranked[: max(1, int(len(ranked) * LIST_SHARE))], key=lambda p: p.pk)
    if MappedAccount.objects.filter(partner__in=chosen).exists():
        return res
    res.lists = len(chosen)
    res.accounts = _lists(rng, now, chosen, vendor)
    admins = {u.partner_id: u for u in User.objects.filter(partner__in=chosen, role="partner_admin", is_active=True).order_by("-pk")}
    cams = list(User.objects.filter(role="cam", partner__isnull=True, is_active=True).order_by("pk"))
    pops = _populations(chosen, now)
    active = _partnerships(rng, now, chosen, pops, cams, admins)
    res.active = len(active)
    Partnership.objects.filter(partner__in=active).update(matched_at=now - timedelta(days=20))
    runs = [with_public_id(MappingRun(partner=p, incremental=True, status=RunStatus.QUEUED, created_at=now)) for p in active]
    MappingRun.objects.bulk_create(runs, batch_size=BATCH)
    for run in MappingRun.objects.filter(partner__in=active, status=RunStatus.QUEUED).order_by("pk"):
        res.matches += mapping.mapping_run_execute(run).get("added", 0)
    res.cosell_actions, res.deal_rooms, res.leads = _cosell(rng, cams)
    res.introductions = _introductions(rng, chosen, cams, admins)
    return res
