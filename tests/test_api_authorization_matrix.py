"""Authorization matrix for every API operation: each operation × each role × {own, foreign, missing}.

Rules checked, for every user of the `world`:
- a missing object answers 404 (400 naming the field when the id is in the query or body);
- another partner's object answers exactly like a missing one: same status, same body;
- objects inside the user's scope are found (partner A's users see sub-partner A1's rows);
- lists hold only rows inside the user's scope;
- without a key every operation but the public ones answers 401.

The operations come from the NinjaAPI instance itself: adding one without a row in COVERAGE
fails `test_every_operation_is_in_the_matrix` and its own matrix case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from allied.config.api import api
from tests.api_helpers import API, ApiObjects, foreign_key, missing_id, own_key, visible_keys
from tests.factories import application_data

ROLES = ["admin", "cam", "pmm", "finance", "a_admin", "a_sales", "a_marketing", "a1_admin", "b_admin", "b_sales", "b_marketing"]
PREFIX = {"partner": "ptn", "user": "usr", "application": "app", "proposal": "tpr", "task": "obt"}


def _partner_of_item(item: dict) -> str | None:
    return (item.get("partner") or {}).get("id")


@dataclass(frozen=True)
class Op:
    """How to call one operation: which object it names and where, what body it sends, which
    partner each list item belongs to (for the scope check)."""

    obj: str | None = None  # partner | user | application | proposal | task
    where: str = "path"  # path | query:<name> | body:<name> | body-list:<name>
    body: dict = field(default_factory=dict)
    item_partner: Callable[[dict], str | None] | None = None  # lists: the partner an item belongs to
    public: bool = False


COVERAGE: dict[str, Op] = {
    "GET /partners": Op(item_partner=lambda i: i["id"]),
    "POST /partners": Op("partner", "body:parent", {"name": "Matrix Resale", "partner_type": "reseller", "country": "US",
                                                    "region": "na"}),
    "GET /partners/{id}": Op("partner"),
    "PATCH /partners/{id}": Op("partner", body={"description": "Changed by the matrix"}),
    "GET /partners/{id}/users": Op("partner", item_partner=_partner_of_item),
    "GET /partners/{id}/audit": Op("partner"),
    "GET /partners/{id}/tier-progress": Op("partner"),
    "GET /users": Op("partner", "query:partner", item_partner=lambda i: (i["partner"] or {"id": "vendor"})["id"]),
    "GET /users/me": Op(),
    "POST /users/invitations": Op("partner", "body:partner", {"email": "matrix@example.com", "role": "partner_sales"}),
    "GET /users/{id}": Op("user"),
    "POST /users/{id}/deactivate": Op("user"),
    "POST /applications": Op(body=application_data(company_name="Matrix Applicant", website="https://matrix.example",
                                                   contact_email="m@matrix.example"), public=True),
    "GET /applications": Op(item_partner=lambda i: "application"),  # any row a partner user sees is a leak
    "GET /applications/{id}": Op("application"),
    "POST /applications/{id}/qualify": Op("application"),
    "POST /applications/{id}/approve": Op("application"),
    "POST /applications/{id}/decline": Op("application", body={"reason": "Not now"}),
    "GET /tiers": Op(),
    "GET /tier-proposals": Op(item_partner=_partner_of_item),
    "GET /tier-proposals/{id}": Op("proposal"),
    "POST /tier-proposals/{id}/approve": Op("proposal", body={"note": "ok"}),
    "POST /tier-proposals/{id}/reject": Op("proposal", body={"note": "not yet"}),
    "POST /tier-evaluations": Op("partner", "body-list:partners"),
    "GET /onboarding-tasks": Op("partner", "query:partner", item_partner=_partner_of_item),
    "GET /onboarding-tasks/{id}": Op("task"),
    "PATCH /onboarding-tasks/{id}": Op("task", body={"due_date": "2031-01-31"}),
    "POST /onboarding-tasks/{id}/complete": Op("task"),
    "POST /onboarding-tasks/{id}/reopen": Op("task"),
}


def api_operations() -> set[str]:
    schema = api.get_openapi_schema(path_prefix="")
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


OPERATIONS = sorted(api_operations() | set(COVERAGE))


def test_every_operation_is_in_the_matrix():
    assert api_operations() - set(COVERAGE) == set(), "add a COVERAGE row for each new operation"
    assert set(COVERAGE) - api_operations() == set(), "COVERAGE lists an operation the API no longer has"


# --- calling -----------------------------------------------------------------------------------


def object_id(objs: ApiObjects, kind: str, key: str | None) -> str:
    """Public id of the ``kind`` object of partner ``key`` (None: an id that does not exist)."""
    if key is None:
        return missing_id(PREFIX[kind])
    return {
        "partner": lambda: objs.partner[key].public_id,
        "user": lambda: objs.user[key].public_id,
        "proposal": lambda: objs.proposal[key].public_id,
        "task": lambda: objs.partner_task[key].public_id,
        "application": lambda: objs.application.public_id,
    }[kind]()


def request_for(op_key: str, op: Op, ref: str | None) -> tuple[str, str, dict]:
    method, path = op_key.split(" ", 1)
    body = dict(op.body)
    if ref is not None:
        kind, _, name = op.where.partition(":")
        if kind == "path":
            path = path.replace("{id}", ref)
        elif kind == "query":
            path = f"{path}?{name}={ref}"
        elif kind == "body":
            body[name] = ref
        elif kind == "body-list":
            body[name] = [ref]
    return method, API + path, body


def call(client, method: str, url: str, body: dict):
    if method == "GET":
        return client.get(url)
    return getattr(client, method.lower())(url, body)


def answer(resp) -> tuple[int, dict]:
    return resp.status_code, resp.json()


# --- the matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op_key", OPERATIONS)
def test_no_leak(world, api_client, op_key, role):
    assert op_key in COVERAGE, f"{op_key} has no row in COVERAGE"
    op = COVERAGE[op_key]
    objs = ApiObjects(world)
    user = getattr(world, role)
    client = api_client.as_user(user)
    is_partner_user = user.partner_id is not None
    method = op_key.split(" ", 1)[0]

    if op.obj is not None:
        # Missing: 404 for an id in the path, 400 naming the field for an id in the query or body.
        method_, url, body = request_for(op_key, op, missing_id(PREFIX[op.obj]))
        missing = call(client, method_, url, body)
        if op.where == "path":
            assert missing.status_code == 404, (op_key, missing.content)
            assert missing.json()["error"]["code"] == "not_found"
        else:
            assert missing.status_code == 400, (op_key, missing.content)
            assert missing.json()["error"]["fields"][0]["field"].split(".")[0] == op.where.split(":")[1]

        # Foreign: exactly the same answer. Partner users: every object outside the scope;
        # applications are the vendor's, so for a partner user every application is foreign.
        foreign_keys = []
        if is_partner_user:
            foreign_keys = [None] if op.obj == "application" else sorted({"a", "a1", "b"} - visible_keys(world, user))
            assert op.obj == "application" or foreign_key(world, user) in foreign_keys
        for key in foreign_keys:
            ref = objs.application.public_id if op.obj == "application" else object_id(objs, op.obj, key)
            m, url, body = request_for(op_key, op, ref)
            foreign = call(client, m, url, body)
            assert answer(foreign) == answer(missing), f"{role} {op_key}: another partner's {op.obj} answers differently"

        # Inside the scope: found (GET: 200; a change may still be refused, but not as "not found").
        if op.obj == "application":
            inside = [] if is_partner_user else [None]
        else:
            inside = sorted(visible_keys(world, user), key=lambda k: k != own_key(world, user))
        for key in inside:
            ref = objs.application.public_id if op.obj == "application" else object_id(objs, op.obj, key)
            m, url, body = request_for(op_key, op, ref)
            resp = call(client, m, url, body)
            assert resp.status_code < 500, (op_key, resp.content)
            assert answer(resp) != answer(missing), f"{role} {op_key}: a {op.obj} in scope answers as not found"
            if method == "GET":
                assert resp.status_code == 200, (role, op_key, resp.content)
                check_items(world, user, op_key, op, resp)

    if op.obj is None or op.where.startswith("query"):
        # No object (or the unfiltered list): answers without a server error, lists stay in scope.
        m, url, body = request_for(op_key, op, None)
        resp = call(client, m, url, body)
        assert resp.status_code < 500, (op_key, resp.content)
        if op.public:
            assert resp.status_code == 201, resp.content
        elif method == "GET":
            assert resp.status_code == 200, (role, op_key, resp.content)
            check_items(world, user, op_key, op, resp)


def check_items(world, user, op_key: str, op: Op, resp) -> None:
    if op.item_partner is None or "items" not in resp.json():
        return
    allowed = {getattr(world, {"a": "partner_a", "a1": "partner_a1", "b": "partner_b"}[k]).public_id
               for k in visible_keys(world, user)}
    items = resp.json()["items"]
    assert items or user.partner_id is not None or op_key == "GET /applications", f"{op_key}: empty for a vendor user"
    for item in items:
        owner = op.item_partner(item)
        if user.partner_id is None:
            continue  # vendor users see every partner's rows
        assert owner in allowed, f"{op_key} shows {user.email} a row of {owner}"


@pytest.mark.parametrize("op_key", sorted(COVERAGE))
def test_without_a_key_only_public_operations_answer(world, client, op_key):
    op = COVERAGE[op_key]
    objs = ApiObjects(world)
    ref = None if op.obj is None else (objs.application.public_id if op.obj == "application" else object_id(objs, op.obj, "a"))
    method, url, body = request_for(op_key, op, ref)
    kw = {} if method == "GET" else {"data": body, "content_type": "application/json"}
    resp = getattr(client, method.lower())(url, **kw)
    if op.public:
        assert resp.status_code == 201, resp.content
    else:
        assert resp.status_code == 401, (op_key, resp.content)
        assert resp.json()["error"]["code"] == "unauthorized"
