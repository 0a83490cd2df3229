from django.urls import include, path

urlpatterns = [
    path("", include("allied.web.urls")),
]
