from django.urls import path

from . import views

app_name = "leads"
urlpatterns = [
    path("forms/lead/", views.web_form, name="web_form"),
    path("forms/lead/thanks/", views.web_form_thanks, name="web_form_thanks"),
    path("portal/leads/", views.portal_inbox, name="portal_inbox"),
    path("portal/leads/<str:public_id>/", views.portal_detail, name="portal_detail"),
    path("console/leads/", views.console_queue, name="console_queue"),
    path("console/leads/embed/", views.embed, name="embed"),
    path("console/leads/partners/", views.partner_stats, name="partner_stats"),
    path("console/leads/settings/", views.routing_settings, name="settings"),
    path("console/leads/import/", views.lead_import, name="import"),
    path("console/leads/<str:public_id>/", views.console_detail, name="console_detail"),
]
