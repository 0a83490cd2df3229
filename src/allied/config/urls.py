from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("allied.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
