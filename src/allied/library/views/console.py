"""Console library pages: the catalogue with engagement, creating and editing assets, versions, publishing and
retiring, engagement by partner and its CSV export. Every vendor role reads; ``library.manage`` acts."""

import csv
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from allied.core.errors import DomainError
from allied.core.http import form_error, vendor_perm_required, vendor_required
from allied.core.inputs import escape_cell
from allied.core.permissions import has_perm

from .. import selectors, services
from ..downloads import version_response
from ..forms import AssetForm, ConsoleFilterForm, NewAssetForm, VersionForm
from ..models import AssetStatus
from .common import FORBIDDEN, decorate


def _ctx(**kw) -> dict:
    return {"side": "console", "nav": "library", **kw}


def _query(request) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


@vendor_required
def console_list(request):
    user = request.user
    form = ConsoleFilterForm(request.GET or None, tags=selectors.tag_list(actor=user))
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.asset_list(actor=user, q=f.get("q", ""), kind=f.get("kind", ""), tag=f.get("tag", ""), status=f.get("status", ""))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    since = timezone.now() - timedelta(days=90)
    stats = selectors.engagement_by_asset(actor=user, since=since)
    for a in decorate(page.object_list):
        a.stats = stats.get(a.pk, {})
    return render(request, "library/console_list.html", _ctx(
        form=form, page=page, query=_query(request), totals=selectors.engagement_totals(actor=user, days=90),
        top_partners=selectors.engagement_by_partner(actor=user, since=since, limit=10),
        can_manage=has_perm(user, "library.manage")))


@vendor_perm_required("library.manage")
def console_new(request):
    user = request.user
    form = NewAssetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                asset = services.asset_create(actor=user, data=form.service_data())
                if d["file"] or d["video_url"]:
                    services.version_add(actor=user, asset=asset, upload=d["file"], video_url=d["video_url"], notes=d["notes"])
                if d["publish"]:
                    services.asset_publish(actor=user, asset=asset)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Asset published." if d["publish"] else "Draft saved; upload a version and publish it.")
            return redirect("library:console_asset", public_id=asset.public_id)
    return render(request, "library/console_form.html", _ctx(form=form, asset=None), status=400 if form.errors else 200)


@vendor_perm_required("library.manage")
def console_edit(request, public_id):
    user = request.user
    asset = selectors.asset_get(actor=user, public_id=public_id)
    initial = {"title": asset.title, "description": asset.description, "kind": asset.kind, "featured": asset.featured,
               "tags": ", ".join(t.name for t in asset.tags.all()), "partner_types": [t.code for t in asset.partner_types.all()],
               "tiers": [t.name for t in asset.tiers.all()]}
    form = AssetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update(actor=user, asset=asset, data=form.service_data())
        except FORBIDDEN:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Asset saved.")
            return redirect("library:console_asset", public_id=asset.public_id)
    return render(request, "library/console_form.html", _ctx(form=form, asset=asset), status=400 if form.errors else 200)


@vendor_required
def console_asset(request, public_id):
    user = request.user
    asset = selectors.asset_get(actor=user, public_id=public_id)
    version_form = VersionForm()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        try:
            if action == "version":
                version_form = VersionForm(request.POST, request.FILES)
                if version_form.is_valid():
                    d = version_form.cleaned_data
                    row = services.version_add(actor=user, asset=asset, upload=d["file"], video_url=d["video_url"], notes=d["notes"])
                    messages.success(request, f"Version {row.number} uploaded; partners now get it.")
                    return redirect("library:console_asset", public_id=asset.public_id)
            elif action == "publish":
                services.asset_publish(actor=user, asset=asset)
                messages.success(request, "Published: its audience sees it in the portal.")
                return redirect("library:console_asset", public_id=asset.public_id)
            elif action == "retire":
                services.asset_retire(actor=user, asset=asset)
                messages.success(request, "Retired: partners no longer see it.")
                return redirect("library:console_asset", public_id=asset.public_id)
            else:
                messages.error(request, "Unknown action.")
        except FORBIDDEN:
            raise
        except DomainError as exc:
            if action == "version":
                form_error(version_form, exc)
            else:
                messages.error(request, exc.message)
    decorate([asset])
    return render(request, "library/console_asset.html", _ctx(
        asset=asset, versions=selectors.version_list(actor=user, asset=asset), version_form=version_form,
        tags=[t.name for t in asset.tags.all()], partner_types=list(asset.partner_types.all()), tiers=list(asset.tiers.all()),
        engagement=selectors.engagement_by_partner(actor=user, asset=asset),
        can_manage=has_perm(user, "library.manage"), statuses=AssetStatus),
        status=400 if version_form.errors else 200)


@vendor_required
def console_version(request, public_id, version_id):
    user = request.user
    asset = selectors.asset_get(actor=user, public_id=public_id)
    row = selectors.version_get(actor=user, asset=asset, public_id=version_id)
    if not row.file:
        return redirect(row.video_url)
    return version_response(row)


@vendor_required
def console_export(request):
    """Engagement by asset and partner (all time, or one asset with ?asset=), spreadsheet-safe."""
    user = request.user
    asset = selectors.asset_get(actor=user, public_id=request.GET["asset"]) if request.GET.get("asset") else None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="library-engagement{"-" + asset.public_id if asset else ""}.csv"'
    w = csv.writer(response)
    columns = ["asset_id", "asset", "kind", "status", "partner_id", "partner", "views", "downloads", "last_at"]
    w.writerow(columns[:-1] + ["last_activity"])
    for r in selectors.engagement_rows(actor=user, asset=asset):
        r["last_at"] = r["last_at"].isoformat() if r["last_at"] else ""
        w.writerow([escape_cell(r[c]) for c in columns])
    return response
