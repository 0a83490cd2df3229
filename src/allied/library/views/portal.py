"""Portal library pages (every partner user): search and browse, an asset with its download or video link."""

from datetime import timedelta

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from allied.core.http import partner_required

from .. import selectors, services
from ..downloads import version_response
from ..forms import LibraryFilterForm
from ..models import AssetEvent, EventKind
from .common import decorate

# Reloading an asset page is not a new view: one per user and asset in this window.
VIEW_WINDOW = timedelta(minutes=30)


def _ctx(**kw) -> dict:
    return {"side": "portal", "nav": "library", **kw}


@partner_required
def portal_list(request):
    user = request.user
    form = LibraryFilterForm(request.GET or None, tags=selectors.tag_list(actor=user))
    filters = form.cleaned_data if form.is_valid() else {}
    assets = decorate(list(selectors.asset_list(actor=user, q=filters.get("q", ""), kind=filters.get("kind", ""),
                                                tag=filters.get("tag", ""))[:120]))
    filtered = any(filters.get(k) for k in ("q", "kind", "tag"))
    return render(request, "library/portal_list.html", _ctx(form=form, assets=assets, filtered=filtered))


@partner_required
def portal_asset(request, public_id):
    user = request.user
    asset = selectors.asset_get(actor=user, public_id=public_id)
    recent = AssetEvent.objects.filter(asset=asset, user=user, kind=EventKind.VIEW, at__gte=timezone.now() - VIEW_WINDOW).exists()
    if not recent:
        services.event_record(actor=user, asset=asset, kind=EventKind.VIEW)
    decorate([asset])
    return render(request, "library/portal_asset.html", _ctx(asset=asset, version=asset.current_version,
                                                              tags=[t.name for t in asset.tags.all()]))


@partner_required
def portal_download(request, public_id):
    user = request.user
    asset = selectors.asset_get(actor=user, public_id=public_id)
    version = selectors.version_get(actor=user, asset=asset)
    if not version.file:
        raise Http404("Page not found")
    services.event_record(actor=user, asset=asset, version=version, kind=EventKind.DOWNLOAD)
    return version_response(version)


@require_POST
@partner_required
def portal_watch(request, public_id):
    """Open a video version (recorded as a view); anything else goes back to the asset page."""
    user = request.user
    asset = selectors.asset_get(actor=user, public_id=public_id)
    version = selectors.version_get(actor=user, asset=asset)
    if not version.is_video:
        return redirect("library:portal_asset", public_id=asset.public_id)
    services.event_record(actor=user, asset=asset, version=version, kind=EventKind.VIEW)
    return HttpResponseRedirect(version.video_url)
