from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from . import views

web_patterns = (
    [
        path("console/partners/<str:public_id>/", views.partner_detail, name="partner_detail"),
        path("console/audit/", views.audit, name="audit"),
    ],
    "web",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("allied.accounts.urls")),
    path("", include("allied.partners.urls")),
    path("", include("allied.recruitment.urls")),
    path("", include("allied.onboarding.urls")),
    path("", include("allied.tiering.urls")),
    path("", include("allied.program.urls")),
    path("", include("allied.customers.urls")),
    path("", include("allied.deals.urls")),
    path("", include("allied.leads.urls")),
    path("", include("allied.funds.urls")),
    path("", include("allied.incentives.urls")),
    path("", include("allied.payouts.urls")),
    path("", include("allied.mapping.urls")),
    path("", include("allied.learning.urls")),
    path("", include("allied.library.urls")),
    path("", include(web_patterns)),
    # Uploaded logos. Behind a reverse proxy, serve MEDIA_ROOT there instead (docs/operations.md).
    re_path(r"^media/(?P<path>logos/[\w.-]+)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"),
]
