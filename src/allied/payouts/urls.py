from django.urls import path

from . import views

app_name = "payouts"
urlpatterns = [
    path("console/payouts/", views.console_runs, name="console_runs"),
    path("console/payouts/new/", views.console_run_new, name="console_run_new"),
    path("console/payouts/statements/", views.console_statements, name="console_statements"),
    path("console/payouts/statements/<str:public_id>/<str:fmt>/", views.console_statement_file, name="console_statement_file"),
    path("console/payouts/payees/", views.console_payees, name="console_payees"),
    path("console/payouts/payments/<str:public_id>/", views.console_payout_action, name="console_payout_action"),
    path("console/payouts/<str:public_id>/", views.console_run_detail, name="console_run_detail"),
    path("console/payouts/<str:public_id>/progress/", views.console_run_progress, name="console_run_progress"),
    path("console/payouts/<str:public_id>/export.csv", views.console_run_export, name="console_run_export"),
    path("console/payouts/<str:public_id>/<str:action>/", views.console_run_action, name="console_run_action"),
    path("portal/payouts/", views.portal_payouts, name="portal_payouts"),
    path("portal/payouts/payee/", views.portal_payee, name="portal_payee"),
    path("portal/statements/", views.portal_statements, name="portal_statements"),
    path("portal/statements/<str:public_id>/<str:fmt>/", views.portal_statement_file, name="portal_statement_file"),
]
