from django.urls import path

from . import views

app_name = "library"
urlpatterns = [
    path("console/library/", views.console_list, name="console_list"),
    path("console/library/new/", views.console_new, name="console_new"),
    path("console/library/engagement.csv", views.console_export, name="console_export"),
    path("console/library/<str:public_id>/", views.console_asset, name="console_asset"),
    path("console/library/<str:public_id>/edit/", views.console_edit, name="console_edit"),
    path("console/library/<str:public_id>/versions/<str:version_id>/", views.console_version, name="console_version"),
    path("portal/library/", views.portal_list, name="portal_list"),
    path("portal/library/<str:public_id>/", views.portal_asset, name="portal_asset"),
    path("portal/library/<str:public_id>/download/", views.portal_download, name="portal_download"),
    path("portal/library/<str:public_id>/watch/", views.portal_watch, name="portal_watch"),
]
