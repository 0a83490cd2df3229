"""Two years of partner money for the demo ecosystem, written through the real services and ledger.

Every quarter the program opens an MDF period, funds its pool and allocates by tier; the stronger
partners propose activities, which the partner marketing manager approves in full or in part (or
declines when the numbers do not hold up); partners claim with proof after the activity and the
claims are approved. Leads captured at the activities carry the request's tracking code, so MDF ROI
has real leads, pipeline and won revenue behind it. Incentive accruals come from the won deals under
a demo incentive program, and finance pays every past quarter in a payout run.

Postings are back-dated with ``ledger_clock`` so statements show the history quarter by quarter;
request and claim timestamps are set to the simulated dates after each step.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from allied.accounts.models import User
from allied.core.errors import DomainError
from allied.deals.models import DealRegistration, DealStatus
from allied.funds import services as funds
from allied.funds.models import FundClaim, FundPeriod, FundRequest
from allied.incentives import services as incentives
from allied.leads.models import Lead
from allied.ledger.services import ledger_clock
from allied.partners.models import Partner, PartnerStatus
from allied.payouts import services as payouts
from allied.payouts.models import Payout, PayoutRun

ACTIVITIES = [  # (activity type, title, share of the budget asked from the vendor)
    ("events", "Customer roundtable and demo day", Decimal("0.5")),
    ("digital_ads", "Paid search and LinkedIn campaign", Decimal("0.5")),
    ("content", "Joint solution brief and case study", Decimal("0.5")),
    ("workshops", "Hands-on security workshop", Decimal("0.5")),
    ("webinar", "Webinar series with the vendor's SE", Decimal("0.5")),
    ("trade_show", "Regional trade show booth", Decimal("0.5")),
]
SEGMENTS = ["smb", "mid-market", "enterprise"]
TIER_ALLOCATION = {"Silver": Decimal("4000"), "Gold": Decimal("12000"), "Platinum": Decimal("30000")}
MAX_FUNDED_PARTNERS = 60  # the strongest partners run campaigns; keeps the seed within a minute


@dataclass
class MoneyResult:
    periods: int = 0
    requests: int = 0
    claims: int = 0
    accruals: int = 0
    payouts: int = 0


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _quarters(now: datetime, count: int) -> list[tuple[date, date, str]]:
    today = now.date()
    q_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    out = []
    for _ in range(count):
        end = (date(q_start.year + (q_start.month + 2) // 12, (q_start.month + 2) % 12 + 1, 1) - timedelta(days=1))
        out.append((q_start, end, f"{q_start.year} Q{(q_start.month - 1) // 3 + 1}"))
        q_start = (q_start - timedelta(days=1)).replace(day=1)
        q_start = date(q_start.year, 3 * ((q_start.month - 1) // 3) + 1, 1)
    return list(reversed(out))


def _proof_pdf(title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, f"Invoice: {title}"[:90].encode("latin-1", "replace").decode("latin-1"))  # core fonts are Latin-1
    return bytes(pdf.output())


def _marketer(partner: Partner) -> User | None:
    return (User.objects.filter(partner=partner, role="partner_marketing", is_active=True).first()
            or User.objects.filter(partner=partner, role="partner_admin", is_active=True).first())


def seed_funds(*, rng: random.Random, now: datetime, partners: list[Partner], strengths: list[float], res: MoneyResult) -> None:
    pmm = User.objects.filter(role="pmm", partner__isnull=True).order_by("pk").first()
    if pmm is None:
        return
    ranked = [p for s, p in sorted(zip(strengths, partners, strict=True), key=lambda x: -x[0])
              if s > 0.3 and p.status == PartnerStatus.ACTIVE][:MAX_FUNDED_PARTNERS]
    strength = {p.pk: s for p, s in zip(partners, strengths, strict=True)}
    people = {p.pk: _marketer(p) for p in ranked}
    by_tier = sum((TIER_ALLOCATION.get(p.tier.name, Decimal(0)) for p in partners if p.status == PartnerStatus.ACTIVE), Decimal(0))
    pool = max(Decimal(50_000), (by_tier * Decimal("1.25")).quantize(Decimal(1000)))  # a quarter of the pool for proposals
    for start, end, name in _quarters(now, 9):
        current = start <= now.date() <= end
        with ledger_clock(_at(start, 8)):
            period = funds.period_create(actor=pmm, name=name, starts_on=start, ends_on=end, currency="USD", pool=str(pool),
                                         claim_deadline_days=60, min_pipeline_ratio="5")
            funds.allocations_by_tier(actor=pmm, period=period, amounts={k: str(v) for k, v in TIER_ALLOCATION.items()})
        FundPeriod.objects.filter(pk=period.pk).update(created_at=_at(start, 8))
        res.periods += 1
        for partner in ranked:
            actor = people.get(partner.pk)
            if actor is None or rng.random() > min(0.85, 0.35 + strength[partner.pk] / 6):
                continue
            _one_request(rng=rng, now=now, period=period, partner=partner, actor=actor, pmm=pmm, current=current, res=res)
        if not current and end + timedelta(days=75) < now.date():
            with ledger_clock(_at(end + timedelta(days=75), 17)):
                funds.period_close(actor=pmm, period=period)
            FundPeriod.objects.filter(pk=period.pk).update(closed_at=_at(end + timedelta(days=75), 17))


def _one_request(*, rng, now, period, partner, actor, pmm, current: bool, res: MoneyResult) -> None:
    code, title, _ = rng.choice(ACTIVITIES)
    span = (period.ends_on - period.starts_on).days
    starts_on = period.starts_on + timedelta(days=rng.randint(5, max(6, span - 30)))
    ends_on = starts_on + timedelta(days=rng.choice([1, 2, 14, 30]))
    budget = Decimal(rng.choice([4000, 6000, 8000, 10000, 15000, 20000, 30000]))
    requested = (budget * Decimal("0.5")).quantize(Decimal(1))
    good = rng.random() < 0.8  # most plans hold up; some promise too little pipeline
    pipeline = requested * (rng.choice([6, 8, 10, 15]) if good else rng.choice([2, 3]))
    submitted = _at(starts_on - timedelta(days=rng.randint(10, 30)))
    if submitted.date() > now.date():
        return
    with ledger_clock(submitted):
        request = funds.request_create(actor=actor, period=period, submit=True, data={
            "activity_type": code, "title": f"{title} — {partner.name}"[:200], "plan": f"{title} for {rng.choice(SEGMENTS)} accounts.",
            "total_budget": str(budget), "requested": str(requested), "expected_leads": rng.randint(10, 120),
            "expected_pipeline": str(pipeline), "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
            "target_segment": rng.choice(SEGMENTS),
            "measurement_plan": "Leads tagged with the tracking code; pipeline from converted deals." if good else ""})
    res.requests += 1
    decided = submitted + timedelta(days=rng.randint(1, 6))
    if decided > now:
        FundRequest.objects.filter(pk=request.pk).update(created_at=submitted, submitted_at=submitted, updated_at=submitted)
        return
    with ledger_clock(decided):
        if not good and rng.random() < 0.6:
            funds.request_reject(actor=pmm, request=request, note="Expected pipeline is below the program's 5× return.")
            FundRequest.objects.filter(pk=request.pk).update(created_at=submitted, submitted_at=submitted, decided_at=decided,
                                                            updated_at=decided)
            return
        partial = not good or rng.random() < 0.2
        amount = (requested * Decimal("0.6")).quantize(Decimal(1)) if partial else None
        try:
            funds.request_approve(actor=pmm, request=request, amount=str(amount) if amount else None,
                                  note="Approved in part: start with the first wave." if partial or not good else "")
        except DomainError as exc:  # the allocation and the pool ran dry this quarter
            funds.request_reject(actor=pmm, request=request, note=f"Not funded this quarter: {exc.message}"[:500])
            FundRequest.objects.filter(pk=request.pk).update(created_at=submitted, submitted_at=submitted, decided_at=decided,
                                                            updated_at=decided)
            return
    FundRequest.objects.filter(pk=request.pk).update(created_at=submitted, submitted_at=submitted, decided_at=decided,
                                                    updated_at=decided)
    request.refresh_from_db()
    _attribute_leads(rng=rng, request=request, partner=partner)
    claimed_on = ends_on + timedelta(days=rng.randint(3, 40))
    if claimed_on > now.date() or rng.random() < 0.1:
        return
    spent = (request.approved_amount * 2 * Decimal(rng.choice(["0.8", "0.95", "1", "1.1"]))).quantize(Decimal("0.01"))
    upload = SimpleUploadedFile("invoice.pdf", _proof_pdf(request.title), content_type="application/pdf")
    with ledger_clock(_at(claimed_on)):
        claim = funds.claim_create(actor=actor, request=request, spent=str(spent), leads=rng.randint(5, 80),
                                   pipeline=str((spent * rng.randint(3, 12)).quantize(Decimal("0.01"))), final=True,
                                   proofs=[("invoice", upload)], now=_at(claimed_on))
    res.claims += 1
    approved_on = _at(claimed_on + timedelta(days=rng.randint(2, 12)), 15)
    if approved_on > now:
        return
    with ledger_clock(approved_on):
        funds.claim_approve(actor=pmm, claim=claim, note="Proof of performance checked.")  # a final claim completes the request
    FundClaim.objects.filter(pk=claim.pk).update(submitted_at=_at(claimed_on), decided_at=approved_on)
    FundRequest.objects.filter(pk=request.pk).update(completed_at=approved_on, updated_at=approved_on)


def _attribute_leads(*, rng, request: FundRequest, partner: Partner) -> None:
    """Leads the partner received around the activity carry its tracking code (as the landing form would set)."""
    window = (_at(request.starts_on) - timedelta(days=3), _at(request.ends_on) + timedelta(days=21))
    ids = list(Lead.objects.filter(partner=partner, created_at__range=window, campaign="").values_list("pk", flat=True)[:40])
    picked = [i for i in ids if rng.random() < 0.6]
    if picked:
        Lead.objects.filter(pk__in=picked).update(campaign=request.public_id)


def seed_payout_run(*, at: datetime, label: str, starts_on: date, ends_on: date, res: MoneyResult) -> None:
    """Finance pays what is payable: one run, approved by a second finance user (four eyes), executed."""
    finance = list(User.objects.filter(role="finance", partner__isnull=True, is_active=True).order_by("pk")[:2])
    if len(finance) < 2:
        return
    with ledger_clock(at):
        try:
            run = payouts.payout_run_create(actor=finance[0], starts_on=starts_on, ends_on=ends_on, period_label=label,
                                            note="Quarterly payout run.", payable_by=at)
        except DomainError:  # nothing payable this quarter
            return
        payouts.payout_run_approve(actor=finance[1], run=run)
        payouts.payout_run_start(actor=finance[1], run=run)
        payouts.payout_run_execute(run=run, actor=finance[1])
    PayoutRun.objects.filter(pk=run.pk).update(created_at=at - timedelta(days=2), approved_at=at - timedelta(days=1),
                                               started_at=at, completed_at=at)
    Payout.objects.filter(run=run, paid_at__isnull=False).update(paid_at=at)
    FundClaim.objects.filter(payout_link__payout__run=run).update(paid_at=at)
    res.payouts += run.payouts.count()


def _rule(name: str, kind: str, since: date, **params) -> dict:
    return {"name": name, "kind": kind, "effective_from": since.isoformat(), **params}


def demo_incentive_rules(since: date) -> list[dict]:
    """A program a mid-size vendor runs: tiered rebates with volume brackets, referral fees, SPIFs and bonuses."""
    return [
        _rule("Silver resale rebate", "rebate", since, percent="3", conditions={"tiers": ["Silver"], "roles": ["sourcing"]},
              clawback_days=90),
        _rule("Gold resale rebate", "rebate", since, currency="USD", brackets=[{"start": "0", "percent": "4"},
              {"start": "250000", "percent": "5"}, {"start": "1000000", "percent": "6"}],
              conditions={"tiers": ["Gold"], "roles": ["sourcing"]}, holdback_days=30, clawback_days=90),
        _rule("Platinum resale rebate", "rebate", since, currency="USD", brackets=[{"start": "0", "percent": "5"},
              {"start": "500000", "percent": "6.5"}], accelerator={"threshold": "2000000", "multiplier": "1.25"},
              conditions={"tiers": ["Platinum"], "roles": ["sourcing"]}, holdback_days=30, clawback_days=180),
        _rule("Referral commission", "referral", since, percent="5", conditions={"partner_types": ["referral"]}, clawback_days=60),
        _rule("Implementation partner fee", "rebate", since, percent="2", conditions={"roles": ["implementing"]}),
        _rule("New-logo bonus", "new_logo", since, currency="USD", fixed="500.00",
              conditions={"deal_types": ["new_logo"], "roles": ["sourcing"]}, holdback_days=60, clawback_days=90),
        _rule("Renewal reward", "renewal", since, percent="2", conditions={"deal_types": ["renewal"]}),
        _rule("Upsell reward", "upsell", since, currency="USD", percent="4", cap="25000", period="quarter",
              conditions={"deal_types": ["upsell"]}),
        _rule("Security suite SPIF", "spif", since, currency="USD", fixed="250.00", cap="2500", period="quarter",
              conditions={"products": ["security-suite"]}),
    ]


def seed_incentives(*, now: datetime, quarters, res: MoneyResult) -> dict[str, list]:
    """The demo program's rules, and every won deal of the last two years as an incentive event, by quarter."""
    admin = User.objects.filter(role="program_admin", partner__isnull=True).order_by("pk").first()
    if admin is None:
        return {}
    since = quarters[0][0]
    for data in demo_incentive_rules(since):
        incentives.rule_create(actor=admin, data=data, now=_at(since, 7))
    won = (DealRegistration.objects.filter(status=DealStatus.WON, closed_at__gte=_at(since, 0), closed_at__lte=now)
           .select_related("partner").order_by("closed_at", "pk"))
    by_quarter: dict[str, list] = {name: [] for _, _, name in quarters}
    for deal in won:
        for start, end, name in quarters:
            if start <= deal.closed_at.date() <= end:
                by_quarter[name].append(deal)
                break
    return by_quarter


def seed_money(*, rng: random.Random, now: datetime, partners: list[Partner], strengths: list[float]) -> MoneyResult:
    res = MoneyResult()
    if FundPeriod.objects.exists():  # money history is seeded once; partners added later start fresh
        return res
    quarters = _quarters(now, 9)
    seed_funds(rng=rng, now=now, partners=partners, strengths=strengths, res=res)
    won = seed_incentives(now=now, quarters=quarters, res=res)
    # Quarter by quarter: deals won accrue, holdbacks release some weeks after the quarter, then finance pays.
    for start, end, name in quarters:
        for deal in won.get(name, []):
            incentives.event_from_deal(deal=deal, now=deal.closed_at, accrue=False)
        res.accruals += len(won.get(name, []))
        month = start
        while month <= min(end, now.date()):  # accrue month by month, each month's postings dated at its end
            nxt = (month + timedelta(days=32)).replace(day=1)
            at = min(_at(nxt - timedelta(days=1), 23), now)
            with ledger_clock(at):
                incentives.reconcile(start=month, end=nxt, now=at)
            month = nxt
        release_on = min(end + timedelta(days=20), now.date())
        with ledger_clock(_at(release_on, 5)):
            incentives.incentives_release(today=release_on, now=_at(release_on, 5))
        if end < now.date():
            at = _at(min(end + timedelta(days=25), now.date() - timedelta(days=1)), 16)
            seed_payout_run(at=at, label=name, starts_on=start, ends_on=end, res=res)
    last_start, last_end, _ = _quarters(now, 2)[0]
    with ledger_clock(_at(last_end + timedelta(days=1), 6)):
        payouts.statements_generate(actor=None, period_start=last_start, period_end=last_end)
    return res
