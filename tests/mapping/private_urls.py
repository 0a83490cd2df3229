"""URLs for the private-mapping tests: the project's, plus /api/v1/mapping/private-sessions if config/api.py
does not mount ``allied.mapping.api_private.router`` yet (then on a twin API with the same auth and error shape)."""

from django.urls import path
from ninja import NinjaAPI

from allied.accounts.authentication import API_AUTH
from allied.config.api import api
from allied.config.urls import urlpatterns as project_urlpatterns
from allied.mapping.api_private import router


def _mounted() -> bool:
    return any(path.startswith("/mapping/private-sessions") for path in api.get_openapi_schema(path_prefix="")["paths"])


if _mounted():
    urlpatterns = list(project_urlpatterns)
else:
    twin = NinjaAPI(urls_namespace="api-v1-private", auth=API_AUTH, docs_url=None, openapi_url=None)
    twin._exception_handlers = dict(api._exception_handlers)
    twin.add_router("/mapping", router)
    urlpatterns = [path("api/v1/", twin.urls), *project_urlpatterns]
