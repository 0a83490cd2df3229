"""Authorization matrix for every page: each URL × each role × {own, foreign, missing} object.

Rules checked: a partner user never gets another partner's object (foreign answers exactly
like missing: same status, same body); the other side's pages do not exist (404); anonymous
users are sent to sign in. Adding a URL without a row in COVERAGE fails this test.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from allied.customers.models import CustomerAccount
from allied.deals.models import DealRegistration
from allied.deals.services import deal_register, file_add
from allied.leads.models import Lead
from allied.leads.services import lead_create, lead_reassign
from allied.onboarding.models import OnboardingTask
from allied.onboarding.services import journey_start
from allied.program.models import ProgramSettings, Tier
from allied.recruitment.models import Application
from allied.tiering.models import TierProposal
from tests.factories import deal_data, lead_data

MISSING = "xxx_0000000000000000"


@dataclass(frozen=True)
class Row:
    side: str  # public | member | vendor | partner
    method: str = "GET"
    obj: str | None = None  # which object the URL takes: task | partner_task | vendor_task | proposal | application | partner
    perm_roles: tuple[str, ...] | None = None  # vendor pages limited to these roles (others: 404)
    path: str | None = None  # fixed path for URLs without an object


COVERAGE: dict[str, Row] = {
    "home": Row("member", path="/"),
    "accounts:login": Row("public", path="/login/"),
    "accounts:logout": Row("public", "POST", path="/logout/"),
    "accounts:mfa_verify": Row("member", path="/mfa/verify/"),
    "accounts:invitation_accept": Row("public", path="/invite/not-a-token/"),
    "accounts:account": Row("member", path="/account/"),
    "accounts:team": Row("partner", path="/portal/team/"),
    "accounts:password_reset": Row("public", path="/password-reset/"),
    "accounts:password_reset_done": Row("public", path="/password-reset/sent/"),
    "accounts:password_reset_confirm": Row("public", path="/password-reset/MQ/set-password/"),
    "accounts:password_reset_complete": Row("public", path="/password-reset/done/"),
    "partners:console_list": Row("vendor", path="/console/partners/"),
    "partners:console_create": Row("vendor", path="/console/partners/new/", perm_roles=("program_admin", "cam")),
    "partners:console_locator": Row("vendor", path="/console/locator/"),
    "partners:public_locator": Row("public", path="/locator/"),
    "partners:portal_profile": Row("partner", path="/portal/profile/"),
    "partners:portal_subpartners": Row("partner", path="/portal/sub-partners/"),
    "recruitment:apply": Row("public", path="/apply/"),
    "recruitment:apply_thanks": Row("public", path="/apply/thanks/"),
    "recruitment:pipeline": Row("vendor", path="/console/applications/"),
    "recruitment:ideal_profile": Row("vendor", path="/console/applications/profile/", perm_roles=("program_admin",)),
    "recruitment:detail": Row("vendor", obj="application"),
    "onboarding:console": Row("vendor", path="/console/onboarding/"),
    "onboarding:journeys": Row("vendor", path="/console/onboarding/journeys/"),
    "onboarding:console_complete": Row("vendor", "POST", obj="vendor_task"),
    "onboarding:portal": Row("partner", path="/portal/onboarding/"),
    "onboarding:portal_complete": Row("partner", "POST", obj="partner_task"),
    "onboarding:agreement": Row("partner", path="/portal/agreement/"),
    "tiering:proposals": Row("vendor", path="/console/tiers/proposals/"),
    "tiering:evaluate": Row("vendor", "POST", path="/console/tiers/evaluate/", perm_roles=("program_admin", "cam")),
    "tiering:decide": Row("vendor", "POST", obj="proposal"),
    "tiering:portal": Row("partner", path="/portal/tier/"),
    "program:settings": Row("vendor", path="/console/program/"),
    "program:tiers": Row("vendor", path="/console/program/tiers/"),
    "web:partner_detail": Row("vendor", obj="partner"),
    "web:audit": Row("vendor", path="/console/audit/"),
    "customers:console_list": Row("vendor", path="/console/accounts/"),
    "customers:console_create": Row("vendor", path="/console/accounts/new/", perm_roles=("program_admin", "cam")),
    "customers:console_import": Row("vendor", path="/console/accounts/import/", perm_roles=("program_admin", "cam")),
    "customers:console_detail": Row("vendor", obj="account"),
    "media": Row("public", path="/media/logos/missing.png"),
    "deals:portal_list": Row("partner", path="/portal/deals/"),
    "deals:portal_new": Row("partner", path="/portal/deals/new/"),
    "deals:portal_import": Row("partner", path="/portal/deals/import/"),
    "deals:portal_import_template": Row("partner", path="/portal/deals/import/template.csv"),
    "deals:portal_detail": Row("partner", obj="deal"),
    "deals:portal_file": Row("partner", obj="deal_file"),
    "deals:console_queue": Row("vendor", path="/console/deals/"),
    "deals:console_detail": Row("vendor", obj="deal"),
    "deals:console_file": Row("vendor", obj="deal_file"),
    "deals:rules": Row("vendor", path="/console/deals/rules/", perm_roles=("program_admin",)),
    "deals:products": Row("vendor", path="/console/deals/products/", perm_roles=("program_admin",)),
    "leads:web_form": Row("public", path="/forms/lead/"),
    "leads:web_form_thanks": Row("public", path="/forms/lead/thanks/"),
    "leads:portal_inbox": Row("partner", path="/portal/leads/"),
    "leads:portal_detail": Row("partner", obj="lead"),
    "leads:console_queue": Row("vendor", path="/console/leads/"),
    "leads:console_detail": Row("vendor", obj="lead"),
    "leads:embed": Row("vendor", path="/console/leads/embed/"),
    "leads:partner_stats": Row("vendor", path="/console/leads/partners/"),
    "leads:settings": Row("vendor", path="/console/leads/settings/", perm_roles=("program_admin",)),
    "leads:import": Row("vendor", path="/console/leads/import/"),
}
OBJECT_URLS = {
    "recruitment:detail": "/console/applications/{}/",
    "onboarding:console_complete": "/console/onboarding/tasks/{}/complete/",
    "onboarding:portal_complete": "/portal/onboarding/tasks/{}/complete/",
    "tiering:decide": "/console/tiers/proposals/{}/decide/",
    "web:partner_detail": "/console/partners/{}/",
    "customers:console_detail": "/console/accounts/{}/",
    "deals:portal_detail": "/portal/deals/{}/",
    "deals:portal_file": "/portal/deals/{}/",  # the id is "<deal>/files/<file>"
    "deals:console_detail": "/console/deals/{}/",
    "deals:console_file": "/console/deals/{}/",
    "leads:portal_detail": "/portal/leads/{}/",
    "leads:console_detail": "/console/leads/{}/",
}


def _names(resolver=None, prefix="") -> set[str]:
    names = set()
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("api/"):
                continue  # the API has its own matrix
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _names(p, ns)
        elif isinstance(p, URLPattern):
            names.add(f"{prefix}{p.name}" if p.name else f"{prefix}<unnamed {p.pattern}>")
    return names


def test_every_page_is_in_the_matrix():
    missing = _names() - set(COVERAGE)
    assert not missing, f"Add these URLs to COVERAGE in {__file__}: {sorted(missing)}"
    assert not (set(COVERAGE) - _names()), "COVERAGE names URLs that no longer exist"


@pytest.fixture
def objects(world):
    ProgramSettings.objects.update(public_locator_enabled=True)
    for p in (world.partner_a, world.partner_a1, world.partner_b):
        journey_start(actor=None, partner=p)
    silver = Tier.objects.get(name="Silver")
    registered = Tier.objects.get(name="Registered")
    for p in (world.partner_a, world.partner_a1, world.partner_b):
        TierProposal.objects.create(partner=p, from_tier=registered, to_tier=silver, status="pending", reasons=["test"],
                                    created_at=timezone.now())
    Application.objects.create(company_name="Cand Co", website="https://cand.example", domain="cand.example", country="US",
                               region="na", partner_type=world.partner_b.partner_type, team_size=5, contact_name="C",
                               contact_email="c@cand.example", submitted_at=timezone.now() - timedelta(days=1))
    CustomerAccount.objects.create(name="Matrix Customer", name_normalized="matrix customer", external_id="MATRIX-1")
    for user, name in ((world.a_sales, "Alpha Customer"), (world.a1_admin, "Alpha One Customer"), (world.b_sales, "Bravo Customer")):
        deal = deal_register(actor=user, data=deal_data(customer_name=name, website=f"{name.split()[0].lower()}{len(name)}.example",
                                                        contact_email=""))
        file_add(actor=user, deal=deal, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf"))
    for p in (world.partner_a, world.partner_a1, world.partner_b):  # one lead held by each partner
        slug = p.name.split()[-1].lower()
        lead = lead_create(actor=world.cam, data=lead_data(company_name=f"Lead for {p.name}", website=f"{slug}-lead.example",
                                                           contact_email=f"buyer@{slug}-lead.example"), route=False)
        lead_reassign(actor=world.cam, lead=lead, partner=p, reason="matrix")
    return world


def _object_id(kind: str, partner) -> str:
    if kind == "partner":
        return partner.public_id
    if kind in ("partner_task", "vendor_task"):
        side, task_kind = ("partner", "training") if kind == "partner_task" else ("vendor", "kickoff")
        return OnboardingTask.objects.get(partner=partner, side=side, kind=task_kind).public_id
    if kind == "proposal":
        return TierProposal.objects.get(partner=partner).public_id
    if kind == "application":
        return Application.objects.get().public_id
    if kind == "account":  # the vendor's own: partner users get 404 for every one
        return CustomerAccount.objects.get(external_id="MATRIX-1").public_id
    if kind == "deal":
        return DealRegistration.objects.get(partner=partner).public_id
    if kind == "deal_file":
        deal = DealRegistration.objects.get(partner=partner)
        return f"{deal.public_id}/files/{deal.room_files.get().public_id}"
    if kind == "lead":
        return Lead.objects.get(partner=partner).public_id
    raise AssertionError(kind)


def _foreign_partner(world, user):
    """A partner outside this user's scope (vendors see all, so any other partner)."""
    if user is None or user.partner_id is None:
        return world.partner_b
    return {world.partner_a.pk: world.partner_b, world.partner_a1.pk: world.partner_a, world.partner_b.pk: world.partner_a1}[user.partner_id]


def _normalized(body: bytes) -> bytes:
    """Drop the per-render CSRF token mask, the only thing that differs between two renders."""
    return re.sub(rb"[A-Za-z0-9]{64}", b"<csrf>", body)


def _request(client, row: Row, url: str):
    return client.post(url) if row.method == "POST" else client.get(url)


ROLES = ["anonymous", "admin", "cam", "pmm", "finance", "a_admin", "a_sales", "a_marketing", "a1_admin", "b_admin", "b_sales", "b_marketing"]


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(objects, client, role):
    world = objects
    user = None if role == "anonymous" else getattr(world, role)
    if user is not None:
        client.force_login(user)
    is_vendor = user is not None and user.partner_id is None
    failures = []
    for name, row in COVERAGE.items():
        if row.obj:
            own_partner = user.partner if (user is not None and user.partner_id) else world.partner_a
            client.get("/apply/")  # show (and so clear) flash messages left by earlier rows
            variants = {
                "foreign": OBJECT_URLS[name].format(_object_id(row.obj, _foreign_partner(world, user))),
                "missing": OBJECT_URLS[name].format(MISSING),
                "own": OBJECT_URLS[name].format(_object_id(row.obj, own_partner)),
            }
        else:
            variants = {"own": row.path}
        answers = {}
        for variant, url in variants.items():
            if row.method == "POST" and name == "accounts:logout" and user is not None:
                continue  # signing out would end this walk
            r = _request(client, row, url)
            answers[variant] = r
            status = r.status_code
            allowed = {
                "public": True,
                "member": user is not None,
                "vendor": is_vendor and (row.perm_roles is None or user.role in row.perm_roles),
                "partner": user is not None and not is_vendor,
            }[row.side]
            if name == "media":
                expect = {404}
            elif user is None and row.side in ("member", "vendor", "partner"):
                expect = {302}  # to sign in
            elif not allowed:
                expect = {404}
            elif variant == "missing":
                expect = {404}
            elif variant == "foreign" and not is_vendor:
                expect = {404}
            elif name == "accounts:invitation_accept":
                expect = {404}  # a bad token is a not-found invitation
            else:
                expect = {302} if row.method == "POST" else {200}
            if status not in expect:
                failures.append(f"{row.method} {url} ({name}, {variant}) as {role}: {status}, expected {sorted(expect)}")
        if "foreign" in answers and not is_vendor:
            f, m = answers["foreign"], answers["missing"]
            f_body = _normalized(f.content.replace(variants["foreign"].encode(), b""))
            m_body = _normalized(m.content.replace(variants["missing"].encode(), b""))
            if f.status_code != m.status_code or f_body != m_body:
                failures.append(f"{name} as {role}: foreign and missing answers differ")
    assert not failures, "\n".join(failures)
