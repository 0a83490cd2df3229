"""The demo's content library: about 25 assets (battlecards, one-pagers, decks, videos, price sheets, case studies)
written through the real services, each file a small generated PDF (or CSV price sheet), some with a second or third
version, a few drafts and a retired one; then a year of partner engagement (views and downloads) bulk-inserted the way
the portal would have recorded it: only by partner users, only on assets their partner's type and tier see, only after
the asset was published, more from stronger partners and on featured assets, downloads mostly after a view.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from allied.accounts.models import User
from allied.library import services
from allied.library.models import Asset, AssetEvent, AssetVersion, EventKind
from allied.partners.models import Partner

BATCH = 2000

# title, kind, tags, partner types (empty: all), tiers (empty: all), featured, versions, status, description
CATALOGUE: list[tuple[str, str, list[str], list[str], list[str], bool, int, str, str]] = [
    ("Northwind vs. Contoso battlecard", "battlecard", ["competitive", "contoso"], ["reseller", "msp", "si"], [], True, 3, "published",
     "Where we win against Contoso, the traps to avoid and five discovery questions that expose the gap."),
    ("Northwind vs. Fabrikam battlecard", "battlecard", ["competitive", "fabrikam"], ["reseller", "msp", "si"], [], False, 2, "published",
     "Fabrikam's pricing moves and how to answer them; the migration offer in one slide."),
    ("Gold reseller competitive playbook", "battlecard", ["competitive", "gold"], ["reseller"], ["Gold", "Platinum"], True, 1, "published",
     "The playbook for Gold and Platinum resellers: displacement offers, deal desk contacts and reference customers."),
    ("Objection handling: security and compliance", "battlecard", ["security", "compliance"], [], [], False, 2, "published",
     "The twelve objections security teams raise, with answers and links to the trust center."),
    ("Platform one-pager", "one_pager", ["overview", "platform"], [], [], True, 4, "published",
     "What the platform does, for whom, in one page: for first meetings and email follow-ups."),
    ("Managed services one-pager", "one_pager", ["msp", "managed services"], ["msp"], [], False, 1, "published",
     "How MSPs package the platform as a managed service, with margin examples."),
    ("Zero trust solution brief", "one_pager", ["security", "zero trust"], [], [], False, 2, "published",
     "The zero trust story in two pages, mapped to NIST SP 800-207."),
    ("Healthcare solution brief", "one_pager", ["healthcare", "compliance", "vertical"], [], [], False, 1, "published",
     "HIPAA-ready deployment, reference architecture and two hospital references."),
    ("Corporate pitch deck", "deck", ["overview", "pitch"], [], [], True, 3, "published",
     "The vendor's master pitch: problem, platform, proof, pricing overview. Co-brand the title slide."),
    ("Technical deep-dive deck", "deck", ["technical", "architecture"], ["si", "msp", "isv"], [], False, 2, "published",
     "Architecture, integrations, deployment options and sizing for technical buyers."),
    ("Partner program overview deck", "deck", ["program", "onboarding"], [], [], False, 2, "published",
     "Tiers, benefits, MDF, deal registration and incentives explained for new partner staff."),
    ("Q3 launch deck: analytics module", "deck", ["launch", "analytics"], [], ["Silver", "Gold", "Platinum"], False, 1, "published",
     "The analytics module launch: messaging, demo script and launch offers."),
    ("Platform demo video (12 min)", "video", ["demo", "overview"], [], [], True, 2, "published",
     "A guided demo of the platform for prospects, with chapters."),
    ("Selling to the CISO (webinar recording)", "video", ["security", "enablement"], [], [], False, 1, "published",
     "A 40-minute enablement webinar with our field CISO."),
    ("Deal registration walkthrough", "video", ["program", "deal registration"], [], [], False, 1, "published",
     "How to register a deal, what the rules of engagement protect and how long protection lasts."),
    ("MSP price sheet", "price_sheet", ["pricing", "msp"], ["msp"], [], False, 3, "published",
     "Monthly per-seat prices and volume bands for managed service providers."),
    ("Reseller price sheet", "price_sheet", ["pricing"], ["reseller", "distributor"], [], False, 4, "published",
     "List prices, partner discounts by tier and promotional SKUs for the quarter."),
    ("Distributor price file", "price_sheet", ["pricing", "distribution"], ["distributor"], [], False, 2, "published",
     "The distributor price file with SKUs, buy prices and end-of-life dates."),
    ("Case study: Lakeside Bank", "case_study", ["financial services", "security", "vertical"], [], [], False, 1, "published",
     "How a regional bank cut incident response time by 60 % with the platform."),
    ("Case study: Alpine Logistics", "case_study", ["logistics", "analytics"], [], [], False, 1, "published",
     "Fleet analytics rolled out to 40 depots in one quarter by a Gold partner."),
    ("Case study: City of Brookfield", "case_study", ["public sector", "vertical"], ["si", "reseller"], [], False, 2, "published",
     "A public-sector deployment delivered by a system integrator, procurement notes included."),
    ("Co-branding guidelines", "other", ["brand", "marketing"], [], [], False, 2, "published",
     "Logo use, co-branded layouts and the approval process for partner marketing."),
    ("Email templates for campaigns", "other", ["marketing", "campaign"], [], [], False, 1, "published",
     "Three-touch email sequence templates for partner-run campaigns."),
    ("2026 roadmap preview (NDA)", "deck", ["roadmap"], [], ["Gold", "Platinum"], False, 1, "draft",
     "The roadmap for top-tier partners; publish after the partner summit."),
    ("Legacy pricing 2024", "price_sheet", ["pricing"], ["reseller"], [], False, 2, "retired",
     "Replaced by the current reseller price sheet."),
]


@dataclass
class LibrarySeed:
    assets: int = 0
    versions: int = 0
    events: int = 0


def _pdf(title: str, kind: str, version: int, description: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 18)
    pdf.text(20, 30, title.encode("latin-1", "replace").decode("latin-1"))
    pdf.set_font("helvetica", "", 11)
    pdf.text(20, 40, f"{kind.replace('_', ' ').title()} - version {version} - Northwind Cloud partner content")
    y = 55
    words, line = description.split(), ""
    for w in words:
        if len(line) + len(w) > 85:
            pdf.text(20, y, line)
            y, line = y + 7, ""
        line = f"{line} {w}".strip()
    pdf.text(20, y, line)
    pdf.text(20, y + 14, "For partner use only. Do not share outside your organisation.")
    return bytes(pdf.output())


def _price_csv(title: str, version: int, rng: random.Random) -> bytes:
    rows = ["sku,product,list_price_usd,unit"]
    for i, product in enumerate(("Platform Standard", "Platform Advanced", "Analytics add-on", "Security add-on", "Premium support")):
        rows.append(f"NW-{100 + i}-{version},{product},{rng.randint(8, 90)}.00,user/month")
    return ("\n".join(rows) + "\n").encode()


def _spread(rng: random.Random, now: datetime, earliest_days: int, latest_days: int) -> datetime:
    return now - timedelta(days=rng.uniform(latest_days, earliest_days))


def seed_library(*, rng: random.Random, now: datetime, partners: list[Partner], actor, strengths: list[float] | None = None) -> LibrarySeed:
    out = LibrarySeed()
    published_at: dict[int, datetime] = {}
    featured: set[int] = set()
    audience: dict[int, tuple[set[int], set[int]]] = {}
    versions_of: dict[int, list[tuple[int, datetime]]] = {}
    until: dict[int, datetime] = {}
    for title, kind, tags, types, tiers, is_featured, n_versions, status, description in CATALOGUE:
        asset = services.asset_create(actor=actor, data={"title": title, "kind": kind, "tags": tags, "partner_types": types,
                                                          "tiers": tiers, "featured": is_featured, "description": description})
        created = _spread(rng, now, 420, 200)
        stamps = sorted(created + timedelta(days=rng.uniform(0, (now - created).days - 5)) for _ in range(n_versions - 1))
        rows = []
        for number, at in enumerate([created, *stamps], start=1):
            notes = "First release." if number == 1 else rng.choice(["Updated figures for the new quarter.", "New competitor pricing.",
                                                                       "Refreshed branding.", "Corrected the SKU table.",
                                                                       "Added two customer references."])
            if kind == "video":
                v = services.version_add(actor=actor, asset=asset, video_url=f"https://video.northwind.example/{asset.public_id}/v{number}",
                                         notes=notes)
            elif kind == "price_sheet" and "file" in title.lower():
                v = services.version_add(actor=actor, asset=asset, notes=notes, upload=SimpleUploadedFile(
                    f"{title.lower().replace(' ', '-')}-v{number}.csv", _price_csv(title, number, rng)))
            else:
                v = services.version_add(actor=actor, asset=asset, notes=notes, upload=SimpleUploadedFile(
                    f"{title.lower().replace(' ', '-').replace(':', '').replace('.', '')}-v{number}.pdf",
                    _pdf(title, kind, number, description)))
            rows.append((v.pk, at))
            out.versions += 1
        for pk, at in rows:
            AssetVersion.objects.filter(pk=pk).update(created_at=at)
        if status in ("published", "retired"):
            services.asset_publish(actor=actor, asset=asset)
        if status == "retired":
            services.asset_retire(actor=actor, asset=asset)
        last = rows[-1][1]
        Asset.objects.filter(pk=asset.pk).update(created_at=created, updated_at=last,
                                                 published_at=created + timedelta(days=1) if status != "draft" else None)
        out.assets += 1
        if status == "draft":
            continue
        published_at[asset.pk] = created + timedelta(days=1) if status == "published" else created
        if status == "retired":  # retired 60 days ago: its engagement stops there
            until[asset.pk] = now - timedelta(days=60)
        if is_featured:
            featured.add(asset.pk)
        audience[asset.pk] = (set(asset.partner_types.values_list("pk", flat=True)), set(asset.tiers.values_list("pk", flat=True)))
        versions_of[asset.pk] = rows

    users: dict[int, list[int]] = {}
    for pk, partner_id in User.objects.filter(partner__in=partners, is_active=True).values_list("pk", "partner_id"):
        users.setdefault(partner_id, []).append(pk)
    strengths = strengths or [rng.random() for _ in partners]
    year_ago = now - timedelta(days=365)
    events: list[AssetEvent] = []
    for p, s in zip(partners, strengths, strict=True):
        people = users.get(p.pk)
        if not people or rng.random() < 0.25:  # a quarter of partners never open the library
            continue
        visible = [a for a, (types, tiers) in audience.items()
                   if (not types or p.partner_type_id in types) and (not tiers or p.tier_id in tiers)]
        if not visible:
            continue
        weights = [3 if a in featured else 1 for a in visible]
        n = min(120, int(rng.expovariate(1 / (4 + 25 * min(s, 3)))))
        for _ in range(n):
            a = rng.choices(visible, weights)[0]
            start, end = max(published_at[a], year_ago), until.get(a, now)
            if start >= end:
                continue
            at = start + (end - start) * rng.random()
            version = next((pk for pk, v_at in reversed(versions_of[a]) if v_at <= at), versions_of[a][0][0])
            user = rng.choice(people)
            events.append(AssetEvent(asset_id=a, version_id=version, partner_id=p.pk, user_id=user, kind=EventKind.VIEW, at=at))
            if rng.random() < 0.45:
                events.append(AssetEvent(asset_id=a, version_id=version, partner_id=p.pk, user_id=user, kind=EventKind.DOWNLOAD,
                                         at=min(end, at + timedelta(minutes=rng.uniform(0.5, 20)))))
    AssetEvent.objects.bulk_create(events, batch_size=BATCH)
    out.events = len(events)
    return out
