from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from allied.core.ids import PublicIdField


class Role(models.TextChoices):
    PROGRAM_ADMIN = "program_admin", "Program admin"
    CAM = "cam", "Channel account manager"
    PMM = "pmm", "Partner marketing manager"
    FINANCE = "finance", "Finance"
    PARTNER_ADMIN = "partner_admin", "Partner admin"
    PARTNER_SALES = "partner_sales", "Partner sales"
    PARTNER_MARKETING = "partner_marketing", "Partner marketing"


VENDOR_ROLES = [Role.PROGRAM_ADMIN, Role.CAM, Role.PMM, Role.FINANCE]
PARTNER_ROLES = [Role.PARTNER_ADMIN, Role.PARTNER_SALES, Role.PARTNER_MARKETING]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("role", Role.PROGRAM_ADMIN)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a vendor user (no partner) or a member of one partner organization."""

    public_id = PublicIdField(prefix="usr")
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    title = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    mfa_secret = models.CharField(max_length=64, blank=True)
    mfa_enabled = models.BooleanField(default=False)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                name="user_role_matches_side",
                condition=(
                    models.Q(partner__isnull=True, role__in=VENDOR_ROLES)
                    | models.Q(partner__isnull=False, role__in=PARTNER_ROLES)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_vendor(self) -> bool:
        return self.partner_id is None

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class ApiKey(models.Model):
    """A bearer API key. Only a SHA-256 of the secret is stored; the secret is shown once."""

    public_id = PublicIdField(prefix="key")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, default="API key")
    prefix = models.CharField(max_length=16, db_index=True, help_text="Shown to recognise the key.")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Invitation(models.Model):
    public_id = PublicIdField(prefix="inv")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"


class LoginFailure(models.Model):
    """Failed sign-ins, counted per account and per IP for lockout."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.ip_address} at {self.occurred_at:%Y-%m-%d %H:%M}"
