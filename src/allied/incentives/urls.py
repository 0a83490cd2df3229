from django.urls import path

from . import views

app_name = "incentives"
urlpatterns = [
    path("console/incentives/", views.console_rules, name="console_rules"),
    path("portal/earnings/", views.portal_earnings, name="portal_earnings"),
]
