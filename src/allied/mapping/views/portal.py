"""Portal co-selling pages (partner admins change, partner sales reps read): opt in and sharing, my account list and
populations, the overlap with the vendor and its drill-down, co-sell opportunities, discovery and introductions,
private mapping.

A partner user only ever works on its own partner's side: populations, accounts and matches of another partner
answer like missing ones (404).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from allied.core.errors import DomainError
from allied.core.permissions import has_perm
from allied.deals import selectors as deal_selectors
from allied.partners import selectors as partner_selectors

from .. import selectors, services
from ..forms import FIELD_LABELS, LEVEL_HELP, DiscoverForm, IntroduceForm
from ..models import SHARE_ORDER, ShareLevel
from .common import (
    FORBIDDEN,
    accounts_page,
    drill_rows,
    matrix_table,
    overlap_csv,
    polling,
    population_pick,
    portal_page,
    query_without_page,
    sharing_forms,
    sharing_post,
)
from .console import opportunity_rows, shared_list_page


def _ctx(tab: str, **kw) -> dict:
    return {"side": "portal", "nav": "cosell", "tab": tab, **kw}


def _can_manage(user) -> bool:
    return has_perm(user, "partner.mapping.manage")


def _view(user):
    return selectors.partnership_get(user=user, public_id=user.partner.public_id)


@portal_page
def overview(request):
    user = request.user
    view = _view(user)
    partner = view.partner
    action = request.POST.get("action", "") if request.method == "POST" else ""
    pop_id = request.POST.get("population", "") if action == "sharing" else ""
    sharing = sharing_forms(request, view, pop_id)
    if action:
        done = None
        try:
            if action == "opt_in":
                row = services.opt_in(actor=user, partner=partner)
                done = ("Opted in. Both sides are in: mapping starts now." if row.active
                        else "Opted in. Nothing is shared until the vendor opts in too.")
            elif action == "opt_out":
                services.opt_out(actor=user, partner=partner)
                done = "Opted out: nothing is shared with the vendor any more."
            elif action == "sharing":
                done = sharing_post(request, user=user, partner=partner, sharing=sharing, pop_id=pop_id, other="the vendor")
            elif action == "discoverable":
                value = request.POST.get("value") == "1"
                services.discoverable_set(actor=user, partner=partner, value=value)
                done = ("Other partners may now find you by account overlap." if value
                        else "Other partners no longer find you by account overlap.")
            elif action == "run":
                run = services.mapping_run_request(actor=user, partner=partner, incremental=True)
                done = f"Mapping run {run.public_id} queued; this page shows its progress."
        except FORBIDDEN:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        if done:
            messages.success(request, done)
            return redirect("mapping:portal_overview")
        if action != "sharing":
            return redirect("mapping:portal_overview")
    table = matrix_table(selectors.overlap_matrix(user=user, partner=partner), side="partner", partner=partner)
    return render(request, "mapping/portal_overview.html", _ctx(
        "overview", partner=partner, view=view, table=table, sharing=sharing, level_help=LEVEL_HELP, can_manage=_can_manage(user),
        run=view.last_run, polling=polling(view.last_run), progress_url="/portal/cosell/progress/"), status=400 if action else 200)


@portal_page
def run_progress(request):
    run = _view(request.user).last_run
    response = render(request, "mapping/partials/run_progress.html", {"run": run, "polling": polling(run), "progress_url": request.path})
    if request.headers.get("HX-Request") and not polling(run):
        response["HX-Refresh"] = "true"
    return response


@portal_page
def accounts(request):
    return accounts_page(request, partner=request.user.partner, list_label="Your account list", template_ctx=_ctx,
                         redirect_to="mapping:portal_accounts")


def _drill(user, vendor_pop, partner_pop):
    view = _view(user)
    vpop = population_pick(view.vendor_populations, vendor_pop)
    ppop = population_pick(view.partner_populations, partner_pop)
    records = selectors.overlap_records(user=user, partner=view.partner, vendor_population=vpop, partner_population=ppop)
    return view, vpop, ppop, records


@portal_page
def overlap(request, vendor_pop, partner_pop):
    view, vpop, ppop, records = _drill(request.user, vendor_pop, partner_pop)
    page = Paginator(drill_rows(records), 50).get_page(request.GET.get("page"))
    return render(request, "mapping/overlap.html", _ctx(
        "overview", partner=view.partner, active=view.active, own_pop=ppop, other_pop=vpop, records=records, page=page,
        field_labels=[FIELD_LABELS.get(f, f) for f in records.fields], other_name="the vendor", own_label="Your account",
        back_url="/portal/cosell/", export_url=request.path + "export/", query=""))


@portal_page
def overlap_export(request, vendor_pop, partner_pop):
    view, vpop, ppop, records = _drill(request.user, vendor_pop, partner_pop)
    return overlap_csv(records, own_label="Ours", other_label="Vendor", filename=f"overlap-{ppop.public_id}-{vpop.public_id}.csv")


@portal_page
def shared_list(request, population):
    """A population listed whole: one of mine (every account in it), or the vendor's when it shares it as a full list."""
    user = request.user
    view = _view(user)
    pop = population_pick(view.vendor_populations + view.partner_populations, population)
    if pop.partner_id is not None:
        page = Paginator(selectors.account_list(user=user, population=pop), 50).get_page(request.GET.get("page"))
        return render(request, "mapping/own_population.html", _ctx("accounts", population=pop, page=page, query=""))
    return shared_list_page(request, user=user, view=view, population=pop, ctx=_ctx, other_name="the vendor",
                            back_url="/portal/cosell/")


@portal_page
def opportunities(request):
    user = request.user
    q = (request.GET.get("q") or "").strip()
    rows = opportunity_rows(selectors.cosell_opportunities(user=user), q)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "mapping/opportunities.html", _ctx(
        "opportunities", form=None, q=q, page=page, query=query_without_page(request), can_act=False))


@portal_page
def discover(request):
    user = request.user
    can_introduce = _can_manage(user)
    deals = list(deal_selectors.deal_list(actor=user, filters={"status": "approved"})[:200])
    if request.method == "POST":
        intro = IntroduceForm(request.POST, prefix="intro")
        if intro.is_valid():
            d = intro.cleaned_data
            try:
                # any active partner: whether this one may be asked (listed or discoverable) is the service's to say
                to_partner = partner_selectors.locator_search(public=False).filter(public_id=d["to_partner"]).first()
                if to_partner is None:
                    raise DomainError("Partner: no such id.", field="to_partner")
                deal = deal_selectors.deal_get(actor=user, public_id=d["deal"]) if d["deal"] else None
                row = services.introduction_create(actor=user, to_partner=to_partner, deal=deal, account_name=d["account_name"],
                                                   message=d["message"])
            except FORBIDDEN:
                raise
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Introduction sent to {row.to_partner.name}; they and your channel manager are told by email.")
                return redirect("mapping:portal_discover")
        else:
            messages.error(request, "Choose the partner to meet.")
        return redirect(request.get_full_path())
    form = DiscoverForm(request.GET or None, deals=deals)
    candidates = []
    if form.asked():
        d = form.cleaned_data
        deal = next((x for x in deals if x.public_id == d["deal"]), None)
        try:
            candidates = selectors.discover_partners(user=user, deal=deal, account_name=d["account_name"], specialty=d["specialty"],
                                                     region=d["region"], certification=d["certification"])
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "mapping/discover.html", _ctx(
        "discover", form=form, candidates=candidates, asked=form.asked(), can_introduce=can_introduce,
        introductions=selectors.introduction_list(user=user)[:50]))


@portal_page
def private(request):
    user = request.user
    view = _view(user)
    sessions = list(selectors.private_mapping_list(user=user, partner=view.partner)[:50])
    labels = dict(ShareLevel.choices)
    private_populations = [
        {"public_id": p.public_id, "name": p.name, "level": view.levels[p.pk], "level_label": labels[view.levels[p.pk]]}
        for p in view.vendor_populations
        if view.active and SHARE_ORDER[view.levels[p.pk]] >= SHARE_ORDER[ShareLevel.COUNTS]]
    return render(request, "mapping/portal_private.html", _ctx(
        "private", partner=view.partner, sessions=sessions, vendor_populations=view.vendor_populations,
        private_populations=private_populations))
