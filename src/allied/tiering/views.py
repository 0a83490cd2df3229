from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from allied.core.errors import DomainError
from allied.core.http import partner_required, vendor_perm_required, vendor_required

from . import selectors, services
from .models import ProposalStatus


@vendor_required
def proposals(request):
    status = request.GET.get("status", "pending")
    status = status if status in ProposalStatus.values or status == "all" else "pending"
    qs = selectors.proposal_list(actor=request.user, status=None if status == "all" else status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "tiering/proposals.html", {
        "page": page, "status": status, "statuses": ProposalStatus.choices, "tiers": selectors.tier_list(), "nav": "tiers",
    })


@require_POST
@vendor_perm_required("tiers.evaluate")
def evaluate(request):
    summary = services.tier_evaluate(actor=request.user)
    messages.success(request, f"Evaluated {summary.evaluated} partners: {summary.upgrades} upgrade(s), {summary.downgrades} downgrade(s) "
                              f"({summary.in_grace} in grace), {summary.applied} applied, {summary.withdrawn} withdrawn.")
    return redirect(request.POST.get("next") or "tiering:proposals")


@require_POST
@vendor_required
def decide(request, public_id):
    proposal = selectors.proposal_get(actor=request.user, public_id=public_id)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            services.tier_proposal_approve(actor=request.user, proposal=proposal, note=note)
            messages.success(request, f"{proposal.partner.name} is now {proposal.to_tier.name}.")
        else:
            services.tier_proposal_reject(actor=request.user, proposal=proposal, note=note)
            messages.success(request, f"Proposal for {proposal.partner.name} rejected.")
    except DomainError as exc:
        messages.error(request, f"{proposal.partner.name}: {exc.message}")
    return redirect(request.POST.get("next") or "tiering:proposals")


@partner_required
def portal(request):
    partner = request.user.partner
    return render(request, "tiering/portal.html", {
        "progress": selectors.tier_progress(actor=request.user, partner=partner),
        "history": selectors.tier_history(actor=request.user, partner=partner)[:20],
        "tiers": selectors.tier_list(), "nav": "tier",
    })
