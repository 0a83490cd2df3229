"""The conflict check: which holding registrations, accounts and direct opportunities look like this customer.

Candidates come from the blocking-key tables (``deals.RegistrationKey``, ``customers.AccountKey``)
in one round trip. Like ``allied.matching.MatchIndex``, a fuzzy key shared by more than
``KEY_CAP`` rows says little (a common word) and is skipped; exact keys (same registered domain,
same normalised name) are always read. The candidates sharing the most keys are then scored with
``allied.matching.compare`` on plain tuples (no model instances on the hot path).
"""

from collections import Counter
from datetime import UTC

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from allied.customers.models import AccountKey, CustomerAccount, DirectOpportunity, OpportunityStatus
from allied.matching import POSSIBLE, Record, blocking_keys, compare, prepare, query_keys
from allied.matching.keys import EXACT_KINDS, key_kind
from allied.partners.models import Partner

from .models import HOLDING, ConflictKind, DealRegistration, RegistrationKey
from .rules import Evidence

KEY_CAP = 40  # a fuzzy key with more rows than this is skipped
EXACT_CAP = 1000  # safety limit for exact keys
SCORE_CAP = 16  # candidates scored per source
EXACT_WEIGHT = 4


def _key_hits(keys: list[str]) -> tuple[Counter, Counter]:
    """(registration id -> weight of shared keys, account id -> weight) in one query."""
    if not keys:
        return Counter(), Counter()
    q = connection.ops.quote_name
    reg_table, acct_table, col = q(RegistrationKey._meta.db_table), q(AccountKey._meta.db_table), q("key")
    parts, params = [], []
    for i, key in enumerate(keys):
        cap = EXACT_CAP if key_kind(key) in EXACT_KINDS else KEY_CAP + 1
        parts.append(f"SELECT {i} AS k, 'r' AS src, registration_id AS oid FROM "
                     f"(SELECT registration_id FROM {reg_table} WHERE {col} = %s LIMIT {cap}) r{i}")
        parts.append(f"SELECT {i} AS k, 'a' AS src, account_id AS oid FROM "
                     f"(SELECT account_id FROM {acct_table} WHERE {col} = %s LIMIT {cap}) a{i}")
        params += [key, key]
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(parts), params)
        rows = cur.fetchall()
    postings: dict[tuple[int, str], list[int]] = {}
    for k, src, oid in rows:
        postings.setdefault((k, src), []).append(oid)
    regs, accts = Counter(), Counter()
    for (k, src), ids in postings.items():
        exact = key_kind(keys[k]) in EXACT_KINDS
        if not exact and len(ids) > KEY_CAP:
            continue
        target = regs if src == "r" else accts
        for oid in ids:
            target[oid] += EXACT_WEIGHT if exact else 1
    return regs, accts


def _sql(template: str) -> str:
    q = connection.ops.quote_name
    return (template.replace("{deal}", q(DealRegistration._meta.db_table)).replace("{partner}", q(Partner._meta.db_table))
            .replace("{account}", q(CustomerAccount._meta.db_table)).replace("{opportunity}", q(DirectOpportunity._meta.db_table)))


# Plain SQL on the hot path: the ORM's query compilation costs more than the query itself here.
_REG_SQL = ("SELECT d.id, d.public_id, d.customer_name, d.domain, d.country, d.status, d.submitted_at, d.partner_id, p.name "
            "FROM {deal} d JOIN {partner} p ON p.id = d.partner_id WHERE d.id IN ({ids}) AND d.status IN ({extra})")
_ACCT_SQL = ("SELECT a.id, a.public_id, a.name, a.domain, a.country, a.is_customer, a.is_named_direct, a.incumbent_partner_id "
             "FROM {account} a WHERE a.id IN ({ids})")


_OPP_SQL = "SELECT o.id, o.public_id, o.name, o.account_id FROM {opportunity} o WHERE o.account_id IN ({ids}) AND o.status IN ({extra})"


def _fetch(template: str, ids: list[int], extra: list[str] = ()) -> list[tuple]:
    sql = _sql(template).replace("{ids}", ", ".join(["%s"] * len(ids))).replace("{extra}", ", ".join(["%s"] * len(extra)))
    with connection.cursor() as cur:
        cur.execute(sql, [*ids, *extra])
        return cur.fetchall()


def _as_datetime(value):
    if isinstance(value, str):  # SQLite hands raw queries text, in UTC
        value = parse_datetime(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
    return value


def _top(hits: Counter) -> list[int]:
    return [oid for oid, _ in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:SCORE_CAP]]


def conflict_check(*, name: str, domain: str, country: str, partner_id: int, exclude_deal_id: int | None = None) -> list[Evidence]:
    """Every candidate scoring at least ``POSSIBLE``, best first, each with its reason in words."""
    query = prepare(Record(id="", name=name, domain=domain, country=country))
    reg_hits, acct_hits = _key_hits(query_keys(query))
    evidence: list[Evidence] = []

    if reg_hits:
        rows = _fetch(_REG_SQL, _top(reg_hits), extra=list(HOLDING))
        for pk, public_id, cname, cdomain, ccountry, status, submitted_at, owner_id, owner_name in rows:
            submitted_at = _as_datetime(submitted_at)
            if pk == exclude_deal_id:
                continue
            match = compare(query, prepare(Record(id=public_id, name=cname, domain=cdomain, country=ccountry)))
            if match.score < POSSIBLE:
                continue
            own = owner_id == partner_id
            evidence.append(Evidence(
                kind=ConflictKind.OWN_REGISTRATION if own else ConflictKind.REGISTRATION, score=match.score, reason=match.reason,
                ref=public_id, label=f"{cname}, registered by {owner_name}", status=status, submitted_at=submitted_at, obj=pk))

    matched: dict[int, tuple[str, str, object]] = {}
    if acct_hits:
        rows = _fetch(_ACCT_SQL, _top(acct_hits))
        for pk, public_id, aname, adomain, acountry, is_customer, is_named, incumbent in rows:
            match = compare(query, prepare(Record(id=public_id, name=aname, domain=adomain, country=acountry)))
            if match.score < POSSIBLE:
                continue
            matched[pk] = (public_id, aname, match)
            if is_named:
                evidence.append(Evidence(kind=ConflictKind.NAMED_ACCOUNT, score=match.score, reason=match.reason, ref=public_id,
                                         label=aname, obj=pk))
            if is_customer:
                evidence.append(Evidence(kind=ConflictKind.CUSTOMER, score=match.score, reason=match.reason, ref=public_id,
                                         label=aname, incumbent_partner_id=incumbent, obj=pk))
    if matched:
        opps = _fetch(_OPP_SQL, list(matched), extra=[OpportunityStatus.OPEN])
        for pk, public_id, oname, account_id in opps:
            _, aname, match = matched[account_id]
            evidence.append(Evidence(kind=ConflictKind.DIRECT_OPPORTUNITY, score=match.score,
                                     reason=f"{match.reason}; the direct team has an open opportunity", ref=public_id,
                                     label=f"{oname} ({aname})", obj=pk))
    evidence.sort(key=lambda e: (-e.score, e.kind, e.ref))
    return evidence


def keys_for(deal: DealRegistration) -> list[str]:
    return blocking_keys(prepare(Record(id=deal.public_id, name=deal.customer_name, domain=deal.domain, country=deal.country)))
