from django.contrib import messages
from django.shortcuts import redirect, render

from allied.core.errors import DomainError
from allied.core.http import client_ip, form_error, vendor_perm_required, vendor_required

from . import selectors, services
from .forms import ApplicationForm, ApproveForm, DeclineForm, IdealProfileForm
from .models import IdealPartnerProfile


def apply(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("fax_number"):
            return redirect("recruitment:apply_thanks")  # a bot: pretend all is well, keep nothing
        data = {k: v for k, v in form.cleaned_data.items() if k != "fax_number"}
        data["partner_type"] = data["partner_type"].code
        try:
            services.application_submit(data=data, ip_address=client_ip(request))
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("recruitment:apply_thanks")
    return render(request, "recruitment/apply.html", {"form": form}, status=400 if form.errors else 200)


def apply_thanks(request):
    return render(request, "recruitment/apply_thanks.html")


@vendor_required
def pipeline(request):
    return render(request, "recruitment/pipeline.html", {"board": selectors.pipeline(actor=request.user), "nav": "recruitment"})


@vendor_required
def application_detail(request, public_id):
    app = selectors.application_get(actor=request.user, public_id=public_id)
    approve_form = ApproveForm(request.POST if request.POST.get("action") == "approve" else None)
    decline_form = DeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "qualify":
                services.application_qualify(actor=request.user, application=app)
                messages.success(request, f"{app.company_name} is qualified.")
                return redirect("recruitment:detail", public_id=app.public_id)
            if action == "reopen":
                services.application_reopen(actor=request.user, application=app)
                return redirect("recruitment:detail", public_id=app.public_id)
            if action == "approve" and approve_form.is_valid():
                _, partner = services.application_approve(actor=request.user, application=app, cam=approve_form.cleaned_data["cam"])
                messages.success(request, f"{partner.name} is now a partner; its admin was invited by email.")
                return redirect("web:partner_detail", public_id=partner.public_id)
            if action == "decline" and decline_form.is_valid():
                services.application_decline(actor=request.user, application=app, reason=decline_form.cleaned_data["reason"])
                messages.success(request, f"{app.company_name} was declined.")
                return redirect("recruitment:pipeline")
        except DomainError as exc:
            form_error(decline_form if action == "decline" else approve_form, exc)
    return render(request, "recruitment/detail.html", {
        "app": app, "approve_form": approve_form, "decline_form": decline_form, "nav": "recruitment",
    })


@vendor_perm_required("program.manage")
def ideal_profile(request):
    profile = IdealPartnerProfile.current()
    initial = {f.name: getattr(profile, f.name) for f in profile._meta.fields if f.name != "id"}
    form = IdealProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["target_partner_types"] = [t.code for t in data["target_partner_types"]]
        try:
            services.ideal_profile_update(actor=request.user, data=data)
            n = services.applications_rescore(actor=request.user)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Ideal partner profile saved; {n} open application(s) re-scored.")
            return redirect("recruitment:ideal_profile")
    return render(request, "recruitment/ideal_profile.html", {"form": form, "nav": "recruitment"})
