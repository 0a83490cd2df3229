"""API authentication: bearer API keys for machines, the session cookie for the browser."""

from ninja.security import HttpBearer, SessionAuth

from .services import apikey_authenticate


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request, token):
        user = apikey_authenticate(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """Session cookie auth for the browser (CSRF-checked by ninja on unsafe methods)."""

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [ApiKeyAuth(), BrowserSessionAuth()]
