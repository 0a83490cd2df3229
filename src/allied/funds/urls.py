from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("console/funds/", views.console_requests, name="console_requests"),
    path("console/funds/requests/<str:public_id>/", views.console_request, name="console_request"),
    path("console/funds/claims/", views.console_claims, name="console_claims"),
    path("console/funds/claims/<str:public_id>/", views.console_claim, name="console_claim"),
    path("console/funds/claims/<str:public_id>/proofs/<str:proof_id>/", views.console_proof, name="console_proof"),
    path("console/funds/periods/", views.console_periods, name="console_periods"),
    path("console/funds/periods/<str:public_id>/", views.console_period, name="console_period"),
    path("console/funds/activity-types/", views.console_activity_types, name="console_activity_types"),
    path("portal/funds/", views.portal_requests, name="portal_requests"),
    path("portal/funds/new/", views.portal_new, name="portal_new"),
    path("portal/funds/requests/<str:public_id>/", views.portal_request, name="portal_request"),
    path("portal/funds/requests/<str:public_id>/edit/", views.portal_edit, name="portal_edit"),
    path("portal/funds/requests/<str:public_id>/proofs/<str:proof_id>/", views.portal_proof, name="portal_proof"),
]
