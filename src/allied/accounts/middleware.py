"""Users who turned on MFA must pass the TOTP step before using a session."""

from django.shortcuts import redirect

MFA_SESSION_KEY = "allied_mfa_passed"
ALLOWED_PREFIXES = ("/login", "/logout", "/mfa/verify", "/static/", "/api/")


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.mfa_enabled
            and not request.session.get(MFA_SESSION_KEY)
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            return redirect(f"/mfa/verify/?next={request.path}")
        return self.get_response(request)
