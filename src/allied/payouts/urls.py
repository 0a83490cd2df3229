from django.urls import path

from . import views

app_name = "payouts"
urlpatterns = [
    path("console/payouts/", views.console_runs, name="console_runs"),
    path("portal/payouts/", views.portal_payouts, name="portal_payouts"),
]
