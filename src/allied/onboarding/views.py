from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from allied.core.errors import DomainError
from allied.core.http import client_ip, form_error, partner_required, vendor_required
from allied.core.scope import is_vendor

from . import selectors, services
from .forms import StepForm
from .models import JourneyTemplate, TaskTemplate


@vendor_required
def console(request):
    today = timezone.now().date()
    overdue = selectors.task_list(actor=request.user, status="open").filter(due_date__lt=today)
    return render(request, "onboarding/console.html", {
        "laggards": selectors.laggards(actor=request.user, limit=25),
        "overdue": overdue.select_related("partner")[:50], "overdue_count": overdue.count(),
        "mine": selectors.task_list(actor=request.user, status="open", mine=True)[:50], "nav": "onboarding", "today": today,
    })


@partner_required
def portal(request):
    partner = request.user.partner
    agreement = selectors.current_agreement()
    return render(request, "onboarding/portal.html", {
        "tasks": selectors.task_list(actor=request.user, partner=partner),
        "progress": selectors.progress(actor=request.user, partner=partner),
        "agreement": agreement, "acceptance": selectors.acceptance_for(actor=request.user, partner=partner, agreement=agreement),
        "today": timezone.now().date(), "nav": "onboarding",
    })


@require_POST
@partner_required
def portal_task_complete(request, public_id):
    return _complete(request, public_id, "onboarding:portal")


@require_POST
@vendor_required
def console_task_complete(request, public_id):
    return _complete(request, public_id, request.POST.get("next") or "onboarding:console")


def _complete(request, public_id, back):
    task = selectors.task_get(actor=request.user, public_id=public_id)
    try:
        services.task_complete(actor=request.user, task=task)
    except DomainError as exc:
        messages.error(request, f"“{task.title}”: {exc.message}")
    else:
        messages.success(request, f"Done: {task.title}")
    if request.htmx and not is_vendor(request.user):
        return redirect("onboarding:portal")
    return redirect(back)


@partner_required
def agreement(request):
    partner = request.user.partner
    current = selectors.current_agreement()
    acceptance = selectors.acceptance_for(actor=request.user, partner=partner, agreement=current)
    if request.method == "POST" and current is not None:
        if not request.POST.get("accept"):
            messages.error(request, "Tick the box to confirm you accept the agreement.")
        else:
            try:
                services.agreement_accept(actor=request.user, partner=partner, agreement=current, ip_address=client_ip(request),
                                          user_agent=request.META.get("HTTP_USER_AGENT", ""))
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"You accepted {current} on behalf of {partner.name}.")
                return redirect("onboarding:portal")
    return render(request, "onboarding/agreement.html", {"agreement": current, "acceptance": acceptance, "nav": "onboarding"})


@vendor_required
def journeys(request):
    """Journey templates per partner type: the 30-60-90 steps new partners get."""
    add_forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                journey = get_object_or_404(JourneyTemplate, public_id=request.POST.get("journey"))
                form = StepForm(request.POST, prefix=journey.public_id)
                if form.is_valid():
                    services.journey_step_add(actor=request.user, journey=journey, data=form.cleaned_data)
                    messages.success(request, f"Step added to {journey.name}.")
                    return redirect("onboarding:journeys")
                add_forms[journey.pk] = form
            elif action == "delete":
                step = get_object_or_404(TaskTemplate, pk=request.POST.get("step"))
                services.journey_step_delete(actor=request.user, step=step)
                messages.success(request, f"Removed “{step.title}”.")
                return redirect("onboarding:journeys")
        except DomainError as exc:
            if action == "add" and request.POST.get("journey"):
                form = add_forms.get(journey.pk) or StepForm(request.POST, prefix=journey.public_id)
                form_error(form, exc)
                add_forms[journey.pk] = form
            else:
                messages.error(request, exc.message)
    rows = [(j, add_forms.get(j.pk) or StepForm(prefix=j.public_id, initial={"side": "partner", "kind": "custom", "due_day": 30}))
            for j in JourneyTemplate.objects.select_related("partner_type").prefetch_related("steps")]
    return render(request, "onboarding/journeys.html", {"rows": rows, "nav": "onboarding"})
