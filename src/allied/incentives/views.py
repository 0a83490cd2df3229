from django.shortcuts import render

from allied.core.http import partner_required, vendor_required


@vendor_required
def console_rules(request):
    return render(request, "incentives/stub.html", {"side": "console", "nav": "money"})


@partner_required
def portal_earnings(request):
    return render(request, "incentives/stub.html", {"side": "portal", "nav": "earnings"})
