from django.urls import path

from . import views

app_name = "incentives"
urlpatterns = [
    path("console/incentives/", views.console_rules, name="console_rules"),
    path("console/incentives/rules/new/", views.console_rule_new, name="console_rule_new"),
    path("console/incentives/rules/<str:public_id>/", views.console_rule_detail, name="console_rule_detail"),
    path("console/incentives/rules/<str:public_id>/edit/", views.console_rule_edit, name="console_rule_edit"),
    path("console/incentives/events/", views.console_events, name="console_events"),
    path("console/incentives/events/<str:public_id>/", views.console_event_detail, name="console_event_detail"),
    path("console/incentives/accruals/", views.console_accruals, name="console_accruals"),
    path("console/incentives/replay/", views.console_replay, name="console_replay"),
    path("portal/earnings/", views.portal_earnings, name="portal_earnings"),
]
