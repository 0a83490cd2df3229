from django.shortcuts import render

from allied.core.http import partner_required, vendor_required


@vendor_required
def console_runs(request):
    return render(request, "payouts/stub.html", {"side": "console", "nav": "money"})


@partner_required
def portal_payouts(request):
    return render(request, "payouts/stub.html", {"side": "portal", "nav": "earnings"})
