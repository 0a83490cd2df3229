import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from allied.core.errors import DomainError
from allied.core.http import client_ip, form_error, member_required, partner_required
from allied.core.permissions import has_perm

from . import selectors, services
from .forms import ApiKeyForm, CodeForm, InvitationAcceptForm, InviteForm, LoginForm, OutboxPasswordResetForm
from .middleware import MFA_SESSION_KEY


def _safe_next(request, default="/"):
    nxt = request.POST.get("next") or request.GET.get("next") or default
    return nxt if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else default


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, ip = form.cleaned_data["email"].lower(), client_ip(request)
        if services.login_is_locked(email=email, ip_address=ip):
            form.add_error(None, "Too many failed sign-ins. Wait 15 minutes or reset your password.")
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if user is None:
                services.login_failure_record(email=email, ip_address=ip)
                form.add_error(None, "Email or password is not right.")
            else:
                services.login_failures_clear(email=email)
                login(request, user)  # rotates the session key
                request.session[MFA_SESSION_KEY] = not user.mfa_enabled
                if user.mfa_enabled:
                    return redirect(f"/mfa/verify/?next={_safe_next(request)}")
                return redirect(_safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)}, status=200 if not form.errors else 400)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


def mfa_verify(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.login_is_locked(email=request.user.email, ip_address=client_ip(request)):
            form.add_error("code", "Too many wrong codes. Wait 15 minutes.")
        elif services.mfa_code_valid(user=request.user, code=form.cleaned_data["code"]):
            request.session[MFA_SESSION_KEY] = True
            request.session.cycle_key()
            return redirect(_safe_next(request))
        else:
            services.login_failure_record(email=request.user.email, ip_address=client_ip(request))
            form.add_error("code", "That code is not valid.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _safe_next(request)})


def invitation_accept(request, token):
    try:
        invitation = services.invitation_for_token(token)
    except DomainError:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[MFA_SESSION_KEY] = True
            messages.success(request, "Welcome! Your account is ready.")
            return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})


@member_required
def account(request):
    user = request.user
    key_form = ApiKeyForm(request.POST or None if request.POST.get("action") == "create_key" else None)
    new_secret = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create_key" and key_form.is_valid():
                _, new_secret = services.apikey_create(actor=user, user=user, name=key_form.cleaned_data["name"])
                messages.success(request, "API key created. Copy it now: it is not shown again.")
            elif action == "revoke_key":
                key = selectors.apikey_list(actor=user).filter(public_id=request.POST.get("key")).first()
                if key:
                    services.apikey_revoke(actor=user, key=key)
                    messages.success(request, "API key revoked.")
                return redirect("accounts:account")
            elif action == "mfa_begin":
                services.mfa_setup_begin(user=user)
                return redirect("accounts:account")
            elif action == "mfa_enable":
                services.mfa_enable(user=user, code=request.POST.get("code", ""))
                request.session[MFA_SESSION_KEY] = True
                messages.success(request, "Two-factor authentication is on.")
                return redirect("accounts:account")
            elif action == "mfa_disable":
                services.mfa_disable(user=user, code=request.POST.get("code", ""))
                messages.success(request, "Two-factor authentication is off.")
                return redirect("accounts:account")
        except DomainError as exc:
            messages.error(request, exc.message)
    qr_svg = None
    if user.mfa_secret and not user.mfa_enabled:
        import pyotp

        uri = pyotp.TOTP(user.mfa_secret).provisioning_uri(name=user.email, issuer_name="Allied")
        buf = io.BytesIO()
        qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).save(buf)
        qr_svg = "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()
    return render(request, "accounts/account.html", {
        "keys": selectors.apikey_list(actor=user), "key_form": key_form, "new_secret": new_secret, "qr_svg": qr_svg,
        "nav": "account",
    })


@partner_required
def team(request):
    user = request.user
    form = InviteForm(request.POST or None, vendor=False)
    can_invite = has_perm(user, "partner.users.manage")
    if request.method == "POST":
        if not can_invite:
            messages.error(request, "Only your partner admin can invite people.")
        elif request.POST.get("action") == "deactivate":
            try:
                target = selectors.user_get(actor=user, public_id=request.POST.get("user", ""))
                if target.partner_id != user.partner_id:
                    raise DomainError("You can only manage your own company's users.")
                services.user_deactivate(actor=user, user=target)
                messages.success(request, f"{target.email} can no longer sign in.")
                return redirect("accounts:team")
            except DomainError as exc:
                messages.error(request, exc.message)
        elif form.is_valid():
            try:
                services.invitation_create(actor=user, partner=user.partner, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect("accounts:team")
    return render(request, "accounts/team.html", {
        "users": selectors.user_list(actor=user, partner=user.partner),
        "invitations": user.partner.invitations.filter(accepted_at__isnull=True).order_by("-created_at"),
        "form": form, "can_invite": can_invite, "nav": "team",
    })


password_reset = auth_views.PasswordResetView.as_view(
    form_class=OutboxPasswordResetForm, template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt", subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        # The lockout message says "Wait 15 minutes or reset your password": a new password ends the lockout.
        services.login_failures_clear(email=form.user.email)
        return super().form_valid(form)


password_reset_confirm = PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:password_reset_complete"))
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
