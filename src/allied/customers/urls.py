from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("console/accounts/", views.console_list, name="console_list"),
    path("console/accounts/new/", views.console_create, name="console_create"),
    path("console/accounts/import/", views.console_import, name="console_import"),
    path("console/accounts/<str:public_id>/", views.console_detail, name="console_detail"),
]
