"""Builders for the /api/v1/leads tests: leads near New York (routed to "Near Gold" first), calls as a user,
and the check that no integer key leaves the server."""

from allied.leads.services import lead_create
from tests.api_helpers import API
from tests.factories import lead_data

URL = f"{API}/leads"
SETTINGS_URL = f"{API}/lead-routing"

COMPANIES = ["Globex", "Initech", "Hooli", "Umbrella", "Soylent", "Cyberdyne", "Tyrell", "Wonka", "Acme", "Stark"]


def nyc(name: str = "Globex", **overrides) -> dict:
    """A lead body for the company ``name`` in New York, asking about security (its own domain and contact)."""
    slug = name.lower()
    return lead_data(**{"company_name": f"{name} Corporation", "website": f"{slug}.example", "contact_email": f"buyer@{slug}.example",
                        "lat": 40.71, "lon": -74.0, "specialty": "security", **overrides})


def lead_in(actor, name: str = "Globex", **overrides):
    """A lead taken in through the service (routed at once)."""
    return lead_create(actor=actor, data=nyc(name, **overrides))


def as_user(api_client, user):
    return api_client.as_user(user)


def assert_public_ids_only(value, path: str = "") -> None:
    """No integer key in an answer: no `pk`/`*_id` fields and every `id` is a prefixed string."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert k != "pk" and not k.endswith("_id"), f"{path}.{k} looks like an integer key"
            if k == "id":
                assert isinstance(v, str) and "_" in v, f"{path}.id is {v!r}"
            assert_public_ids_only(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            assert_public_ids_only(v, f"{path}[{i}]")
