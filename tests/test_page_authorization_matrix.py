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
from allied.funds.models import FundClaim, FundPeriod, FundRequest
from allied.incentives.models import IncentiveEvent, IncentiveRule
from allied.leads.models import Lead
from allied.leads.services import lead_create, lead_reassign
from allied.onboarding.models import OnboardingTask
from allied.onboarding.services import journey_start
from allied.payouts.models import Payout, PayoutRun, Statement
from allied.payouts.services import payout_run_approve, payout_run_create, statements_generate
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
    perm_roles: tuple[str, ...] | None = None  # pages limited to these roles (others: 404)
    path: str | None = None  # fixed path for URLs without an object


FUNDS_PARTNER = ("partner_admin", "partner_marketing")
COSELL_VENDOR = ("program_admin", "cam", "pmm")
COSELL_PARTNER = ("partner_admin", "partner_sales")
INCENTIVE_MANAGERS = ("program_admin", "finance")
LEARNING_VENDOR = ("program_admin", "cam", "pmm")
LEARNING_MANAGERS = ("program_admin", "pmm")
LIBRARY_MANAGERS = ("program_admin", "pmm")
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
    # payouts and statements: finance acts, every vendor role reads; partner admins see their own money
    "payouts:console_runs": Row("vendor", path="/console/payouts/"),
    "payouts:console_run_new": Row("vendor", path="/console/payouts/new/", perm_roles=("finance",)),
    "payouts:console_run_detail": Row("vendor", obj="payout_run"),
    "payouts:console_run_progress": Row("vendor", obj="payout_run"),
    "payouts:console_run_export": Row("vendor", obj="payout_run", perm_roles=("finance",)),
    "payouts:console_run_action": Row("vendor", "POST", obj="payout_run", perm_roles=("finance",)),
    "payouts:console_payout_action": Row("vendor", "POST", obj="payout", perm_roles=("finance",)),
    "payouts:console_statements": Row("vendor", path="/console/payouts/statements/"),
    "payouts:console_statement_file": Row("vendor", obj="statement"),
    "payouts:console_payees": Row("vendor", path="/console/payouts/payees/"),
    "payouts:portal_payouts": Row("partner", path="/portal/payouts/", perm_roles=("partner_admin",)),
    "payouts:portal_payee": Row("partner", path="/portal/payouts/payee/", perm_roles=("partner_admin",)),
    "payouts:portal_statements": Row("partner", path="/portal/statements/", perm_roles=("partner_admin",)),
    "payouts:portal_statement_file": Row("partner", obj="statement", perm_roles=("partner_admin",)),
    # market development funds: every vendor role reads (funds.review / funds.manage act); partner admins and marketers
    "funds:console_requests": Row("vendor", path="/console/funds/"),
    "funds:console_request": Row("vendor", obj="fund_request"),
    "funds:console_claims": Row("vendor", path="/console/funds/claims/"),
    "funds:console_claim": Row("vendor", obj="claim"),
    "funds:console_proof": Row("vendor", obj="proof"),
    "funds:console_periods": Row("vendor", path="/console/funds/periods/"),
    "funds:console_period": Row("vendor", obj="fund_period"),
    "funds:console_activity_types": Row("vendor", path="/console/funds/activity-types/"),
    "funds:portal_requests": Row("partner", path="/portal/funds/", perm_roles=FUNDS_PARTNER),
    "funds:portal_new": Row("partner", path="/portal/funds/new/", perm_roles=FUNDS_PARTNER),
    "funds:portal_request": Row("partner", obj="fund_request", perm_roles=FUNDS_PARTNER),
    "funds:portal_edit": Row("partner", obj="fund_draft", perm_roles=FUNDS_PARTNER),
    "funds:portal_proof": Row("partner", obj="request_proof", perm_roles=FUNDS_PARTNER),
    # incentives: every vendor role reads, program admins and finance change rules and replay; partner admins see earnings
    "incentives:console_rules": Row("vendor", path="/console/incentives/"),
    "incentives:console_rule_new": Row("vendor", path="/console/incentives/rules/new/", perm_roles=INCENTIVE_MANAGERS),
    "incentives:console_rule_detail": Row("vendor", obj="incentive_rule"),
    "incentives:console_rule_edit": Row("vendor", obj="incentive_rule", perm_roles=INCENTIVE_MANAGERS),
    "incentives:console_events": Row("vendor", path="/console/incentives/events/"),
    "incentives:console_event_detail": Row("vendor", obj="incentive_event"),
    "incentives:console_accruals": Row("vendor", path="/console/incentives/accruals/"),
    "incentives:console_replay": Row("vendor", path="/console/incentives/replay/", perm_roles=INCENTIVE_MANAGERS),
    "incentives:portal_earnings": Row("partner", path="/portal/earnings/", perm_roles=("partner_admin",)),
    # co-selling (account mapping): program admins, CAMs and partner marketing read; partner admins and sales reps
    "mapping:console_partnerships": Row("vendor", path="/console/cosell/", perm_roles=COSELL_VENDOR),
    "mapping:console_accounts": Row("vendor", path="/console/cosell/accounts/", perm_roles=COSELL_VENDOR),
    "mapping:console_opportunities": Row("vendor", path="/console/cosell/opportunities/", perm_roles=COSELL_VENDOR),
    "mapping:console_discover": Row("vendor", path="/console/cosell/discover/", perm_roles=COSELL_VENDOR),
    "mapping:console_partnership": Row("vendor", obj="partner", perm_roles=COSELL_VENDOR),
    "mapping:console_run_progress": Row("vendor", obj="partner", perm_roles=COSELL_VENDOR),
    "mapping:console_overlap": Row("vendor", obj="cosell_overlap", perm_roles=COSELL_VENDOR),
    "mapping:console_overlap_export": Row("vendor", obj="cosell_overlap_export", perm_roles=COSELL_VENDOR),
    "mapping:console_shared_list": Row("vendor", obj="cosell_population", perm_roles=COSELL_VENDOR),
    "mapping:portal_overview": Row("partner", path="/portal/cosell/", perm_roles=COSELL_PARTNER),
    "mapping:portal_run_progress": Row("partner", path="/portal/cosell/progress/", perm_roles=COSELL_PARTNER),
    "mapping:portal_accounts": Row("partner", path="/portal/cosell/accounts/", perm_roles=COSELL_PARTNER),
    "mapping:portal_opportunities": Row("partner", path="/portal/cosell/opportunities/", perm_roles=COSELL_PARTNER),
    "mapping:portal_discover": Row("partner", path="/portal/cosell/discover/", perm_roles=COSELL_PARTNER),
    "mapping:portal_private": Row("partner", path="/portal/cosell/private/", perm_roles=COSELL_PARTNER),
    "mapping:portal_overlap": Row("partner", obj="cosell_pair", perm_roles=COSELL_PARTNER),
    "mapping:portal_overlap_export": Row("partner", obj="cosell_pair_export", perm_roles=COSELL_PARTNER),
    "mapping:portal_shared_list": Row("partner", obj="partner_population", perm_roles=COSELL_PARTNER),
    # learning: program admins, CAMs and partner marketing read the catalogue and reports, admins and PMMs edit;
    # every partner role learns (courses for its partner type, its own attempts and certificates), partner admins see the team
    "learning:console_courses": Row("vendor", path="/console/learning/", perm_roles=LEARNING_VENDOR),
    "learning:console_course_new": Row("vendor", path="/console/learning/courses/new/", perm_roles=LEARNING_MANAGERS),
    "learning:console_course": Row("vendor", obj="learning_course", perm_roles=LEARNING_VENDOR),
    "learning:console_lesson_new": Row("vendor", obj="learning_course", perm_roles=LEARNING_MANAGERS),
    "learning:console_lesson": Row("vendor", obj="learning_lesson", perm_roles=LEARNING_VENDOR),
    "learning:console_lesson_file": Row("vendor", obj="learning_lesson_file", perm_roles=LEARNING_VENDOR),
    "learning:console_quiz": Row("vendor", obj="learning_course", perm_roles=LEARNING_VENDOR),
    "learning:console_paths": Row("vendor", path="/console/learning/paths/", perm_roles=LEARNING_VENDOR),
    "learning:console_path": Row("vendor", obj="learning_path", perm_roles=LEARNING_VENDOR),
    "learning:console_certifications": Row("vendor", path="/console/learning/certifications/", perm_roles=LEARNING_VENDOR),
    "learning:console_certification": Row("vendor", obj="learning_certification", perm_roles=LEARNING_VENDOR),
    "learning:console_reports": Row("vendor", path="/console/learning/reports/", perm_roles=LEARNING_VENDOR),
    "learning:console_holders": Row("vendor", path="/console/learning/holders/", perm_roles=LEARNING_VENDOR),
    "learning:console_holders_export": Row("vendor", path="/console/learning/holders.csv", perm_roles=LEARNING_VENDOR),
    "learning:portal_home": Row("partner", path="/portal/learning/"),
    "learning:portal_catalogue": Row("partner", path="/portal/learning/catalogue/"),
    "learning:portal_course": Row("partner", obj="learning_course"),
    "learning:portal_lesson": Row("partner", obj="learning_lesson"),
    "learning:portal_lesson_file": Row("partner", obj="learning_lesson_file"),
    "learning:portal_quiz": Row("partner", obj="learning_course"),
    "learning:portal_attempt": Row("partner", obj="learning_attempt"),
    "learning:portal_path": Row("partner", obj="learning_path"),
    "learning:portal_certificates": Row("partner", path="/portal/learning/certificates/"),
    "learning:portal_certificate_pdf": Row("partner", obj="learning_user_certification"),
    "learning:portal_team": Row("partner", path="/portal/learning/team/", perm_roles=("partner_admin",)),
    # content library: every vendor role reads (and sees engagement), admins and PMMs edit; partners see their audience's
    "library:console_list": Row("vendor", path="/console/library/"),
    "library:console_new": Row("vendor", path="/console/library/new/", perm_roles=LIBRARY_MANAGERS),
    "library:console_export": Row("vendor", path="/console/library/engagement.csv"),
    "library:console_asset": Row("vendor", obj="library_asset"),
    "library:console_edit": Row("vendor", obj="library_asset", perm_roles=LIBRARY_MANAGERS),
    "library:console_version": Row("vendor", obj="library_version"),
    "library:portal_list": Row("partner", path="/portal/library/"),
    "library:portal_asset": Row("partner", obj="library_asset"),
    "library:portal_download": Row("partner", obj="library_asset"),
    "library:portal_watch": Row("partner", "POST", obj="library_video"),
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
    "payouts:console_run_detail": "/console/payouts/{}/",
    "payouts:console_run_progress": "/console/payouts/{}/progress/",
    "payouts:console_run_export": "/console/payouts/{}/export.csv",
    "payouts:console_run_action": "/console/payouts/{}/approve/",
    "payouts:console_payout_action": "/console/payouts/payments/{}/",
    "payouts:console_statement_file": "/console/payouts/statements/{}/pdf/",
    "payouts:portal_statement_file": "/portal/statements/{}/pdf/",
    "funds:console_request": "/console/funds/requests/{}/",
    "funds:console_claim": "/console/funds/claims/{}/",
    "funds:console_proof": "/console/funds/claims/{}/",  # the id is "<claim>/proofs/<proof>"
    "funds:console_period": "/console/funds/periods/{}/",
    "funds:portal_request": "/portal/funds/requests/{}/",
    "funds:portal_edit": "/portal/funds/requests/{}/edit/",
    "funds:portal_proof": "/portal/funds/requests/{}/",  # the id is "<request>/proofs/<proof>"
    "incentives:console_rule_detail": "/console/incentives/rules/{}/",
    "incentives:console_rule_edit": "/console/incentives/rules/{}/edit/",
    "incentives:console_event_detail": "/console/incentives/events/{}/",
    "mapping:console_partnership": "/console/cosell/{}/",
    "mapping:console_run_progress": "/console/cosell/{}/progress/",
    "mapping:console_overlap": "/console/cosell/{}/",  # the id is "<partner>/overlap/<vendor population>/<partner population>"
    "mapping:console_overlap_export": "/console/cosell/{}/",  # the id ends in "/export"
    "mapping:console_shared_list": "/console/cosell/{}/",  # the id is "<partner>/populations/<partner population>"
    "mapping:portal_overlap": "/portal/cosell/populations/{}/",  # the id is "<partner population>/overlap/<vendor population>"
    "mapping:portal_overlap_export": "/portal/cosell/populations/{}/",  # the id ends in "/export"
    "mapping:portal_shared_list": "/portal/cosell/populations/{}/",
    "learning:console_course": "/console/learning/courses/{}/",
    "learning:console_lesson_new": "/console/learning/courses/{}/lessons/new/",
    "learning:console_lesson": "/console/learning/courses/{}/",  # the id is "<course>/lessons/<lesson>"
    "learning:console_lesson_file": "/console/learning/courses/{}/",  # the id ends in "/file"
    "learning:console_quiz": "/console/learning/courses/{}/quiz/",
    "learning:console_path": "/console/learning/paths/{}/",
    "learning:console_certification": "/console/learning/certifications/{}/",
    "learning:portal_course": "/portal/learning/courses/{}/",
    "learning:portal_lesson": "/portal/learning/courses/{}/",  # the id is "<course>/lessons/<lesson>"
    "learning:portal_lesson_file": "/portal/learning/courses/{}/",  # the id ends in "/file"
    "learning:portal_quiz": "/portal/learning/courses/{}/quiz/",
    "learning:portal_attempt": "/portal/learning/courses/{}/",  # the id is "<course>/quiz/attempts/<attempt>"
    "learning:portal_path": "/portal/learning/paths/{}/",
    "learning:portal_certificate_pdf": "/portal/learning/certificates/{}/pdf/",
    "library:console_asset": "/console/library/{}/",
    "library:console_edit": "/console/library/{}/edit/",
    "library:console_version": "/console/library/{}/",  # the id is "<asset>/versions/<version>"
    "library:portal_asset": "/portal/library/{}/",
    "library:portal_download": "/portal/library/{}/download/",
    "library:portal_watch": "/portal/library/{}/watch/",
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
    _payouts_and_statements(world)
    _funds(world)
    _incentives(world)
    _mapping(world)
    _learning(world)
    _library(world)
    return world


def _library(world) -> None:
    """Per partner an asset (a PDF) and a video for its partner type only, published; the partners of the other
    types must not reach them."""
    from tests.library.factories import asset

    for p in (world.partner_a, world.partner_a1, world.partner_b):
        code = p.partner_type.code
        asset(world.pmm, title=f"Matrix asset {code}", partner_types=[code])
        asset(world.pmm, title=f"Matrix video {code}", kind="video", video_url="https://videos.example/matrix", partner_types=[code])


def _library_id(kind: str, partner) -> str:
    from allied.library.models import Asset

    if kind == "library_video":
        return Asset.objects.get(title=f"Matrix video {partner.partner_type.code}").public_id
    a = Asset.objects.get(title=f"Matrix asset {partner.partner_type.code}")
    return f"{a.public_id}/versions/{a.current_version.public_id}" if kind == "library_version" else a.public_id


def _learning(world) -> None:
    """Per partner a course for its partner type only (a text and a file lesson, a quiz), its path and certification;
    every partner user completes its partner's course (an attempt and a certification each)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from allied.learning import services as learning
    from tests.learning.factories import certification, complete, course, path

    for p in (world.partner_a, world.partner_a1, world.partner_b):
        c = course(world.pmm, title=f"Matrix course {p.partner_type.code}", lessons=1, publish=False, partner_types=[p.partner_type.code])
        learning.lesson_create(actor=world.pmm, course=c, data={"title": "Slides", "kind": "file", "file": SimpleUploadedFile(
            "slides.pdf", b"%PDF-1.4 slides", content_type="application/pdf")})
        c = learning.course_publish(actor=world.pmm, course=c)
        certification(world.pmm, path(world.pmm, [c], partner_types=[p.partner_type.code]))
    for user in world.partner_users:
        complete(user, _learning_course(user.partner))


def _learning_course(partner):
    from allied.learning.models import Course

    return Course.objects.get(title=f"Matrix course {partner.partner_type.code}")


def _mapping(world) -> None:
    """Account mapping on with every partner: lists overlapping on one company, mapped, shared as overlaps both ways."""
    from tests.mapping.factories import account, activate, run_now, share_all

    account(None, "Matrix Overlap Inc", "matrix-overlap.example", status="customer")
    for p in (world.partner_a, world.partner_a1, world.partner_b):
        account(p, "Matrix Overlap", "matrix-overlap.example", status="opportunity", external_id=f"M-{p.public_id}")
        activate(world, p)
        share_all(world, p)
        run_now(p, incremental=False)


def _incentives(world) -> None:
    """A rule paying 5 % on invoices; per partner an invoice event crediting it (and so an accrual)."""
    from allied.incentives.services import event_record, rule_create

    rule_create(actor=world.admin, data={"name": "Matrix share", "kind": "rebate", "effective_from": "2020-01-01", "percent": "5",
                                         "triggers": ["invoice_paid"]})
    for p in (world.partner_a, world.partner_a1, world.partner_b):
        event_record(actor=world.finance, data={"kind": "invoice_paid", "external_ref": f"MATRIX-{p.public_id}", "partner": p,
                                                "amount": "100", "currency": "USD"})


def _funds(world) -> None:
    """One open MDF period; per partner a draft request and an approved one with a claim and its proof."""
    from allied.funds.services import claim_create, request_create
    from tests.funds.factories import activity_types, approved_request, pdf_upload, period, request_data

    activity_types()
    p = period(world.pmm, name="Matrix period")
    for partner, user in ((world.partner_a, world.a_marketing), (world.partner_a1, world.a1_admin), (world.partner_b, world.b_marketing)):
        request_create(actor=user, period=p, data=request_data(title="Matrix draft"))
        funded = approved_request(partner, "100", period_obj=p)
        claim_create(actor=user, request=funded, spent="50", proofs=[("invoice", pdf_upload())])


def _payouts_and_statements(world) -> None:
    """Payable incentives for each partner, a run (made by a second finance user, approved) and this quarter's statements."""
    from tests.payouts.factories import incentive_payable, second_finance

    for p in (world.partner_a, world.partner_a1, world.partner_b):
        incentive_payable(p, "10.00")
    today = timezone.localdate()
    run = payout_run_create(actor=second_finance(world), starts_on=today, ends_on=today)
    payout_run_approve(actor=world.finance, run=run)
    statements_generate(actor=None, period_start=today - timedelta(days=30), period_end=today)


def _object_id(kind: str, partner, user=None) -> str:
    if kind.startswith("learning_"):
        return _learning_id(kind, partner, user)
    if kind.startswith("library_"):
        return _library_id(kind, partner)
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
    if kind == "payout_run":  # the vendor's own: partner users get 404 for every one
        return PayoutRun.objects.get().public_id
    if kind == "payout":
        return Payout.objects.get(partner=partner).public_id
    if kind == "statement":
        return Statement.objects.get(partner=partner).public_id
    if kind in ("fund_request", "fund_draft"):
        return FundRequest.objects.get(partner=partner, status="draft" if kind == "fund_draft" else "approved").public_id
    if kind == "fund_period":  # program-wide: the same one whoever's it is
        return FundPeriod.objects.get(name="Matrix period").public_id
    if kind == "claim":
        return FundClaim.objects.get(partner=partner).public_id
    if kind == "proof":
        claim = FundClaim.objects.get(partner=partner)
        return f"{claim.public_id}/proofs/{claim.proofs.get().public_id}"
    if kind == "incentive_rule":  # the vendor's own: partner users get 404 for every one
        return IncentiveRule.objects.get(name="Matrix share").public_id
    if kind == "incentive_event":
        return IncentiveEvent.objects.get(external_ref=f"MATRIX-{partner.public_id}").public_id
    if kind == "request_proof":
        claim = FundClaim.objects.select_related("request").get(partner=partner)
        return f"{claim.request.public_id}/proofs/{claim.proofs.get().public_id}"
    if kind.endswith("_export"):
        return _object_id(kind[:-len("_export")], partner) + "/export"
    if kind in ("cosell_overlap", "cosell_pair", "cosell_population", "partner_population"):
        from allied.mapping.models import Population

        vendor_pop = Population.objects.get(partner__isnull=True, kind="customers").public_id
        partner_pop = Population.objects.get(partner=partner, kind="opportunities").public_id
        return {"cosell_overlap": f"{partner.public_id}/overlap/{vendor_pop}/{partner_pop}",
                "cosell_pair": f"{partner_pop}/overlap/{vendor_pop}", "cosell_population": f"{partner.public_id}/populations/{partner_pop}",
                "partner_population": partner_pop}[kind]
    raise AssertionError(kind)


def _learning_id(kind: str, partner, user) -> str:
    """Learning objects: the catalogue by the partner's type; attempts and certificates are the requesting user's own
    (for another partner: any of its users')."""
    from allied.learning.models import LearningPath, QuizAttempt, UserCertification

    course = _learning_course(partner)
    learner = {"user": user} if user is not None and user.partner_id == partner.pk else {"partner": partner}
    if kind == "learning_course":
        return course.public_id
    if kind in ("learning_lesson", "learning_lesson_file"):
        lesson = course.lessons.get(kind="file")
        return f"{course.public_id}/lessons/{lesson.public_id}" + ("/file" if kind.endswith("_file") else "")
    if kind == "learning_path":
        return LearningPath.objects.get(steps__course=course).public_id
    if kind == "learning_certification":
        return LearningPath.objects.get(steps__course=course).certifications.get().public_id
    if kind == "learning_attempt":
        attempt = QuizAttempt.objects.filter(**{f"enrollment__{k}": v for k, v in learner.items()}, enrollment__course=course).first()
        return f"{course.public_id}/quiz/attempts/{attempt.public_id}"
    if kind == "learning_user_certification":
        return UserCertification.objects.filter(**learner).first().public_id
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
                "own": OBJECT_URLS[name].format(_object_id(row.obj, own_partner, user)),
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
                "partner": user is not None and not is_vendor and (row.perm_roles is None or user.role in row.perm_roles),
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
