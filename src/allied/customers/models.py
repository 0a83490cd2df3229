"""The vendor's account master: customers, named direct accounts and open direct opportunities.

Deal registration checks new registrations against it; co-selling account mapping reuses it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from allied.core.ids import PublicIdField


class Segment(models.TextChoices):
    ENTERPRISE = "enterprise", "Enterprise"
    MID_MARKET = "mid_market", "Mid-market"
    SMB = "smb", "Small business"
    PUBLIC = "public", "Public sector"
    UNKNOWN = "", "Unknown"


class AccountSource(models.TextChoices):
    CONSOLE = "console", "Console"
    API = "api", "API"
    CSV = "csv", "CSV import"
    SALESFORCE = "salesforce", "Salesforce export"
    HUBSPOT = "hubspot", "HubSpot export"
    DEAL = "deal", "Won partner deal"


class CustomerAccount(models.Model):
    public_id = PublicIdField(prefix="acct")
    external_id = models.CharField(max_length=64, blank=True, db_index=True, help_text="The account's id in the vendor's CRM.")
    name = models.CharField(max_length=255)
    name_normalized = models.CharField(max_length=255, db_index=True, editable=False)
    website = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=253, blank=True, db_index=True, help_text="Registered web domain, normalised.")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    segment = models.CharField(max_length=12, choices=Segment.choices, blank=True, default="")
    industry = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_accounts",
                              help_text="The vendor user who owns the account.")
    owner_name = models.CharField(max_length=200, blank=True, help_text="Owner as named in the CRM, when not a user here.")
    is_customer = models.BooleanField(default=False, db_index=True, help_text="Already buys from the vendor.")
    is_named_direct = models.BooleanField(default=False, db_index=True, help_text="A named account worked by the vendor's direct team.")
    customer_since = models.DateField(null=True, blank=True)
    incumbent_partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="incumbent_accounts",
                                          help_text="The partner that owns renewals and upsells of this customer.")
    source = models.CharField(max_length=12, choices=AccountSource.choices, default=AccountSource.CONSOLE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=~models.Q(external_id=""), name="account_external_id_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountKey(models.Model):
    """Blocking keys of an account (allied.matching.blocking_keys): the conflict check looks candidates up by key."""

    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE, related_name="match_keys")
    key = models.CharField(max_length=80)

    class Meta:
        indexes = [models.Index(fields=["key"], name="account_key_idx")]
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="account_key_unique")]

    def __str__(self) -> str:
        return self.key


class OpportunityStatus(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Closed won"
    LOST = "lost", "Closed lost"


class DirectOpportunity(models.Model):
    """An opportunity the vendor's direct team works; an open one is a conflict for a partner registration."""

    public_id = PublicIdField(prefix="opp")
    external_id = models.CharField(max_length=64, blank=True, db_index=True)
    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE, related_name="opportunities")
    name = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="USD")
    stage = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=8, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN, db_index=True)
    close_date = models.DateField(null=True, blank=True)
    owner_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["close_date", "id"]
        verbose_name_plural = "direct opportunities"
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=~models.Q(external_id=""), name="opportunity_external_id_unique"),
        ]

    def __str__(self) -> str:
        return self.name
