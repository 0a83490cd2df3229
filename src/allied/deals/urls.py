from django.urls import path

from . import views

app_name = "deals"
urlpatterns = [
    path("portal/deals/", views.portal_list, name="portal_list"),
    path("portal/deals/new/", views.portal_new, name="portal_new"),
    path("portal/deals/import/", views.portal_import, name="portal_import"),
    path("portal/deals/import/template.csv", views.portal_import_template, name="portal_import_template"),
    path("portal/deals/<str:public_id>/", views.portal_detail, name="portal_detail"),
    path("portal/deals/<str:public_id>/files/<str:file_id>/", views.portal_file, name="portal_file"),
    path("console/deals/", views.console_queue, name="console_queue"),
    path("console/deals/rules/", views.rules, name="rules"),
    path("console/deals/products/", views.products, name="products"),
    path("console/deals/<str:public_id>/", views.console_detail, name="console_detail"),
    path("console/deals/<str:public_id>/files/<str:file_id>/", views.console_file, name="console_file"),
]
