"""Payout and statement pages.

Console (vendor users with money.view read; finance acts): payout runs, a run's payouts with their
progress while it executes (htmx polling), approval by a second finance user, execution, the ERP
payment file; statements per period with generation and downloads; payee profiles with the ERP
vendor id. Portal (partner admins, partner.money.view): payouts with the claims and incentives they
pay, statements to download, the payee profile form.

Pages read through ``selectors`` (a foreign row is a missing row: 404) and write through ``services``.
"""

import io
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date

from allied.core.errors import DomainError, NotFound
from allied.core.http import form_error, partner_required, vendor_perm_required, vendor_required
from allied.core.permissions import has_perm
from allied.partners import selectors as partner_selectors

from . import documents, selectors, services
from .forms import ErpVendorForm, PayeeForm, PayForm, ReasonForm, RunCreateForm, StatementGenerateForm
from .models import PayoutRun, PayoutStatus, RunStatus, Statement


def partner_money_required(view):
    """Portal money pages: partner users whose role may see the company's money (others: the page does not exist)."""
    @partner_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_perm(request.user, "partner.money.view"):
            raise Http404("Page not found")
        return view(request, *args, **kwargs)

    return wrapped


def _download(content: bytes, filename: str, content_type: str) -> FileResponse:
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)


def _statement_file(statement: Statement, fmt: str) -> FileResponse:
    name = f"statement-{statement.partner.public_id}-{statement.period_start}-{statement.period_end}-{statement.currency}"
    if fmt == "pdf":
        return _download(documents.render_statement_pdf(statement), f"{name}.pdf", "application/pdf")
    if fmt == "csv":
        return _download(documents.render_statement_csv(statement), f"{name}.csv", "text/csv; charset=utf-8")
    raise Http404("Page not found")


# --- console: payout runs ------------------------------------------------------------------------------------


@vendor_required
def console_runs(request):
    user = request.user
    runs = selectors.payout_run_list(actor=user, filters={"status": request.GET.get("status", "")}
                                     if request.GET.get("status") in RunStatus.values else {})
    page = Paginator(runs.annotate(n_payouts=Count("payouts", filter=~Q(payouts__status=PayoutStatus.CANCELLED)))
                     .order_by("-created_at", "-id"), 25) \
        .get_page(request.GET.get("page"))
    return render(request, "payouts/console_runs.html", {
        "page": page, "payable": selectors.payable_now(actor=user), "can_pay": has_perm(user, "finance.pay"), "nav": "money", "tab": "payout_runs",
        "status": request.GET.get("status", ""), "statuses": RunStatus.choices,
    })


@vendor_perm_required("finance.pay")
def console_run_new(request):
    form = RunCreateForm(request.POST or None, initial=RunCreateForm.initial_for(timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        try:
            run = services.payout_run_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            if exc.field in form.fields:
                form_error(form, exc)
            else:
                form.add_error(None, exc.message)
        else:
            n = run.payouts.count()
            messages.success(request, f"Payout run created with {n} payout{'s' if n != 1 else ''}. Another finance user approves it next.")
            return redirect("payouts:console_run_detail", public_id=run.public_id)
    return render(request, "payouts/console_run_new.html", {"form": form, "nav": "money", "tab": "payout_runs"},
                  status=400 if form.errors else 200)


def _run_context(user, run: PayoutRun) -> dict:
    progress = selectors.run_progress(run)
    return {"run": run, "progress": progress, "polling": run.status == RunStatus.PROCESSING and progress["pending"] > 0}


@vendor_required
def console_run_detail(request, public_id):
    user = request.user
    run = selectors.payout_run_get(actor=user, public_id=public_id)
    payouts = list(selectors.payout_list(actor=user, filters={"run": run.public_id})
                   .select_related("partner__payee_profile").order_by("partner__name", "currency"))
    links = selectors.payout_claims(payouts)
    for p in payouts:
        p.links = links.get(p.pk, [])
        p.profile = getattr(p.partner, "payee_profile", None)
    missing_profiles = sum(1 for p in payouts if p.profile is None and p.status != PayoutStatus.CANCELLED)
    can_pay = has_perm(user, "finance.pay")
    audit = partner_selectors.audit_list(actor=user).filter(object_id=run.public_id).order_by("-occurred_at")[:50]
    return render(request, "payouts/console_run_detail.html", {
        **_run_context(user, run), "payouts": payouts, "missing_profiles": missing_profiles, "can_pay": can_pay,
        "can_approve": can_pay and run.status == RunStatus.DRAFT and run.created_by_id != user.pk,
        "own_draft": run.status == RunStatus.DRAFT and run.created_by_id == user.pk,
        "reason_form": ReasonForm(), "audit": audit, "nav": "money", "tab": "payout_runs",
    })


@vendor_required
def console_run_progress(request, public_id):
    """The progress block, polled by htmx while the worker pays (every figure read from the database)."""
    run = selectors.payout_run_get(actor=request.user, public_id=public_id)
    return render(request, "payouts/partials/run_progress.html", _run_context(request.user, run))


RUN_ACTIONS = {"approve", "execute", "cancel"}


@vendor_perm_required("finance.pay")
def console_run_action(request, public_id, action):
    user = request.user
    run = selectors.payout_run_get(actor=user, public_id=public_id)
    if request.method != "POST" or action not in RUN_ACTIONS:
        return redirect("payouts:console_run_detail", public_id=run.public_id)
    try:
        if action == "approve":
            services.payout_run_approve(actor=user, run=run)
            messages.success(request, "Run approved. It can be executed now.")
        elif action == "execute":
            was = run.status
            services.payout_run_start(actor=user, run=run)
            messages.success(request, "Payment resumed: the worker pays what is left." if was == RunStatus.PROCESSING
                             else "Payment started: the worker pays each payout; this page shows the progress.")
        else:
            services.payout_run_cancel(actor=user, run=run, reason=request.POST.get("reason", ""))
            messages.success(request, "Run cancelled; its claims are payable again.")
    except DomainError as exc:  # wrong state, four eyes, missing reason: say so on the run's page
        messages.error(request, exc.message)
    return redirect("payouts:console_run_detail", public_id=run.public_id)


@vendor_perm_required("finance.pay")
def console_payout_action(request, public_id):
    """Pay or cancel one payout from its run's page (the same services as the API)."""
    user = request.user
    payout = selectors.payout_get(actor=user, public_id=public_id)
    target = redirect("payouts:console_run_detail", public_id=payout.run.public_id)
    if request.method != "POST":
        return target
    action = request.POST.get("action")
    try:
        if action == "pay":
            form = PayForm(request.POST)
            reference = form.cleaned_data["reference"] if form.is_valid() else ""
            services.payout_pay(actor=user, payout=payout, reference=reference)
            messages.success(request, f"{payout.partner.name}: paid.")
        elif action == "cancel":
            services.payout_cancel(actor=user, payout=payout, reason=request.POST.get("reason", ""))
            messages.success(request, f"{payout.partner.name}: payout cancelled; its claims are payable again.")
    except DomainError as exc:
        messages.error(request, f"{payout.partner.name}: {exc.message}")
    return target


@vendor_perm_required("finance.pay")
def console_run_export(request, public_id):
    run = selectors.payout_run_get(actor=request.user, public_id=public_id)
    kind = request.GET.get("kind", "payments")
    if kind == "remittance":
        return _download(documents.remittance_csv(run), f"{run.public_id}-remittance.csv", "text/csv; charset=utf-8")
    return _download(documents.erp_export_csv(run), f"{run.public_id}-payments.csv", "text/csv; charset=utf-8")


# --- console: statements and payees -------------------------------------------------------------------------


@vendor_required
def console_statements(request):
    user = request.user
    can_generate = services.can_generate_statements(user)
    form = StatementGenerateForm(request.POST if request.method == "POST" else None,
                                 initial=StatementGenerateForm.initial_for(timezone.localdate()))
    if request.method == "POST":
        if not can_generate:
            messages.error(request, "Only the vendor's finance team generates statements.")
            return redirect("payouts:console_statements")
        if form.is_valid():
            start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
            try:
                n = services.statements_generate(actor=user, period_start=start, period_end=end)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"{n} statement{'s' if n != 1 else ''} generated for {start} to {end}.")
                return redirect(f"{request.path}?period={start}_{end}")
    periods = selectors.statement_periods(actor=user)
    chosen = _chosen_period(request.GET.get("period", ""), periods)
    statements = selectors.statement_list(actor=user)
    if chosen:
        statements = statements.filter(period_start=chosen["period_start"], period_end=chosen["period_end"])
    q = (request.GET.get("q") or "").strip()
    if q:
        statements = statements.filter(Q(partner__name__icontains=q) | Q(partner__public_id=q))
    page = Paginator(statements.order_by("partner__name", "currency"), 50).get_page(request.GET.get("page"))
    return render(request, "payouts/console_statements.html", {
        "form": form, "can_generate": can_generate, "periods": periods, "chosen": chosen, "page": page, "q": q,
        "nav": "money", "tab": "statements",
    }, status=400 if form.errors else 200)


def _chosen_period(value: str, periods: list[dict]) -> dict | None:
    start, _, end = value.partition("_")
    start, end = parse_date(start or ""), parse_date(end or "")
    for p in periods:
        if (start, end) == (p["period_start"], p["period_end"]):
            return p
    return periods[0] if periods else None


@vendor_required
def console_statement_file(request, public_id, fmt):
    return _statement_file(selectors.statement_get(actor=request.user, public_id=public_id), fmt)


@vendor_required
def console_payees(request):
    user = request.user
    can_pay = has_perm(user, "finance.pay")
    if request.method == "POST":
        form = ErpVendorForm(request.POST)
        if not can_pay:
            messages.error(request, "Only the vendor's finance team sets ERP vendor ids.")
        elif form.is_valid():
            try:
                partner = partner_selectors.partner_get(actor=user, public_id=form.cleaned_data["partner"])
                services.payee_profile_update(actor=user, partner=partner, data={"erp_vendor_id": form.cleaned_data["erp_vendor_id"]})
            except NotFound:
                messages.error(request, "No such partner.")
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"ERP vendor id of {partner.name} saved.")
        return redirect("payouts:console_payees")
    profiles = selectors.payee_profile_list(actor=user)
    q = (request.GET.get("q") or "").strip()
    if q:
        profiles = profiles.filter(Q(partner__name__icontains=q) | Q(legal_name__icontains=q) | Q(erp_vendor_id=q))
    page = Paginator(profiles, 50).get_page(request.GET.get("page"))
    return render(request, "payouts/console_payees.html", {"page": page, "q": q, "can_pay": can_pay, "nav": "money", "tab": "payees"})


# --- portal ------------------------------------------------------------------------------------------------


@partner_money_required
def portal_payouts(request):
    user = request.user
    payouts = list(selectors.payout_list(actor=user).order_by("-run__created_at", "currency")[:100])
    links = selectors.payout_claims(payouts)
    for p in payouts:
        p.links = links.get(p.pk, [])
    upcoming = [p for p in payouts if p.status != PayoutStatus.PAID]
    paid = [p for p in payouts if p.status == PayoutStatus.PAID]
    profile = selectors.payee_profile_get(actor=user, partner=user.partner)
    return render(request, "payouts/portal_payouts.html", {
        "upcoming": upcoming, "paid": paid, "profile": profile, "nav": "earnings", "tab": "payouts",
    })


@partner_money_required
def portal_statements(request):
    statements = selectors.statement_list(actor=request.user).order_by("-period_end", "partner__name", "currency")
    page = Paginator(statements, 40).get_page(request.GET.get("page"))
    return render(request, "payouts/portal_statements.html", {"page": page, "nav": "earnings", "tab": "statements"})


@partner_money_required
def portal_statement_file(request, public_id, fmt):
    return _statement_file(selectors.statement_get(actor=request.user, public_id=public_id), fmt)


@partner_money_required
def portal_payee(request):
    user = request.user
    partner = user.partner
    profile = selectors.payee_profile_get(actor=user, partner=partner)
    initial = {"legal_name": partner.name}
    if profile is not None:
        initial = {"legal_name": profile.legal_name, "payment_method": profile.payment_method, "tax_id": profile.tax_id,
                   "remittance_email": profile.remittance_email}
    form = PayeeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.payee_profile_update(actor=user, partner=partner, data=form.service_data())
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Payment details saved.")
            return redirect("payouts:portal_payee")
    return render(request, "payouts/portal_payee.html", {"form": form, "profile": profile, "nav": "earnings", "tab": "payee"},
                  status=400 if form.errors else 200)

