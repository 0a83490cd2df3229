"""Builders for the API tests: objects on every partner of the `world`, ids that do not exist,
and the pagination / query-count checks every list endpoint gets."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allied.onboarding.models import OnboardingTask, Side
from allied.onboarding.services import journey_start
from allied.program.models import Tier
from allied.recruitment.services import application_submit
from allied.tiering.models import ProposalStatus, TierProposal

from .factories import application_data

API = "/api/v1"


def missing_id(prefix: str) -> str:
    """A well-formed public id that belongs to nothing."""
    return f"{prefix}_0000000000000000"


def proposal_make(partner, *, to: str = "Silver", status: str = ProposalStatus.PENDING) -> TierProposal:
    return TierProposal.objects.create(
        partner=partner, from_tier=partner.tier, to_tier=Tier.objects.get(name=to), status=status,
        reasons=[f"Meets every {to} requirement"], facts={"deals_won_12m": "2"}, created_at=timezone.now(),
    )


class ApiObjects:
    """One of each kind of object for partners A, A1 and B (keys "a", "a1", "b"), and two applications."""

    def __init__(self, world):
        self.world = world
        self.partner = {"a": world.partner_a, "a1": world.partner_a1, "b": world.partner_b}
        self.user = {"a": world.a_sales, "a1": world.a1_admin, "b": world.b_sales}
        self.partner_task, self.vendor_task, self.proposal = {}, {}, {}
        for key, partner in self.partner.items():
            journey_start(actor=None, partner=partner)
            tasks = OnboardingTask.objects.filter(partner=partner).order_by("due_date", "id")
            self.partner_task[key] = tasks.filter(side=Side.PARTNER, kind="training").first()
            self.vendor_task[key] = tasks.filter(side=Side.VENDOR).first()
            self.proposal[key] = proposal_make(partner)
        self.application = application_submit(data=application_data())
        self.application2 = application_submit(data=application_data(
            company_name="Fabrikam Integrators", website="https://fabrikam.example", contact_email="ops@fabrikam.example"))


def own_key(world, user) -> str:
    """Which partner's objects count as the user's own (vendors: A's, any visible partner would do)."""
    if user.partner_id == world.partner_a1.pk:
        return "a1"
    if user.partner_id == world.partner_b.pk:
        return "b"
    return "a"


def foreign_key(world, user) -> str | None:
    """A partner outside the user's scope; None for vendor users, who see every partner."""
    if user.partner_id is None:
        return None
    return "a" if user.partner_id in (world.partner_a1.pk, world.partner_b.pk) else "b"


def visible_keys(world, user) -> set[str]:
    """The partners whose rows the user sees (A's users see sub-partner A1 too)."""
    if user.partner_id is None:
        return {"a", "a1", "b"}
    if user.partner_id == world.partner_a.pk:
        return {"a", "a1"}
    return {own_key(world, user)}


def walk(client, url: str, *, limit: int) -> list[dict]:
    """Every item of a list, page by page; asserts each page answers 200 and ids never repeat."""
    items, cursor, pages = [], None, 0
    sep = "&" if "?" in url else "?"
    while True:
        page_url = f"{url}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        resp = client.get(page_url)
        assert resp.status_code == 200, resp.content
        body = resp.json()
        assert len(body["items"]) <= limit
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
        assert pages < 1000, "pagination does not end"
    ids = [i["id"] for i in items if "id" in i]
    assert len(ids) == len(set(ids)), "an item came back twice"
    return items


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, resp.content
    return len(ctx.captured_queries)


def assert_constant_queries(client, url: str, *, small: int = 10, large: int = 100) -> None:
    """The number of SQL queries of a list page does not grow with the page size (no N+1)."""
    sep = "&" if "?" in url else "?"
    client.get(f"{url}{sep}limit=1")  # warm-up: the key's first use records last_used_at
    few = query_count(client, f"{url}{sep}limit={small}")
    many = query_count(client, f"{url}{sep}limit={large}")
    assert few == many, f"{url}: {few} queries for {small} rows, {many} for {large}"


def error_fields(resp) -> list[str]:
    return [f["field"] for f in resp.json()["error"]["fields"]]
