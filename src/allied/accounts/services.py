"""Every write about people: users, invitations, API keys, sign-in lockout, MFA."""

import hashlib
import secrets
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record, snapshot
from allied.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from allied.core.outbox import email_enqueue
from allied.core.permissions import has_perm

from .models import PARTNER_ROLES, VENDOR_ROLES, ApiKey, Invitation, LoginFailure, User

INVITATION_DAYS = 14
API_KEY_PREFIX = "allied_"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("Enter a valid email address.", field="email")
    return email


def _check_role(role: str, partner) -> None:
    allowed = PARTNER_ROLES if partner is not None else VENDOR_ROLES
    if role not in allowed:
        side = "partner" if partner is not None else "vendor"
        raise DomainError(f"'{role}' is not a {side} role; choose one of: {', '.join(allowed)}.", field="role")


def _check_full_name(full_name: str) -> None:
    if len((full_name or "").strip()) > 150:
        raise DomainError("At most 150 characters.", field="full_name")


def _can_manage_users_of(actor, partner) -> bool:
    if actor is None:  # system (e.g. application approval)
        return True
    if has_perm(actor, "users.manage"):
        return partner is not None or actor.role == "program_admin"
    return partner is not None and actor.partner_id == partner.pk and has_perm(actor, "partner.users.manage")


@transaction.atomic
def user_create(*, actor, email: str, role: str, partner=None, full_name: str = "", password: str | None = None) -> User:
    email = _clean_email(email)
    _check_role(role, partner)
    _check_full_name(full_name)
    if not _can_manage_users_of(actor, partner):
        raise PermissionDenied()
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict("A user with this email already exists.", field="email")
    if password:
        try:
            validate_password(password, User(email=email, full_name=full_name))
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="password")
    user = User.objects.create_user(email, password, role=role, partner=partner, full_name=full_name.strip())
    audit_record(actor=actor, action="user.created", obj=user, after=snapshot(user, ["email", "role", "full_name"]),
                 partner_id=user.partner_id)
    return user


@transaction.atomic
def invitation_create(*, actor, email: str, role: str, partner=None, full_name: str = "") -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its one-time token."""
    email = _clean_email(email)
    _check_role(role, partner)
    if not _can_manage_users_of(actor, partner):
        raise PermissionDenied()
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict("A user with this email already exists.", field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email, role=role, partner=partner, token_hash=_sha256(token),
        invited_by=actor if getattr(actor, "pk", None) else None,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    org = partner.name if partner is not None else "the vendor team"
    email_enqueue(
        to=email,
        subject=f"You are invited to the partner portal ({org})",
        body=(
            f"Hello{(' ' + full_name) if full_name else ''},\n\nYou have been invited to join {org} on the partner portal.\n"
            f"Set your password here (valid {INVITATION_DAYS} days):\n\n{settings.SITE_URL}/invite/{token}/\n"
        ),
    )
    audit_record(actor=actor, action="invitation.created", obj=invitation, after={"email": email, "role": role},
                 partner_id=getattr(partner, "pk", None))
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    inv = Invitation.objects.select_related("partner").filter(token_hash=_sha256(token or "")).first()
    if inv is None or inv.accepted_at is not None or inv.expires_at < timezone.now():
        raise NotFound("invitation")
    return inv


@transaction.atomic
def invitation_accept(*, token: str, full_name: str, password: str) -> User:
    inv = invitation_for_token(token)
    Invitation.objects.select_for_update().filter(pk=inv.pk).first()
    if not full_name.strip():
        raise DomainError("Enter your name.", field="full_name")
    _check_full_name(full_name)
    if User.objects.filter(email__iexact=inv.email).exists():
        raise Conflict("A user with this email already exists.", field="email")
    try:
        validate_password(password, User(email=inv.email, full_name=full_name))
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password")
    user = User.objects.create_user(inv.email, password, role=inv.role, partner=inv.partner, full_name=full_name.strip())
    inv.accepted_at = timezone.now()
    inv.save(update_fields=["accepted_at"])
    audit_record(actor=user, action="invitation.accepted", obj=inv, after={"user": user.public_id}, partner_id=inv.partner_id)
    return user


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    if not _can_manage_users_of(actor, user.partner):
        raise PermissionDenied()
    if actor is not None and actor.pk == user.pk:
        raise DomainError("You cannot deactivate yourself.")
    before = snapshot(user, ["is_active"])
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=actor, action="user.deactivated", obj=user, before=before, after={"is_active": False}, partner_id=user.partner_id)
    return user


@transaction.atomic
def apikey_create(*, actor, user: User, name: str = "API key") -> tuple[ApiKey, str]:
    """Create an API key; the secret is returned once and only its hash is kept."""
    if actor is not None and actor.pk != user.pk and not has_perm(actor, "users.manage"):
        raise PermissionDenied()
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(user=user, name=(name or "API key")[:100], prefix=secret[:14], secret_hash=_sha256(secret))
    audit_record(actor=actor, action="apikey.created", obj=key, after={"user": user.public_id, "name": key.name}, partner_id=user.partner_id)
    return key, secret


@transaction.atomic
def apikey_revoke(*, actor, key: ApiKey) -> ApiKey:
    if actor is not None and actor.pk != key.user_id and not has_perm(actor, "users.manage"):
        raise PermissionDenied()
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="apikey.revoked", obj=key, partner_id=key.user.partner_id)
    return key


def apikey_authenticate(secret: str) -> User | None:
    if not secret or not secret.startswith(API_KEY_PREFIX):
        return None
    key = ApiKey.objects.select_related("user").filter(secret_hash=_sha256(secret), revoked_at__isnull=True).first()
    if key is None or not key.user.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=5):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.user


def login_is_locked(*, email: str, ip_address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.ALLIED_LOGIN_WINDOW_SECONDS)
    limit = settings.ALLIED_LOGIN_MAX_FAILURES
    recent = LoginFailure.objects.filter(occurred_at__gte=since)
    if recent.filter(email=(email or "").strip().lower()).count() >= limit:
        return True
    # An IP gets more room (offices share one), but not unlimited guesses across accounts.
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 4


def login_failure_record(*, email: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(email=(email or "").strip().lower()[:254], ip_address=ip_address)


def login_failures_clear(*, email: str) -> None:
    LoginFailure.objects.filter(email=(email or "").strip().lower()).delete()


@transaction.atomic
def mfa_setup_begin(*, user: User) -> str:
    """Store a fresh (not yet enabled) TOTP secret and return it."""
    if user.mfa_enabled:
        raise Conflict("Two-factor authentication is already on.")
    user.mfa_secret = pyotp.random_base32()
    user.save(update_fields=["mfa_secret"])
    return user.mfa_secret


def mfa_code_valid(*, user: User, code: str) -> bool:
    return bool(user.mfa_secret) and pyotp.TOTP(user.mfa_secret).verify((code or "").strip(), valid_window=1)


@transaction.atomic
def mfa_enable(*, user: User, code: str) -> User:
    if not mfa_code_valid(user=user, code=code):
        raise DomainError("That code is not valid; check your authenticator app's clock.", field="code")
    user.mfa_enabled = True
    user.save(update_fields=["mfa_enabled"])
    audit_record(actor=user, action="user.mfa_enabled", obj=user, partner_id=user.partner_id)
    return user


@transaction.atomic
def mfa_disable(*, user: User, code: str) -> User:
    if not mfa_code_valid(user=user, code=code):
        raise DomainError("That code is not valid.", field="code")
    user.mfa_enabled = False
    user.mfa_secret = ""
    user.save(update_fields=["mfa_enabled", "mfa_secret"])
    audit_record(actor=user, action="user.mfa_disabled", obj=user, partner_id=user.partner_id)
    return user
