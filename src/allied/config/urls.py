from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("allied.web.urls")),
]
# Uploaded files are never served wholesale, not even in DEBUG: logos have their own route and deal-room
# files are served by views that check who may see them.
