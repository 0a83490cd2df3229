"""GET /api/v1/openapi.json: the published contract lists every operation and shows no integer ids."""

from tests.api_helpers import API
from tests.test_api_authorization_matrix import COVERAGE


def test_openapi_lists_every_operation(db, client):
    resp = client.get(f"{API}/openapi.json")

    assert resp.status_code == 200
    schema = resp.json()
    assert schema["info"]["title"] == "Allied API"
    published = {f"{m.upper()} {path.removeprefix(API)}" for path, ops in schema["paths"].items() for m in ops}
    assert published == set(COVERAGE)


def test_openapi_declares_bearer_auth_and_the_public_application_form(db, client):
    schema = client.get(f"{API}/openapi.json").json()
    assert any(s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values())
    assert "security" not in schema["paths"][f"{API}/applications"]["post"]
    assert schema["paths"][f"{API}/partners"]["get"]["security"]


def test_every_id_in_the_contract_is_a_string(db, client):
    schemas = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    for name, schema in schemas.items():
        for prop, spec in schema.get("properties", {}).items():
            if prop == "id" or prop.endswith("_id"):
                assert spec.get("type") == "string", f"{name}.{prop} is not a string id"
            assert prop != "pk", f"{name} exposes pk"


def test_errors_are_documented(db, client):
    op = client.get(f"{API}/openapi.json").json()["paths"][f"{API}/partners/{{id}}"]["get"]
    assert {"200", "404"} <= set(op["responses"])


def test_schema_names_are_unique_across_routers():
    """OpenAPI keys components by class name: two `UserOut`s would silently document one shape for both."""
    import importlib
    import inspect

    from ninja import Schema

    seen: dict[str, str] = {}
    for module_name in ("allied.core.api", "allied.accounts.api", "allied.partners.api", "allied.recruitment.api",
                        "allied.tiering.api", "allied.onboarding.api", "allied.customers.api", "allied.deals.api",
                        "allied.deals.schemas", "allied.leads.api", "allied.leads.schemas", "allied.mapping.schemas",
                        "allied.learning.schemas"):
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module_name:
                assert name not in seen, f"{name} is defined in {seen[name]} and {module_name}"
                seen[name] = module_name
