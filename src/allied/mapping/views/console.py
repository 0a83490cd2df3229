"""Console co-selling pages (program admins, CAMs, partner marketing): partnerships and their overlap, the vendor's
account list and populations, co-sell opportunities, partner discovery.

Every read goes through ``selectors`` (which bind the vendor's staff by the partner's sharing exactly as the partner
is bound by ours); every write through ``services`` (which decide who may change what: PermissionDenied renders 403).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render

from allied.core.errors import DomainError, PermissionDenied
from allied.core.permissions import has_perm
from allied.deals import selectors as deal_selectors
from allied.partners import selectors as partner_selectors

from .. import selectors, services
from ..forms import FIELD_LABELS, LEVEL_HELP, CoSellForm, DiscoverForm, IntroduceForm, OpportunityFilterForm
from ..models import AccountMatch, MappedAccount
from .common import (
    FORBIDDEN,
    accounts_page,
    console_page,
    drill_rows,
    matrix_table,
    overlap_csv,
    polling,
    population_pick,
    query_without_page,
    sharing_forms,
    sharing_post,
)

PARTNERSHIP_STATES = [("", "Any state"), ("active", "Mapping on (both in)"), ("waiting_partner", "Waiting for the partner"),
                      ("waiting_vendor", "Waiting for us"), ("off", "Nobody opted in")]


def _ctx(tab: str, **kw) -> dict:
    return {"side": "console", "nav": "cosell", "tab": tab, **kw}


def _can_manage(user) -> bool:
    return has_perm(user, "mapping.manage")


def _count(model, field: str):
    """A correlated count (one subquery per column keeps two counts from multiplying each other)."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


# --- partnerships -----------------------------------------------------------------------------------------------


@console_page
def partnerships(request):
    user = request.user
    q = (request.GET.get("q") or "").strip()
    state = request.GET.get("state", "")
    state = state if state in dict(PARTNERSHIP_STATES) else ""
    qs = selectors.partnership_list(user=user).select_related("partner_type")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(public_id=q))
    vendor_in, partner_in = Q(mapping_partnership__vendor_opted_in_at__isnull=False), Q(mapping_partnership__partner_opted_in_at__isnull=False)
    qs = {"active": qs.filter(vendor_in & partner_in), "waiting_partner": qs.filter(vendor_in & ~partner_in),
          "waiting_vendor": qs.filter(partner_in & ~vendor_in), "off": qs.exclude(vendor_in | partner_in)}.get(state, qs)
    qs = qs.annotate(list_size=_count(MappedAccount, "partner"), matched=_count(AccountMatch, "partner"))
    qs = qs.order_by("-matched", "name", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for p in page.object_list:
        ps = getattr(p, "mapping_partnership", None)
        p.vendor_in = bool(ps and ps.vendor_opted_in_at)
        p.partner_in = bool(ps and ps.partner_opted_in_at)
        p.matched_at = ps.matched_at if ps else None
    return render(request, "mapping/console_partnerships.html", _ctx(
        "partnerships", page=page, q=q, state=state, query=query_without_page(request), states=PARTNERSHIP_STATES))


def _overview(user, public_id: str):
    view = selectors.partnership_get(user=user, public_id=public_id)
    matrix = selectors.overlap_matrix(user=user, partner=view.partner)
    return view, matrix_table(matrix, side="vendor", partner=view.partner)


@console_page
def partnership(request, public_id):
    user = request.user
    view, table = _overview(user, public_id)
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
                        else f"Opted in. Nothing is shared until {partner.name} opts in too.")
            elif action == "opt_out":
                services.opt_out(actor=user, partner=partner)
                done = f"Opted out: nothing is shared with {partner.name} any more."
            elif action == "sharing":
                done = sharing_post(request, user=user, partner=partner, sharing=sharing, pop_id=pop_id, other=partner.name)
            elif action == "run":
                run = services.mapping_run_request(actor=user, partner=partner, incremental=request.POST.get("full") != "1")
                done = f"Mapping run {run.public_id} queued; this page shows its progress."
        except FORBIDDEN:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        if done:
            messages.success(request, done)
            return redirect("mapping:console_partnership", public_id=partner.public_id)
        if action != "sharing":
            return redirect("mapping:console_partnership", public_id=partner.public_id)
    return render(request, "mapping/console_partnership.html", _ctx(
        "partnerships", partner=partner, view=view, table=table, sharing=sharing, level_help=LEVEL_HELP, can_manage=_can_manage(user),
        run=view.last_run, polling=polling(view.last_run),
        private_sessions=list(selectors.private_mapping_list(user=user, partner=partner)[:20]),
        progress_url=f"/console/cosell/{partner.public_id}/progress/"), status=400 if action else 200)


@console_page
def run_progress(request, public_id):
    """The run block, polled by htmx while the worker maps; when the run ends the page reloads to show the new overlap."""
    view = selectors.partnership_get(user=request.user, public_id=public_id)
    run = view.last_run
    response = render(request, "mapping/partials/run_progress.html", {"run": run, "polling": polling(run), "progress_url": request.path})
    if request.headers.get("HX-Request") and not polling(run):
        response["HX-Refresh"] = "true"
    return response


def _drill(user, public_id, vendor_pop, partner_pop):
    view = selectors.partnership_get(user=user, public_id=public_id)
    vpop = population_pick(view.vendor_populations, vendor_pop)
    ppop = population_pick(view.partner_populations, partner_pop)
    records = selectors.overlap_records(user=user, partner=view.partner, vendor_population=vpop, partner_population=ppop)
    return view, vpop, ppop, records


@console_page
def overlap(request, public_id, vendor_pop, partner_pop):
    view, vpop, ppop, records = _drill(request.user, public_id, vendor_pop, partner_pop)
    page = Paginator(drill_rows(records), 50).get_page(request.GET.get("page"))
    return render(request, "mapping/overlap.html", _ctx(
        "partnerships", partner=view.partner, active=view.active, own_pop=vpop, other_pop=ppop, records=records, page=page,
        field_labels=[FIELD_LABELS.get(f, f) for f in records.fields], other_name=view.partner.name, own_label="Our account",
        back_url=f"/console/cosell/{view.partner.public_id}/", export_url=request.path + "export/", query=""))


@console_page
def overlap_export(request, public_id, vendor_pop, partner_pop):
    view, vpop, ppop, records = _drill(request.user, public_id, vendor_pop, partner_pop)
    return overlap_csv(records, own_label="Vendor", other_label="Partner",
                       filename=f"overlap-{view.partner.public_id}-{vpop.public_id}-{ppop.public_id}.csv")


def shared_list_page(request, *, user, view, population, ctx, other_name: str, back_url: str):
    """One of the other side's populations listed whole, when it is shared as a full list; else says it is not."""
    try:
        listing = selectors.shared_population_list(user=user, partner=view.partner, population=population,
                                                   cursor=request.GET.get("cursor") or None, limit=100)
    except PermissionDenied:
        listing = None
    except DomainError:  # a tampered cursor: start again
        return redirect(request.path)
    return render(request, "mapping/shared_list.html", ctx(
        "partnerships" if ctx is _ctx else "overview", partner=view.partner, population=population, listing=listing,
        field_labels=[FIELD_LABELS.get(f, f) for f in (listing.fields if listing else [])],
        rows=[{"name": r["name"], "values": [r.get(f) for f in listing.fields]} for r in listing.rows] if listing else [],
        other_name=other_name, back_url=back_url))


@console_page
def shared_list(request, public_id, population):
    user = request.user
    view = selectors.partnership_get(user=user, public_id=public_id)
    pop = population_pick(view.partner_populations, population)
    return shared_list_page(request, user=user, view=view, population=pop, ctx=_ctx, other_name=view.partner.name,
                            back_url=f"/console/cosell/{view.partner.public_id}/")


# --- the vendor's list ------------------------------------------------------------------------------------------


@console_page
def accounts(request):
    return accounts_page(request, partner=None, list_label="Our account list", template_ctx=_ctx, redirect_to="mapping:console_accounts")


# --- co-sell opportunities --------------------------------------------------------------------------------------


def opportunity_rows(rows, q: str = "") -> list[dict]:
    q = q.casefold()
    out = []
    for r in rows:
        if q and q not in r["own"]["name"].casefold() and q not in r["other"]["name"].casefold() and q not in r["partner"].name.casefold():
            continue
        out.append(r)
    return out


@console_page
def opportunities(request):
    user = request.user
    if request.method == "POST":
        return _cosell_post(request, user)
    rows = selectors.cosell_opportunities(user=user)
    partners = sorted({r["partner"].pk: r["partner"] for r in rows}.values(), key=lambda p: p.name.casefold())
    form = OpportunityFilterForm(request.GET or None, partners=partners)
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("partner"):
        rows = [r for r in rows if r["partner"].public_id == filters["partner"]]
    if filters.get("open_only"):
        rows = [r for r in rows if not (r["actions"].get("lead") or r["actions"].get("deal"))]
    rows = opportunity_rows(rows, filters.get("q", ""))
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    can_act = _can_manage(user)
    for r in page.object_list:
        r["form"] = CoSellForm(prefix=r["match"]) if can_act else None
    return render(request, "mapping/opportunities.html", _ctx(
        "opportunities", form=form, page=page, query=query_without_page(request), can_act=can_act))


def _cosell_post(request, user):
    kind = request.POST.get("action", "")
    match_id = request.POST.get("match", "")
    back = request.get_full_path()
    match, row = selectors.cosell_get(user=user, public_id=match_id)
    form = CoSellForm(request.POST, prefix=match_id)
    if kind not in ("lead", "deal"):
        return redirect(back)
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(request, f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors))
        return redirect(back)
    d = form.cleaned_data
    try:
        if kind == "lead":
            action = services.cosell_to_lead(actor=user, match=match, contact_name=d["contact_name"], contact_email=d["contact_email"],
                                             message=d["message"])
            messages.success(request, f"Lead {action.lead.public_id} for {row['own']['name']} is in {action.partner.name}'s inbox.")
        else:
            action = services.cosell_to_deal(actor=user, match=match, data={
                "contact_name": d["contact_name"], "contact_email": d["contact_email"], "amount": d["amount"], "notes": d["message"]})
            messages.success(request, f"Deal room {action.deal.public_id} opened for {row['own']['name']} with {action.partner.name}.")
    except FORBIDDEN:
        raise
    except DomainError as exc:
        field = exc.field or ""
        label = CoSellForm.base_fields[field].label if field in CoSellForm.base_fields else field.replace("_", " ").capitalize()
        messages.error(request, f"{label}: {exc.message}" if label else exc.message)
    return redirect(back)


# --- discovery --------------------------------------------------------------------------------------------------


@console_page
def discover(request):
    user = request.user
    deals = list(deal_selectors.deal_list(actor=user, filters={"status": "approved"})[:200])
    if request.method == "POST":
        intro = IntroduceForm(request.POST, prefix="intro")
        if intro.is_valid():
            d = intro.cleaned_data
            try:
                to_partner = partner_selectors.partner_get(actor=user, public_id=d["to_partner"])
                with_partner = partner_selectors.partner_get(actor=user, public_id=d["with_partner"]) if d["with_partner"] else None
                deal = deal_selectors.deal_get(actor=user, public_id=d["deal"]) if d["deal"] else None
                row = services.introduction_create(actor=user, to_partner=to_partner, with_partner=with_partner, deal=deal,
                                                   account_name=d["account_name"], message=d["message"])
            except FORBIDDEN:
                raise
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Introduced {row.to_partner.name} and {row.with_partner.name}; both are told by email.")
                return redirect("mapping:console_discover")
        else:
            messages.error(request, "Choose the partner to introduce.")
        return redirect(request.get_full_path())
    form = DiscoverForm(request.GET or None, deals=deals)
    candidates, deal = [], None
    if form.asked():
        d = form.cleaned_data
        deal = next((x for x in deals if x.public_id == d["deal"]), None)
        try:
            candidates = selectors.discover_partners(user=user, deal=deal, account_name=d["account_name"], specialty=d["specialty"],
                                                     region=d["region"], certification=d["certification"])
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "mapping/discover.html", _ctx(
        "discover", form=form, candidates=candidates, asked=form.asked(), can_introduce=_can_manage(user),
        other_partners=[deal.partner] if deal is not None else [], introductions=selectors.introduction_list(user=user)[:50]))
