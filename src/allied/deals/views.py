"""Deal registration pages.

Portal (partner users): follow our registrations, register one in under a minute, import a CSV, work a
deal and its deal room. Console (vendor users): the review queue, the conflict evidence side by side,
participants and extensions, the rules of engagement and the product list.

Every page reads through ``selectors`` (a foreign deal is a missing deal: 404) and writes through
``services`` (which decide who may do what: PermissionDenied renders 403).
"""

import csv
import io
import re
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.core.http import form_error, partner_required, vendor_perm_required, vendor_required
from allied.core.permissions import has_perm
from allied.partners import selectors as partner_selectors
from allied.partners.models import PartnerStatus
from allied.program.models import Product, ProgramSettings

from . import selectors, services
from .forms import (
    ApproveForm,
    DeclineForm,
    ExtensionForm,
    FileForm,
    ImportForm,
    LostForm,
    NoteForm,
    ProductForm,
    QueueFilterForm,
    RegisterForm,
    RulesForm,
    UpdateForm,
    WonForm,
)
from .models import DealConflict, DealSource, DealStatus, EngagementRules, ExtensionStatus, ParticipantRole
from .services.csv_import import COLUMNS

EXPIRY_WARNING_DAYS = 14
PORTAL_TABS = [("", "All"), ("pending,approved", "Open"), *DealStatus.choices]
FORBIDDEN = (PermissionDenied, NotFound)  # let the page guard answer these (403 / 404)


# --- helpers -----------------------------------------------------------------------------------------------------


def _days_left(deal, now) -> int | None:
    if deal.status != DealStatus.APPROVED or deal.protection_expires_at is None:
        return None
    return max((deal.protection_expires_at - now).days, 0)


def _decorate(deals, user=None):
    """Display facts computed once per row: days of protection left, SLA overdue, whose deal it is."""
    now = timezone.now()
    for d in deals:
        d.days_left = _days_left(d, now)
        d.expiring = d.days_left is not None and d.days_left < EXPIRY_WARNING_DAYS
        d.overdue = d.status == DealStatus.PENDING and d.sla_due_at is not None and d.sla_due_at < now
        d.ours = user is None or d.partner_id == user.partner_id
    return deals


def _bound(request, action: str, name: str, form_class, **kwargs):
    """The form of ``name``, bound to the request only when it is the action being posted."""
    if action == name:
        return form_class(request.POST, request.FILES, prefix=name, **kwargs)
    return form_class(prefix=name, **kwargs)


def _file_response(row) -> FileResponse:
    """A deal-room file as a download that a browser never renders in the site's origin."""
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _room_context(user, deal, forms_: dict) -> dict:
    """The deal room's notes, files and forms, plus the names of the deal's products (shared by both detail pages)."""
    names = dict(Product.objects.filter(code__in=deal.products or []).values_list("code", "name"))
    return {
        "product_names": [names.get(code, code) for code in deal.products or []],
        "notes": selectors.note_list(actor=user, deal=deal), "files": selectors.file_list(actor=user, deal=deal),
        "note_form": forms_["note"], "file_form": forms_["file"], "vendor_name": ProgramSettings.current().vendor_name,
    }


def _room_action(user, deal, action: str, data: dict) -> str:
    if action == "note":
        services.note_add(actor=user, deal=deal, body=data["body"])
        return "Note added."
    row = services.file_add(actor=user, deal=deal, upload=data["file"])
    return f"{row.name} uploaded."


def _action_error(request, form, exc: DomainError) -> None:
    """A field's error goes next to the field; any other (the deal changed meanwhile) to the top of the page."""
    if exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        messages.error(request, exc.message)



def _handle_action(request, deal, action: str, form, run, detail: str):
    """Run one action form of a deal page: a response (redirect or htmx partial), or None to show the page with errors."""
    if form.is_valid():
        try:
            done = run(request.user, deal, action, form.cleaned_data)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            _action_error(request, form, exc)
        else:
            if request.htmx and action == "note":
                return _notes_partial(request, deal, NoteForm(prefix="note"))
            messages.success(request, done)
            return redirect(detail, public_id=deal.public_id)
    if request.htmx and action == "note":
        return _notes_partial(request, deal, form)
    return None

def _notes_partial(request, deal, form):
    return render(request, "deals/partials/notes.html", {
        "deal": deal, "notes": selectors.note_list(actor=request.user, deal=deal), "note_form": form,
        "vendor_name": ProgramSettings.current().vendor_name,
    })


# --- portal ------------------------------------------------------------------------------------------------------


@partner_required
def portal_list(request):
    user = request.user
    tabs = dict(PORTAL_TABS)
    status = request.GET.get("status", "")
    status = status if status in tabs else ""
    qs = selectors.deal_list(actor=user, filters={"status": status})
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    _decorate(page.object_list, user)
    summary = selectors.pipeline_summary(actor=user)
    return render(request, "deals/portal_list.html", {
        "page": page, "status": status, "tabs": PORTAL_TABS, "summary": summary,
        "chart": [(r["label"], r["count"]) for r in summary["by_status"] if r["count"]],
        "currency": ProgramSettings.current().default_currency,
        "can_register": has_perm(user, "partner.deals.register"), "nav": "deals",
    })


@partner_required
def portal_new(request):
    user = request.user
    can_register = has_perm(user, "partner.deals.register")
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_register:
            raise PermissionDenied("Your role cannot register deals; ask your partner admin or a sales colleague.")
        if form.is_valid():
            try:
                deal = services.deal_register(actor=user, data=form.service_data(), source=DealSource.PORTAL)
            except FORBIDDEN:
                raise
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"Registration submitted for {deal.customer_name}.")
                return redirect("deals:portal_detail", public_id=deal.public_id)
    return render(request, "deals/portal_new.html", {"form": form, "can_register": can_register, "nav": "deals"},
                  status=400 if form.errors else 200)


@partner_required
def portal_import(request):
    user = request.user
    can_register = has_perm(user, "partner.deals.register")
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    problems, imported = [], None
    if request.method == "POST":
        if not can_register:
            raise PermissionDenied("Your role cannot register deals; ask your partner admin or a sales colleague.")
        if form.is_valid():
            try:
                imported = services.deals_import(actor=user, file=form.cleaned_data["file"])
            except services.ImportRejected as exc:
                problems = exc.problems
            except FORBIDDEN:
                raise
            except DomainError as exc:
                form_error(form, exc)
    counts = None
    if imported is not None:
        counts = {label: sum(1 for d in imported if d.status == value) for value, label in DealStatus.choices}
        counts = {k: v for k, v in counts.items() if v}
        _decorate(imported, user)
    failed = bool(problems or form.errors)
    return render(request, "deals/portal_import.html", {
        "form": form, "problems": problems, "imported": imported, "counts": counts, "can_register": can_register,
        "columns": list(COLUMNS), "nav": "deals",
    }, status=400 if failed else 200)


@partner_required
def portal_import_template(request):
    """An example file with every column the import understands (docs/user-guide.md explains them)."""
    close = (timezone.localdate() + timedelta(days=60)).isoformat()
    example = {"customer_name": "Northwind Traders", "website": "northwind.example", "country": "US", "contact_name": "Dana Reyes",
               "contact_email": "dana@northwind.example", "contact_phone": "", "contact_title": "IT director", "products": "",
               "amount": "48000", "currency": ProgramSettings.current().default_currency, "expected_close_date": close,
               "deal_type": "new_logo", "notes": "Evaluating three vendors"}
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    writer.writerow([example.get(c, "") for c in COLUMNS])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="deal-registrations-template.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class WithdrawForm(forms.Form):
    pass


PORTAL_FORMS = {"update": UpdateForm, "won": WonForm, "lost": LostForm, "withdraw": WithdrawForm, "extension": ExtensionForm,
                "note": NoteForm, "file": FileForm}


def _portal_action(user, deal, action: str, data: dict) -> str:
    if action == "update":
        services.deal_update(actor=user, deal=deal, data={"stage": data["stage"], "amount": data["amount"],
                                                          "expected_close_date": data["expected_close_date"]})
        return "Registration updated."
    if action == "won":
        deal = services.deal_close(actor=user, deal=deal, won=True, amount=data["amount"] or None)
        return f"Closed won: {deal.won_amount:,} {deal.currency}. Congratulations!"
    if action == "lost":
        services.deal_close(actor=user, deal=deal, won=False, lost_reason=data["lost_reason"])
        return "Closed lost."
    if action == "withdraw":
        services.deal_withdraw(actor=user, deal=deal)
        return "Registration withdrawn; the customer is free for others to register."
    if action == "extension":
        ext = services.extension_request(actor=user, deal=deal, days=data["days"], reason=data["reason"])
        return f"Extension of {ext.days} days requested; your channel manager decides."
    return _room_action(user, deal, action, data)


@partner_required
def portal_detail(request, public_id):
    user = request.user
    deal = selectors.deal_get(actor=user, public_id=public_id)
    rules = EngagementRules.current()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in PORTAL_FORMS:
        return redirect("deals:portal_detail", public_id=deal.public_id)
    initial = {"update": {"stage": deal.stage, "amount": deal.amount, "expected_close_date": deal.expected_close_date},
               "extension": {"days": rules.extension_days}}
    forms_ = {name: _bound(request, action, name, cls, initial=initial.get(name)) for name, cls in PORTAL_FORMS.items()}
    if action and (response := _handle_action(request, deal, action, forms_[action], _portal_action, "deals:portal_detail")):
        return response
    extensions = selectors.extension_list(actor=user, deal=deal)
    can_work = services.can_work(user, deal)
    pending_extension = any(e.status == ExtensionStatus.PENDING for e in extensions)
    _decorate([deal], user)
    return render(request, "deals/portal_detail.html", {
        "deal": deal, "forms": forms_, "failed": action if action and forms_[action].errors else "",
        "participants": selectors.participant_list(actor=user, deal=deal), "extensions": extensions,
        "can_work": can_work, "is_open": deal.status in (DealStatus.PENDING, DealStatus.APPROVED),
        "can_extend": (can_work and deal.status == DealStatus.APPROVED and not pending_extension
                       and deal.extensions < rules.max_extensions),
        "rules": rules, "file_url": "deals:portal_file", **_room_context(user, deal, forms_), "nav": "deals",
    }, status=400 if action else 200)


@partner_required
def portal_file(request, public_id, file_id):
    deal = selectors.deal_get(actor=request.user, public_id=public_id)
    return _file_response(selectors.file_get(actor=request.user, deal=deal, public_id=file_id))


# --- console -----------------------------------------------------------------------------------------------------


QUEUE_FILTERS = ("q", "status", "partner", "deal_type", "expiring_days", "mine", "escalated")


@vendor_required
def console_queue(request):
    user = request.user
    can_review = has_perm(user, "deals.review")
    if request.method == "POST":
        return _bulk_decide(request)
    params = request.GET
    if not params:  # first visit: what waits for a decision, for a CAM only their own partners
        params = QueryDict(mutable=True)
        params["status"] = DealStatus.PENDING
        if user.role == "cam":
            params["mine"] = "on"
    partners = partner_selectors.partner_list(actor=user).filter(deal_registrations__isnull=False).distinct()
    form = QueueFilterForm(params, partners=partners)
    filters, extensions_only = {}, False
    if form.is_valid():
        filters = {k: form.cleaned_data[k] for k in QUEUE_FILTERS if form.cleaned_data.get(k)}
        extensions_only = form.cleaned_data["extensions"]
    qs = selectors.deal_list(actor=user, filters=filters)
    if extensions_only:
        qs = qs.filter(extension_requests__status=ExtensionStatus.PENDING).distinct()
    if filters.get("status") == DealStatus.PENDING:
        qs = qs.order_by("sla_due_at", "submitted_at", "id")  # the most urgent first
    qs = qs.prefetch_related(Prefetch("conflicts", queryset=DealConflict.objects.order_by("-decisive", "-score", "id")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    _decorate(page.object_list)
    query = params.copy()
    query.pop("page", None)
    return render(request, "deals/console_queue.html", {
        "form": form, "page": page, "query": query.urlencode(), "counts": selectors.review_queue_counts(actor=user),
        "can_review": can_review, "can_rules": has_perm(user, "deals.rules"), "next": request.get_full_path(), "nav": "deals",
    })


def _bulk_decide(request):
    user = request.user
    if not has_perm(user, "deals.review"):
        raise PermissionDenied()
    approve = request.POST.get("action") == "bulk_approve"
    deals = list(selectors.deal_list(actor=user).filter(public_id__in=request.POST.getlist("deal")))
    back = request.POST.get("next", "")
    back = back if back.startswith("/console/deals/") else "deals:console_queue"
    if done := [d.customer_name for d in deals if d.status != DealStatus.PENDING]:
        messages.error(request, f"Nothing was changed: no longer in review: {', '.join(done)}.")
        return redirect(back)
    try:
        n = services.deals_bulk_decide(actor=user, deals=deals, approve=approve, reason=request.POST.get("reason", ""))
    except FORBIDDEN:
        raise
    except DomainError as exc:
        messages.error(request, f"Nothing was changed: {exc.message}")
    else:
        messages.success(request, f"{'Approved' if approve else 'Declined'} {n} registration{'s' if n != 1 else ''}.")
    return redirect(back)


CONSOLE_FORMS = {"approve": ApproveForm, "decline": DeclineForm, "note": NoteForm, "file": FileForm}


def _candidate(conflict, deal) -> dict:
    """One piece of evidence as rows of facts, each marked when it equals the new registration's."""
    rows, link, partner = [], None, None

    def fact(label, value, same=False):
        rows.append({"label": label, "value": value if value not in (None, "") else "—", "same": bool(same and value)})

    if other := conflict.other_deal:
        partner, link = other.partner, other.public_id
        fact("Customer", other.customer_name, other.customer_name_normalized == deal.customer_name_normalized)
        fact("Domain", other.domain, other.domain == deal.domain)
        fact("Country", other.country, other.country == deal.country)
        fact("Contact", " ".join(filter(None, [other.contact_name, other.contact_email and f"<{other.contact_email}>"])),
             other.contact_email and other.contact_email.lower() == deal.contact_email.lower())
        fact("Status", other.get_status_display())
        fact("Submitted", timezone.localtime(other.submitted_at).strftime("%Y-%m-%d %H:%M"))
        fact("Protected until", other.protection_expires_at and other.protection_expires_at.strftime("%Y-%m-%d"))
        fact("Amount", f"{other.amount:,} {other.currency}")
    elif opp := conflict.opportunity:
        acct = opp.account
        fact("Opportunity", opp.name)
        fact("Account", acct.name, acct.name_normalized == deal.customer_name_normalized)
        fact("Domain", acct.domain, acct.domain == deal.domain)
        fact("Country", acct.country, acct.country == deal.country)
        fact("Amount", f"{opp.amount:,} {opp.currency}")
        fact("Stage", opp.stage)
        fact("Close date", opp.close_date and opp.close_date.isoformat())
        fact("Owner", opp.owner_name)
    elif acct := conflict.account:
        partner = acct.incumbent_partner
        fact("Account", acct.name, acct.name_normalized == deal.customer_name_normalized)
        fact("Domain", acct.domain, acct.domain == deal.domain)
        fact("Country", acct.country, acct.country == deal.country)
        fact("Named direct account", "Yes" if acct.is_named_direct else "No")
        fact("Customer since", acct.customer_since and acct.customer_since.isoformat())
        fact("Partner of record", acct.incumbent_partner.name if acct.incumbent_partner else "")
        fact("Owner", acct.owner_name)
    return {"conflict": conflict, "rows": rows, "deal_link": link, "partner": partner}


def _participant_rows(request) -> list[dict]:
    try:
        count = min(int(request.POST.get("rows", 0)), 50)
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        rows.append({"partner": request.POST.get(f"p-{i}-partner", "").strip(), "role": request.POST.get(f"p-{i}-role", ""),
                     "split": request.POST.get(f"p-{i}-split", "").strip(), "remove": bool(request.POST.get(f"p-{i}-remove"))})
    return rows


def _participants_save(user, deal, rows: list[dict]) -> None:
    choices = partner_selectors.partner_list(actor=user)
    items, numbers = [], []
    for n, row in enumerate(rows, start=1):
        if row["remove"] or not row["partner"]:
            continue
        found = re.search(r"\b(ptn_[0-9a-z]+)\)?\s*$", row["partner"])
        partner = (choices.filter(public_id=found.group(1)).first() if found else
                   choices.filter(name__iexact=row["partner"]).first())
        if partner is None:
            raise DomainError(f"Row {n}: “{row['partner']}” is not a partner; pick one from the list.", field="participants")
        items.append({"partner": partner, "role": row["role"], "split_pct": row["split"]})
        numbers.append(n)
    try:
        services.participants_set(actor=user, deal=deal, participants=items)
    except FORBIDDEN:
        raise
    except DomainError as exc:
        row = re.match(r"participants\[(\d+)\]", exc.field or "")
        if row and int(row.group(1)) < len(numbers):
            raise DomainError(f"Row {numbers[int(row.group(1))]}: {exc.message}", field="participants")
        raise


def _console_action(user, deal, action: str, data: dict) -> str:
    if action == "approve":
        services.deal_approve(actor=user, deal=deal, reason=data["reason"])
        return f"Approved {deal.customer_name} for {deal.partner.name}."
    if action == "decline":
        services.deal_decline(actor=user, deal=deal, reason=data["reason"])
        return f"Declined {deal.customer_name}."
    return _room_action(user, deal, action, data)


@vendor_required
def console_detail(request, public_id):
    user = request.user
    deal = selectors.deal_get(actor=user, public_id=public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    participant_error, participant_rows = "", None
    forms_ = {name: _bound(request, action, name, cls) for name, cls in CONSOLE_FORMS.items()}
    if action in ("extension_approve", "extension_decline"):
        ext = selectors.extension_get(actor=user, deal=deal, public_id=request.POST.get("request", ""))
        try:
            services.extension_decide(actor=user, request=ext, approve=action == "extension_approve")
        except FORBIDDEN:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Extension of {ext.days} days {'approved' if action == 'extension_approve' else 'declined'}.")
        return redirect("deals:console_detail", public_id=deal.public_id)
    if action == "participants":
        participant_rows = _participant_rows(request)
        try:
            _participants_save(user, deal, participant_rows)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            participant_error = exc.message
        else:
            messages.success(request, "Partners on the deal saved.")
            return redirect("deals:console_detail", public_id=deal.public_id)
    elif action in CONSOLE_FORMS:
        if response := _handle_action(request, deal, action, forms_[action], _console_action, "deals:console_detail"):
            return response
    elif action:
        return redirect("deals:console_detail", public_id=deal.public_id)

    participants = selectors.participant_list(actor=user, deal=deal)
    if participant_rows is None:
        participant_rows = [{"partner": f"{p.partner.name} ({p.partner.public_id})", "role": p.role,
                             "split": f"{p.split_pct.normalize():f}",
                             "remove": False} for p in participants]
    participant_rows = participant_rows + [{"partner": "", "role": ParticipantRole.INFLUENCING, "split": "", "remove": False}] * 2
    can_review = has_perm(user, "deals.review")
    audit = partner_selectors.audit_list(actor=user).filter(object_id=deal.public_id)[:100]
    _decorate([deal])
    return render(request, "deals/console_detail.html", {
        "deal": deal, "forms": forms_, "candidates": [_candidate(c, deal) for c in selectors.conflict_list(actor=user, deal=deal)],
        "participants": participants, "participant_rows": participant_rows, "participant_error": participant_error,
        "roles": ParticipantRole.choices,
        "partner_choices": (partner_selectors.partner_list(actor=user).filter(status__in=[PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING])
                            if can_review else []),
        "extensions": selectors.extension_list(actor=user, deal=deal), "audit": audit, "can_review": can_review,
        "file_url": "deals:console_file", **_room_context(user, deal, forms_), "nav": "deals",
    }, status=400 if action else 200)


@vendor_required
def console_file(request, public_id, file_id):
    deal = selectors.deal_get(actor=request.user, public_id=public_id)
    return _file_response(selectors.file_get(actor=request.user, deal=deal, public_id=file_id))


@vendor_perm_required("deals.rules")
def rules(request):
    form = RulesForm(request.POST if request.method == "POST" else None, initial=RulesForm.initial_for(EngagementRules.current()))
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_update(actor=request.user, data=form.cleaned_data)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Rules of engagement saved; they apply to registrations from now on.")
            return redirect("deals:rules")
    return render(request, "deals/rules.html", {"form": form, "nav": "deals"}, status=400 if form.errors else 200)


@vendor_perm_required("deals.rules")
def products(request):
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = ProductForm(request.POST if action == "add" else None)
    if action == "add" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, **form.cleaned_data)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{product.name} added.")
            return redirect("deals:products")
    elif action in ("activate", "deactivate"):
        product = get_object_or_404(Product, code=request.POST.get("code", ""))
        services.product_update(actor=request.user, product=product, data={"active": action == "activate"})
        messages.success(request, f"{product.name} {'reactivated' if action == 'activate' else 'deactivated'}.")
        return redirect("deals:products")
    return render(request, "deals/products.html", {"form": form, "products": Product.objects.all(), "nav": "deals"},
                  status=400 if form.errors else 200)
