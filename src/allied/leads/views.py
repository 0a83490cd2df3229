"""Lead pages.

Public: the embeddable web form a vendor puts on its site (honeypot, signed timestamp, rate limit per IP).
Portal (partner users): the lead inbox — accept or decline within the SLA, working, disqualified, converted
into a deal registration. Console (vendor users): the lead queue, routing explanations, manual reassignment,
per-partner statistics, routing settings, CSV import and the embed snippet.

Every page reads through ``selectors`` (a lead the partner does not hold is a missing lead: 404) and writes
through ``services`` (which decide who may do what: PermissionDenied renders 403).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from allied.core.errors import DomainError, NotFound, PermissionDenied, RateLimited
from allied.core.http import client_ip, form_error, partner_required, vendor_perm_required, vendor_required
from allied.core.models import AuditEvent
from allied.core.permissions import has_perm
from allied.partners import selectors as partner_selectors
from allied.partners.models import PartnerStatus
from allied.routing import FACTORS

from . import selectors, services
from .forms import (
    FACTOR_LABELS,
    FORM_TOKEN_SALT,
    ConvertForm,
    DeclineForm,
    DisqualifyForm,
    EmptyForm,
    ImportForm,
    QueueFilterForm,
    ReassignForm,
    RoutingSettingsForm,
    WebForm,
    form_token,
)
from .models import OPEN_STATUSES, LeadOffer, LeadStatus, OfferOutcome, RoutingSettings
from .services.intake import COLUMNS

FORBIDDEN = (PermissionDenied, NotFound)  # let the page guard answer these (403 / 404)
URGENT_HOURS = 4
LEADS_PER_IP_PER_HOUR = 20


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- public web form ---------------------------------------------------------------------------------------------


def _spam_reason(form: WebForm) -> str:
    """Why a submission looks automated ("" when it looks human): too fast, too old or a forged token."""
    token = form.cleaned_data.get("token") or ""
    signer = signing.TimestampSigner(salt=FORM_TOKEN_SALT)
    try:
        signer.unsign(token, max_age=timedelta(seconds=_setting("ALLIED_LEAD_FORM_MAX_AGE_SECONDS", 24 * 3600)))
    except signing.SignatureExpired:
        return "expired"
    except signing.BadSignature:
        return "bad token"
    signed_at = signing.b62_decode(token.rsplit(":", 2)[-2])
    if timezone.now().timestamp() - signed_at < _setting("ALLIED_LEAD_FORM_MIN_SECONDS", 3):
        return "too fast"
    return ""


def _rate_limited(ip: str | None) -> bool:
    if not ip:
        return False
    since = timezone.now() - timedelta(hours=1)
    n = AuditEvent.objects.filter(action="lead.created", ip_address=ip, occurred_at__gte=since).count()
    return n >= _setting("ALLIED_LEAD_FORM_PER_IP_PER_HOUR", LEADS_PER_IP_PER_HOUR)


def _framable(response):
    """Any site may frame the form unless the operator narrows it (ALLIED_LEAD_FORM_FRAME_ANCESTORS, e.g. "https://vendor.example")."""
    ancestors = _setting("ALLIED_LEAD_FORM_FRAME_ANCESTORS", "*")
    response["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
    return response


@csrf_exempt  # framed on another site, the CSRF cookie is third-party and often blocked; nothing here acts for a signed-in user
@xframe_options_exempt
def web_form(request):
    form = WebForm(request.POST or None, initial={"token": form_token(), "campaign": request.GET.get("campaign", "")[:40]})
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("fax_number"):
            return redirect("leads:web_form_thanks")  # a bot: pretend all is well, keep nothing
        reason = _spam_reason(form)
        ip = client_ip(request)
        if reason == "too fast":  # bots post at once; a person who was quick just sends again
            form.add_error(None, "That was quick! Please check your details and send the form again.")
        elif reason:
            form.add_error(None, "This form has expired. Please check your details and send it again.")
        elif _rate_limited(ip):
            form.add_error(None, RateLimited("Too many requests from your network in the last hour; please try again later.").message)
            status = 429
        else:
            try:
                services.lead_submit_public(data=form.service_data(), ip=ip)
            except DomainError as exc:
                form_error(form, exc)
            else:
                return redirect("leads:web_form_thanks")
    if request.method == "POST":
        form.data = form.data.copy()
        form.data["token"] = form_token()  # a fresh token: the visitor's next try is not too fast or too old
        status = status if status != 200 else 400
    return _framable(render(request, "leads/web_form.html", {"form": form}, status=status))


@xframe_options_exempt
def web_form_thanks(request):
    return _framable(render(request, "leads/web_form_thanks.html"))


@vendor_required
def embed(request):
    url = request.build_absolute_uri(reverse("leads:web_form"))
    snippet = (f'<iframe src="{url}" title="Contact us" width="100%" height="980" style="border:0;max-width:640px" '
               f'loading="lazy"></iframe>')
    return render(request, "leads/embed.html", {"url": url, "snippet": snippet, "nav": "leads",
                                                "ancestors": _setting("ALLIED_LEAD_FORM_FRAME_ANCESTORS", "*"),
                                                "can_settings": has_perm(request.user, "leads.settings")})


# --- portal ------------------------------------------------------------------------------------------------------


def _deadline(offer: LeadOffer | None, now) -> dict:
    if offer is None or offer.outcome != OfferOutcome.PENDING:
        return {}
    left = offer.sla_due_at - now
    hours = max(int(left.total_seconds() // 3600), 0)
    if left.total_seconds() <= 0:
        words = "answer now: the deadline has passed"
    elif hours < 1:
        words = f"answer within {max(int(left.total_seconds() // 60), 1)} min"
    else:
        words = f"answer within {hours} h"
    return {"due_at": offer.sla_due_at, "words": words, "urgent": left < timedelta(hours=URGENT_HOURS)}


def _holder_offer(lead) -> LeadOffer | None:
    """The offer that gave this lead to the partner holding it now (the partner's own offer, never an earlier one to others)."""
    if lead.partner_id is None:
        return None
    return (lead.offers.filter(partner_id=lead.partner_id, outcome__in=[OfferOutcome.PENDING, OfferOutcome.ACCEPTED])
            .order_by("-offered_at", "-id").first())


@partner_required
def portal_inbox(request):
    user = request.user
    if request.method == "POST" and request.POST.get("action") in ("pause", "resume"):
        # A partner admin may stop new leads for a while (holidays, a full pipeline); capacity stays the vendor's.
        partner = partner_selectors.partner_get(actor=user, public_id=request.POST.get("partner", ""))
        pause = request.POST["action"] == "pause"
        services.partner_lead_settings_update(actor=user, partner=partner, data={"paused": pause})
        messages.success(request, "New leads are paused." if pause else "You receive new leads again.")
        return redirect("leads:portal_inbox")
    now = timezone.now()
    offered = list(selectors.lead_list(actor=user, filters={"status": LeadStatus.OFFERED}))
    pending = {o.lead_id: o for o in LeadOffer.objects.filter(lead__in=offered, outcome=OfferOutcome.PENDING)}
    for lead in offered:
        lead.deadline = _deadline(pending.get(lead.pk), now)
    offered.sort(key=lambda ld: (ld.deadline.get("due_at") or now, ld.pk))
    working = selectors.lead_list(actor=user, filters={"status": f"{LeadStatus.ACCEPTED},{LeadStatus.WORKING}"})
    closed = selectors.lead_list(actor=user, filters={"status": f"{LeadStatus.CONVERTED},{LeadStatus.DISQUALIFIED}"})[:20]
    own = selectors.partner_lead_settings_get(partner=user.partner)
    capacity = own.capacity if own.capacity is not None else RoutingSettings.current().default_capacity
    return render(request, "leads/portal_inbox.html", {
        "offered": offered, "working": working, "closed": closed, "can_work": has_perm(user, "partner.leads.work"), "nav": "leads",
        "paused": own.paused, "capacity": capacity, "open_count": len(offered) + len(working),
        "can_pause": has_perm(user, "partner.users.manage"), "partner_id": user.partner.public_id,
    })


PORTAL_FORMS = {"accept": EmptyForm, "decline": DeclineForm, "working": EmptyForm, "disqualify": DisqualifyForm, "convert": ConvertForm}


def _portal_action(user, lead, action: str, data: dict):
    if action == "accept":
        services.lead_accept(actor=user, lead=lead)
        return "Lead accepted: it is yours to work.", None
    if action == "decline":
        services.lead_decline(actor=user, lead=lead, reason=data["reason"])
        return "Lead declined; it goes to another partner.", "leads:portal_inbox"
    if action == "working":
        services.lead_status_set(actor=user, lead=lead, status=LeadStatus.WORKING)
        return "Marked as working.", None
    if action == "disqualify":
        services.lead_status_set(actor=user, lead=lead, status=LeadStatus.DISQUALIFIED, note=data["note"])
        return "Lead disqualified; the vendor sees why.", None
    deal = services.lead_convert(actor=user, lead=lead, data={"amount": data["amount"],
                                                             "expected_close_date": data["expected_close_date"].isoformat()})
    return f"Deal registration created for {deal.customer_name}: {deal.get_status_display().lower()}.", ("deals:portal_detail", deal.public_id)


@partner_required
def portal_detail(request, public_id):
    user = request.user
    lead = selectors.lead_get(actor=user, public_id=public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in PORTAL_FORMS:
        return redirect("leads:portal_detail", public_id=lead.public_id)
    forms_ = {name: (cls(request.POST, prefix=name) if name == action else cls(prefix=name)) for name, cls in PORTAL_FORMS.items()}
    if action:
        form = forms_[action]
        if not has_perm(user, "partner.leads.work"):
            raise PermissionDenied("Your role can read your company's leads but not work them; ask a sales colleague.")
        if form.is_valid():
            try:
                done, target = _portal_action(user, lead, action, form.cleaned_data)
            except FORBIDDEN:
                raise
            except DomainError as exc:
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:  # the lead changed meanwhile (or the deal was refused): say so at the top of the page
                    messages.error(request, exc.message)
            else:
                messages.success(request, done)
                if isinstance(target, tuple):
                    return redirect(target[0], public_id=target[1])
                if target:
                    return redirect(target)
                return redirect("leads:portal_detail", public_id=lead.public_id)
    offer = _holder_offer(lead)
    return render(request, "leads/portal_detail.html", {
        "lead": lead, "offer": offer, "deadline": _deadline(offer, timezone.now()), "forms": forms_,
        "failed": action if action and forms_[action].errors else "", "can_work": has_perm(user, "partner.leads.work"),
        "nav": "leads",
    }, status=400 if action else 200)


# --- console -----------------------------------------------------------------------------------------------------


@vendor_required
def console_queue(request):
    user = request.user
    partners = partner_selectors.partner_list(actor=user).filter(lead_offers__isnull=False).distinct().order_by("name")
    form = QueueFilterForm(request.GET or None, partners=partners)
    filters, overdue = {}, False
    if form.is_valid():
        filters = {k: form.cleaned_data[k] for k in ("q", "status", "partner", "source", "breached") if form.cleaned_data.get(k)}
        overdue = form.cleaned_data["overdue"]
    qs = selectors.lead_list(actor=user, filters=filters)
    if overdue:
        qs = qs.filter(pk__in=selectors.overdue_now(actor=user).values("lead_id"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    pending = {o.lead_id: o for o in LeadOffer.objects.filter(lead__in=list(page.object_list), outcome=OfferOutcome.PENDING)}
    now = timezone.now()
    for lead in page.object_list:
        lead.deadline = _deadline(pending.get(lead.pk), now)
        lead.overdue = bool(lead.deadline) and lead.deadline["due_at"] < now
    by_status = dict(selectors.lead_list(actor=user).order_by().values_list("status").annotate(n=Count("id")))
    counts = {"open": sum(by_status.get(s, 0) for s in OPEN_STATUSES), "offered": by_status.get(LeadStatus.OFFERED, 0),
              "unroutable": by_status.get(LeadStatus.UNROUTABLE, 0), "overdue": selectors.overdue_now(actor=user).count(),
              "breached_30d": selectors.sla_breaches(actor=user, since=now - timedelta(days=30)).count()}
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "leads/console_queue.html", {
        "form": form, "page": page, "query": query.urlencode(), "counts": counts, "can_manage": has_perm(user, "leads.manage"),
        "can_settings": has_perm(user, "leads.settings"), "nav": "leads",
    })


def _bars(breakdown: dict, weights: dict) -> list[dict]:
    rows = []
    for f in FACTORS:
        if f not in breakdown:
            continue
        value, top = float(breakdown[f]), float(weights.get(f) or 0)
        rows.append({"factor": FACTOR_LABELS.get(f, f), "value": value, "max": top,
                     "pct": max(0, min(100, round(100 * value / top))) if top else 0})
    return rows


@vendor_required
def console_detail(request, public_id):
    user = request.user
    lead = selectors.lead_get(actor=user, public_id=public_id)
    can_manage = has_perm(user, "leads.manage")
    choices = partner_selectors.partner_list(actor=user).filter(status=PartnerStatus.ACTIVE).order_by("name")
    form = ReassignForm(request.POST if request.method == "POST" else None, partners=choices)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Your role cannot reassign leads.")
        if form.is_valid():
            partner = choices.filter(public_id=form.cleaned_data["partner"]).first()
            try:
                services.lead_reassign(actor=user, lead=lead, partner=partner, reason=form.cleaned_data["reason"])
            except FORBIDDEN:
                raise
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"Lead reassigned to {partner.name}.")
                return redirect("leads:console_detail", public_id=lead.public_id)
    weights = RoutingSettings.current().weights or {}
    offers = list(selectors.offer_list(actor=user, lead=lead))
    for o in offers:
        o.bars = _bars(o.breakdown or {}, weights)
        o.runners = [{**r, "bars": _bars(r.get("breakdown") or {}, weights)} for r in (o.runners_up or [])]
        o.deadline = _deadline(o, timezone.now())
    audit = partner_selectors.audit_list(actor=user).filter(object_id=lead.public_id)[:100]
    return render(request, "leads/console_detail.html", {
        "lead": lead, "offers": offers, "form": form, "can_manage": can_manage, "audit": audit,
        "reassignable": lead.status not in (LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED, LeadStatus.DUPLICATE), "nav": "leads",
    }, status=400 if form.errors else 200)


@vendor_required
def partner_stats(request):
    user = request.user
    rows = selectors.partner_lead_stats(actor=user)
    since = timezone.now() - timedelta(days=30)
    breaches = list(selectors.sla_breaches(actor=user, since=since)[:50])
    chart_accept = [(r["partner__name"], round(100 * r["acceptance_rate"])) for r in rows if r["acceptance_rate"] is not None][:15]
    chart_convert = [(r["partner__name"], round(100 * r["conversion_rate"])) for r in rows if r["conversion_rate"] is not None][:15]
    return render(request, "leads/partner_stats.html", {
        "rows": rows, "breaches": breaches, "chart_accept": chart_accept, "chart_convert": chart_convert, "nav": "leads",
        "can_settings": has_perm(user, "leads.settings"),
    })


@vendor_perm_required("leads.settings")
def routing_settings(request):
    form = RoutingSettingsForm(request.POST if request.method == "POST" else None,
                               initial=RoutingSettingsForm.initial_for(RoutingSettings.current()))
    if request.method == "POST" and form.is_valid():
        try:
            services.routing_settings_update(actor=request.user, data=form.service_data())
        except FORBIDDEN:
            raise
        except DomainError as exc:
            field = f"weight_{FACTORS[0]}" if exc.field == "weights" else exc.field
            form_error(form, DomainError(exc.message, field=field))
        else:
            messages.success(request, "Routing settings saved; they apply to leads routed from now on.")
            return redirect("leads:settings")
    return render(request, "leads/settings.html", {"form": form, "nav": "leads", "can_settings": True},
                  status=400 if form.errors else 200)


@vendor_required
def lead_import(request):
    user = request.user
    can_manage = has_perm(user, "leads.manage")
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    problems, imported, counts = [], None, None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Your role cannot import leads.")
        if form.is_valid():
            try:
                imported = services.leads_import(actor=user, file=form.cleaned_data["file"])
            except services.LeadImportRejected as exc:
                problems = exc.problems
            except FORBIDDEN:
                raise
            except DomainError as exc:
                form_error(form, exc)
    if imported is not None:
        for ld in imported:
            ld.refresh_from_db()
        counts = {label: sum(1 for ld in imported if ld.status == value) for value, label in LeadStatus.choices}
        counts = {k: v for k, v in counts.items() if v}
    return render(request, "leads/import.html", {
        "form": form, "problems": problems, "imported": imported, "counts": counts, "can_manage": can_manage,
        "columns": list(COLUMNS), "nav": "leads", "can_settings": has_perm(user, "leads.settings"),
    }, status=400 if (problems or form.errors) else 200)
