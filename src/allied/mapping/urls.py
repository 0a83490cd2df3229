from django.urls import path

from .views import console, portal

app_name = "mapping"
urlpatterns = [
    path("console/cosell/", console.partnerships, name="console_partnerships"),
    path("console/cosell/accounts/", console.accounts, name="console_accounts"),
    path("console/cosell/opportunities/", console.opportunities, name="console_opportunities"),
    path("console/cosell/discover/", console.discover, name="console_discover"),
    path("console/cosell/<str:public_id>/", console.partnership, name="console_partnership"),
    path("console/cosell/<str:public_id>/progress/", console.run_progress, name="console_run_progress"),
    path("console/cosell/<str:public_id>/overlap/<str:vendor_pop>/<str:partner_pop>/", console.overlap,
         name="console_overlap"),
    path("console/cosell/<str:public_id>/overlap/<str:vendor_pop>/<str:partner_pop>/export/", console.overlap_export,
         name="console_overlap_export"),
    path("console/cosell/<str:public_id>/populations/<str:population>/", console.shared_list, name="console_shared_list"),
    path("portal/cosell/", portal.overview, name="portal_overview"),
    path("portal/cosell/progress/", portal.run_progress, name="portal_run_progress"),
    path("portal/cosell/accounts/", portal.accounts, name="portal_accounts"),
    path("portal/cosell/populations/<str:partner_pop>/overlap/<str:vendor_pop>/", portal.overlap, name="portal_overlap"),
    path("portal/cosell/populations/<str:partner_pop>/overlap/<str:vendor_pop>/export/", portal.overlap_export,
         name="portal_overlap_export"),
    path("portal/cosell/populations/<str:population>/", portal.shared_list, name="portal_shared_list"),
    path("portal/cosell/opportunities/", portal.opportunities, name="portal_opportunities"),
    path("portal/cosell/discover/", portal.discover, name="portal_discover"),
    path("portal/cosell/private/", portal.private, name="portal_private"),
]
