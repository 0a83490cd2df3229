"""View plumbing shared by console and portal pages: access decorators and form error mapping."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render

from .errors import DomainError, NotFound, PermissionDenied
from .permissions import has_perm
from .scope import is_vendor


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(user):
                raise Http404("Page not found")  # the other side's pages do not exist for you
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404("Page not found")
            except PermissionDenied as exc:
                return render(request, "web/forbidden.html", {"message": exc.message}, status=403)

        return wrapped

    return decorator


vendor_required = _guard(is_vendor)
partner_required = _guard(lambda u: u.is_active and u.partner_id is not None)
member_required = _guard(lambda u: u.is_active)


def vendor_perm_required(perm: str):
    return _guard(lambda u: is_vendor(u) and has_perm(u, perm))


def form_error(form, exc: DomainError) -> None:
    """Attach a service's error to the form field it names (or to the form as a whole)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
