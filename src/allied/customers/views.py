"""Console pages of the account master: list, create, one account, CSV import. Vendor users only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from allied.core.errors import DomainError, PermissionDenied
from allied.core.http import form_error, vendor_perm_required
from allied.core.permissions import has_perm

from . import selectors, services
from .forms import AccountFilterForm, AccountForm, ImportForm, OpportunityForm
from .imports import ImportRejected

PAGE_SIZES = (25, 50, 100)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _account_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["segment"] = data.get("segment") or ""
    return data


@vendor_perm_required("accounts.view")
def console_list(request):
    form = AccountFilterForm(request.GET or None)
    qs = selectors.account_list(actor=request.user, filters=form.filters())
    try:
        size = int(request.GET.get("size", 25))
    except ValueError:
        size = 25
    size = size if size in PAGE_SIZES else 25
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    ctx = {"form": form, "page": page, "size": size, "sizes": PAGE_SIZES, "query": _query(request),
           "can_manage": has_perm(request.user, "accounts.manage"), "nav": "accounts"}
    template = "customers/partials/account_rows.html" if request.htmx else "customers/console_list.html"
    return render(request, template, ctx)


@vendor_perm_required("accounts.manage")
def console_create(request):
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(actor=request.user, data=_account_data(form))
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{account.name} was added to the account master.")
            return redirect("customers:console_detail", public_id=account.public_id)
    return render(request, "customers/console_create.html", {"form": form, "nav": "accounts"},
                  status=400 if form.errors else 200)


@vendor_perm_required("accounts.view")
def console_detail(request, public_id):
    user = request.user
    account = selectors.account_get(actor=user, public_id=public_id)
    action = request.POST.get("action") if request.method == "POST" else None
    form = AccountForm.for_account(account, request.POST if action == "update" else None)
    opp_form = OpportunityForm(request.POST if action == "add_opportunity" else None, initial={"currency": "USD"})
    if action:
        try:
            if action == "update" and form.is_valid():
                services.account_update(actor=user, account=account, data=_account_data(form))
                messages.success(request, "Account saved.")
                return redirect("customers:console_detail", public_id=public_id)
            if action == "add_opportunity" and opp_form.is_valid():
                data = {k: v for k, v in opp_form.cleaned_data.items() if k != "status" or v}
                opp = services.opportunity_create(actor=user, data={**data, "account": account})
                messages.success(request, f"Opportunity {opp.name} added.")
                return redirect("customers:console_detail", public_id=public_id)
            if action == "delete_opportunity":
                opp = selectors.opportunity_list(actor=user, account=account).filter(public_id=request.POST.get("opportunity")).first()
                if opp is None:
                    raise DomainError("That opportunity is not on this account.")
                services.opportunity_delete(actor=user, opportunity=opp)
                messages.success(request, f"Opportunity {opp.name} deleted.")
                return redirect("customers:console_detail", public_id=public_id)
            if action == "delete":
                services.account_delete(actor=user, account=account)
                messages.success(request, f"{account.name} was deleted.")
                return redirect("customers:console_list")
        except PermissionDenied:
            raise  # the page guard answers 403
        except DomainError as exc:
            if action == "update":
                form_error(form, exc)
                account.refresh_from_db()
            elif action == "add_opportunity":
                form_error(opp_form, exc)
            else:
                messages.error(request, exc.message)
    return render(request, "customers/console_detail.html", {
        "account": account, "form": form, "opp_form": opp_form,
        "opportunities": selectors.opportunity_list(actor=user, account=account),
        "can_manage": has_perm(user, "accounts.manage"), "nav": "accounts",
    }, status=400 if (form.errors or opp_form.errors) else 200)


@vendor_perm_required("accounts.manage")
def console_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    rejected = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = services.accounts_import if data["kind"] == "accounts" else services.opportunities_import
        try:
            result = service(actor=request.user, file=data["file"], fmt=data["format"], date_order=data["date_order"])
        except ImportRejected as exc:
            rejected = exc
        except DomainError as exc:
            form_error(form, exc)
        else:
            what = "accounts" if result.kind == "accounts" else "direct opportunities"
            source = {"salesforce": "a Salesforce export", "hubspot": "a HubSpot export"}.get(result.format, "an Allied CSV")
            messages.success(request, f"Imported {result.rows} {what} from {source}: {result.created} created, "
                                      f"{result.updated} updated, {result.unchanged} unchanged.")
            return redirect("customers:console_list")
    return render(request, "customers/console_import.html", {"form": form, "rejected": rejected, "nav": "accounts"},
                  status=400 if (rejected or form.errors) else 200)
