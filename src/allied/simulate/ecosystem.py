"""A realistic synthetic partner ecosystem, deterministic by seed.

Performance follows a Pareto spread: a few champions bring most revenue, some contenders
rise, many partners are inactive. Rows are bulk-inserted (no audit events) so that a
thousand partners with two years of history seed in seconds.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from allied.accounts.models import Invitation, User
from allied.core.ids import new_public_id
from allied.matching import normalize_domain
from allied.onboarding.models import AgreementAcceptance, JourneyTemplate, OnboardingTask, Side, TaskStatus
from allied.partners.models import (
    INDUSTRIES,
    SEGMENTS,
    SPECIALTIES,
    Achievement,
    AchievementKind,
    Partner,
    PartnerStatus,
)
from allied.program.models import Agreement, Announcement, PartnerType, ProgramSettings, Tier
from allied.recruitment.fit import fit_score
from allied.recruitment.models import Application, ApplicationStatus, IdealPartnerProfile
from allied.tiering.models import TierChange
from allied.tiering.services import tier_evaluate

from .deals import deal_mix_partner, seed_deals
from .leads import seed_leads
from .learning import seed_learning
from .library import seed_library
from .mapping import seed_mapping
from .money import seed_money
from .names import CORES, COUNTRIES, FIRST, LAST, NEWS, PREFIXES, SUFFIXES

DEMO_PASSWORD = "allied-demo-2026"
ADMIN_EMAIL = "admin@vendor.example"
TYPE_WEIGHTS = {"reseller": 30, "referral": 20, "msp": 12, "si": 12, "isv": 10, "agency": 8, "oem": 3, "distributor": 5}
REGION_WEIGHTS = {"na": 40, "emea": 35, "apac": 18, "latam": 7}
BATCH = 2000


@dataclass
class SeedResult:
    partners: int = 0
    users: int = 0
    achievements: int = 0
    applications: int = 0
    tasks: int = 0
    accounts: int = 0
    deals: int = 0
    leads: int = 0
    fund_requests: int = 0
    payouts: int = 0
    money_s: float = 0.0  # time spent writing the money history through the real services
    mapped_accounts: int = 0  # partner account lists for co-selling
    account_matches: int = 0
    mapping_s: float = 0.0
    courses: int = 0  # the learning catalogue
    course_completions: int = 0
    certifications_held: int = 0  # active certifications of partner users
    learning_s: float = 0.0
    assets: int = 0  # the content library
    asset_events: int = 0  # partner views and downloads
    library_s: float = 0.0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (email, password, who)


def _pid(prefix: str) -> str:
    return new_public_id(prefix)


class _Gen:
    def __init__(self, seed: int, now: datetime):
        self.rng = random.Random(seed)
        self.now = now
        self.used_names: set[str] = set(Partner.objects.values_list("name", flat=True))

    def company(self) -> str:
        for _ in range(1000):
            name = f"{self.rng.choice(PREFIXES)}{self.rng.choice(CORES)} {self.rng.choice(SUFFIXES)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        name = f"{self.rng.choice(PREFIXES)}{self.rng.choice(CORES)} {len(self.used_names)} {self.rng.choice(SUFFIXES)}"
        self.used_names.add(name)
        return name

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def sample(self, pool: list[str], lo: int, hi: int) -> list[str]:
        return self.rng.sample(pool, self.rng.randint(lo, hi))

    def moment(self, days_back_max: float, days_back_min: float = 0) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(days_back_min, days_back_max))


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower().split(" ")[0] if ch.isalnum())


def _vendor_users(password_hash: str, n_partners: int) -> tuple[User, list[User]]:
    specs = [(ADMIN_EMAIL, "Avery Admin", "program_admin"), ("pmm@vendor.example", "Morgan Marketing", "pmm"),
             ("finance@vendor.example", "Finley Finance", "finance"), ("controller@vendor.example", "Casey Controller", "finance")]
    n_cams = max(3, min(25, n_partners // 60))
    specs += [(f"cam{i}@vendor.example", f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}", "cam") for i in range(1, n_cams + 1)]
    users = {}
    for email, name, role in specs:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=name, role=role, password=password_hash, is_staff=role == "program_admin",
                        is_superuser=role == "program_admin")
            user.public_id = _pid("usr")
            user.save()
        users[email] = user
    cams = [u for u in users.values() if u.role == "cam"]
    return users[ADMIN_EMAIL], cams


@transaction.atomic
def seed_ecosystem(*, partners: int, seed: int = 1, progress: Callable[[str, int], None] | None = None,
                   money: bool = True, mapping: bool = True, learning: bool = True,
                   library: bool = True) -> SeedResult:
    """Create ``partners`` partners with users, history, applications, onboarding, customer accounts and deal
    registrations. Idempotent per empty DB. ``progress(stage, n)`` reports ``3 * partners`` units in all."""
    progress = progress or (lambda stage, n: None)
    now = timezone.now()
    g = _Gen(seed, now)
    res = SeedResult()
    password_hash = make_password(DEMO_PASSWORD)
    program = ProgramSettings.current()
    program.vendor_name = program.vendor_name if program.vendor_name != "Vendor Inc." else "Northwind Cloud"
    program.save()
    admin, cams = _vendor_users(password_hash, partners)
    types = {t.code: t for t in PartnerType.objects.all()}
    tiers = list(Tier.objects.order_by("rank"))
    journeys = {j.partner_type_id: j for j in JourneyTemplate.objects.prefetch_related("steps")}
    agreement = Agreement.objects.filter(is_current=True).first()

    # 1. Partners. Strength ~ Pareto: most near 0, a long tail of champions.
    rows: list[Partner] = []
    strengths: list[float] = []
    distributors: list[Partner] = []
    for i in range(partners):
        code = g.weighted(TYPE_WEIGHTS)
        region = g.weighted(REGION_WEIGHTS)
        country, city = g.rng.choice(COUNTRIES[region])
        name = g.company()
        domain = f"{_slug(name)}{i}.example"
        inactive = g.rng.random() < 0.45
        strength = 0.0 if inactive else g.rng.paretovariate(1.2) - 1
        # Strong partners have been around long enough to earn it.
        age_days = g.rng.uniform(180, 900) if strength > 1 else g.rng.uniform(5, 900)
        strengths.append(strength)
        status = PartnerStatus.ONBOARDING if age_days < 100 else PartnerStatus.ACTIVE
        if status == PartnerStatus.ACTIVE and inactive and g.rng.random() < 0.06:
            status = g.rng.choice([PartnerStatus.SUSPENDED, PartnerStatus.OFFBOARDED])
        p = Partner(
            public_id=_pid("ptn"), name=name, website=f"https://www.{domain}", domain=domain, country=country, region=region,
            city=city, partner_type=types[code], tier=tiers[0], cam=cams[i % len(cams)], status=status,
            description=f"{name} is a {types[code].name.lower()} serving {region.upper()} customers.",
            specialties=g.sample(SPECIALTIES, 1, 4), industries=g.sample(INDUSTRIES, 1, 3),
            regions_served=[region] + ([g.weighted(REGION_WEIGHTS)] if g.rng.random() < 0.2 else []),
            customer_segments=g.sample(SEGMENTS, 1, 2), team_size=max(2, int(g.rng.lognormvariate(3, 1))),
            joined_at=now - timedelta(days=age_days), tier_since=now - timedelta(days=age_days),
        )
        rows.append(p)
        if code == "distributor":
            distributors.append(p)
        if (i + 1) % 500 == 0:
            progress("partners", 500)
    progress("partners", partners % 500)
    # Two-tier: a share of resellers buy through a distributor.
    for p in rows:
        if distributors and p.partner_type.code == "reseller" and g.rng.random() < 0.35:
            p.parent = g.rng.choice(distributors)
    for d in distributors:
        d.parent = None
    Partner.objects.bulk_create([p for p in rows if p.partner_type.code == "distributor"], batch_size=BATCH)
    Partner.objects.bulk_create([p for p in rows if p.partner_type.code != "distributor"], batch_size=BATCH)
    res.partners = len(rows)

    # 2. Certifications and trainings over two years, driven by strength. Closed-won deals come from the
    #    deal registrations (step 8): each win is the partner's DEAL_WON achievement.
    achievements: list[Achievement] = []
    for p, s in zip(rows, strengths, strict=True):
        age = (now - p.joined_at).days
        if age < 20:
            continue
        for _ in range(min(int(s * 1.5 + (s > 0)), 12)):
            at = g.moment(min(age, 700))
            achievements.append(Achievement(public_id=_pid("ach"), partner=p, kind=AchievementKind.CERTIFICATION,
                                            name=g.rng.choice(["Sales Professional", "Solutions Architect", "Support Engineer", "Security Specialist"]),
                                            occurred_at=at, expires_at=at + timedelta(days=730)))
        for _ in range(min(int(s * 4 + (g.rng.random() < 0.4)), 40)):
            achievements.append(Achievement(public_id=_pid("ach"), partner=p, kind=AchievementKind.TRAINING, name="Course completed",
                                            occurred_at=g.moment(min(age, 730))))
        if len(achievements) >= BATCH * 5:
            Achievement.objects.bulk_create(achievements, batch_size=BATCH)
            res.achievements += len(achievements)
            progress("history", 0)
            achievements = []
    Achievement.objects.bulk_create(achievements, batch_size=BATCH)
    res.achievements += len(achievements)
    progress("history", partners // 2)

    # 3. Tiers that mostly fit performance (some lag behind, so evaluation has work to do), with history.
    changes = []
    for p, s in zip(rows, strengths, strict=True):
        target = 0 if s < 0.4 else 1 if s < 1.5 else 2 if s < 4 else 3
        if g.rng.random() < 0.12:
            target = max(0, min(len(tiers) - 1, target + g.rng.choice([-1, 1])))
        target = min(target, len(tiers) - 1)
        if (now - p.joined_at).days < 120:
            target = 0  # new partners start at the entry tier
        prev = tiers[0]
        changes.append(TierChange(public_id=_pid("tch"), partner=p, from_tier=None, to_tier=prev, changed_at=p.joined_at, reason="Joined the program"))
        for step in range(1, target + 1):
            at = p.joined_at + (now - p.joined_at) * (step / (target + 1))
            changes.append(TierChange(public_id=_pid("tch"), partner=p, from_tier=prev, to_tier=tiers[step], changed_at=at,
                                      reason="Tier evaluation: met every requirement"))
            prev = tiers[step]
        p.tier = prev
        p.tier_since = changes[-1].changed_at
    Partner.objects.bulk_update(rows, ["tier", "tier_since"], batch_size=BATCH)
    TierChange.objects.bulk_create(changes, batch_size=BATCH)

    # 4. Users: an admin for everyone, sales and marketing for the larger ones.
    users: list[User] = []
    for p, s in zip(rows, strengths, strict=True):
        domain = p.domain
        specs = [("admin", "partner_admin")]
        if p.team_size and p.team_size > 8:
            specs.append(("sales", "partner_sales"))
        if s > 1:
            specs.append(("marketing", "partner_marketing"))
        for local, role in specs:
            users.append(User(public_id=_pid("usr"), email=f"{local}@{domain}", full_name=g.person(), role=role, partner=p,
                              password=password_hash, date_joined=p.joined_at))
    User.objects.bulk_create(users, batch_size=BATCH)
    res.users = len(users)
    progress("users", partners // 4)

    # 5. Onboarding: everyone walked a journey; recent partners are part-way through.
    admins = {u.partner_id: u for u in User.objects.filter(partner__in=rows, role="partner_admin")}
    tasks: list[OnboardingTask] = []
    accepts: list[AgreementAcceptance] = []
    default_journey = journeys.get(None)
    for p in rows:
        journey = journeys.get(p.partner_type_id, default_journey)
        if journey is None:
            continue
        age = (now - p.joined_at).days
        diligence = g.rng.uniform(0.3, 1.3)
        for step in journey.steps.all():
            due = (p.joined_at + timedelta(days=step.due_day)).date()
            done = p.status != PartnerStatus.ONBOARDING or (step.due_day * diligence < age and g.rng.random() < 0.8)
            owner = p.cam if step.side == Side.VENDOR else admins.get(p.pk)
            t = OnboardingTask(public_id=_pid("obt"), partner=p, template=step, title=step.title, kind=step.kind, side=step.side,
                               due_date=due, owner=owner, status=TaskStatus.DONE if done else TaskStatus.OPEN)
            if done:
                t.completed_at = min(now, p.joined_at + timedelta(days=step.due_day * min(diligence, 1.0)))
                t.completed_by = owner
                if step.kind == "agreement" and agreement and owner:
                    accepts.append(AgreementAcceptance(public_id=_pid("acc"), partner=p, agreement=agreement,
                                                       agreement_version=agreement.version, user=owner, accepted_at=t.completed_at,
                                                       ip_address=f"203.0.113.{g.rng.randint(1, 254)}"))
            tasks.append(t)
    OnboardingTask.objects.bulk_create(tasks, batch_size=BATCH)
    AgreementAcceptance.objects.bulk_create(accepts, batch_size=BATCH)
    res.tasks = len(tasks)
    progress("onboarding", partners // 8)

    # 6. Applications at every stage, scored by the ideal partner profile; some are duplicates.
    profile = IdealPartnerProfile.current()
    if not profile.target_partner_types:
        profile.target_partner_types = ["reseller", "msp", "si", "isv"]
        profile.target_regions = ["na", "emea"]
        profile.target_specialties = ["security", "cloud migration", "data & analytics"]
        profile.target_industries = ["financial services", "healthcare", "manufacturing"]
        profile.target_segments = ["mid-market", "enterprise"]
        profile.save()
    apps: list[Application] = []
    approved_partners = [p for p in rows if (now - p.joined_at).days < 400]
    n_apps = max(12, partners // 8)
    for i in range(n_apps):
        status = g.rng.choices(list(ApplicationStatus), weights=[30, 15, 30, 25])[0]
        code = g.weighted(TYPE_WEIGHTS)
        region = g.weighted(REGION_WEIGHTS)
        dup = rows[g.rng.randrange(len(rows))] if rows and g.rng.random() < 0.06 else None
        name = dup.name if dup else g.company()
        website = dup.website if dup else f"https://www.{_slug(name)}-apply{i}.example"
        country, _ = g.rng.choice(COUNTRIES[region])
        data = dict(partner_type=code, region=region, regions_served=[region], specialties=g.sample(SPECIALTIES, 1, 4),
                    industries=g.sample(INDUSTRIES, 1, 3), customer_segments=g.sample(SEGMENTS, 1, 2),
                    team_size=max(1, int(g.rng.lognormvariate(2.8, 1))))
        score, expl = fit_score(profile, data)
        submitted = g.moment(60 if status in (ApplicationStatus.APPLIED, ApplicationStatus.QUALIFIED) else 700, 1)
        app = Application(public_id=_pid("app"), company_name=name, website=website, domain=normalize_domain(website),
                          country=country, partner_type=types[code], contact_name=g.person(),
                          contact_email=f"contact{i}@{normalize_domain(website)}", status=status, fit_score=score,
                          fit_explanation=expl, submitted_at=submitted, duplicate_of=dup,
                          duplicate_reason=f"Same website domain as existing partner {dup.name}" if dup else "",
                          **{k: v for k, v in data.items() if k != "partner_type"})
        if status in (ApplicationStatus.APPROVED, ApplicationStatus.DECLINED):
            app.decided_by, app.decided_at = admin, submitted + timedelta(days=g.rng.randint(1, 10))
            if status == ApplicationStatus.DECLINED:
                app.decline_reason = g.rng.choice(["Outside our target regions.", "Overlaps existing partners in this territory.",
                                                   "No relevant specialties yet; please re-apply next year."])
            elif approved_partners:
                app.partner = approved_partners[i % len(approved_partners)]
        apps.append(app)
    Application.objects.bulk_create(apps, batch_size=BATCH)
    res.applications = len(apps)

    # 7. Pending invitations for a few onboarding partners, and vendor news.
    invites = [Invitation(public_id=_pid("inv"), email=f"newhire{i}@{p.domain}", role="partner_sales", partner=p,
                          token_hash=new_public_id("tok", 40), invited_by=admins.get(p.pk), expires_at=now + timedelta(days=7))
               for i, p in enumerate(rows[:: max(1, partners // 20)]) if p.status == PartnerStatus.ONBOARDING]
    Invitation.objects.bulk_create(invites)
    if not Announcement.objects.exists():
        Announcement.objects.bulk_create([Announcement(public_id=_pid("news"), title=t, body=b, published_at=now - timedelta(days=9 * i + 2))
                                          for i, (t, b) in enumerate(NEWS)])
    progress("applications", partners - partners // 2 - partners // 4 - partners // 8)

    # 8. Products, the vendor's account master and two years of deal registrations, decided by the real
    #    matching engine and rules of engagement; the won deals are the DEAL_WON achievements.
    deals = seed_deals(rng=random.Random(g.rng.getrandbits(64)), now=now, partners=rows, strengths=strengths, cams=cams,
                       admin=admin, taken_names=g.used_names, progress=progress)
    res.accounts, res.deals, res.achievements = deals.accounts, deals.registrations, res.achievements + deals.achievements

    # 8b. Two years of leads, routed week by week by the real routing engine; partners answer by strength.
    res.leads = seed_leads(rng=random.Random(g.rng.getrandbits(64)), now=now, partners=rows, strengths=strengths).leads

    # 8c. Two years of partner money: MDF periods, requests, claims; incentive accruals; payouts.
    money_rng = random.Random(g.rng.getrandbits(64))
    if money:  # benchmarks that replace the deals afterwards seed without money (its ledger is immutable)
        started = time.perf_counter()
        paid = seed_money(rng=money_rng, now=now, partners=rows, strengths=strengths)
        res.fund_requests, res.payouts, res.money_s = paid.requests, paid.payouts, time.perf_counter() - started

    # 8d. Co-selling: partner account lists mapped against the vendor's, sharing, co-sell actions, introductions.
    mapping_rng = random.Random(g.rng.getrandbits(64))
    if mapping:
        started = time.perf_counter()
        mapped = seed_mapping(rng=mapping_rng, now=now, partners=rows, strengths=strengths)
        res.mapped_accounts, res.account_matches, res.mapping_s = mapped.accounts, mapped.matches, time.perf_counter() - started
        res.deals += mapped.deal_rooms  # co-sell deal rooms are deal registrations too
        res.leads += mapped.leads  # and co-sell leads are leads

    # 8e. Learning: the academy's catalogue, and the courses, quiz attempts and certifications of partner users (the
    #     trainings and certifications of step 2, now with the people who earned them).
    learning_rng = random.Random(g.rng.getrandbits(64))
    if learning:
        started = time.perf_counter()
        learned = seed_learning(rng=learning_rng, now=now, partners=rows, admin=admin)
        res.courses, res.course_completions, res.certifications_held = learned.courses, learned.completions, learned.active
        res.learning_s = time.perf_counter() - started

    # 8f. The content library: assets with versions, and a year of partner views and downloads.
    library_rng = random.Random(g.rng.getrandbits(64))
    if library:
        started = time.perf_counter()
        shelf = seed_library(rng=library_rng, now=now, partners=rows, strengths=strengths, actor=admin)
        res.assets, res.asset_events, res.library_s = shelf.assets, shelf.events, time.perf_counter() - started

    # 9. A first evaluation, as the nightly job would have run: proposals for the CAMs to decide.
    tier_evaluate(actor=None)
    res.logins = _demo_logins(rows, strengths, deal_mix_partner())
    return res


def _demo_logins(rows: list[Partner], strengths: list[float], mix: Partner | None = None) -> list[tuple[str, str, str]]:
    logins = [(ADMIN_EMAIL, DEMO_PASSWORD, "vendor program admin"), ("cam1@vendor.example", DEMO_PASSWORD, "channel account manager"),
              ("pmm@vendor.example", DEMO_PASSWORD, "partner marketing manager"), ("finance@vendor.example", DEMO_PASSWORD, "finance")]
    ranked = sorted(zip(strengths, rows, strict=True), key=lambda x: -x[0])
    picks = [("champion", ranked[0][1] if ranked else None), ("deal registrations in every state", mix)]
    picks.append(("onboarding partner", next((p for p in rows if p.status == PartnerStatus.ONBOARDING), None)))
    picks.append(("distributor", next((p for p in rows if p.partner_type.code == "distributor"), None)))
    picks.append(("inactive partner", next((p for s, p in reversed(ranked) if p.status == PartnerStatus.ACTIVE), None)))
    shown = set()
    for who, p in picks:
        if p is not None and p.pk not in shown:
            shown.add(p.pk)
            logins.append((f"admin@{p.domain}", DEMO_PASSWORD, f"partner admin, {who} ({p.name})"))
    return logins


def demo_logins() -> list[tuple[str, str, str]]:
    """Logins for an already seeded database (for `allied demo` on a second start)."""
    rows = list(Partner.objects.select_related("partner_type").order_by("pk")[:2000])
    deals = {r.pk: 0 for r in rows}
    for a in Achievement.objects.filter(kind=AchievementKind.DEAL_WON, partner__in=rows).values_list("partner_id", flat=True):
        deals[a] = deals.get(a, 0) + 1
    return _demo_logins(rows, [deals.get(p.pk, 0) for p in rows], deal_mix_partner())
