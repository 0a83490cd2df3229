"""Incentive pages.

Console (vendor users, under the Money tabs): the rules with their versions, a rule form that writes
a new version, events with their accruals, all accruals with filters, and replaying a period
(program admins and finance change things; every vendor role reads). Portal (partner admins): the
live earnings page — accrued, held back, payable and paid per currency, and each accrual with its
explanation and deal.

Every page reads through ``selectors`` and writes through ``services`` (PermissionDenied renders 403).
"""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils import timezone

from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.core.http import partner_required, vendor_perm_required
from allied.core.money import from_minor
from allied.core.permissions import has_perm
from allied.partners import selectors as partner_selectors
from allied.partners.models import Partner
from allied.program.models import PartnerTypeCode, Product, Tier

from . import selectors, services
from .forms import (
    AccrualFilterForm,
    EventFilterForm,
    ReplayForm,
    RetireForm,
    RuleFilterForm,
    RuleForm,
    form_field,
)
from .models import EVENT_KIND_LABELS, AccrualState, IncentiveRule, RuleStatus

FORBIDDEN = (PermissionDenied, NotFound)  # let the page guard answer these (403 / 404)
MANAGE = "incentives.manage"


# --- helpers -----------------------------------------------------------------------------------------------------


def _console(request, template: str, tab: str, context: dict, status: int = 200):
    context = {"side": "console", "nav": "money", "tab": tab, "can_manage": has_perm(request.user, MANAGE), **context}
    return render(request, template, context, status=status)


def rule_summary(rule: IncentiveRule) -> str:
    """What the rule pays, in one line: "5 % of revenue", "3 % to 100,000 then 5 %", "500.00 USD per event"."""
    p = rule.params
    if p.get("fixed"):
        text = f"{p['fixed']} {p.get('currency') or ''} per event"
    elif p.get("brackets"):
        parts = []
        for b in p["brackets"]:
            parts.append(f"{b['percent']} % from {_amount(b['start'])}")
        text = ", ".join(parts)
    else:
        text = f"{p.get('percent')} % of revenue"
    if acc := p.get("accelerator"):
        text += f"; × {acc['multiplier']} above {_amount(acc['threshold'])}"
    if p.get("cap"):
        text += f"; capped at {_amount(p['cap'])} per {p.get('period', 'quarter')}"
    if p.get("currency") and not p.get("fixed"):
        text += f" ({p['currency']} events only)"
    return text


def _amount(text: str) -> str:
    from decimal import Decimal

    value = Decimal(str(text))
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,}"


def conditions_summary(rule: IncentiveRule) -> list[str]:
    c = rule.params.get("conditions") or {}
    out = []
    if c.get("tiers"):
        names = dict(Tier.objects.filter(public_id__in=c["tiers"]).values_list("public_id", "name"))
        out.append("Tiers: " + ", ".join(names.get(t, t) for t in c["tiers"]))
    if c.get("partner_types"):
        labels = dict(PartnerTypeCode.choices)
        out.append("Partner types: " + ", ".join(labels.get(t, t) for t in c["partner_types"]))
    if c.get("roles"):
        out.append("Roles: " + ", ".join(c["roles"]))
    if c.get("deal_types"):
        out.append("Deal types: " + ", ".join(t.replace("_", " ") for t in c["deal_types"]))
    if c.get("products"):
        names = dict(Product.objects.filter(code__in=c["products"]).values_list("code", "name"))
        out.append("Products: " + ", ".join(names.get(p, p) for p in c["products"]))
    if c.get("milestones"):
        out.append("Milestones: " + ", ".join(c["milestones"]))
    triggers = rule.params.get("triggers") or []
    if triggers and triggers != ["deal_won"]:
        out.append("Earned on: " + ", ".join(EVENT_KIND_LABELS.get(t, t).lower() for t in triggers))
    return out


def _decorate_rules(rules):
    for r in rules:
        r.summary = rule_summary(r)
        r.conditions_text = conditions_summary(r)
    return rules


def _rule_form_error(form, exc: DomainError) -> None:
    field = form_field(exc.field, form.cleaned_data.get("rate_type") or "percent")
    form.add_error(field if field in form.fields else None, exc.message)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _partners(user):
    return partner_selectors.partner_list(actor=user).filter(incentive_events__isnull=False).distinct().order_by("name")


# --- console: rules ----------------------------------------------------------------------------------------------


@vendor_perm_required("money.view")
def console_rules(request):
    user = request.user
    form = RuleFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    rules = _decorate_rules(list(selectors.rule_list(actor=user, filters=filters)))
    return _console(request, "incentives/console_rules.html", "incentive_rules", {"form": form, "rules": rules})


@vendor_perm_required(MANAGE)
def console_rule_new(request):
    user = request.user
    form = RuleForm(request.POST or None, initial={"effective_from": timezone.localdate(), "holdback_days": 0, "clawback_days": 0})
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(actor=user, data=form.service_data(), activate=request.POST.get("action") != "draft")
        except FORBIDDEN:
            raise
        except DomainError as exc:
            _rule_form_error(form, exc)
        else:
            messages.success(request, f"Rule “{rule.name}” {'saved as a draft' if rule.status == RuleStatus.DRAFT else 'created and active'}.")
            return redirect("incentives:console_rule_detail", public_id=rule.public_id)
    return _console(request, "incentives/console_rule_form.html", "incentive_rules", {"form": form, "rule": None},
                    status=400 if form.errors else 200)


@vendor_perm_required(MANAGE)
def console_rule_edit(request, public_id):
    user = request.user
    rule = selectors.rule_get(actor=user, public_id=public_id)
    versions = selectors.rule_versions(actor=user, rule=rule)
    latest = versions[-1]
    if rule.pk != latest.pk or rule.status == RuleStatus.RETIRED:
        messages.error(request, "Only the current version of a rule that is not retired can change.")
        return redirect("incentives:console_rule_detail", public_id=latest.public_id)
    initial = RuleForm.initial_from(rule)
    if rule.status == RuleStatus.ACTIVE:
        initial["effective_from"] = max(timezone.localdate(), rule.effective_from + timedelta(days=1))
        if rule.effective_to is not None and rule.effective_to <= initial["effective_from"]:
            initial["effective_to"] = None
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.rule_revise(actor=user, rule=rule, data=form.service_data())
        except FORBIDDEN:
            raise
        except DomainError as exc:
            _rule_form_error(form, exc)
        else:
            if new.pk == rule.pk:
                messages.success(request, "Draft saved.")
            else:
                text = f"Version {new.version} applies from {new.effective_from:%Y-%m-%d}; version {rule.version} ends that day."
                if new.effective_from <= timezone.localdate():
                    text += " Events already accrued since then keep their accruals until you replay their period."
                messages.success(request, text)
            return redirect("incentives:console_rule_detail", public_id=new.public_id)
    return _console(request, "incentives/console_rule_form.html", "incentive_rules", {"form": form, "rule": rule},
                    status=400 if form.errors else 200)


@vendor_perm_required("money.view")
def console_rule_detail(request, public_id):
    user = request.user
    rule = selectors.rule_get(actor=user, public_id=public_id)
    versions = _decorate_rules(selectors.rule_versions(actor=user, rule=rule))
    latest = versions[-1]
    retire_form = RetireForm(request.POST if request.POST.get("action") == "retire" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "activate":
                services.rule_activate(actor=user, rule=rule)
                messages.success(request, "Rule activated: events from its first day on earn under it.")
                return redirect("incentives:console_rule_detail", public_id=rule.public_id)
            if action == "retire" and retire_form.is_valid():
                services.rule_retire(actor=user, rule=latest, effective_to=retire_form.cleaned_data["effective_to"])
                latest.refresh_from_db()
                end = latest.effective_to
                messages.success(request, f"Rule retired{f': nothing accrues under it from {end:%Y-%m-%d} on' if end else ''}.")
                return redirect("incentives:console_rule_detail", public_id=rule.public_id)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            if action == "retire":
                retire_form.add_error("effective_to" if exc.field == "effective_to" else None, exc.message)
            else:
                messages.error(request, exc.message)
    rule = next(v for v in versions if v.pk == rule.pk)
    stats = rule.accruals.exclude(amount_minor=0).values("currency").annotate(n=Count("id"), total=Sum("amount_minor")).order_by("currency")
    totals = [{"currency": s["currency"], "count": s["n"], "total": from_minor(int(s["total"]), s["currency"])} for s in stats]
    return _console(request, "incentives/console_rule_detail.html", "incentive_rules", {
        "rule": rule, "versions": versions, "latest": latest, "retire_form": retire_form, "totals": totals,
        "is_latest": rule.pk == latest.pk,
    }, status=400 if retire_form.errors else 200)


# --- console: events, accruals, replay --------------------------------------------------------------------------


@vendor_perm_required("money.view")
def console_events(request):
    user = request.user
    form = EventFilterForm(request.GET or None, partners=_partners(user))
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    qs = selectors.event_list(actor=user, filters=filters).annotate(n_accruals=Count("accruals")).order_by("-occurred_at", "-id")
    if filters.get("partner"):
        qs = qs.distinct()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return _console(request, "incentives/console_events.html", "incentive_events",
                    {"form": form, "page": page, "query": _query(request)})


@vendor_perm_required("money.view")
def console_event_detail(request, public_id):
    user = request.user
    event = selectors.event_get(actor=user, public_id=public_id)
    rows = list(selectors.event_accruals(actor=user, event=event))
    return _console(request, "incentives/console_event_detail.html", "incentive_events", {
        "event": event, "accruals": rows, "clawbacks": list(event.clawbacks.order_by("occurred_at")),
    })


@vendor_perm_required("money.view")
def console_accruals(request):
    user = request.user
    form = AccrualFilterForm(request.GET or None, partners=_partners(user), rules=selectors.rule_list(actor=user))
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    qs = selectors.accrual_list(actor=user, filters=filters).order_by("-created_at", "-id")
    totals = [{"currency": r["currency"], "total": from_minor(int(r["total"] or 0), r["currency"]), "count": r["n"]}
              for r in qs.order_by().values("currency").annotate(total=Sum("amount_minor"), n=Count("id")).order_by("currency")]
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return _console(request, "incentives/console_accruals.html", "incentive_accruals",
                    {"form": form, "page": page, "totals": totals, "query": _query(request)})


@vendor_perm_required(MANAGE)
def console_replay(request):
    user = request.user
    today = timezone.localdate()
    initial = {"period_start": request.GET.get("from") or today.replace(day=1), "period_end": request.GET.get("to") or today}
    form = ReplayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            replay = services.incentives_replay(actor=user, period_start=form.cleaned_data["period_start"],
                                                period_end=form.cleaned_data["period_end"])
        except FORBIDDEN:
            raise
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            events = f"{replay.events} event{'s' if replay.events != 1 else ''}"
            if replay.changed:
                messages.success(request, f"Replayed {events}: {replay.changed} accrual{'s' if replay.changed != 1 else ''} "
                                          "changed and posted.")
            else:
                messages.success(request, f"Replayed {events}: nothing changed, nothing was posted.")
            return redirect("incentives:console_replay")
    replays = list(selectors.replay_list(actor=user)[:20])
    for r in replays:
        r.evaluated_last = r.evaluated_to - timedelta(days=1)
        r.net_items = [(cur, from_minor(int(v), cur)) for cur, v in sorted((r.net or {}).items())]
    return _console(request, "incentives/console_replay.html", "incentive_accruals", {"form": form, "replays": replays},
                    status=400 if form.errors else 200)


# --- portal ------------------------------------------------------------------------------------------------------


@partner_required
def portal_earnings(request):
    user = request.user
    if not has_perm(user, "partner.money.view"):
        raise NotFound("page")  # the partner's money is its admins' business: for others the page does not exist
    partner = Partner.objects.select_related("tier").get(pk=user.partner_id)
    today = timezone.localdate()
    summary = selectors.earnings_summary(actor=user, partner=partner)
    held = selectors.held_schedule(actor=user, partner=partner, today=today)
    qs = selectors.accrual_list(actor=user, filters={"partner": partner.public_id, "nonzero": True}).order_by("-created_at", "-id")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    for a in page.object_list:
        a.held_until = a.releasable_on if a.state != AccrualState.PAYABLE and a.releasable_on > today else None
    return render(request, "incentives/portal_earnings.html", {
        "partner": partner, "summary": summary, "held": held, "page": page, "today": today,
        "side": "portal", "nav": "earnings", "tab": "earnings",
    })
