"""Two years of leads for the demo ecosystem, routed week by week by the real engine (``allied.routing``).

Each week's new leads (and the ones partners declined or let lapse) are routed together in batch
against partner profiles built from the simulated history so far (open leads, offers, acceptances,
conversions), exactly as ``leads.services.leads_route_batch`` builds them from the database. How each
partner answers comes from its strength: strong partners accept quickly and convert more; weak
ones decline or let leads time out, and the engine offers those leads to the next partner, never
back. Rows are written at the end, in bulk (no audit events or emails, like the rest of the seed).
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from allied.core.ids import new_public_id
from allied.leads.models import (
    Lead,
    LeadOffer,
    LeadSource,
    LeadStatus,
    OfferOutcome,
    PartnerLeadSettings,
    RoutingMode,
    RoutingSettings,
)
from allied.leads.services.routing import routing_rules
from allied.matching import normalize_company_name
from allied.partners.models import Partner, PartnerStatus
from allied.routing import Lead as RoutingLead
from allied.routing import PartnerProfile, PartnerTable, route_batch

from .customers import CompanyNames

CITY = {  # (lat, lon) of the cities in names.COUNTRIES
    "New York": (40.71, -74.01), "Austin": (30.27, -97.74), "Chicago": (41.88, -87.63), "Seattle": (47.61, -122.33),
    "Toronto": (43.65, -79.38), "Vancouver": (49.28, -123.12), "Berlin": (52.52, 13.40), "London": (51.51, -0.13),
    "Paris": (48.86, 2.35), "Amsterdam": (52.37, 4.90), "Stockholm": (59.33, 18.07), "Madrid": (40.42, -3.70), "Milan": (45.46, 9.19),
    "Dubai": (25.20, 55.27), "Johannesburg": (-26.20, 28.05), "Warsaw": (52.23, 21.01), "Sydney": (-33.87, 151.21),
    "Tokyo": (35.68, 139.69), "Singapore": (1.35, 103.82), "Bangalore": (12.97, 77.59), "Auckland": (-36.85, 174.76),
    "Seoul": (37.57, 126.98), "São Paulo": (-23.55, -46.63), "Mexico City": (19.43, -99.13), "Buenos Aires": (-34.60, -58.38),
    "Bogotá": (4.71, -74.07), "Santiago": (-33.45, -70.67),
}
SPECIALTIES = ["security", "cloud migration", "data & analytics", "ai/ml", "managed services", "devops", "compliance"]
DECLINE_REASONS = ["No capacity this month", "Outside our territory", "Not our specialty", "Customer too small for us"]
DISQUALIFY = ["No budget", "Student project", "Already a competitor customer", "Could not reach the contact"]


@dataclass
class LeadSeed:
    leads: int = 0
    offers: int = 0


def _jitter(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    return round(lat + rng.uniform(-km, km) / 111, 4), round(lon + rng.uniform(-km, km) / 85, 4)


def seed_leads(*, rng: random.Random, now: datetime, partners: list[Partner], strengths: list[float]) -> LeadSeed:
    settings = RoutingSettings.current()
    strength = {p.pk: s for p, s in zip(partners, strengths, strict=True)}
    active = [p for p in partners if p.status == PartnerStatus.ACTIVE]
    if not active:
        return LeadSeed()
    coords, own = {}, []
    for p in partners:
        lat, lon = _jitter(rng, *CITY.get(p.city, (0.0, 0.0)), 25)
        coords[p.pk] = (lat, lon)
        own.append(PartnerLeadSettings(partner=p, lat=lat, lon=lon, capacity=4 + 3 * p.tier.rank))
    PartnerLeadSettings.objects.bulk_create(own, ignore_conflicts=True)
    capacity = {s.partner_id: s.capacity or settings.default_capacity for s in own}

    names = CompanyNames(rng)
    weeks = 104
    n_leads = max(60, len(partners) * 4)
    leads: list[Lead] = []
    pending_by_week: dict[int, list[Lead]] = defaultdict(list)
    for _ in range(n_leads):
        week = min(weeks - 1, int(rng.triangular(0, weeks, weeks)))  # more leads lately
        fresh = rng.random() < 0.03  # arrived today: still waiting in a partner's inbox
        week = weeks - 1 if fresh else week
        anchor = rng.choice(active)
        city_lat, city_lon = coords[anchor.pk]
        lat, lon = _jitter(rng, city_lat, city_lon, 60)
        company = names.company(anchor.country)
        first, last = rng.choice(["Ana", "Ben", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana"]), rng.choice(["Ito", "Kim", "Lee", "Nova", "Ruiz"])
        created = (now - timedelta(hours=rng.uniform(1, 20)) if fresh
                   else now - timedelta(weeks=weeks - week) + timedelta(hours=rng.uniform(0, 160)))
        lead = Lead(public_id=new_public_id("lead"), source=rng.choice([LeadSource.WEB_FORM, LeadSource.API, LeadSource.CSV, LeadSource.WEB_FORM]),
                    company_name=company.name, company_name_normalized=normalize_company_name(company.name)[:255],
                    website=f"https://{company.domain}", domain=company.domain, country=anchor.country, region=anchor.region,
                    city=anchor.city, lat=lat, lon=lon, contact_name=f"{first} {last}",
                    contact_email=f"{first.lower()}.{last.lower()}@{company.domain}", specialty=rng.choice(SPECIALTIES),
                    estimated_amount=Decimal(rng.choice([5, 10, 20, 40, 80])) * 1000, consent=True, created_at=created,
                    message=rng.choice(["Looking for a partner to help us roll out.", "Please call me about pricing.", ""]))
        leads.append(lead)
        pending_by_week[week].append(lead)

    offers: list[LeadOffer] = []
    excluded: dict[str, set[int]] = defaultdict(set)
    open_until: dict[int, list[datetime]] = defaultdict(list)  # partner -> when its accepted leads close
    stats = defaultdict(lambda: [0, 0, 0])  # partner -> offered, accepted, converted
    last_at: dict[int, datetime] = {}
    sla = timedelta(hours=settings.accept_sla_hours)
    for week in range(weeks):
        at = now - timedelta(weeks=weeks - week)
        queue = [ld for ld in pending_by_week.get(week, [])]
        for attempt in range(3):
            if not queue:
                break
            rules = routing_rules(settings, now=at)
            profiles = [PartnerProfile(
                id=p.pk, name=p.name, partner_type=p.partner_type.code, tier=p.tier.name, tier_rank=p.tier.rank, country=p.country,
                regions=frozenset([p.region, *p.regions_served]), specialties=frozenset(p.specialties), lat=coords[p.pk][0],
                lon=coords[p.pk][1], capacity=capacity[p.pk], open_leads=sum(1 for t in open_until[p.pk] if t > at),
                offered=stats[p.pk][0], accepted=stats[p.pk][1], converted=stats[p.pk][2], last_assigned_at=last_at.get(p.pk))
                for p in active]
            table = PartnerTable(profiles, rules)
            rls = [RoutingLead(id=ld.public_id, country=ld.country, region=ld.region, lat=ld.lat, lon=ld.lon, specialty=ld.specialty,
                               declined_by=frozenset(excluded[ld.public_id])) for ld in queue]
            by_id = {ld.public_id: ld for ld in queue}
            queue = []
            for a in route_batch(rls, table, rules):
                lead = by_id[a.lead_id]
                if a.partner_id is None:
                    lead.status, lead.partner_id, lead.status_note = LeadStatus.UNROUTABLE, None, (a.reason or "no eligible partner")[:500]
                    continue
                offered_at = min(max(lead.created_at, at) + timedelta(hours=attempt * 26 + rng.uniform(0, 2)), now)
                s = strength[a.partner_id]
                recent = now - offered_at < sla
                roll = rng.random()
                outcome = (OfferOutcome.PENDING if recent else OfferOutcome.ACCEPTED if roll < 0.45 + 0.5 * s
                           else OfferOutcome.DECLINED if roll < 0.8 + 0.1 * s else OfferOutcome.TIMED_OUT)
                decided = None if outcome == OfferOutcome.PENDING else offered_at + (sla + timedelta(minutes=1) if outcome == OfferOutcome.TIMED_OUT
                                                                                      else timedelta(hours=rng.uniform(0.5, 20)))
                sc = a.score
                offers.append(LeadOffer(
                    public_id=new_public_id("offer"), lead=lead, partner_id=a.partner_id, mode=RoutingMode.BATCH,
                    score=Decimal(str(round(sc.total, 3))), explanation=sc.explanation[:500],
                    breakdown={k: round(v, 2) for k, v in sc.breakdown.items()},
                    runners_up=[{**r.as_dict(), "partner": r.candidate.name} for r in a.runners_up], offered_at=offered_at,
                    sla_due_at=offered_at + sla, outcome=outcome, decided_at=decided,
                    decline_reason=rng.choice(DECLINE_REASONS) if outcome == OfferOutcome.DECLINED else ""))
                last_at[a.partner_id] = offered_at
                lead.partner_id = a.partner_id
                if outcome in (OfferOutcome.DECLINED, OfferOutcome.TIMED_OUT):
                    stats[a.partner_id][0] += 1
                    excluded[lead.public_id].add(a.partner_id)
                    lead.partner_id = None
                    queue.append(lead)
                    continue
                if outcome == OfferOutcome.PENDING:
                    lead.status = LeadStatus.OFFERED
                    continue
                stats[a.partner_id][0] += 1
                stats[a.partner_id][1] += 1
                closes = decided + timedelta(days=rng.uniform(7, 60))
                open_until[a.partner_id].append(closes)
                if closes > now:
                    lead.status = rng.choice([LeadStatus.ACCEPTED, LeadStatus.WORKING, LeadStatus.WORKING])
                elif rng.random() < 0.05 + 0.2 * s:
                    lead.status = LeadStatus.CONVERTED
                    stats[a.partner_id][2] += 1
                else:
                    lead.status, lead.status_note = LeadStatus.DISQUALIFIED, rng.choice(DISQUALIFY)
        for lead in queue:  # declined three times: nobody left who wants it this week
            lead.status, lead.partner_id, lead.status_note = LeadStatus.UNROUTABLE, None, "declined by the partners it was offered to"
    Lead.objects.bulk_create(leads, batch_size=2000)
    for offer in offers:
        offer.lead_id = offer.lead.pk
    LeadOffer.objects.bulk_create(offers, batch_size=2000)
    return LeadSeed(leads=len(leads), offers=len(offers))
