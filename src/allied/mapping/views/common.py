"""What the console and portal co-selling pages share: page guards, form error mapping, the overlap CSV."""

import csv
import io
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.core.http import partner_required, vendor_required
from allied.core.inputs import escape_cell
from allied.core.permissions import has_perm

from .. import selectors
from ..forms import FIELD_LABELS, AccountSearchForm, PopulationForm, SharingForm, UploadForm
from ..models import AccountStatus
from ..services import (
    ImportRejected,
    accounts_import,
    population_create,
    population_delete,
    population_update,
    sharing_set,
    vendor_list_sync,
)

STATUS_LABELS = dict(AccountStatus.choices)

FORBIDDEN = (PermissionDenied, NotFound)  # let the page guard answer these (403 / 404)


def _perm_page(guard, perm: str):
    """Pages for the roles holding ``perm``; for the other roles of the side they do not exist (404)."""
    def decorator(view):
        @guard
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise Http404("Page not found")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def console_page(view):
    return _perm_page(vendor_required, "mapping.view")(view)


def portal_page(view):
    return _perm_page(partner_required, "partner.mapping.view")(view)


def field_error(request, form, exc) -> None:
    """A service error next to the field it names, else on top of the page."""
    field = (exc.field or "").split("[")[0]
    if field.startswith("filters."):
        field = field[len("filters."):]  # a population filter names its form field
    if form is not None and field in form.fields:
        form.add_error(field, exc.message)
    elif form is not None and not field and form.is_bound:
        form.add_error(None, exc.message)
    else:
        messages.error(request, exc.message)


def bound(request, action: str, name: str, form_class, **kwargs):
    """The form of ``name``, bound to the request only when it is the action being posted."""
    if action == name:
        return form_class(request.POST, request.FILES, prefix=name, **kwargs)
    return form_class(prefix=name, **kwargs)


def query_without_page(request) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


def overlap_csv(records, *, own_label: str, other_label: str, filename: str) -> HttpResponse:
    """The drill-down rows as CSV: the viewer's own record and the other side's shared fields, formulas escaped."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    fields = list(records.fields)
    writer.writerow([f"{own_label} id", f"{own_label} name", f"{own_label} domain", f"{own_label} country", f"{own_label} status",
                     f"{other_label} name", *[f"{other_label} {FIELD_LABELS.get(f, f).lower()}" for f in fields],
                     "Confidence", "Reason"])
    for row in records.rows:
        own, other = row["own"], row["other"]
        writer.writerow([escape_cell(v) for v in (
            own["external_id"] or own["id"], own["name"], own["domain"], own["country"], STATUS_LABELS.get(own["status"], own["status"]),
            other["name"], *[other.get(f, "") if other.get(f) is not None else "" for f in fields], f"{row['score']:.2f}",
            row["reason"])])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def population_pick(populations, public_id: str):
    """One of the populations the viewer may name (from the partnership as the viewer sees it), else NotFound."""
    for p in populations:
        if p.public_id == public_id:
            return p
    raise NotFound("population")


def display_value(field: str, value):
    if value is None or value == "":
        return ""
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field == "opportunity_amount":
        return f"{value:,}"
    if field == "employees":
        return f"{value:,}"
    return value


def drill_rows(records) -> list[dict]:
    """The drill-down rows with the other side's shared values in column order, ready for the table."""
    return [{**row, "own_status": STATUS_LABELS.get(row["own"]["status"], row["own"]["status"]),
             "other_values": [display_value(f, row["other"].get(f)) for f in records.fields]} for row in records.rows]


SHARE_RANK = {"hidden": 0, "counts": 1, "overlaps": 2, "full": 3}
LEVEL_LABELS = {"hidden": "Hidden", "counts": "Counts only", "overlaps": "Overlapping records", "full": "Full list"}


def matrix_table(matrix, *, side: str, partner) -> dict:
    """The overlap matrix as the viewer reads it: their own populations down, the other side's across.

    Each cell: the count (None: hidden from this viewer) and, when the other side shares that population's
    records, the drill-down link.
    """
    own, other = ((matrix.vendor_populations, matrix.partner_populations) if side == "vendor"
                  else (matrix.partner_populations, matrix.vendor_populations))
    base = f"/console/cosell/{partner.public_id}/" if side == "vendor" else "/portal/cosell/"
    columns = [{"population": o, "level": matrix.levels.get(o.pk, "hidden"),
                "level_label": LEVEL_LABELS.get(str(matrix.levels.get(o.pk, "hidden")), "").lower(),
                "size": matrix.sizes.get(o.pk),
                "full_url": (f"{base}populations/{o.public_id}/" if matrix.levels.get(o.pk) == "full" else "")} for o in other]
    rows = []
    for p in own:
        cells = []
        for col in columns:
            o = col["population"]
            vp, pp = (p, o) if side == "vendor" else (o, p)
            count = matrix.cells.get((vp.pk, pp.pk))
            records = count is not None and SHARE_RANK.get(str(col["level"]), 0) >= 2
            url = (f"{base}overlap/{vp.public_id}/{pp.public_id}/" if side == "vendor"
                   else f"{base}populations/{pp.public_id}/overlap/{vp.public_id}/")
            cells.append({"count": count, "url": url if records else "",
                          "label": f"{p.name} × {o.name}"})
        rows.append({"population": p, "size": matrix.sizes.get(p.pk), "cells": cells})
    return {"columns": columns, "rows": rows}


# --- what both sides' pages do the same way -------------------------------------------------------------------------


def polling(run) -> bool:
    return run is not None and run.status in ("queued", "running")


def sharing_forms(request, view, action_pop: str) -> list[dict]:
    """A sharing form per population of the viewer's side, set to what that side shares now."""
    out = []
    for pop in view.own_populations:
        initial = {"level": view.levels.get(pop.pk, "hidden"), "fields": view.fields.get(pop.pk, [])}
        data = request.POST if action_pop == pop.public_id else None
        out.append({"population": pop, "form": SharingForm(data, initial=initial, prefix=pop.public_id)})
    return out


def sharing_post(request, *, user, partner, sharing: list[dict], pop_id: str, other: str) -> str | None:
    entry = next((s for s in sharing if s["population"].public_id == pop_id), None)
    if entry is None:
        raise NotFound("population")
    form = entry["form"]
    if not form.is_valid():
        return None
    try:
        rule = sharing_set(actor=user, partner=partner, population=entry["population"], level=form.cleaned_data["level"],
                           fields=form.cleaned_data["fields"])
    except FORBIDDEN:
        raise
    except DomainError as exc:
        field_error(request, form, exc)
        return None
    return f"{entry['population'].name}: {rule.get_level_display().lower()} shared with {other}."


def import_message(result) -> str:
    source = {"hubspot": "a HubSpot export", "salesforce": "a Salesforce export"}.get(result.format, "a CSV file")
    text = (f"Imported {result.rows} account{'s' if result.rows != 1 else ''} from {source}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged")
    if result.removed:
        text += f", {result.removed} removed"
    return text + (". Mapping runs again for the changed accounts." if result.run else ".")


def population_forms(request, pops, action: str) -> dict[str, PopulationForm]:
    posted = request.POST.get("population", "") if action == "population_update" else ""
    return {p.public_id: PopulationForm.for_population(p, request.POST if posted == p.public_id else None, prefix=p.public_id)
            for p in pops}


def population_change(request, *, user, pops, edit_forms, action: str) -> str | None:
    pop = population_pick(pops, request.POST.get("population", ""))
    if action == "population_delete":
        population_delete(actor=user, population=pop)
        return f"Population {pop.name} deleted."
    form = edit_forms[pop.public_id]
    if not form.is_valid():
        return None
    pop = population_update(actor=user, population=pop, name=form.cleaned_data["name"],
                            filters=form.service_filters() if pop.kind == "custom" else None)
    return f"Population {pop.name} saved."


def accounts_page(request, *, partner, list_label: str, template_ctx, redirect_to: str):
    """The account list page of either side: upload (and, for the vendor, sync), populations, search and paging."""
    user = request.user
    can_manage = has_perm(user, "mapping.manage" if partner is None else "partner.mapping.manage")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    upload = UploadForm(request.POST if action == "upload" else None, request.FILES if action == "upload" else None, prefix="upload")
    new_pop = PopulationForm(request.POST if action == "population_create" else None, prefix="newpop")
    rejected = None
    pops = selectors.population_list(user=user)
    edit_forms = population_forms(request, pops, action)
    if action:
        done = None
        try:
            if action == "sync" and partner is None:
                changed = vendor_list_sync(actor=user)
                done = f"Synced from the account master: {changed} account{'s' if changed != 1 else ''} changed."
            elif action == "upload" and upload.is_valid():
                try:
                    result = accounts_import(actor=user, partner=partner, file=upload.cleaned_data["file"],
                                             replace=request.POST.get("replace") == "1")
                except ImportRejected as exc:
                    rejected = exc
                else:
                    done = import_message(result)
            elif action == "population_create" and new_pop.is_valid():
                pop = population_create(actor=user, partner=partner, name=new_pop.cleaned_data["name"], filters=new_pop.service_filters())
                done = f"Population {pop.name} created."
            elif action in ("population_update", "population_delete"):
                done = population_change(request, user=user, pops=pops, edit_forms=edit_forms, action=action)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            form = {"upload": upload, "population_create": new_pop}.get(action) or edit_forms.get(request.POST.get("population", ""))
            field_error(request, form, exc)
        if done:
            messages.success(request, done)
            return redirect(redirect_to)
    search = AccountSearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    listing = selectors.account_list(user=user, q=filters.get("q", ""), status=filters.get("status", ""))
    page = Paginator(listing, 50).get_page(request.GET.get("page"))
    sizes = selectors.population_sizes(pops)
    rows = [{"population": p, "size": sizes.get(p.pk, 0), "form": edit_forms[p.public_id]} for p in pops]
    return render(request, "mapping/accounts.html", template_ctx(
        "accounts", upload=upload, new_pop=new_pop, rejected=rejected, search=search, page=page, query=query_without_page(request),
        populations=rows, can_manage=can_manage, list_label=list_label, is_vendor=partner is None),
        status=400 if action else 200)
