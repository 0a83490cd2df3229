"""Every read of account mapping, and the one place that decides what a viewer may see of the other side.

The contract (docs/ARCHITECTURE.md, "Account mapping"):

- The vendor's users are the vendor side of every partnership; a partner's users are the partner
  side of their own partnership only (another partner, a sub-partner included, is NotFound).
- Nothing of the other side is shown unless the partnership is active (both opted in).
- Each side shares each of its populations at a level: hidden < counts < overlaps < full. A viewer
  looking at (own population X, other population O) gets the overlap count iff level(O) >= counts,
  the overlapping records iff level(O) >= overlaps — each row the viewer's own record with all its
  fields and the other's record reduced to its name and the fields the other side's rule for O lists —
  and the whole of O (shared fields only) iff level(O) is full. With "counts only" no selector ever
  returns a record of O.
- The vendor's staff are bound by the partner's sharing exactly as the partner is bound by the
  vendor's; they see the partner's list size (run bookkeeping) and nothing more of it.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from allied.core.api import cursor_page
from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.matching import POSSIBLE, Record, compare, normalize_company_name, normalize_domain, prepare
from allied.partners.models import Achievement, AchievementKind, Partner, PartnerStatus

from . import access
from .access import viewer_side
from .models import (
    SHARE_ORDER,
    AccountMatch,
    AccountStatus,
    CoSellAction,
    Introduction,
    MappedAccount,
    MappingRun,
    Partnership,
    Population,
    PrivateMapping,
    ShareLevel,
    SharingRule,
    Side,
)
from .services.populations import population_contains, population_q, populations_ensure_defaults

__all__ = ["viewer_side"]

# What a viewer sees of its own records (all of it).
OWN_FIELDS = ("name", "external_id", "website", "domain", "country", "status", "industry", "employees", "owner_name",
              "opportunity_stage", "opportunity_amount")
_ROW = ("id", "public_id", "name", "external_id", "website", "domain", "country", "status", "industry", "employees", "owner_name",
        "opportunity_stage", "opportunity_amount")


def _at_least(level: str, minimum: str) -> bool:
    return SHARE_ORDER[level] >= SHARE_ORDER[minimum]


def _side_accounts(partner) -> QuerySet:
    return MappedAccount.objects.filter(partner=partner) if partner is not None else MappedAccount.objects.filter(partner__isnull=True)


def _side_populations(partner) -> QuerySet:
    return Population.objects.filter(partner=partner) if partner is not None else Population.objects.filter(partner__isnull=True)


# --- the viewer's own side ------------------------------------------------------------------------


def own_side(user) -> Partner | None:
    """The list the user reads and works on: None (the vendor's) or the user's partner. Needs the view permission."""
    return access.own_list_partner(user)


def account_list(*, user, q: str = "", status: str = "", population: Population | None = None) -> QuerySet:
    """The user's own side's accounts (never the other side's)."""
    partner = own_side(user)
    qs = _side_accounts(partner)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(domain__icontains=q) | Q(external_id=q))
    if status:
        if status not in AccountStatus.values:
            raise DomainError(f"Unknown status {status!r}; use {', '.join(AccountStatus.values)}.", field="status")
        qs = qs.filter(status=status)
    if population is not None:
        if population.partner_id != getattr(partner, "pk", None):
            raise NotFound("population")
        qs = qs.filter(population_q(population.filters))
    return qs


def account_get(*, user, public_id: str) -> MappedAccount:
    account = _side_accounts(None if access.viewer_side(user) == Side.VENDOR else user.partner).filter(public_id=public_id).first()
    if account is None:
        raise NotFound("account")
    access.require(user)
    return account


def population_list(*, user) -> list[Population]:
    """The user's own side's populations (the defaults made on first use)."""
    return populations_ensure_defaults(own_side(user))


def population_get(*, user, public_id: str) -> Population:
    side = access.viewer_side(user)
    population = _side_populations(None if side == Side.VENDOR else user.partner).filter(public_id=public_id).first()
    if population is None:
        raise NotFound("population")
    access.require(user)
    return population


def population_sizes(populations: list[Population]) -> dict[int, int]:
    """How many accounts each population holds: one aggregate query per side."""
    sizes: dict[int, int] = {}
    sides: dict[int | None, list[Population]] = {}
    for p in populations:
        sides.setdefault(p.partner_id, []).append(p)
    for partner_id, pops in sides.items():
        qs = MappedAccount.objects.filter(partner_id=partner_id) if partner_id else MappedAccount.objects.filter(partner__isnull=True)
        counts = qs.aggregate(**{f"p{p.pk}": Count("id", filter=population_q(p.filters)) for p in pops})
        sizes.update({p.pk: counts[f"p{p.pk}"] for p in pops})
    return sizes


# --- partnerships ---------------------------------------------------------------------------------


def partnership_list(*, user) -> QuerySet:
    """Partners with their partnership (``mapping_partnership`` may be missing: never opted in); a partner user gets its own."""
    side = access.require(user)
    qs = Partner.objects.select_related("mapping_partnership", "cam")
    if side == Side.PARTNER:
        return qs.filter(pk=user.partner_id)
    return qs.exclude(status=PartnerStatus.OFFBOARDED)


def _partnership(partner) -> Partnership:
    """The saved row, or an unsaved one (nobody opted in yet): reads never write it."""
    return Partnership.objects.filter(partner=partner).first() or Partnership(partner=partner)


def _rules(partnership: Partnership) -> dict[int, SharingRule]:
    if partnership.pk is None:
        return {}
    return {r.population_id: r for r in SharingRule.objects.filter(partnership=partnership)}


def _level(rules: dict[int, SharingRule], population_id: int, active: bool) -> str:
    """What a population is shared as right now (hidden while the partnership is not active)."""
    if not active:
        return ShareLevel.HIDDEN
    rule = rules.get(population_id)
    return rule.level if rule else ShareLevel.HIDDEN


@dataclass
class PartnershipView:
    partner: Partner
    partnership: Partnership
    side: str  # the viewer's side
    active: bool
    vendor_populations: list[Population]
    partner_populations: list[Population]
    levels: dict[int, str]  # population id -> level its owner set for this partnership (as set, also while inactive)
    fields: dict[int, list[str]]  # population id -> fields its owner shares with records
    vendor_list_size: int
    partner_list_size: int
    last_run: MappingRun | None

    @property
    def own_populations(self) -> list[Population]:
        return self.vendor_populations if self.side == Side.VENDOR else self.partner_populations

    @property
    def other_populations(self) -> list[Population]:
        return self.partner_populations if self.side == Side.VENDOR else self.vendor_populations


def partnership_get(*, user, public_id: str | None = None, partner: Partner | None = None) -> PartnershipView:
    """A partnership as the viewer sees it: both sides' populations and what each shares (never records)."""
    partner = access.partner_for(user, public_id=public_id, partner=partner)
    partnership = _partnership(partner)
    rules = _rules(partnership)
    vendor_pops, partner_pops = populations_ensure_defaults(None), populations_ensure_defaults(partner)
    sizes = dict(MappedAccount.objects.filter(Q(partner__isnull=True) | Q(partner=partner)).order_by().values("partner_id")
                 .annotate(n=Count("id")).values_list("partner_id", "n"))
    return PartnershipView(
        partner=partner, partnership=partnership, side=access.viewer_side(user), active=partnership.active,
        vendor_populations=vendor_pops, partner_populations=partner_pops,
        levels={p.pk: (rules[p.pk].level if p.pk in rules else ShareLevel.HIDDEN) for p in vendor_pops + partner_pops},
        fields={p.pk: (list(rules[p.pk].fields) if p.pk in rules else []) for p in vendor_pops + partner_pops},
        vendor_list_size=sizes.get(None, 0), partner_list_size=sizes.get(partner.pk, 0),
        last_run=MappingRun.objects.filter(partner=partner).order_by("-created_at", "-id").first(),
    )


def run_get(*, user, public_id: str) -> MappingRun:
    run = MappingRun.objects.select_related("partner").filter(public_id=public_id).first()
    if run is None or (access.viewer_side(user) == Side.PARTNER and run.partner_id != user.partner_id):
        raise NotFound("mapping run")
    access.require(user)
    return run


def run_list(*, user, partner: Partner) -> QuerySet:
    partner = access.partner_for(user, partner=partner)
    return MappingRun.objects.filter(partner=partner)


# --- the overlap --------------------------------------------------------------------------------


@dataclass
class OverlapMatrix:
    partner: Partner
    side: str
    active: bool
    vendor_populations: list[Population]
    partner_populations: list[Population]
    cells: dict[tuple[int, int], int | None]  # (vendor population id, partner population id) -> count, None: hidden to this viewer
    levels: dict[int, str]  # population id -> level in force (hidden while inactive)
    sizes: dict[int, int | None]  # population id -> accounts in it; the other side's only when shared >= counts


def _match_rows(partner_ids, extra: Q | None = None) -> list[tuple]:
    """(match, vendor row, partner row) for the partners' matches: one query, rows as dicts of _ROW."""
    cols = ["public_id", "partner_id", "score", "method", "reason", "vendor_account_id", "partner_account_id"]
    cols += [f"vendor_account__{f}" for f in _ROW] + [f"partner_account__{f}" for f in _ROW]
    qs = AccountMatch.objects.filter(partner_id__in=list(partner_ids))
    if extra is not None:
        qs = qs.filter(extra)
    out = []
    n = len(_ROW)
    for values in qs.order_by("pk").values_list(*cols).iterator(chunk_size=2000):
        head = dict(zip(cols[:7], values[:7], strict=True))
        vendor = dict(zip(_ROW, values[7:7 + n], strict=True))
        partner = dict(zip(_ROW, values[7 + n:], strict=True))
        out.append((head, vendor, partner))
    return out


def _members(populations: list[Population], row: dict) -> list[int]:
    return [p.pk for p in populations if population_contains(p.filters, row)]


def overlap_matrix(*, user, partner) -> OverlapMatrix:
    """Own populations × the other side's: counts where the other side shares at least counts. One query for all cells."""
    view = partnership_get(user=user, partner=partner)
    rules = _rules(view.partnership)
    levels = {p.pk: _level(rules, p.pk, view.active) for p in view.vendor_populations + view.partner_populations}
    others = view.other_populations
    countable = {p.pk for p in others if _at_least(levels[p.pk], ShareLevel.COUNTS)}
    cells: dict[tuple[int, int], int | None] = {}
    for v in view.vendor_populations:
        for p in view.partner_populations:
            other_id = p.pk if view.side == Side.VENDOR else v.pk
            cells[(v.pk, p.pk)] = 0 if other_id in countable else None
    if countable:
        for _, vrow, prow in _match_rows([view.partner.pk]):
            for v in _members(view.vendor_populations, vrow):
                for p in _members(view.partner_populations, prow):
                    if cells[(v, p)] is not None:
                        cells[(v, p)] += 1
    sizes: dict[int, int | None] = {}
    shown = [p for p in view.own_populations] + [p for p in others if p.pk in countable]
    sizes.update({p.pk: None for p in others})
    sizes.update(population_sizes(shown))
    return OverlapMatrix(partner=view.partner, side=view.side, active=view.active, vendor_populations=view.vendor_populations,
                         partner_populations=view.partner_populations, cells=cells, levels=levels, sizes=sizes)


def _own_record(row: dict) -> dict:
    return {"id": row["public_id"], **{f: row[f] for f in OWN_FIELDS}}


def _shared_record(row: dict, fields) -> dict:
    """The other side's record as it may be seen: its name and the shared fields, nothing else (no id)."""
    return {"name": row["name"], **{f: row[f] for f in fields if f in row}}


@dataclass
class OverlapRecords:
    level: str  # what the other side's population is shared as, in force now
    count: int | None  # None: not even the count is shared
    fields: list[str] = field(default_factory=list)  # the other side's fields shown besides the name
    rows: list[dict] = field(default_factory=list)  # {"match", "score", "method", "reason", "own": {...}, "other": {...}}


def _check_pair(partner: Partner, vendor_population: Population, partner_population: Population) -> None:
    if vendor_population.partner_id is not None:
        raise NotFound("population")
    if partner_population.partner_id != partner.pk:
        raise NotFound("population")


def overlap_records(*, user, partner, vendor_population: Population, partner_population: Population) -> OverlapRecords:
    """The drill-down of one cell: records only when the other side shares its population at least as overlaps."""
    partner = access.partner_for(user, partner=partner)
    _check_pair(partner, vendor_population, partner_population)
    side = access.viewer_side(user)
    partnership = _partnership(partner)
    rules = _rules(partnership)
    other = partner_population if side == Side.VENDOR else vendor_population
    level = _level(rules, other.pk, partnership.active)
    if not _at_least(level, ShareLevel.COUNTS):
        return OverlapRecords(level=level, count=None)
    fields = list(rules[other.pk].fields)
    rows = []
    count = 0
    for head, vrow, prow in _match_rows([partner.pk]):
        if not (population_contains(vendor_population.filters, vrow) and population_contains(partner_population.filters, prow)):
            continue
        count += 1
        if _at_least(level, ShareLevel.OVERLAPS):
            own, theirs = (vrow, prow) if side == Side.VENDOR else (prow, vrow)
            rows.append({"match": head["public_id"], "score": head["score"], "method": head["method"], "reason": head["reason"],
                         "own": _own_record(own), "other": _shared_record(theirs, fields)})
    if not _at_least(level, ShareLevel.OVERLAPS):
        return OverlapRecords(level=level, count=count)
    rows.sort(key=lambda r: (r["own"]["name"].casefold(), r["own"]["id"], r["other"]["name"].casefold()))
    return OverlapRecords(level=level, count=count, fields=fields, rows=rows)


@dataclass
class SharedPopulation:
    population: Population
    level: str
    fields: list[str]
    count: int
    rows: list[dict]  # {"name", <shared fields>}
    next_cursor: str | None = None


def shared_population_list(*, user, partner, population: Population, cursor: str | None = None,
                           limit: int | None = None) -> SharedPopulation:
    """The whole of one of the other side's populations, shared fields only; only when it is shared as a full list."""
    partner = access.partner_for(user, partner=partner)
    side = access.viewer_side(user)
    expected_owner = partner.pk if side == Side.VENDOR else None
    if population.partner_id != expected_owner:
        raise NotFound("population")
    partnership = _partnership(partner)
    rules = _rules(partnership)
    level = _level(rules, population.pk, partnership.active)
    if level != ShareLevel.FULL:
        raise PermissionDenied(f"{population.name} is not shared with you as a full list.")
    fields = list(rules[population.pk].fields)
    qs = _side_accounts(population.partner).filter(population_q(population.filters))
    page, next_cursor = cursor_page(qs, cursor=cursor, limit=limit, order=("name", "public_id"))
    rows = [_shared_record({f: getattr(a, f) for f in ("name", *fields)}, fields) for a in page]
    return SharedPopulation(population=population, level=level, fields=fields, count=qs.count(), rows=rows, next_cursor=next_cursor)


def overlap_export_rows(*, user, partner) -> list[dict]:
    """Every overlapping record the viewer may see, across all cells, each pair once with the populations it is in."""
    view = partnership_get(user=user, partner=partner)
    rules = _rules(view.partnership)
    others = view.other_populations
    shown = {p.pk: p for p in others if _at_least(_level(rules, p.pk, view.active), ShareLevel.OVERLAPS)}
    if not shown:
        return []
    out = []
    for head, vrow, prow in _match_rows([view.partner.pk]):
        own, theirs = (vrow, prow) if view.side == Side.VENDOR else (prow, vrow)
        own_pops = [p for p in view.own_populations if population_contains(p.filters, own)]
        other_pops = [p for p in shown.values() if population_contains(p.filters, theirs)]
        if not other_pops or not own_pops:
            continue
        fields = [f for f in _union_fields(rules, other_pops)]
        out.append({"match": head["public_id"], "score": head["score"], "reason": head["reason"], "own": _own_record(own),
                    "own_populations": [p.name for p in own_pops], "other": _shared_record(theirs, fields),
                    "other_populations": [p.name for p in other_pops], "fields": fields})
    out.sort(key=lambda r: (r["own"]["name"].casefold(), r["own"]["id"]))
    return out


def _union_fields(rules: dict[int, SharingRule], populations: list[Population]) -> list[str]:
    from .models import SHAREABLE_FIELDS

    chosen = {f for p in populations for f in rules[p.pk].fields}
    return [f for f in SHAREABLE_FIELDS if f in chosen]


# --- co-sell opportunities ------------------------------------------------------------------------

OPEN_SIDE = (AccountStatus.OPPORTUNITY, AccountStatus.PROSPECT)


def cosell_kind(vendor_status: str, partner_status: str) -> str | None:
    """Why a match is a co-sell opportunity, or None when it is not one."""
    if partner_status == AccountStatus.CUSTOMER and vendor_status in OPEN_SIDE:
        return "partner_customer"  # the partner has the customer the vendor is trying to win
    if vendor_status == AccountStatus.CUSTOMER and partner_status in OPEN_SIDE:
        return "vendor_customer"  # the vendor's customer is the partner's open opportunity or prospect
    if vendor_status == AccountStatus.OPPORTUNITY and partner_status == AccountStatus.OPPORTUNITY:
        return "both_opportunity"
    return None


COSELL_KIND_LABELS = {"partner_customer": "The partner's customer, the vendor's open opportunity or prospect",
                      "vendor_customer": "The vendor's customer, the partner's open opportunity or prospect",
                      "both_opportunity": "An open opportunity on both sides"}


def cosell_opportunities(*, user, partner: Partner | None = None, match_public_id: str | None = None) -> list[dict]:
    """Matches one side can sell with the other's help, visible only when the other side's population holding
    the record is shared as overlaps or more. Vendor users: every active partnership (or ``partner``)."""
    side = access.require(user)
    if partner is not None:
        partner = access.partner_for(user, partner=partner)
    elif side == Side.PARTNER:
        partner = Partner.objects.get(pk=user.partner_id)
    active = Partnership.objects.filter(vendor_opted_in_at__isnull=False, partner_opted_in_at__isnull=False).select_related("partner")
    if partner is not None:
        active = active.filter(partner=partner)
    partnerships = {p.partner_id: p for p in active}
    if not partnerships:
        return []
    rules = {}
    for rule in SharingRule.objects.filter(partnership__in=list(partnerships.values())):
        rules.setdefault(rule.partnership_id, {})[rule.population_id] = rule
    vendor_pops = populations_ensure_defaults(None)
    partner_pops: dict[int, list[Population]] = {}
    for pop in Population.objects.filter(partner_id__in=list(partnerships)).order_by("id"):
        partner_pops.setdefault(pop.partner_id, []).append(pop)
    shared: dict[int, list[Population]] = {}  # partner id -> the other side's populations shared >= overlaps
    for pid, partnership in partnerships.items():
        prules = rules.get(partnership.pk, {})
        others = partner_pops.get(pid, []) if side == Side.VENDOR else vendor_pops
        shared[pid] = [p for p in others if _at_least(_level(prules, p.pk, True), ShareLevel.OVERLAPS)]
    wanted = [pid for pid, pops in shared.items() if pops]
    if not wanted:
        return []
    # only the status pairs cosell_kind accepts leave the database
    extra = (Q(partner_account__status=AccountStatus.CUSTOMER, vendor_account__status__in=OPEN_SIDE)
             | Q(vendor_account__status=AccountStatus.CUSTOMER, partner_account__status__in=OPEN_SIDE)
             | Q(vendor_account__status=AccountStatus.OPPORTUNITY, partner_account__status=AccountStatus.OPPORTUNITY))
    if match_public_id:
        extra &= Q(public_id=match_public_id)
    out = []
    for head, vrow, prow in _match_rows(wanted, extra):
        kind = cosell_kind(vrow["status"], prow["status"])
        if kind is None:
            continue
        pid = head["partner_id"]
        own, theirs = (vrow, prow) if side == Side.VENDOR else (prow, vrow)
        holding = [p for p in shared[pid] if population_contains(p.filters, theirs)]
        if not holding:
            continue
        fields = _union_fields(rules.get(partnerships[pid].pk, {}), holding)
        out.append({"match": head["public_id"], "partner": partnerships[pid].partner, "kind": kind,
                    "kind_label": COSELL_KIND_LABELS[kind], "score": head["score"], "reason": head["reason"],
                    "vendor_account_id": head["vendor_account_id"], "own": _own_record(own), "other": _shared_record(theirs, fields),
                    "other_populations": [p.name for p in holding], "actions": {}})
    actions = CoSellAction.objects.filter(vendor_account_id__in={r["vendor_account_id"] for r in out}, partner_id__in=wanted)
    done = {(a.partner_id, a.vendor_account_id, a.kind): a for a in actions.select_related("lead", "deal")}
    for row in out:
        for kind in ("lead", "deal"):
            action = done.get((row["partner"].pk, row["vendor_account_id"], kind))
            row["actions"][kind] = action
    out.sort(key=lambda r: (r["partner"].name.casefold(), r["own"]["name"].casefold(), r["match"]))
    return out


def cosell_get(*, user, public_id: str) -> tuple[AccountMatch, dict]:
    """One co-sell opportunity the user may see (the match and its row); NotFound otherwise, whatever the reason."""
    match = AccountMatch.objects.select_related("partner", "vendor_account", "partner_account").filter(public_id=public_id).first()
    if match is None or (access.viewer_side(user) == Side.PARTNER and match.partner_id != user.partner_id):
        raise NotFound("co-sell opportunity")
    rows = cosell_opportunities(user=user, partner=match.partner, match_public_id=public_id)
    if not rows:
        raise NotFound("co-sell opportunity")
    return match, rows[0]


# --- partner-to-partner discovery -----------------------------------------------------------------


@dataclass
class Candidate:
    partner: Partner
    reasons: list[str]
    overlap: bool = False


def discover_partners(*, user, deal=None, account_name: str = "", specialty: str = "", region: str = "",
                      certification: str = "", limit: int = 50) -> list[Candidate]:
    """Partners who could help on a deal or an account: every given criterion must hold, each gives a reason.

    Specialty, region and certification read the partner profile (partners listed in the locator, or
    discoverable); account overlap reads only the lists of partners who chose to be discoverable, and
    says only that the account is in their list and what it is to them.
    """
    side = access.require(user)
    specialty, region, certification = specialty.strip(), region.strip(), certification.strip()
    account_name = account_name.strip()
    target = None
    if deal is not None:
        target = Record(id="deal", name=deal.customer_name, domain=deal.domain or deal.website, country=deal.country)
    elif account_name:
        target = Record(id="account", name=account_name)
    if target is None and not (specialty or region or certification):
        raise DomainError("Say what to look for: a deal, an account, a specialty, a region or a certification.", field="account")
    discoverable = set(Partnership.objects.filter(discoverable=True).values_list("partner_id", flat=True))
    qs = Partner.objects.filter(status=PartnerStatus.ACTIVE).filter(Q(listed_in_locator=True) | Q(pk__in=discoverable))
    if side == Side.PARTNER:
        qs = qs.exclude(pk=user.partner_id)
    found: dict[int, list[str]] = {}
    overlap: set[int] = set()
    candidates = {p.pk: p for p in qs.only("id", "public_id", "name", "region", "country", "specialties", "regions_served",
                                             "partner_type", "tier", "listed_in_locator")}
    for pk, p in candidates.items():
        reasons = []
        if specialty:
            if specialty.casefold() not in {str(s).casefold() for s in (p.specialties or [])}:
                continue
            reasons.append(f"specialises in {specialty}")
        if region:
            served = {str(r).casefold() for r in (p.regions_served or [])} | {p.region.casefold(), p.country.casefold()}
            if region.casefold() not in served:
                continue
            reasons.append(f"works in {region}")
        found[pk] = reasons
    if certification:
        certified = dict(Achievement.objects.filter(partner_id__in=list(found), kind=AchievementKind.CERTIFICATION,
                                                    name__icontains=certification)
                         .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=_now())).values_list("partner_id", "name"))
        found = {pk: reasons + [f"holds the {certified[pk]} certification"] for pk, reasons in found.items() if pk in certified}
    if target is not None:
        query = prepare(target)
        domain = normalize_domain(query.domain) if query.domain else ""
        name = normalize_company_name(target.name)
        lookup = Q(name_normalized=name) | (Q(domain=domain) if domain else Q(pk__in=[]))
        hits: dict[int, str] = {}
        for pid, aname, adomain, acountry, status in (MappedAccount.objects.filter(partner_id__in=[pk for pk in found if pk in discoverable])
                                                      .filter(lookup).values_list("partner_id", "name", "domain", "country", "status")):
            score = compare(query, prepare(Record(id="x", name=aname, domain=adomain, country=acountry))).score
            if score >= POSSIBLE and pid not in hits:
                hits[pid] = status
        label = {AccountStatus.CUSTOMER: "as a customer", AccountStatus.OPPORTUNITY: "as an open opportunity",
                 AccountStatus.PROSPECT: "as a prospect"}
        found = {pk: reasons + [f"has {target.name} in its account list {label.get(hits[pk], '')}".strip()]
                 for pk, reasons in found.items() if pk in hits}
        overlap = set(found)
    ranked = sorted(found.items(), key=lambda kv: (-len(kv[1]), candidates[kv[0]].name.casefold()))[:limit]
    return [Candidate(partner=candidates[pk], reasons=reasons, overlap=pk in overlap) for pk, reasons in ranked]


def _now():
    from django.utils import timezone

    return timezone.now()


def introduction_list(*, user) -> QuerySet:
    side = access.require(user)
    qs = Introduction.objects.select_related("from_partner", "to_partner", "with_partner", "deal", "requested_by")
    if side == Side.PARTNER:
        pid = user.partner_id
        qs = qs.filter(Q(from_partner_id=pid) | Q(to_partner_id=pid) | Q(with_partner_id=pid))
    return qs


def private_mapping_list(*, user, partner=None) -> QuerySet:
    """Private-mapping sessions the user may see: every partner's for vendor users, the own partner's otherwise."""
    access.require(user)
    qs = PrivateMapping.objects.select_related("partner", "vendor_population").order_by("-created_at", "-id")
    if access.viewer_side(user) == Side.PARTNER:
        qs = qs.filter(partner_id=user.partner_id)
    elif partner is not None:
        qs = qs.filter(partner=partner)
    return qs
