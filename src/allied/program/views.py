from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from allied.core.errors import DomainError
from allied.core.http import form_error, vendor_required

from . import services
from .forms import AnnouncementForm, PartnerTypeForm, ProgramSettingsForm, RequirementForm, TierForm
from .models import Announcement, PartnerType, ProgramSettings, Tier, TierRequirement


@vendor_required
def settings_page(request):
    ps = ProgramSettings.current()
    initial = {f: getattr(ps, f) for f in ProgramSettingsForm.base_fields}
    form = ProgramSettingsForm(request.POST if request.POST.get("action") == "settings" else None, initial=initial)
    news_form = AnnouncementForm(request.POST if request.POST.get("action") == "news" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "settings" and form.is_valid():
                services.program_settings_update(actor=request.user, data=form.cleaned_data)
                messages.success(request, "Program settings saved.")
                return redirect("program:settings")
            if request.POST.get("action") == "news" and news_form.is_valid():
                services.announcement_publish(actor=request.user, **news_form.cleaned_data)
                messages.success(request, "News published to the partner portal.")
                return redirect("program:settings")
            if request.POST.get("action") == "type":
                ptype = get_object_or_404(PartnerType, code=request.POST.get("code"))
                tform = PartnerTypeForm(request.POST)
                if tform.is_valid():
                    services.partner_type_update(actor=request.user, partner_type=ptype, data=tform.cleaned_data)
                    messages.success(request, f"{ptype.name} saved.")
                else:
                    messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in tform.errors.items()))
                return redirect("program:settings")
        except DomainError as exc:
            form_error(news_form if request.POST.get("action") == "news" else form, exc)
            if request.POST.get("action") == "type":
                messages.error(request, exc.message)
                return redirect("program:settings")
    types = [(t, PartnerTypeForm(initial={"name": t.name, "revenue_model": t.revenue_model, "active": t.active}, prefix=t.code))
             for t in PartnerType.objects.all()]
    return render(request, "program/settings.html", {
        "form": form, "news_form": news_form, "types": types, "news": Announcement.objects.all()[:10], "nav": "program",
    })


@vendor_required
def tiers(request):
    add_form = TierForm(request.POST if request.POST.get("action") == "add_tier" else None, prefix="new",
                        initial={"discount_pct": 0, "lead_priority": 0, "support_level": "standard", "color": "#6b7280"})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add_tier" and add_form.is_valid():
                services.tier_save(actor=request.user, tier=None, data=add_form.cleaned_data)
                messages.success(request, "Tier added.")
                return redirect("program:tiers")
            if action == "save_tier":
                tier = get_object_or_404(Tier, public_id=request.POST.get("tier"))
                tform = TierForm(request.POST, prefix=tier.public_id)
                if tform.is_valid():
                    services.tier_save(actor=request.user, tier=tier, data=tform.cleaned_data)
                    messages.success(request, f"{tier.name} saved.")
                else:
                    messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in tform.errors.items()))
                return redirect("program:tiers")
            if action == "delete_tier":
                services.tier_delete(actor=request.user, tier=get_object_or_404(Tier, public_id=request.POST.get("tier")))
                messages.success(request, "Tier deleted.")
                return redirect("program:tiers")
            if action == "set_rule":
                tier = get_object_or_404(Tier, public_id=request.POST.get("tier"))
                rform = RequirementForm(request.POST, prefix=f"rule-{tier.public_id}")
                if rform.is_valid():
                    services.tier_requirement_set(actor=request.user, tier=tier, **rform.cleaned_data)
                    messages.success(request, f"Rule saved for {tier.name}.")
                else:
                    messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in rform.errors.items()))
                return redirect("program:tiers")
            if action == "delete_rule":
                req = get_object_or_404(TierRequirement, pk=request.POST.get("rule"))
                services.tier_requirement_delete(actor=request.user, requirement=req)
                messages.success(request, "Rule removed.")
                return redirect("program:tiers")
        except DomainError as exc:
            if action == "add_tier":
                form_error(add_form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("program:tiers")
    rows = []
    for t in Tier.objects.prefetch_related("requirements").order_by("rank"):
        tform = TierForm(prefix=t.public_id, initial={f: getattr(t, f) for f in TierForm.base_fields})
        rows.append((t, tform, RequirementForm(prefix=f"rule-{t.public_id}")))
    from .facts import fact_list

    return render(request, "program/tiers.html", {"rows": rows, "add_form": add_form, "facts": {f.key: f for f in fact_list()},
                                                  "nav": "program"})
