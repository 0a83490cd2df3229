"""Populations: saved filters over one side's account list ("Customers", "Open opportunities", custom ones).

Filter keys (all optional, combined with AND; a list means "any of"): ``status``, ``country``,
``industry``, ``owner_name``, ``opportunity_stage`` (lists; text compared without case),
``min_employees``, ``max_employees`` (whole numbers) and ``name_contains`` (text). The same filters
are applied in SQL (``population_q``, for lists) and in Python (``population_contains``, for the
overlap matrix, which classifies matched accounts it has already loaded).

Each side has the three defaults, made on first use; they cannot be deleted and their filters are
fixed (rename them if you like).
"""

from django.db import IntegrityError, transaction
from django.db.models import Q

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError
from allied.matching import country_code

from ..access import require_list_owner
from ..models import AccountStatus, Population, PopulationKind

LIST_FILTERS = ("status", "country", "industry", "owner_name", "opportunity_stage")
FILTER_KEYS = (*LIST_FILTERS, "min_employees", "max_employees", "name_contains")
MAX_VALUES = 100
DEFAULTS = (
    (PopulationKind.CUSTOMERS, "Customers", {"status": [AccountStatus.CUSTOMER.value]}),
    (PopulationKind.OPPORTUNITIES, "Open opportunities", {"status": [AccountStatus.OPPORTUNITY.value]}),
    (PopulationKind.PROSPECTS, "Prospects", {"status": [AccountStatus.PROSPECT.value]}),
)


def clean_filters(filters) -> dict:
    """Validated filters in their stored form; raises DomainError naming ``filters.<key>``."""
    if filters in (None, ""):
        return {}
    if not isinstance(filters, dict):
        raise DomainError("Filters are an object of filter names and values.", field="filters")
    out: dict = {}
    for key, value in filters.items():
        field = f"filters.{key}"
        if key not in FILTER_KEYS:
            raise DomainError(f"Unknown filter {key!r}; use {', '.join(FILTER_KEYS)}.", field=field)
        if value in (None, "", []):
            continue
        if key in LIST_FILTERS:
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
                raise DomainError("Give a text or a list of texts.", field=field)
            values = [v.strip() for v in values if v.strip()]
            if len(values) > MAX_VALUES:
                raise DomainError(f"At most {MAX_VALUES} values.", field=field)
            if any(len(v) > 200 for v in values):
                raise DomainError("Each value is at most 200 characters.", field=field)
            if key == "status":
                bad = [v for v in values if v not in AccountStatus.values]
                if bad:
                    raise DomainError(f"Unknown status {bad[0]!r}; use {', '.join(AccountStatus.values)}.", field=field)
            if key == "country":
                codes = [country_code(v) for v in values]
                if "" in codes:
                    raise DomainError(f"{values[codes.index('')]!r} is not a country; use ISO codes such as DE or US.", field=field)
                values = codes
            if values:
                out[key] = sorted(set(values), key=values.index)
        elif key in ("min_employees", "max_employees"):
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise DomainError("Give a whole number.", field=field)
            try:
                number = int(str(value).strip())
            except ValueError:
                raise DomainError("Give a whole number.", field=field)
            if number < 0:
                raise DomainError("Give zero or more.", field=field)
            out[key] = number
        else:  # name_contains
            if not isinstance(value, str):
                raise DomainError("Give a text.", field=field)
            if len(value.strip()) > 100:
                raise DomainError("At most 100 characters.", field=field)
            if value.strip():
                out[key] = value.strip()
    if "min_employees" in out and "max_employees" in out and out["min_employees"] > out["max_employees"]:
        raise DomainError("The minimum is above the maximum.", field="filters.min_employees")
    return out


def population_q(filters: dict) -> Q:
    """The population's accounts as a filter on MappedAccount (the side is filtered by the caller)."""
    q = Q()
    for key in LIST_FILTERS:
        values = filters.get(key)
        if not values:
            continue
        if key in ("status", "country"):
            q &= Q(**{f"{key}__in": values})
        else:
            any_of = Q()
            for v in values:
                any_of |= Q(**{f"{key}__iexact": v})
            q &= any_of
    if "min_employees" in filters:
        q &= Q(employees__gte=filters["min_employees"])
    if "max_employees" in filters:
        q &= Q(employees__lte=filters["max_employees"])
    if filters.get("name_contains"):
        q &= Q(name__icontains=filters["name_contains"])
    return q


# What population_contains reads of an account (values() rows or objects with these attributes).
ROW_FIELDS = ("status", "country", "industry", "owner_name", "opportunity_stage", "employees", "name")


def population_contains(filters: dict, row: dict) -> bool:
    """Whether an account (a dict of ROW_FIELDS) is in the population; the same rules as ``population_q``."""
    for key in LIST_FILTERS:
        values = filters.get(key)
        if not values:
            continue
        value = row.get(key) or ""
        if key in ("status", "country"):
            if value not in values:
                return False
        elif value.casefold() not in {v.casefold() for v in values}:
            return False
    employees = row.get("employees")
    if "min_employees" in filters and (employees is None or employees < filters["min_employees"]):
        return False
    if "max_employees" in filters and (employees is None or employees > filters["max_employees"]):
        return False
    if filters.get("name_contains") and filters["name_contains"].casefold() not in (row.get("name") or "").casefold():
        return False
    return True


def _side(partner):
    return Population.objects.filter(partner=partner) if partner is not None else Population.objects.filter(partner__isnull=True)


def populations_ensure_defaults(partner) -> list[Population]:
    """The side's populations, the three defaults made if missing (``partner`` None: the vendor's)."""
    have = set(_side(partner).values_list("kind", flat=True))
    for kind, name, filters in DEFAULTS:
        if kind in have:
            continue
        taken = set(_side(partner).values_list("name", flat=True))
        label = name if name not in taken else f"{name} (default)"
        try:
            with transaction.atomic():
                if not _side(partner).filter(kind=kind).exists():
                    Population.objects.create(partner=partner, name=label, kind=kind, filters=filters)
        except IntegrityError:
            pass  # made at the same moment by another request
    return list(_side(partner).order_by("id"))


def _clean_name(name, partner, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("Name the population.", field="name")
    if len(name) > 100:
        raise DomainError("At most 100 characters.", field="name")
    if _side(partner).filter(name=name).exclude(pk=exclude_pk).exists():
        raise DomainError("Another population of this list has that name.", field="name")
    return name


@transaction.atomic
def population_create(*, actor, partner, name: str, filters: dict, kind: str = PopulationKind.CUSTOM) -> Population:
    require_list_owner(actor, partner)
    if kind != PopulationKind.CUSTOM:
        raise DomainError("Only custom populations can be made; the defaults exist already.", field="kind")
    populations_ensure_defaults(partner)
    population = Population.objects.create(partner=partner, name=_clean_name(name, partner), kind=kind,
                                           filters=clean_filters(filters))
    audit_record(actor=actor, action="mapping.population_changed", obj=population, partner_id=getattr(partner, "pk", None),
                 after={"name": population.name, "filters": population.filters, "created": True})
    return population


@transaction.atomic
def population_update(*, actor, population: Population, name: str | None = None, filters: dict | None = None) -> Population:
    require_list_owner(actor, population.partner)
    population = Population.objects.select_for_update().get(pk=population.pk)
    before = {"name": population.name, "filters": population.filters}
    if name is not None:
        population.name = _clean_name(name, population.partner, exclude_pk=population.pk)
    if filters is not None:
        cleaned = clean_filters(filters)
        if population.kind != PopulationKind.CUSTOM and cleaned != population.filters:
            raise Conflict("The filters of a default population are fixed; make a custom population instead.", field="filters")
        population.filters = cleaned
    after = {"name": population.name, "filters": population.filters}
    if after != before:
        population.save(update_fields=["name", "filters"])
        audit_record(actor=actor, action="mapping.population_changed", obj=population, partner_id=population.partner_id,
                     before=before, after=after)
    return population


@transaction.atomic
def population_delete(*, actor, population: Population) -> None:
    """Delete a custom population; what it was shared as goes with it."""
    require_list_owner(actor, population.partner)
    if population.kind != PopulationKind.CUSTOM:
        raise Conflict("Default populations cannot be deleted; share them as hidden instead.")
    audit_record(actor=actor, action="mapping.population_changed", obj=population, partner_id=population.partner_id,
                 before={"name": population.name, "filters": population.filters}, after={"deleted": True})
    population.delete()
