"""The HTTP API: /api/v1, OpenAPI at /api/v1/openapi.json. Each app contributes a router."""

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from allied.accounts.authentication import API_AUTH
from allied.core.api import error_body
from allied.core.errors import DomainError

api = NinjaAPI(
    title="Allied API",
    version="1.0.0",
    urls_namespace="api-v1",
    auth=API_AUTH,
    description="Partner ecosystem API. Authenticate with `Authorization: Bearer <API key>` (create one with "
    "`allied token create --email you@example.com` or on your account page). Lists use cursor pagination: pass "
    "the `next_cursor` of one page as `cursor` to get the next.",
)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    fields = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return api.create_response(request, error_body(exc.code, exc.message, fields), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    fields = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload", "form")]
        fields.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid")})
    message = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or "Invalid request."
    return api.create_response(request, error_body("invalid", message, fields), status=422)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc: DjangoValidationError):
    fields = [{"field": k, "message": " ".join(v)} for k, v in getattr(exc, "message_dict", {}).items()]
    return api.create_response(request, error_body("invalid", " ".join(exc.messages), fields), status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(request, error_body("unauthorized", "Send a valid API key as `Authorization: Bearer <key>`."), status=401)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    code = {400: "invalid", 404: "not_found", 403: "forbidden", 405: "method_not_allowed"}.get(exc.status_code, "error")
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


def _mount() -> None:
    from allied.accounts.api import router as users_router
    from allied.customers.api import accounts_router, opportunities_router
    from allied.deals.api import router as deals_router
    from allied.deals.api import rules_router
    from allied.funds.api import router as funds_router
    from allied.incentives.api import router as incentives_router
    from allied.leads.api import router as leads_router
    from allied.leads.api import settings_router as lead_routing_router
    from allied.learning.api import router as learning_router
    from allied.library.api import router as library_router
    from allied.mapping.api import router as mapping_router
    from allied.mapping.api_private import router as private_mapping_router
    from allied.onboarding.api import router as onboarding_router
    from allied.partners.api import router as partners_router
    from allied.payouts.api import router as payouts_router
    from allied.recruitment.api import router as applications_router
    from allied.tiering.api import router as tiers_router

    api.add_router("/partners", partners_router)
    api.add_router("/users", users_router)
    api.add_router("/applications", applications_router)
    api.add_router("/", tiers_router)
    api.add_router("/onboarding-tasks", onboarding_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/direct-opportunities", opportunities_router)
    api.add_router("/deals", deals_router)
    api.add_router("/deal-rules", rules_router)
    api.add_router("/leads", leads_router)
    api.add_router("/lead-routing", lead_routing_router)
    api.add_router("/mapping", mapping_router)
    api.add_router("/mapping", private_mapping_router)
    api.add_router("/learning", learning_router)
    api.add_router("/library", library_router)
    # money: each router declares its own paths (/fund-periods, /fund-requests, /claims, /incentive-rules,
    # /incentive-events, /earnings, /payout-runs, /payouts, /statements, ...)
    api.add_router("/", funds_router)
    api.add_router("/", incentives_router)
    api.add_router("/", payouts_router)


_mount()
