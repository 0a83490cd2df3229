"""Pages that bring several capabilities together: the two homes, a partner's page, the audit trail."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from allied.accounts import selectors as account_selectors
from allied.accounts import services as account_services
from allied.accounts.forms import InviteForm
from allied.core.errors import DomainError
from allied.core.http import form_error, vendor_required
from allied.core.permissions import has_perm
from allied.core.scope import is_vendor
from allied.deals import selectors as deal_selectors
from allied.onboarding import selectors as onboarding_selectors
from allied.partners import selectors as partner_selectors
from allied.partners import services as partner_services
from allied.partners.forms import PartnerAdminForm
from allied.program.models import Announcement, ProgramSettings, Tier
from allied.recruitment import selectors as recruitment_selectors
from allied.tiering import selectors as tier_selectors
from allied.tiering import services as tier_services


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if is_vendor(request.user):
        return console_home(request)
    if request.user.partner_id:
        return portal_home(request)
    return redirect("accounts:login")


def console_home(request):
    user = request.user
    counts = partner_selectors.partner_counts(actor=user)
    tiers = {t.name: t.color for t in Tier.objects.all()}
    applications = recruitment_selectors.application_list(actor=user, status="applied")
    pending = tier_selectors.proposal_list(actor=user, status="pending")
    return render(request, "web/console_home.html", {
        "counts": counts, "tier_colors": tiers,
        "applications_waiting": applications.count(), "qualified_waiting": recruitment_selectors.application_list(actor=user, status="qualified").count(),
        "top_applications": applications.order_by("-fit_score")[:5],
        "laggards": onboarding_selectors.laggards(actor=user, limit=6),
        "proposals": pending[:6], "proposal_count": pending.count(),
        "grace_count": tier_selectors.proposal_list(actor=user, status="grace").count(),
        "deal_queue": deal_selectors.review_queue_counts(actor=user),
        "program": ProgramSettings.current(), "nav": "home",
    })


def portal_home(request):
    user = request.user
    partner = partner_selectors.partner_get(actor=user, public_id=user.partner.public_id)
    deals = deal_selectors.pipeline_summary(actor=user)
    deals["open_count"] = sum(r["count"] for r in deals["by_status"] if r["status"] in ("pending", "approved"))
    return render(request, "web/portal_home.html", {
        "partner": partner,
        "progress": onboarding_selectors.progress(actor=user, partner=partner),
        "tasks": onboarding_selectors.task_list(actor=user, partner=partner, status="open").filter(side="partner")[:6],
        "tier": tier_selectors.tier_progress(actor=user, partner=partner),
        "news": Announcement.objects.filter(published_at__lte=timezone.now())[:5],
        "deals": deals, "can_register": has_perm(user, "partner.deals.register"),
        "program": ProgramSettings.current(), "today": timezone.now().date(), "nav": "home",
    })


@vendor_required
def partner_detail(request, public_id):
    user = request.user
    partner = partner_selectors.partner_get(actor=user, public_id=public_id)
    admin_form = PartnerAdminForm(
        request.POST if request.POST.get("action") == "admin" else None,
        initial={"cam": partner.cam.public_id if partner.cam else None, "status": partner.status,
                 "partner_type": partner.partner_type.code, "parent": partner.parent.public_id if partner.parent else None},
    )
    invite_form = InviteForm(request.POST if request.POST.get("action") == "invite" else None, vendor=False)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "admin" and admin_form.is_valid():
                d = admin_form.cleaned_data
                partner_services.partner_admin_update(actor=user, partner=partner, cam=d["cam"], status=d["status"],
                                                      partner_type=d["partner_type"], parent=d["parent"], clear_parent=d["parent"] is None)
                messages.success(request, "Partner saved.")
                return redirect("web:partner_detail", public_id=public_id)
            if action == "invite" and invite_form.is_valid():
                account_services.invitation_create(actor=user, partner=partner, **invite_form.cleaned_data)
                messages.success(request, f"Invitation sent to {invite_form.cleaned_data['email']}.")
                return redirect("web:partner_detail", public_id=public_id)
            if action == "evaluate":
                s = tier_services.tier_evaluate(actor=user, partner_ids=[partner.pk])
                messages.success(request, "Tier evaluated: " + ("a proposal was made." if s.proposals else "no change."))
                return redirect("web:partner_detail", public_id=public_id)
            if action == "set_tier":
                tier = Tier.objects.filter(public_id=request.POST.get("tier")).first()
                if tier is None:
                    raise DomainError("Choose a tier.", field="tier")
                with transaction.atomic():
                    tier_services.partner_tier_set(actor=user, partner=partner, tier=tier, reason=request.POST.get("reason", ""))
                messages.success(request, f"Tier set to {tier.name}.")
                return redirect("web:partner_detail", public_id=public_id)
        except DomainError as exc:
            if action == "invite":
                form_error(invite_form, exc)
            elif action == "admin":
                form_error(admin_form, exc)
            else:
                messages.error(request, exc.message)
    audit = Paginator(partner_selectors.audit_list(actor=user, partner=partner), 15).get_page(request.GET.get("audit_page"))
    return render(request, "web/partner_detail.html", {
        "partner": partner, "admin_form": admin_form, "invite_form": invite_form,
        "users": account_selectors.user_list(actor=user, partner=partner),
        "progress": onboarding_selectors.progress(actor=user, partner=partner),
        "tasks": onboarding_selectors.task_list(actor=user, partner=partner),
        "tier": tier_selectors.tier_progress(actor=user, partner=partner),
        "proposals": tier_selectors.proposal_list(actor=user, partner=partner)[:10],
        "history": tier_selectors.tier_history(actor=user, partner=partner)[:10],
        "tiers": Tier.objects.order_by("rank"), "audit": audit, "today": timezone.now().date(),
        "can_manage": has_perm(user, "partners.manage"), "is_admin": user.role == "program_admin", "nav": "partners",
    })


@vendor_required
def audit(request):
    qs = partner_selectors.audit_list(actor=request.user)
    if action := request.GET.get("action"):
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"page": page, "action": action or "", "nav": "audit"})
