"""Builders for the account-mapping tests, going through the real services."""

from allied.mapping.models import Population, PopulationKind, ShareLevel
from allied.mapping.selectors import partnership_get
from allied.mapping.services import (
    account_upsert,
    mapping_run_execute,
    mapping_run_request,
    opt_in,
    populations_ensure_defaults,
    sharing_set,
)

HUBSPOT_HEADER = "Record ID,Company name,Company Domain Name,Country/Region,Lifecycle Stage,Industry,Number of Employees,Company owner\n"


def account(partner, name: str, website: str = "", country: str = "US", status: str = "customer", **fields):
    """One account in a side's list (``partner`` None: the vendor's), written by the system."""
    return account_upsert(actor=None, partner=partner, data={"name": name, "website": website, "country": country, "status": status,
                                                            **fields})


def activate(world, partner):
    """Both sides opt in (the vendor's CAM, the partner's admin)."""
    admin = partner.users.filter(role="partner_admin").order_by("pk").first()
    opt_in(actor=world.cam, partner=partner)
    return opt_in(actor=admin, partner=partner)


def default_population(partner, kind: str = PopulationKind.CUSTOMERS) -> Population:
    populations_ensure_defaults(partner)
    qs = Population.objects.filter(partner=partner) if partner is not None else Population.objects.filter(partner__isnull=True)
    return qs.get(kind=kind)


def share(world, partner, population: Population, level: str = ShareLevel.OVERLAPS, fields=("country", "status")):
    """The population's owner side shares it with the other side of ``partner``'s partnership."""
    actor = world.cam if population.partner_id is None else partner.users.filter(role="partner_admin").order_by("pk").first()
    return sharing_set(actor=actor, partner=partner, population=population, level=level, fields=list(fields))


def share_all(world, partner, level: str = ShareLevel.OVERLAPS, fields=("country", "status")) -> None:
    view = partnership_get(user=world.cam, partner=partner)
    for population in view.vendor_populations + view.partner_populations:
        share(world, partner, population, level, fields)


def run_now(partner, *, incremental: bool = True) -> dict:
    """Request a run and execute it here (what the worker does)."""
    run = mapping_run_request(actor=None, partner=partner, incremental=incremental)
    return mapping_run_execute(run)


def overlap_world(world, partner=None):
    """An active partnership with a vendor list and a partner list overlapping on three companies, mapped.

    Vendor: Acme (customer), Globex (opportunity), Initech (prospect), Umbrella (customer, vendor only).
    Partner: Acme Corp (opportunity), Globex (customer), Initech (customer), Hooli (prospect, partner only).
    """
    partner = partner or world.partner_a
    vendor = {"acme": account(None, "Acme Inc", "acme.example", status="customer", owner_name="Vera Vendor"),
              "globex": account(None, "Globex Corporation", "globex.example", status="opportunity", opportunity_stage="Proposal",
                                opportunity_amount="50000", owner_name="Vera Vendor"),
              "initech": account(None, "Initech", "initech.example", status="prospect", owner_name="Vera Vendor"),
              "umbrella": account(None, "Umbrella Corp", "umbrella.example", status="customer", owner_name="Vera Vendor")}
    theirs = {"acme": account(partner, "ACME Corp.", "https://www.acme.example", status="opportunity", industry="Manufacturing",
                              owner_name="Pat Partner", external_id="P-1"),
              "globex": account(partner, "Globex", "globex.example", status="customer", industry="Energy", external_id="P-2",
                               owner_name="Pat Partner"),
              "initech": account(partner, "Initech LLC", "initech.example", status="customer", industry="Software", external_id="P-3",
                                owner_name="Pat Partner"),
              "hooli": account(partner, "Hooli", "hooli.example", status="prospect", external_id="P-4", owner_name="Pat Partner")}
    activate(world, partner)
    run_now(partner, incremental=False)
    return partner, vendor, theirs
