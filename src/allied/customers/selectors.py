"""Every read of the account master. It is vendor-only: to anyone else it does not exist (404)."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from allied.accounts.models import User
from allied.core.errors import NotFound
from allied.core.permissions import has_perm
from allied.core.scope import is_vendor
from allied.matching import normalize_company_name

from .models import CustomerAccount, DirectOpportunity, OpportunityStatus

ACCOUNT_FILTERS = ("q", "is_customer", "is_named_direct", "country", "segment", "owner")
OPPORTUNITY_FILTERS = ("q", "status", "account")


def account_master_check(*, actor, what: str = "account") -> None:
    """Anyone who may not see the account master finds nothing there: NotFound, as for a missing row."""
    if not (is_vendor(actor) and has_perm(actor, "accounts.view")):
        raise NotFound(what)



def _flag(value) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _open_count():
    """Open direct opportunities per account, as a correlated subquery: computed for the page's rows only."""
    open_opps = (DirectOpportunity.objects.filter(account=OuterRef("pk"), status=OpportunityStatus.OPEN)
                 .order_by().values("account").annotate(n=Count("id")).values("n"))
    return Coalesce(Subquery(open_opps, output_field=IntegerField()), 0)


def account_list(*, actor, filters: dict | None = None) -> QuerySet:
    """Accounts with ``open_opportunities`` counted, ordered by name. Filters: q (name, domain, external or
    public id), is_customer, is_named_direct, country (ISO-2), segment, owner (user public id)."""
    account_master_check(actor=actor)
    filters = filters or {}
    qs = CustomerAccount.objects.select_related("owner", "incumbent_partner").annotate(open_opportunities=_open_count())
    if q := (filters.get("q") or "").strip():
        cond = Q(name__icontains=q) | Q(domain__icontains=q.lower()) | Q(external_id=q) | Q(public_id=q)
        if (norm := normalize_company_name(q)) and norm != q.lower():
            cond |= Q(name_normalized__contains=norm)
        qs = qs.filter(cond)
    for name in ("is_customer", "is_named_direct"):
        if (flag := _flag(filters.get(name))) is not None:
            qs = qs.filter(**{name: flag})
    if v := (filters.get("country") or "").strip():
        qs = qs.filter(country=v.upper())
    if (v := filters.get("segment")) is not None and v != "":
        qs = qs.filter(segment=v)
    if v := filters.get("owner"):
        qs = qs.filter(owner__public_id=getattr(v, "public_id", v))
    return qs.order_by("name", "id")


def account_get(*, actor, public_id: str) -> CustomerAccount:
    account_master_check(actor=actor)
    account = (CustomerAccount.objects.select_related("owner", "incumbent_partner").annotate(open_opportunities=_open_count())
               .filter(public_id=public_id).first())
    if account is None:
        raise NotFound("account")
    return account


def opportunity_list(*, actor, account: CustomerAccount | None = None, filters: dict | None = None) -> QuerySet:
    """Direct opportunities, soonest close date first. Filters: q (name or external id), status, account (public id)."""
    account_master_check(actor=actor, what="direct opportunity")
    filters = filters or {}
    qs = DirectOpportunity.objects.select_related("account")
    if account is not None:
        qs = qs.filter(account=account)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(external_id=q) | Q(public_id=q))
    if v := filters.get("status"):
        qs = qs.filter(status=v)
    if v := filters.get("account"):
        qs = qs.filter(account__public_id=getattr(v, "public_id", v))
    return qs.order_by("close_date", "id")


def opportunity_get(*, actor, public_id: str) -> DirectOpportunity:
    account_master_check(actor=actor, what="direct opportunity")
    opp = DirectOpportunity.objects.select_related("account").filter(public_id=public_id).first()
    if opp is None:
        raise NotFound("direct opportunity")
    return opp


def account_owners(*, actor) -> QuerySet:
    """Vendor users who may own accounts (for the owner filter and form)."""
    account_master_check(actor=actor)
    return User.objects.filter(partner__isnull=True, is_active=True).order_by("full_name", "email")
