from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render

from allied.accounts.services import invitation_create
from allied.core.errors import DomainError
from allied.core.http import form_error, partner_required, vendor_perm_required, vendor_required
from allied.program.models import ProgramSettings

from . import selectors, services
from .forms import LocatorForm, PartnerCreateForm, PartnerFilterForm, ProfileForm

PAGE_SIZES = (25, 50, 100)


def _filters(form) -> dict:
    if not form.is_valid():
        return {}
    out = {}
    for k, v in form.cleaned_data.items():
        if v:
            out[k] = getattr(v, "code", None) or getattr(v, "name", None) if hasattr(v, "pk") else v
    return out


def _query(request) -> str:
    """The current filters as a query string, for pager links (without the page number)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@vendor_required
def console_list(request):
    form = PartnerFilterForm(request.GET or None)
    qs = selectors.partner_list(actor=request.user, filters=_filters(form))
    try:
        size = int(request.GET.get("size", 25))
    except ValueError:
        size = 25
    size = size if size in PAGE_SIZES else 25
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    ctx = {"form": form, "page": page, "size": size, "sizes": PAGE_SIZES, "query": _query(request), "nav": "partners"}
    template = "partners/partials/partner_rows.html" if request.htmx else "partners/console_list.html"
    return render(request, template, ctx)


@vendor_perm_required("partners.manage")
def console_create(request):
    form = PartnerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                partner = services.partner_create(actor=request.user, name=data["name"], partner_type=data["partner_type"],
                                                  country=data["country"], region=data["region"], website=data["website"],
                                                  cam=data["cam"])
                if data["admin_email"]:
                    invitation_create(actor=request.user, email=data["admin_email"], role="partner_admin", partner=partner)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{partner.name} was created.")
            return redirect("web:partner_detail", public_id=partner.public_id)
    return render(request, "partners/console_create.html", {"form": form, "nav": "partners"})


@vendor_required
def console_locator(request):
    form = LocatorForm(request.GET or None)
    rows = selectors.locator_search(filters=_filters(form), public=False)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "partners/locator.html", {"form": form, "page": page, "public": False, "query": _query(request),
                                                     "nav": "locator"})


def public_locator(request):
    if not ProgramSettings.current().public_locator_enabled:
        raise Http404("The public partner locator is not enabled.")
    form = LocatorForm(request.GET or None)
    rows = selectors.locator_search(filters=_filters(form), public=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "partners/locator.html", {"form": form, "page": page, "public": True, "query": _query(request)})


@partner_required
def portal_profile(request):
    partner = selectors.partner_get(actor=request.user, public_id=request.user.partner.public_id)
    can_edit = request.user.role in ("partner_admin", "partner_marketing")
    form = ProfileForm.for_partner(partner, request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_edit:
            messages.error(request, "Only your partner admin or marketer can edit the profile.")
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "logo"}
            try:
                with transaction.atomic():
                    services.partner_update(actor=request.user, partner=partner, data=data)
                    if form.cleaned_data.get("logo"):
                        services.partner_logo_set(actor=request.user, partner=partner, upload=form.cleaned_data["logo"])
            except DomainError as exc:
                form_error(form, exc)
                partner.refresh_from_db()
            else:
                messages.success(request, "Profile saved.")
                return redirect("partners:portal_profile")
    return render(request, "partners/portal_profile.html", {"form": form, "partner": partner, "can_edit": can_edit, "nav": "profile"})


@partner_required
def portal_subpartners(request):
    rows = selectors.partner_list(actor=request.user).exclude(pk=request.user.partner_id)
    return render(request, "partners/portal_subpartners.html", {"rows": rows, "nav": "subpartners"})
