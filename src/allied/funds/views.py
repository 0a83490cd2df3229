from django.shortcuts import render

from allied.core.http import partner_required, vendor_required


@vendor_required
def console_requests(request):
    return render(request, "funds/stub.html", {"side": "console", "nav": "money"})


@partner_required
def portal_requests(request):
    return render(request, "funds/stub.html", {"side": "portal", "nav": "funds"})
