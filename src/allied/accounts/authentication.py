"""API authentication: bearer API keys for machines, the session cookie for the browser."""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .middleware import MFA_SESSION_KEY
from .services import apikey_authenticate


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request, token):
        user = apikey_authenticate(token)
        if user is None:
            # A request that presents a key is judged on that key alone: a wrong or revoked key is refused,
            # never quietly accepted because the same browser also holds a session cookie.
            raise AuthenticationError()
        request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """Session cookie auth for the browser (CSRF-checked by ninja on unsafe methods)."""

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if user.mfa_enabled and not request.session.get(MFA_SESSION_KEY):
            return None  # signed in with the password only: the two-factor step is still owed
        return user


API_AUTH = [ApiKeyAuth(), BrowserSessionAuth()]
