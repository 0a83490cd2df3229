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

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client

from allied.config.api import api
from allied.customers.models import CustomerAccount, DirectOpportunity
from tests.api_helpers import API, ApiObjects, foreign_key, missing_id, own_key, visible_keys
from tests.factories import application_data, deal_data, lead_data
from tests.funds.factories import request_data as fund_request_data

ROLES = ["admin", "cam", "pmm", "finance", "a_admin", "a_sales", "a_marketing", "a1_admin", "b_admin", "b_sales", "b_marketing"]
PREFIX = {"partner": "ptn", "user": "usr", "application": "app", "proposal": "tpr", "task": "obt", "account": "acct",
          "opportunity": "opp"}
VENDOR_OBJECTS = {"application", "account", "opportunity"}  # the vendor's own rows: no partner owns them
PREFIX.update({"deal": "deal", "extension": "ext", "file": "dfile"})
PREFIX.update({"lead": "lead"})
LEAD_MANAGERS = frozenset({"admin", "cam"})
PREFIX.update({"period": "fp", "allocation": "fa", "fund_request": "fr", "claim": "clm", "proof": "prf"})
SHARED_OBJECTS = {"period"}  # program rows every signed-in user reads (MDF periods): never foreign
PREFIX.update({"payout_run": "prun", "payout": "pay", "statement": "stm"})
VENDOR_OBJECTS |= {"payout_run"}
MONEY_READERS = frozenset({"admin", "cam", "pmm", "finance", "a_admin", "a1_admin", "b_admin"})  # money.view, partner.money.view
PREFIX.update({"incentive_rule": "rul", "incentive_event": "iev", "accrual": "acr"})
VENDOR_OBJECTS |= {"incentive_rule"}
# account mapping (MatrixObjects.mapping): every partnership active, every population shared as a full list
PREFIX.update({"mapping_partner": "ptn", "mapped_account": "macc", "population": "pop", "mapping_run": "mrun", "match": "match",
               "shared_population": "pop", "psi_session": "psi"})
SIDED_OBJECTS = {"mapped_account", "population"}  # one side's own: the vendor's rows are foreign to partners and vice versa
MAPPING_READERS = frozenset({"admin", "cam", "pmm", "a_admin", "a_sales", "a1_admin", "b_admin", "b_sales"})  # mapping.view
MISSING_POP = "pop_0000000000000000"
PSI_RUNNERS = frozenset({"a_admin", "a1_admin", "b_admin"})  # partner.mapping.manage: only the partner runs private mapping
# learning (MatrixObjects.learning, see learning_case): catalogue rows by audience, progress rows by person
PREFIX.update({"course": "crs", "lesson": "lsn", "learning_path": "path", "certification": "cert", "enrollment": "enr",
               "enrollment_lesson": "enr", "attempt": "att", "user_certification": "ucert"})
LEARNING_READERS = frozenset(set(ROLES) - {"finance"})  # learning.view and partner.learning
LEARNING_MANAGERS = frozenset({"admin", "pmm"})  # learning.manage
LEARNING_VENDOR = frozenset({"admin", "cam", "pmm"})  # learning.view
LEARNING_TEAM = frozenset({"a_admin", "a1_admin", "b_admin"})  # partner.learning.team
LEARNERS = {"a": "a_sales", "a1": "a1_admin", "b": "b_sales"}  # whose progress each partner key's progress objects are
# content library (MatrixObjects.library, see library_case): assets by audience; engagement is the vendor's
PREFIX.update({"asset": "ast"})


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
    vendor_only: bool = False  # the vendor's own data: a partner user gets 404 for every call, whatever it names
    readers: frozenset[str] | None = None  # GET only: the roles that may read (others get 403, not 404); None: everyone in scope
    mapping: bool = False  # account mapping: objects belong to one side of a partnership (see test_mapping_no_leak)
    learning: bool = False  # learning: catalogue rows by audience, progress rows by person (see learning_case)
    library: bool = False  # content library: assets by audience, engagement for vendor users only (see library_case)
    query: str = ""  # appended to the URL


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
    "GET /accounts": Op(vendor_only=True),
    "POST /accounts": Op(body={"name": "Matrix Account"}, vendor_only=True),
    "POST /accounts/import": Op(vendor_only=True),
    "GET /accounts/{id}": Op("account", vendor_only=True),
    "PATCH /accounts/{id}": Op("account", body={"industry": "Changed by the matrix"}, vendor_only=True),
    "DELETE /accounts/{id}": Op("account", vendor_only=True),
    "GET /accounts/{id}/opportunities": Op("account", vendor_only=True),
    "GET /direct-opportunities": Op("account", "query:account", vendor_only=True),
    "POST /direct-opportunities": Op("account", "body:account", {"name": "Matrix opportunity"}, vendor_only=True),
    "POST /direct-opportunities/import": Op(vendor_only=True),
    "GET /direct-opportunities/{id}": Op("opportunity", vendor_only=True),
    "PATCH /direct-opportunities/{id}": Op("opportunity", body={"stage": "Matrix"}, vendor_only=True),
    "DELETE /direct-opportunities/{id}": Op("opportunity", vendor_only=True),
    # deals (nested ids: "{deal}/{child}", see request_for)
    "POST /deals": Op("partner", "body:partner", deal_data(customer_name="Matrix Registration", website="matrix-registration.example")),
    "GET /deals": Op("partner", "query:partner", item_partner=_partner_of_item),
    "POST /deals/import": Op(),  # multipart only: the matrix's JSON body is answered 400 (no file)
    "POST /deals/bulk-decide": Op("deal", "body-list:deals", {"action": "approve", "reason": "Matrix"}),
    "GET /deals/{id}": Op("deal"),
    "PATCH /deals/{id}": Op("deal", body={"stage": "proposal"}),
    "POST /deals/{id}/approve": Op("deal", body={"reason": "Matrix"}),
    "POST /deals/{id}/decline": Op("deal", body={"reason": "Matrix"}),
    "POST /deals/{id}/close": Op("deal", body={"outcome": "lost", "lost_reason": "Matrix"}),
    "POST /deals/{id}/withdraw": Op("deal"),
    "GET /deals/{id}/conflicts": Op("deal", vendor_only=True),
    "GET /deals/{id}/participants": Op("deal"),
    "PUT /deals/{id}/participants": Op("deal", body={"participants": []}),
    "GET /deals/{id}/notes": Op("deal"),
    "POST /deals/{id}/notes": Op("deal", body={"body": "Matrix note"}),
    "GET /deals/{id}/files": Op("deal"),
    "POST /deals/{id}/files": Op("deal"),  # multipart only: answered 400 (no file) once the deal is found
    "GET /deals/{id}/files/{file_id}": Op("file"),
    "GET /deals/{id}/extensions": Op("deal"),
    "POST /deals/{id}/extensions": Op("deal", body={"days": 7, "reason": "Matrix"}),
    "POST /deals/{id}/extensions/{ext_id}/approve": Op("extension"),
    "POST /deals/{id}/extensions/{ext_id}/decline": Op("extension"),
    "GET /deal-rules": Op(),
    "PATCH /deal-rules": Op(body={"protection_days": 90}),
    # leads: each partner holds one offered lead (see MatrixObjects); a partner user sees only leads its organisation holds
    "POST /leads": Op(body=lead_data(company_name="Matrix Lead Co", website="matrix-lead.example", contact_email="m@matrix-lead.example")),
    "GET /leads": Op("partner", "query:partner", item_partner=_partner_of_item),
    "POST /leads/import": Op(),  # multipart only: the matrix's JSON body is answered 400 (no file) or 403
    "GET /leads/stats": Op(vendor_only=True),
    "GET /leads/{id}": Op("lead"),
    "GET /leads/{id}/routing": Op("lead", vendor_only=True),
    "POST /leads/{id}/accept": Op("lead"),
    "POST /leads/{id}/decline": Op("lead", body={"reason": "Matrix"}),
    "POST /leads/{id}/status": Op("lead", body={"status": "working"}),
    "POST /leads/{id}/convert": Op("lead", body={"amount": "1000", "expected_close_date": "2031-01-31"}),
    "POST /leads/{id}/reassign": Op("lead", body={"partner": "ptn_0000000000000000", "reason": "Matrix"}),
    "GET /lead-routing": Op(readers=LEAD_MANAGERS),
    "PATCH /lead-routing": Op(body={"accept_sla_hours": 48}),
    "GET /lead-routing/partners/{partner_id}": Op("partner", readers=frozenset(ROLES) - {"pmm", "finance"}),
    "PATCH /lead-routing/partners/{partner_id}": Op("partner", body={"paused": True}),
    # market development funds (MatrixObjects.funds: one period; per partner an allocation, a submitted request, a claim)
    "GET /fund-periods": Op(),
    "POST /fund-periods": Op(body={"name": "Matrix period", "starts_on": "2031-01-01", "ends_on": "2031-03-31", "pool": "10"}),
    "GET /fund-periods/{id}": Op("period"),
    "PATCH /fund-periods/{id}": Op("period", body={"claim_deadline_days": 45}),
    "POST /fund-periods/{id}/close": Op("period"),
    "POST /fund-periods/{id}/allocate-by-tier": Op("period", body={"amounts": {"Registered": "10"}}),
    "GET /fund-activity-types": Op(),
    "POST /fund-activity-types": Op(body={"code": "matrix", "name": "Matrix", "reimbursement_percent": "50"}),
    "GET /fund-allocations": Op("partner", "query:partner", item_partner=_partner_of_item),
    "POST /fund-allocations": Op("partner", "body:partner", {"amount": "10"}),
    "GET /fund-allocations/{id}": Op("allocation"),
    "GET /fund-requests": Op("partner", "query:partner", item_partner=_partner_of_item),
    "POST /fund-requests": Op("period", "body:period", fund_request_data()),
    "GET /fund-requests/{id}": Op("fund_request"),
    "PATCH /fund-requests/{id}": Op("fund_request", body={"title": "Matrix"}),
    "POST /fund-requests/{id}/submit": Op("fund_request"),
    "POST /fund-requests/{id}/approve": Op("fund_request", body={"note": "Matrix"}),
    "POST /fund-requests/{id}/reject": Op("fund_request", body={"note": "Matrix"}),
    "POST /fund-requests/{id}/cancel": Op("fund_request"),
    "POST /fund-requests/{id}/complete": Op("fund_request"),
    "GET /fund-requests/{id}/roi": Op("fund_request"),
    "GET /fund-requests/{id}/claims": Op("fund_request"),
    "POST /fund-requests/{id}/claims": Op("fund_request"),  # multipart only: answered 400 (no spend) or 403
    "GET /claims": Op("partner", "query:partner", item_partner=_partner_of_item),
    "GET /claims/{id}": Op("claim"),
    "POST /claims/{id}/approve": Op("claim"),
    "POST /claims/{id}/reject": Op("claim", body={"note": "Matrix"}),
    "GET /claims/{id}/proofs": Op("claim"),
    "POST /claims/{id}/proofs": Op("claim"),  # multipart only: answered 400 (no file) or 403
    "GET /claims/{id}/proofs/{proof_id}": Op("proof"),
    # payouts (MatrixObjects.payouts: an approved run paying each partner's incentives) and statements
    "GET /payout-runs": Op(vendor_only=True),
    "POST /payout-runs": Op(body={"starts_on": "2031-01-01", "ends_on": "2031-03-31"}, vendor_only=True),
    "GET /payout-runs/{id}": Op("payout_run", vendor_only=True),
    "POST /payout-runs/{id}/approve": Op("payout_run", vendor_only=True),
    "POST /payout-runs/{id}/execute": Op("payout_run", vendor_only=True),
    "POST /payout-runs/{id}/cancel": Op("payout_run", body={"reason": "Matrix"}, vendor_only=True),
    "GET /payout-runs/{id}/export.csv": Op("payout_run", vendor_only=True, readers=frozenset({"finance"})),
    "GET /payouts": Op("partner", "query:partner", item_partner=_partner_of_item, readers=MONEY_READERS),
    "GET /payouts/{id}": Op("payout", readers=MONEY_READERS),
    "POST /payouts/{id}/pay": Op("payout", body={"reference": "MATRIX-1"}),
    "POST /payouts/{id}/cancel": Op("payout", body={"reason": "Matrix"}),
    "GET /statements": Op("partner", "query:partner", item_partner=_partner_of_item, readers=MONEY_READERS),
    "POST /statements/generate": Op(body={"period_start": "2031-01-01", "period_end": "2031-03-31"}, vendor_only=True),
    "GET /statements/{id}": Op("statement", readers=MONEY_READERS),
    "GET /payee-profiles": Op("partner", "query:partner", item_partner=_partner_of_item, readers=MONEY_READERS),
    "GET /payee-profiles/{partner_id}": Op("partner", readers=MONEY_READERS),
    "PATCH /payee-profiles/{partner_id}": Op("partner", body={"legal_name": "Matrix Ltd"}),
    # incentives (MatrixObjects.incentives: a rule paying on invoices; per partner an invoice event and its accrual)
    "GET /incentive-rules": Op(vendor_only=True),
    "POST /incentive-rules": Op(body={"name": "Matrix rebate", "kind": "rebate", "effective_from": "2031-01-01", "percent": "5"},
                                vendor_only=True),
    "GET /incentive-rules/{id}": Op("incentive_rule", vendor_only=True),
    "POST /incentive-rules/{id}/versions": Op("incentive_rule", body={"percent": "6"}, vendor_only=True),
    "POST /incentive-rules/{id}/activate": Op("incentive_rule", vendor_only=True),
    "POST /incentive-rules/{id}/retire": Op("incentive_rule", vendor_only=True),
    "GET /incentive-events": Op(vendor_only=True),
    "POST /incentive-events": Op(body={"kind": "invoice_paid", "external_ref": "MATRIX-1", "partner": "ptn_0000000000000000",
                                       "amount": "1", "currency": "USD"}, vendor_only=True),
    "GET /incentive-events/{id}": Op("incentive_event", vendor_only=True),
    "POST /incentive-periods/replay": Op(body={"period_start": "2031-01-01", "period_end": "2031-01-31"}, vendor_only=True),
    "GET /accruals": Op("partner", "query:partner", item_partner=_partner_of_item, readers=MONEY_READERS),
    "GET /accruals/{id}": Op("accrual", readers=MONEY_READERS),
    "GET /earnings": Op("partner", "query:partner", readers=MONEY_READERS),
    # account mapping: a partner user reaches only its own partnership (a sub-partner's is foreign), nobody the other side's list
    "GET /mapping/accounts": Op(readers=MAPPING_READERS, mapping=True),
    "POST /mapping/accounts": Op(body={"name": "Matrix Mapped Co", "website": "matrix-mapped.example"}, mapping=True),
    "POST /mapping/accounts/import": Op(mapping=True),  # multipart only: answered 400 (no file) or 403
    "PATCH /mapping/accounts/{id}": Op("mapped_account", body={"industry": "Matrix"}, mapping=True),
    "DELETE /mapping/accounts/{id}": Op("mapped_account", mapping=True),
    "GET /mapping/populations": Op(readers=MAPPING_READERS, mapping=True),
    "POST /mapping/populations": Op(body={"name": "Matrix population", "filters": {"status": ["customer"]}}, mapping=True),
    "PATCH /mapping/populations/{id}": Op("population", body={"name": "Matrix renamed"}, mapping=True),
    "DELETE /mapping/populations/{id}": Op("population", mapping=True),
    "GET /mapping/partnerships": Op(readers=MAPPING_READERS, mapping=True),
    "GET /mapping/partnerships/{partner_id}": Op("mapping_partner", readers=MAPPING_READERS, mapping=True),
    "PATCH /mapping/partnerships/{partner_id}": Op("mapping_partner", body={"discoverable": True}, mapping=True),
    "POST /mapping/partnerships/{partner_id}/opt-in": Op("mapping_partner", mapping=True),
    "POST /mapping/partnerships/{partner_id}/opt-out": Op("mapping_partner", mapping=True),
    "PUT /mapping/partnerships/{partner_id}/sharing": Op("mapping_partner", body={"population": MISSING_POP, "level": "counts"},
                                                         mapping=True),
    "POST /mapping/partnerships/{partner_id}/runs": Op("mapping_partner", body={"incremental": True}, mapping=True),
    "GET /mapping/runs/{id}": Op("mapping_run", readers=MAPPING_READERS, mapping=True),
    "GET /mapping/partnerships/{partner_id}/overlaps": Op("mapping_partner", readers=MAPPING_READERS, mapping=True),
    "GET /mapping/partnerships/{partner_id}/overlaps/records": Op("mapping_partner", readers=MAPPING_READERS, mapping=True,
                                                                  query=f"?vendor_population={MISSING_POP}&partner_population={MISSING_POP}"),
    "GET /mapping/partnerships/{partner_id}/overlaps/export": Op("mapping_partner", readers=MAPPING_READERS, mapping=True),
    "GET /mapping/partnerships/{partner_id}/populations/{pop_id}/records": Op("shared_population", readers=MAPPING_READERS,
                                                                              mapping=True),
    "GET /mapping/cosell-opportunities": Op(readers=MAPPING_READERS, mapping=True),
    "POST /mapping/cosell-opportunities/{match_id}/lead": Op("match", body={"contact_name": "Matrix Contact",
                                                                            "contact_email": "contact@matrix-cosell.example"}, mapping=True),
    "POST /mapping/cosell-opportunities/{match_id}/deal": Op("match", body={"contact_name": "Matrix Contact"}, mapping=True),
    "GET /mapping/discovery": Op(readers=MAPPING_READERS, mapping=True, query="?specialty=security"),
    "GET /mapping/introductions": Op(readers=MAPPING_READERS, mapping=True),
    "POST /mapping/introductions": Op(body={"to_partner": "ptn_0000000000000000", "message": "Matrix"}, mapping=True),
    # private mapping (PSI): one open session per partner; only its partner's admins drive it, vendor users read it
    "POST /mapping/private-sessions": Op(body={"vendor_population": MISSING_POP}, mapping=True),
    "GET /mapping/private-sessions": Op(readers=MAPPING_READERS, mapping=True),
    "GET /mapping/private-sessions/{session_id}": Op("psi_session", readers=MAPPING_READERS, mapping=True),
    "GET /mapping/private-sessions/{session_id}/points": Op("psi_session", readers=PSI_RUNNERS, mapping=True),
    "POST /mapping/private-sessions/{session_id}/exchange": Op("psi_session", body={"offset": 0, "points": "", "final": True},
                                                               readers=PSI_RUNNERS, mapping=True),
    "GET /mapping/private-sessions/{session_id}/answer": Op("psi_session", readers=PSI_RUNNERS, mapping=True),
    "POST /mapping/private-sessions/{session_id}/finish": Op("psi_session", body={"overlap_count": 0}, readers=PSI_RUNNERS,
                                                             mapping=True),
    # learning: one course for everyone, one for system integrators only (partner B), one draft; per partner key a learner
    # (LEARNERS) who completed the everyone-course and holds its certification
    "GET /learning/courses": Op(readers=LEARNING_READERS, learning=True),
    "POST /learning/courses": Op(body={"title": "Matrix course"}, learning=True),
    "GET /learning/courses/{id}": Op("course", readers=LEARNING_READERS, learning=True),
    "PATCH /learning/courses/{id}": Op("course", body={"summary": "Matrix"}, learning=True),
    "POST /learning/courses/{id}/publish": Op("course", learning=True),
    "POST /learning/courses/{id}/retire": Op("course", learning=True),
    "POST /learning/courses/{id}/lessons": Op("course", body={"title": "Matrix lesson", "body": "Text"}, learning=True),
    "PUT /learning/courses/{id}/lessons/order": Op("course", body={"order": []}, learning=True),
    "PATCH /learning/courses/{id}/lessons/{lesson_id}": Op("lesson", body={"title": "Matrix"}, learning=True),
    "DELETE /learning/courses/{id}/lessons/{lesson_id}": Op("lesson", learning=True),
    "GET /learning/courses/{id}/quiz": Op("course", readers=LEARNING_MANAGERS, learning=True),
    "PUT /learning/courses/{id}/quiz": Op("course", body={"questions": [{"text": "Q", "choices": [{"text": "a", "correct": True},
                                                                                                {"text": "b"}]}]}, learning=True),
    "DELETE /learning/courses/{id}/quiz": Op("course", learning=True),
    "POST /learning/courses/{id}/enroll": Op("course", learning=True),
    "GET /learning/paths": Op(readers=LEARNING_READERS, learning=True),
    "POST /learning/paths": Op(body={"name": "Matrix path"}, learning=True),
    "GET /learning/paths/{id}": Op("learning_path", readers=LEARNING_READERS, learning=True),
    "PATCH /learning/paths/{id}": Op("learning_path", body={"description": "Matrix"}, learning=True),
    "POST /learning/paths/{id}/publish": Op("learning_path", learning=True),
    "POST /learning/paths/{id}/retire": Op("learning_path", learning=True),
    "GET /learning/certifications": Op(readers=LEARNING_READERS, learning=True),
    "POST /learning/certifications": Op(body={"name": "Matrix certification", "path": "path_0000000000000000"}, learning=True),
    "GET /learning/certifications/{id}": Op("certification", readers=LEARNING_READERS, learning=True),
    "PATCH /learning/certifications/{id}": Op("certification", body={"description": "Matrix"}, learning=True),
    "GET /learning/enrollments": Op(readers=LEARNING_READERS, learning=True),
    "GET /learning/enrollments/{id}": Op("enrollment", readers=LEARNING_READERS, learning=True),
    "POST /learning/enrollments/{id}/lessons/{lesson_id}/complete": Op("enrollment_lesson", learning=True),
    "POST /learning/enrollments/{id}/restart": Op("enrollment", learning=True),
    "POST /learning/enrollments/{id}/attempts": Op("enrollment", body={"answers": {}}, learning=True),
    "GET /learning/enrollments/{id}/attempts": Op("enrollment", readers=LEARNING_READERS, learning=True),
    "GET /learning/attempts/{id}": Op("attempt", readers=LEARNING_READERS, learning=True),
    "GET /learning/user-certifications": Op(readers=LEARNING_READERS, learning=True),
    "GET /learning/user-certifications/{id}": Op("user_certification", readers=LEARNING_READERS, learning=True),
    "POST /learning/user-certifications/{id}/revoke": Op("user_certification", body={"reason": "Matrix"}, learning=True),
    "GET /learning/team": Op(readers=LEARNING_TEAM, learning=True),
    "GET /learning/reports/partners": Op(readers=LEARNING_VENDOR, learning=True),
    "GET /learning/reports/courses": Op(readers=LEARNING_VENDOR, learning=True),
    "GET /learning/reports/paths": Op(readers=LEARNING_VENDOR, learning=True),
    # content library: one asset for everyone, one for system integrators only (partner B), one draft
    "GET /library/assets": Op(library=True),
    "POST /library/assets": Op(body={"title": "Matrix asset"}, library=True),
    "GET /library/assets/{id}": Op("asset", library=True),
    "PATCH /library/assets/{id}": Op("asset", body={"description": "Matrix"}, library=True),
    "POST /library/assets/{id}/publish": Op("asset", library=True),
    "POST /library/assets/{id}/retire": Op("asset", library=True),
    "POST /library/assets/{id}/versions": Op("asset", body={"notes": "Matrix"}, library=True),
    "GET /library/assets/{id}/download": Op("asset", library=True),
    "GET /library/assets/{id}/engagement": Op("asset", vendor_only=True, library=True),
    "GET /library/engagement/partners": Op(vendor_only=True, library=True),
    "GET /library/engagement/assets": Op(vendor_only=True, library=True),
}


def api_operations() -> set[str]:
    schema = api.get_openapi_schema(path_prefix="")
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


OPERATIONS = sorted(api_operations() | set(COVERAGE))


def test_every_operation_is_in_the_matrix():
    assert api_operations() - set(COVERAGE) == set(), "add a COVERAGE row for each new operation"
    assert set(COVERAGE) - api_operations() == set(), "COVERAGE lists an operation the API no longer has"


# --- calling -----------------------------------------------------------------------------------


class MatrixObjects(ApiObjects):
    """ApiObjects plus, for each partner, an approved deal with a pending extension request and a file in its room."""

    def __init__(self, world):
        super().__init__(world)
        from datetime import timedelta

        from django.core.files.base import ContentFile
        from django.utils import timezone

        from allied.deals.models import DealFile, DealParticipant, DealRegistration, ExtensionRequest

        self.deal, self.extension, self.file = {}, {}, {}
        now = timezone.now()
        for key, partner in self.partner.items():
            deal = DealRegistration.objects.create(
                partner=partner, customer_name=f"Matrix Customer {key}", customer_name_normalized=f"matrix customer {key}",
                website=f"matrix-{key}.example", domain=f"matrix-{key}.example", country="US", contact_name="Matrix Contact",
                amount=1000, expected_close_date=timezone.localdate() + timedelta(days=30), status="approved",
                protection_expires_at=now + timedelta(days=90))
            DealParticipant.objects.create(deal=deal, partner=partner, role="sourcing", split_pct=100)
            self.deal[key] = deal
            self.extension[key] = ExtensionRequest.objects.create(deal=deal, days=7, reason="Matrix")
            file = DealFile(deal=deal, name="matrix.txt", size=6, content_type="text/plain")
            file.public_id = DealFile._meta.get_field("public_id").pre_save(file, True)
            file.file.save("matrix.txt", ContentFile(b"matrix"), save=False)
            file.save()
            self.file[key] = file
        self.lead = {}
        for key, partner in self.partner.items():
            self.lead[key] = _matrix_lead(key, partner)
        self.funds = None
        self.payouts = None
        self.incentives = None
        self.mapping = None
        self.learning = None
        self.library = None

    def prepare(self, op_key: str) -> None:
        """Objects only some operations need, made for those alone (they cost time)."""
        if op_key.split(" ", 1)[1].startswith(("/fund", "/claims")):
            self.funds = _matrix_funds(self.world)
        if op_key.split(" ", 1)[1].startswith(("/payout", "/statements", "/payee-profiles")):
            self.payouts = _matrix_payouts(self.world)
        if op_key.split(" ", 1)[1].startswith(("/incentive", "/accruals", "/earnings")):
            self.incentives = _matrix_incentives(self.world)
        if op_key.split(" ", 1)[1].startswith("/mapping"):
            self.mapping = _matrix_mapping(self.world)
        if op_key.split(" ", 1)[1].startswith("/learning"):
            self.learning = _matrix_learning(self.world)
        if op_key.split(" ", 1)[1].startswith("/library"):
            self.library = _matrix_library(self.world)


def _matrix_incentives(world) -> dict:
    """A rule paying 5 % on invoices; per partner an invoice crediting it, and so an accrual."""
    from allied.incentives.services import event_record, rule_create

    rule = rule_create(actor=world.admin, data={"name": "Matrix share", "kind": "rebate", "effective_from": "2020-01-01",
                                                "percent": "5", "triggers": ["invoice_paid"]})
    out = {"rule": rule, "incentive_event": {}, "accrual": {}}
    for key, partner in (("a", world.partner_a), ("a1", world.partner_a1), ("b", world.partner_b)):
        event, _ = event_record(actor=world.finance, data={"kind": "invoice_paid", "external_ref": f"MATRIX-{key}",
                                                           "partner": partner, "amount": "100", "currency": "USD"})
        out["incentive_event"][key], out["accrual"][key] = event, event.accruals.get()
    return out


def _matrix_payouts(world) -> dict:
    """Per partner payable incentives and payment details; one run (by a second finance user, approved by `finance`)
    paying them; the statements of the last 30 days."""
    from datetime import timedelta

    from django.utils import timezone

    from allied.payouts.services import payout_run_approve, payout_run_create, statements_generate
    from tests.payouts.factories import incentive_payable, payee, second_finance

    out = {"payout": {}, "statement": {}}
    for partner in (world.partner_a, world.partner_a1, world.partner_b):
        incentive_payable(partner, "10.00")
        payee(partner)
    today = timezone.localdate()
    run = payout_run_create(actor=second_finance(world), starts_on=today, ends_on=today)
    out["run"] = payout_run_approve(actor=world.finance, run=run)
    statements_generate(actor=None, period_start=today - timedelta(days=30), period_end=today)
    for key, partner in (("a", world.partner_a), ("a1", world.partner_a1), ("b", world.partner_b)):
        out["payout"][key] = run.payouts.get(partner=partner)
        out["statement"][key] = partner.statements.get()
    return out


def _matrix_funds(world) -> dict:
    """One open MDF period; per partner an allocation, a submitted request and a submitted claim with its proof."""
    from allied.funds import services
    from tests.funds.factories import activity_types, approved_request, pdf_upload, period

    activity_types()
    p = period(world.pmm, pool="100000")
    out = {"period": p, "allocation": {}, "fund_request": {}, "claim": {}, "proof": {}}
    for key, partner, user in (("a", world.partner_a, world.a_marketing), ("a1", world.partner_a1, world.a1_admin),
                               ("b", world.partner_b, world.b_marketing)):
        out["allocation"][key] = services.allocation_set(actor=world.pmm, period=p, partner=partner, amount="10000")
        out["fund_request"][key] = services.request_create(actor=user, period=p, data=fund_request_data(requested="100"), submit=True)
        funded = approved_request(partner, "100", period_obj=p)
        claim = services.claim_create(actor=user, request=funded, spent="100", proofs=[("invoice", pdf_upload())])
        out["claim"][key], out["proof"][key] = claim, claim.proofs.get()
    return out


def _matrix_lead(key: str, partner):
    """A lead offered to ``partner`` (pending, so it can be accepted or declined)."""
    from allied.leads.models import Lead, RoutingMode
    from allied.leads.services.routing import offer_create

    lead = Lead.objects.create(company_name=f"Matrix Lead {key}", company_name_normalized=f"matrix lead {key}", country="US",
                               website=f"matrix-lead-{key}.example", domain=f"matrix-lead-{key}.example", contact_name="Matrix Contact",
                               contact_email=f"contact@matrix-lead-{key}.example")
    offer_create(lead=lead, partner_id=partner.pk, mode=RoutingMode.MANUAL, explanation="matrix")
    lead.refresh_from_db()
    return lead


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
        "deal": lambda: objs.deal[key].public_id,
        "extension": lambda: f"{objs.deal[key].public_id}/{objs.extension[key].public_id}",
        "file": lambda: f"{objs.deal[key].public_id}/{objs.file[key].public_id}",
        "lead": lambda: objs.lead[key].public_id,
        "period": lambda: objs.funds["period"].public_id,
        "allocation": lambda: objs.funds["allocation"][key].public_id,
        "fund_request": lambda: objs.funds["fund_request"][key].public_id,
        "claim": lambda: objs.funds["claim"][key].public_id,
        "proof": lambda: f"{objs.funds['claim'][key].public_id}/{objs.funds['proof'][key].public_id}",
        "payout": lambda: objs.payouts["payout"][key].public_id,
        "statement": lambda: objs.payouts["statement"][key].public_id,
        "incentive_event": lambda: objs.incentives["incentive_event"][key].public_id,
        "accrual": lambda: objs.incentives["accrual"][key].public_id,
        "mapping_partner": lambda: objs.partner[key].public_id,
        "mapped_account": lambda: objs.mapping["account"][key].public_id,
        "population": lambda: objs.mapping["population"][key].public_id,
        "mapping_run": lambda: objs.mapping["run"][key].public_id,
        "match": lambda: objs.mapping["match"][key].public_id,
        "shared_population": lambda: f"{objs.partner[key].public_id}/{objs.mapping['population'][key].public_id}",
        "psi_session": lambda: objs.mapping["psi"][key].public_id,
        # learning: catalogue rows are the vendor's, so any key names the course for everyone
        "course": lambda: objs.learning["course"]["all"].public_id,
        "lesson": lambda: objs.learning["lesson"]["all"],
        "learning_path": lambda: objs.learning["path"]["all"].public_id,
        "certification": lambda: objs.learning["certification"]["all"].public_id,
        "enrollment": lambda: objs.learning["enrollment"][key].public_id,
        "enrollment_lesson": lambda: objs.learning["enrollment_lesson"][key],
        "attempt": lambda: objs.learning["attempt"][key].public_id,
        "user_certification": lambda: objs.learning["user_certification"][key].public_id,
        "asset": lambda: objs.library["all"].public_id,  # the vendor's: any key names the asset for everyone
    }[kind]()


def vendor_object_id(objs: ApiObjects, kind: str) -> str:
    """Public id of the one ``kind`` row the vendor owns (made on first use)."""
    if kind == "application":
        return objs.application.public_id
    if kind == "payout_run":
        return objs.payouts["run"].public_id
    if kind == "incentive_rule":
        return objs.incentives["rule"].public_id
    account, _ = CustomerAccount.objects.get_or_create(external_id="MATRIX-1", defaults={"name": "Matrix Customer"})
    if kind == "account":
        return account.public_id
    opp, _ = DirectOpportunity.objects.get_or_create(external_id="MATRIX-1", defaults={"account": account, "name": "Matrix deal"})
    return opp.public_id


def request_for(op_key: str, op: Op, ref: str | None) -> tuple[str, str, dict]:
    method, path = op_key.split(" ", 1)
    body = dict(op.body)
    if ref is not None:
        kind, _, name = op.where.partition(":")
        if kind == "path":
            # "parent/child" fills the path's ids in order; a single (missing) id fills every one of them
            values = ref.split("/")
            for i, name in enumerate(re.findall(r"\{\w+\}", path)):
                path = path.replace(name, values[min(i, len(values) - 1)], 1)
        elif kind == "query":
            path = f"{path}?{name}={ref}"
        elif kind == "body":
            body[name] = ref
        elif kind == "body-list":
            body[name] = [ref]
    return method, API + path + op.query, body


def call(client, method: str, url: str, body: dict):
    if method in ("GET", "DELETE"):
        return getattr(client, method.lower())(url)
    if method == "PUT":  # the shared ApiClient has no put(): a plain test client with the same key
        return Client().put(url, data=body, content_type="application/json", **client.headers)
    return getattr(client, method.lower())(url, body)


def answer(resp) -> tuple[int, dict | bytes | None]:
    if getattr(resp, "streaming", False):  # a file download
        return resp.status_code, b"".join(resp.streaming_content)
    if resp.get("Content-Type", "").startswith("text/csv"):
        return resp.status_code, resp.content
    return resp.status_code, (resp.json() if resp.content else None)  # 204 has no body


# --- the matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op_key", OPERATIONS)
def test_no_leak(world, api_client, op_key, role):
    assert op_key in COVERAGE, f"{op_key} has no row in COVERAGE"
    op = COVERAGE[op_key]
    objs = MatrixObjects(world)
    objs.prepare(op_key)
    user = getattr(world, role)
    client = api_client.as_user(user)
    is_partner_user = user.partner_id is not None
    method = op_key.split(" ", 1)[0]

    if op.mapping:
        mapping_case(world, objs, client, user, role, op_key, op)
        return
    if op.learning:
        learning_case(world, objs, client, user, role, op_key, op)
        return
    if op.library:
        library_case(world, objs, client, user, role, op_key, op)
        return

    if op.vendor_only and is_partner_user:
        # Vendor-only data looks missing: 404 and the same body for a missing id, the real row, or no id at all.
        refs = [None] if op.obj is None else [missing_id(PREFIX[op.obj])] + (
            [vendor_object_id(objs, op.obj)] if op.obj in VENDOR_OBJECTS else [object_id(objs, op.obj, k) for k in ("a", "a1", "b")])
        answers = []
        for ref in refs:
            m, url, body = request_for(op_key, op, ref)
            resp = call(client, m, url, body)
            assert resp.status_code == 404, (role, op_key, resp.content)
            answers.append(answer(resp))
        assert all(a == answers[0] for a in answers), f"{role} {op_key}: the vendor's row answers differently from a missing one"
        assert answers[0][1]["error"]["code"] == "not_found"
        return

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
            foreign_keys = [] if op.obj in SHARED_OBJECTS else [None] if op.obj == "application" else sorted(
                {"a", "a1", "b"} - visible_keys(world, user))
            assert op.obj in SHARED_OBJECTS or op.obj == "application" or foreign_key(world, user) in foreign_keys
        for key in foreign_keys:
            ref = vendor_object_id(objs, op.obj) if op.obj in VENDOR_OBJECTS else object_id(objs, op.obj, key)
            m, url, body = request_for(op_key, op, ref)
            foreign = call(client, m, url, body)
            assert answer(foreign) == answer(missing), f"{role} {op_key}: another partner's {op.obj} answers differently"

        # Inside the scope: found (GET: 200; a change may still be refused, but not as "not found").
        if op.obj in VENDOR_OBJECTS:
            inside = [] if is_partner_user else [None]
        else:
            inside = sorted(visible_keys(world, user), key=lambda k: k != own_key(world, user))
        for key in inside:
            ref = vendor_object_id(objs, op.obj) if op.obj in VENDOR_OBJECTS else object_id(objs, op.obj, key)
            m, url, body = request_for(op_key, op, ref)
            resp = call(client, m, url, body)
            assert resp.status_code < 500, (op_key, resp.content)
            assert answer(resp) != answer(missing), f"{role} {op_key}: a {op.obj} in scope answers as not found"
            if method == "GET" and op.readers is not None and role not in op.readers:
                assert resp.status_code == 403, (role, op_key, resp.content)
            elif method == "GET":
                assert resp.status_code == 200, (role, op_key, resp.content)
                check_items(world, user, op_key, op, resp)

    if op.obj is None or op.where.startswith("query"):
        # No object (or the unfiltered list): answers without a server error, lists stay in scope.
        m, url, body = request_for(op_key, op, None)
        resp = call(client, m, url, body)
        assert resp.status_code < 500, (op_key, resp.content)
        if op.public:
            assert resp.status_code == 201, resp.content
        elif method == "GET" and op.readers is not None and role not in op.readers:
            assert resp.status_code == 403, (role, op_key, resp.content)
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
    objs = MatrixObjects(world)
    objs.prepare(op_key)
    ref = None if op.obj is None else (vendor_object_id(objs, op.obj) if op.obj in VENDOR_OBJECTS else object_id(objs, op.obj, "a"))
    method, url, body = request_for(op_key, op, ref)
    kw = {} if method == "GET" else {"data": body, "content_type": "application/json"}
    resp = getattr(client, method.lower())(url, **kw)
    if op.public:
        assert resp.status_code == 201, resp.content
    else:
        assert resp.status_code == 401, (op_key, resp.content)
        assert resp.json()["error"]["code"] == "unauthorized"


# --- account mapping ---------------------------------------------------------------------------


def _matrix_mapping(world) -> dict:
    """Every partnership active with every population shared as a full list; per side an account and a custom population;
    per partner a match (a co-sell opportunity: the vendor's customer, the partner's open opportunity) and a run."""
    from allied.mapping.models import AccountMatch, MappingRun, RunStatus
    from allied.mapping.services import (
        account_upsert,
        opt_in,
        population_create,
        populations_ensure_defaults,
        sharing_set,
    )
    from allied.mapping.services.private import private_mapping_start

    out = {"account": {}, "population": {}, "run": {}, "match": {}, "psi": {}}
    out["account"]["vendor"] = account_upsert(actor=None, partner=None, data={"name": "Matrix Vendor Account", "country": "US",
                                                                              "website": "matrix-vendor.example", "status": "customer"})
    out["population"]["vendor"] = population_create(actor=None, partner=None, name="Matrix vendor population", filters={})
    vendor_pops = populations_ensure_defaults(None)
    for key, partner, admin in (("a", world.partner_a, world.a_admin), ("a1", world.partner_a1, world.a1_admin),
                                ("b", world.partner_b, world.b_admin)):
        opt_in(actor=world.cam, partner=partner)
        opt_in(actor=admin, partner=partner)
        out["account"][key] = account_upsert(actor=None, partner=partner, data={
            "name": f"Matrix Partner Account {key}", "country": "US", "website": f"matrix-partner-{key}.example", "status": "opportunity"})
        out["population"][key] = population_create(actor=None, partner=partner, name=f"Matrix population {key}", filters={})
        for pop in vendor_pops + populations_ensure_defaults(partner):
            sharing_set(actor=world.cam if pop.partner_id is None else admin, partner=partner, population=pop, level="full",
                        fields=["country", "status"])
        out["match"][key] = AccountMatch.objects.create(partner=partner, vendor_account=out["account"]["vendor"],
                                                        partner_account=out["account"][key], score=0.99, method="domain",
                                                        reason="matrix")
        out["run"][key] = MappingRun.objects.create(partner=partner, status=RunStatus.DONE)
        out["psi"][key] = private_mapping_start(actor=admin, vendor_population=vendor_pops[0])
    return out


def _mapping_refs(world, objs, user, kind: str) -> tuple[str, list[str], list[tuple[str, str]]]:
    """(own ref, foreign refs, [(foreign ref, the missing ref it must answer like)]) for a mapping object kind."""
    partner_keys = {"a": world.partner_a, "a1": world.partner_a1, "b": world.partner_b}
    if user.partner_id is None:
        own = "vendor" if kind in SIDED_OBJECTS else "a"
        foreign = ["a", "a1", "b"] if kind in SIDED_OBJECTS else []
    else:
        own = next(k for k, p in partner_keys.items() if p.pk == user.partner_id)
        foreign = sorted(set(partner_keys) - {own}) + (["vendor"] if kind in SIDED_OBJECTS else [])
    if kind == "shared_population":
        # the other side's population: the vendor reads a partner's, a partner the vendor's
        def ref(key):
            pop = objs.mapping["population"]["vendor" if user.partner_id else key]
            return f"{objs.partner[key].public_id}/{pop.public_id}"

        pairs = [(ref(k), missing_id("ptn")) for k in foreign]
        if user.partner_id is not None:  # its own partnership, another partner's population
            pairs += [(f"{objs.partner[own].public_id}/{objs.mapping['population'][k].public_id}",
                       f"{objs.partner[own].public_id}/{MISSING_POP}") for k in foreign if k != "vendor"]
        return ref(own), [p for p, _ in pairs], pairs
    own_ref = object_id(objs, kind, own)
    pairs = [(object_id(objs, kind, k), missing_id(PREFIX[kind])) for k in foreign]
    return own_ref, [p for p, _ in pairs], pairs


def mapping_case(world, objs, client, user, role: str, op_key: str, op: Op) -> None:
    method = op_key.split(" ", 1)[0]
    reader = op.readers is None or role in op.readers
    leaks = _foreign_mapping_ids(world, objs, user)
    if op.obj is None:
        m, url, body = request_for(op_key, op, None)
        resp = call(client, m, url, body)
        assert resp.status_code < 500, (op_key, resp.content)
        if method == "GET":
            assert resp.status_code == (200 if reader else 403), (role, op_key, resp.content)
            _assert_no_foreign_ids(resp, leaks, role, op_key)
            if op_key == "GET /mapping/partnerships" and user.partner_id is not None and reader:
                assert {i["partner"]["id"] for i in resp.json()["items"]} == {user.partner.public_id}
        return

    own, _, pairs = _mapping_refs(world, objs, user, op.obj)
    if not reader:  # a role that may not read at all is refused (403) on its own partnership before anything is looked up
        pairs = [(f, m) for f, m in pairs if not m.endswith(MISSING_POP)]
    missing_answers = {}
    for foreign_ref, missing_ref in pairs + [(None, missing_id(PREFIX[op.obj]))]:
        if missing_ref not in missing_answers:
            m, url, body = request_for(op_key, op, missing_ref)
            missing = call(client, m, url, body)
            # a role that may not use the operation at all may be refused (403) before anything is looked up
            assert missing.status_code == 404 or (not reader and missing.status_code == 403), (role, op_key, missing.content)
            missing_answers[missing_ref] = answer(missing)
        if foreign_ref is not None:
            m, url, body = request_for(op_key, op, foreign_ref)
            foreign = call(client, m, url, body)
            assert answer(foreign) == missing_answers[missing_ref], f"{role} {op_key}: {foreign_ref} answers unlike a missing one"

    m, url, body = request_for(op_key, op, own)
    if op_key.endswith("/overlaps/records"):  # the partnership's own populations in the query
        pid = url.split("/partnerships/")[1].split("/")[0]
        key = next(k for k, p in objs.partner.items() if p.public_id == pid)
        url = (url.split("?")[0] + f"?vendor_population={objs.mapping['population']['vendor'].public_id}"
               f"&partner_population={objs.mapping['population'][key].public_id}")
    resp = call(client, m, url, body)
    assert resp.status_code < 500, (op_key, resp.content)
    refused = missing_answers[missing_id(PREFIX[op.obj])]
    if refused[0] == 403:  # refused before the lookup: its own object alike
        assert resp.status_code == 403, (role, op_key, resp.content)
        return
    assert answer(resp) != refused, f"{role} {op_key}: its own object answers as not found"
    if method == "GET":
        # a private session found in another state than this call needs answers 409
        ok = {200, 409} if reader and "/private-sessions/" in op_key else {200 if reader else 403}
        assert resp.status_code in ok, (role, op_key, resp.content)
        _assert_no_foreign_ids(resp, leaks, role, op_key)


def _foreign_mapping_ids(world, objs, user) -> set[str]:
    """Public ids a user must never read: the other side's accounts, another partner's everything."""
    ids = set()
    mine = "vendor" if user.partner_id is None else next(k for k, p in objs.partner.items() if p.pk == user.partner_id)
    for key, acct in objs.mapping["account"].items():
        if key != mine:
            ids.add(acct.public_id)
    if user.partner_id is not None:
        for key in objs.partner:
            if key != mine:
                ids |= {objs.mapping["run"][key].public_id, objs.mapping["match"][key].public_id,
                        objs.mapping["population"][key].public_id, objs.mapping["psi"][key].public_id}
    return ids


def _assert_no_foreign_ids(resp, ids: set[str], role: str, op_key: str) -> None:
    if resp.status_code != 200:
        return
    text = resp.content.decode()
    leaked = sorted(i for i in ids if i in text)
    assert not leaked, f"{role} {op_key} shows {leaked}"


# --- learning ----------------------------------------------------------------------------------


def _matrix_learning(world) -> dict:
    """Courses for everyone ("all"), for system integrators only ("si": partner B) and a draft ("draft"), each with
    two lessons and a quiz, a path and a certification for the first two; per partner key its learner (LEARNERS)
    completed the everyone-course (a failed attempt, then a passed one) and holds its certification."""
    from allied.learning.models import UserCertification
    from allied.learning.services import quiz_submit
    from tests.learning.factories import certification, complete, course, path, wrong_answers

    out = {"course": {}, "lesson": {}, "path": {}, "certification": {}, "enrollment": {}, "enrollment_lesson": {}, "attempt": {},
           "user_certification": {}}
    for name, audience in (("all", {}), ("si", {"partner_types": ["si"]}), ("draft", None)):
        c = course(world.pmm, title=f"Matrix {name}", publish=audience is not None, **(audience or {}))
        out["course"][name] = c
        out["lesson"][name] = f"{c.public_id}/{c.lessons.first().public_id}"
        if audience is not None:
            out["path"][name] = path(world.pmm, [c], **audience)
            out["certification"][name] = certification(world.pmm, out["path"][name])
    for key, role in LEARNERS.items():
        learner = getattr(world, role)
        from allied.learning.services import enroll

        enrollment = enroll(actor=learner, course=out["course"]["all"])
        out["attempt"][key] = quiz_submit(actor=learner, enrollment=enrollment, answers=wrong_answers(out["course"]["all"]))
        out["enrollment"][key] = complete(learner, out["course"]["all"])
        out["enrollment_lesson"][key] = f"{enrollment.public_id}/{out['course']['all'].lessons.first().public_id}"
        out["user_certification"][key] = UserCertification.objects.get(user=learner)
    return out


def _learning_visible(world, user, role: str, kind: str) -> tuple[list[str], list[str]]:
    """(refs the user may reach, refs that must answer like missing ones) for a learning object kind."""
    objs_keys = {"course": "course", "lesson": "lesson", "learning_path": "path", "certification": "certification"}
    if kind in objs_keys:
        names = ["all", "si", "draft"] if kind in ("course", "lesson") else ["all", "si"]
        if role in LEARNING_VENDOR:
            seen = set(names)
        elif role == "finance":
            seen = set()
        else:
            seen = {"all", "si"} if user.partner_id == world.partner_b.pk else {"all"}
        return [n for n in names if n in seen], [n for n in names if n not in seen]
    keys = ["a", "a1", "b"]
    if role in LEARNING_VENDOR:
        seen = set(keys)
    elif role == "finance":
        seen = set()
    elif role in LEARNING_TEAM:
        seen = visible_keys(world, user)
    else:
        seen = {k for k, r in LEARNERS.items() if r == role}
    return [k for k in keys if k in seen], [k for k in keys if k not in seen]


def _learning_ref(objs, kind: str, name: str) -> str:
    table = {"course": "course", "learning_path": "path", "certification": "certification", "enrollment": "enrollment",
             "attempt": "attempt", "user_certification": "user_certification"}
    if kind in ("lesson", "enrollment_lesson"):
        return objs.learning[kind][name]
    return objs.learning[table[kind]][name].public_id


def _learning_hidden_ids(world, objs, user, role: str) -> set[str]:
    ids = set()
    for kind in ("course", "learning_path", "certification", "enrollment", "attempt", "user_certification"):
        _, hidden = _learning_visible(world, user, role, kind)
        ids |= {_learning_ref(objs, kind, n) for n in hidden}
    return ids


def learning_case(world, objs, client, user, role: str, op_key: str, op: Op) -> None:
    """Catalogue rows outside the user's audience (and drafts, for partners) and progress rows of other people answer
    exactly like missing ones; rows in reach are found; reads are refused (403) to roles without learning access; no
    answer mentions a row the user may not see."""
    method = op_key.split(" ", 1)[0]
    reader = op.readers is None or role in op.readers
    hidden_ids = _learning_hidden_ids(world, objs, user, role)

    def no_leak(resp):
        if resp.status_code < 300 and resp.content:
            text = resp.content.decode()
            leaked = sorted(i for i in hidden_ids if i in text)
            assert not leaked, f"{role} {op_key} shows {leaked}"

    if op.obj is None:
        m, url, body = request_for(op_key, op, None)
        resp = call(client, m, url, body)
        assert resp.status_code < 500, (op_key, resp.content)
        if method == "GET":
            assert resp.status_code == (200 if reader else 403), (role, op_key, resp.content)
        no_leak(resp)
        return

    m, url, body = request_for(op_key, op, missing_id(PREFIX[op.obj]))
    missing = call(client, m, url, body)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found", (role, op_key, missing.content)
    seen, hidden = _learning_visible(world, user, role, op.obj)
    for name in hidden:
        m, url, body = request_for(op_key, op, _learning_ref(objs, op.obj, name))
        foreign = call(client, m, url, body)
        assert answer(foreign) == answer(missing), f"{role} {op_key}: {op.obj} {name} answers unlike a missing one"
    for name in seen:
        m, url, body = request_for(op_key, op, _learning_ref(objs, op.obj, name))
        resp = call(client, m, url, body)
        assert resp.status_code < 500, (op_key, resp.content)
        assert answer(resp) != answer(missing), f"{role} {op_key}: {op.obj} {name} in reach answers as not found"
        if method == "GET":
            assert resp.status_code == (200 if reader else 403), (role, op_key, resp.content)
        no_leak(resp)


# --- content library ---------------------------------------------------------------------------


def _matrix_library(world) -> dict:
    """Assets for everyone ("all"), for system integrators only ("si": partner B) and a draft ("draft"), each with a
    PDF version; every partner downloaded the asset for everyone (engagement partners must not read)."""
    from allied.library import services
    from tests.library.factories import asset

    out = {"all": asset(world.pmm, title="Matrix all"), "si": asset(world.pmm, title="Matrix si", partner_types=["si"]),
           "draft": asset(world.pmm, title="Matrix draft", publish=False)}
    for user in (world.a_sales, world.a1_admin, world.b_sales):
        services.event_record(actor=user, asset=out["all"], kind="download")
    return out


def _library_visible(world, user) -> tuple[list[str], list[str]]:
    names = ["all", "si", "draft"]
    if user.partner_id is None:
        seen = set(names)
    else:
        seen = {"all", "si"} if user.partner_id == world.partner_b.pk else {"all"}
    return [n for n in names if n in seen], [n for n in names if n not in seen]


def library_case(world, objs, client, user, role: str, op_key: str, op: Op) -> None:
    """Assets outside the user's audience (and drafts, for partners) answer exactly like missing ones; engagement answers
    partners like a missing asset whatever it names; rows in reach are found; no answer mentions a hidden asset or
    (to a partner) another partner."""
    method = op_key.split(" ", 1)[0]
    is_partner = user.partner_id is not None
    seen, hidden = _library_visible(world, user)
    hidden_ids = {objs.library[n].public_id for n in hidden}
    if is_partner:
        others = {world.partner_a, world.partner_a1, world.partner_b} - {user.partner}
        hidden_ids |= {p.public_id for p in others} | {p.name for p in others}

    def no_leak(resp):
        if resp.status_code < 300 and not getattr(resp, "streaming", False) and resp.content:
            text = resp.content.decode()
            leaked = sorted(i for i in hidden_ids if i in text)
            assert not leaked, f"{role} {op_key} shows {leaked}"

    if op.obj is None:
        m, url, body = request_for(op_key, op, None)
        resp = call(client, m, url, body)
        assert resp.status_code < 500, (op_key, resp.content)
        if op.vendor_only and is_partner:
            assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found", (role, op_key, resp.content)
        elif method == "GET":
            assert resp.status_code == 200, (role, op_key, resp.content)
            if op_key == "GET /library/assets":
                assert {i["id"] for i in resp.json()["items"]} == {objs.library[n].public_id for n in seen}, role
        no_leak(resp)
        return

    m, url, body = request_for(op_key, op, missing_id(PREFIX[op.obj]))
    missing = call(client, m, url, body)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found", (role, op_key, missing.content)
    for name in hidden:
        m, url, body = request_for(op_key, op, objs.library[name].public_id)
        assert answer(call(client, m, url, body)) == answer(missing), f"{role} {op_key}: asset {name} answers unlike a missing one"
    for name in seen:
        m, url, body = request_for(op_key, op, objs.library[name].public_id)
        resp = call(client, m, url, body)
        assert resp.status_code < 500, (op_key, resp.content)
        if op.vendor_only and is_partner:
            assert answer(resp) == answer(missing), f"{role} {op_key}: the vendor's engagement answers unlike a missing one"
            continue
        assert answer(resp) != answer(missing), f"{role} {op_key}: asset {name} in reach answers as not found"
        if method == "GET":
            assert resp.status_code == 200, (role, op_key, resp.content)
        no_leak(resp)
