"""Account mapping between the vendor and each partner.

Both sides keep an account list (``MappedAccount``; ``partner`` null is the vendor's list, synced
from the account master or uploaded). Populations are saved filters over one side's list. A
``Partnership`` holds the dual opt-in; nothing is shared until both sides opted in. Each side
shares each of its populations with the other at a level (hidden, counts only, overlapping
records, full list) and chooses the fields. Batch mapping writes ``AccountMatch`` rows (vendor
account, partner account, confidence, reason); what a viewer may see of them is decided by the
selectors from the sharing rules, never stored.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from allied.core.ids import PublicIdField


class Side(models.TextChoices):
    VENDOR = "vendor", "Vendor"
    PARTNER = "partner", "Partner"


class AccountStatus(models.TextChoices):
    """What the account is to the side whose list it is in."""

    CUSTOMER = "customer", "Customer"
    OPPORTUNITY = "opportunity", "Open opportunity"
    PROSPECT = "prospect", "Prospect"
    OTHER = "other", "Other"


class ListSource(models.TextChoices):
    ACCOUNT_MASTER = "master", "Account master"
    CSV = "csv", "CSV upload"
    HUBSPOT = "hubspot", "HubSpot export"
    SALESFORCE = "salesforce", "Salesforce export"
    API = "api", "API"
    DEMO = "demo", "Demo data"


class MappedAccount(models.Model):
    """One account in one side's list. ``partner`` null: the vendor's list."""

    public_id = PublicIdField(prefix="macc")
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="mapped_accounts")
    external_id = models.CharField(max_length=128, blank=True, help_text="The account's id in its owner's CRM.")
    name = models.CharField(max_length=255)
    name_normalized = models.CharField(max_length=255, editable=False, db_index=True)
    website = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=253, blank=True, db_index=True, help_text="Registered domain, normalised.")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    status = models.CharField(max_length=12, choices=AccountStatus.choices, default=AccountStatus.PROSPECT, db_index=True)
    industry = models.CharField(max_length=100, blank=True)
    employees = models.PositiveIntegerField(null=True, blank=True)
    owner_name = models.CharField(max_length=200, blank=True, help_text="The account owner as named in the CRM.")
    opportunity_stage = models.CharField(max_length=80, blank=True)
    opportunity_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    source = models.CharField(max_length=12, choices=ListSource.choices, default=ListSource.CSV)
    source_account = models.ForeignKey("customers.CustomerAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                       help_text="The account-master row a vendor account was synced from.")
    fingerprint = models.CharField(max_length=40, blank=True, help_text="Hash of name, domain and country: a change re-matches the account.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["partner", "status"], name="mapped_account_side_status")]
        constraints = [
            models.UniqueConstraint(fields=["partner", "external_id"], condition=Q(partner__isnull=False) & ~Q(external_id=""),
                                    name="mapped_account_partner_external_unique"),
            models.UniqueConstraint(fields=["external_id"], condition=Q(partner__isnull=True) & ~Q(external_id=""),
                                    name="mapped_account_vendor_external_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def side(self) -> str:
        return Side.VENDOR if self.partner_id is None else Side.PARTNER


class PopulationKind(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    OPPORTUNITIES = "opportunities", "Open opportunities"
    PROSPECTS = "prospects", "Prospects"
    CUSTOM = "custom", "Custom"


class Population(models.Model):
    """A saved filter over one side's list (``partner`` null: the vendor's).

    ``filters`` keys (all optional, combined with AND; lists mean "any of"): ``status``, ``country``,
    ``industry``, ``owner_name``, ``opportunity_stage``, ``min_employees``, ``max_employees``,
    ``name_contains``. Validated by ``services.populations.clean_filters``.
    """

    public_id = PublicIdField(prefix="pop")
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="mapping_populations")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=PopulationKind.choices, default=PopulationKind.CUSTOM)
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], condition=Q(partner__isnull=False), name="population_partner_name_unique"),
            models.UniqueConstraint(fields=["name"], condition=Q(partner__isnull=True), name="population_vendor_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """The vendor's mapping relationship with one partner: dual opt-in and discovery consent."""

    partner = models.OneToOneField("partners.Partner", on_delete=models.CASCADE, related_name="mapping_partnership")
    vendor_opted_in_at = models.DateTimeField(null=True, blank=True)
    vendor_opted_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    partner_opted_in_at = models.DateTimeField(null=True, blank=True)
    partner_opted_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    discoverable = models.BooleanField(default=False, help_text="Other partners may find this partner by account overlap.")
    matched_at = models.DateTimeField(null=True, blank=True, help_text="When the last mapping run finished.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Mapping with {self.partner}"

    @property
    def active(self) -> bool:
        return self.vendor_opted_in_at is not None and self.partner_opted_in_at is not None


class ShareLevel(models.TextChoices):
    HIDDEN = "hidden", "Hidden"
    COUNTS = "counts", "Counts only"
    OVERLAPS = "overlaps", "Overlapping records"
    FULL = "full", "Full list"


SHARE_ORDER = {ShareLevel.HIDDEN: 0, ShareLevel.COUNTS: 1, ShareLevel.OVERLAPS: 2, ShareLevel.FULL: 3}

# Fields a side may share with the other; the account name is always shared with records.
SHAREABLE_FIELDS = ("website", "country", "status", "industry", "employees", "owner_name", "opportunity_stage", "opportunity_amount")


class SharingRule(models.Model):
    """How much one side shares of one of its populations with the other side of a partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sharing_rules")
    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="sharing_rules")
    level = models.CharField(max_length=8, choices=ShareLevel.choices, default=ShareLevel.HIDDEN)
    fields = models.JSONField(default=list, blank=True, help_text="Shared fields besides the name (SHAREABLE_FIELDS).")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "population"], name="sharing_rule_unique")]

    def __str__(self) -> str:
        return f"{self.population} · {self.get_level_display()}"

    @property
    def side(self) -> str:
        return Side.VENDOR if self.population.partner_id is None else Side.PARTNER



class MatchMethod(models.TextChoices):
    DOMAIN = "domain", "Same domain"
    NAME = "name", "Same name"
    FUZZY = "fuzzy", "Similar name"


class AccountMatch(models.Model):
    """A vendor account and a partner account judged to be the same company by batch mapping."""

    public_id = PublicIdField(prefix="match")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="account_matches")
    vendor_account = models.ForeignKey(MappedAccount, on_delete=models.CASCADE, related_name="vendor_matches")
    partner_account = models.ForeignKey(MappedAccount, on_delete=models.CASCADE, related_name="partner_matches")
    score = models.FloatField(help_text="Confidence 0..1 from allied.matching.")
    method = models.CharField(max_length=8, choices=MatchMethod.choices)
    reason = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vendor_account", "partner_account"], name="account_match_unique")]
        indexes = [models.Index(fields=["partner", "vendor_account"], name="account_match_partner_vendor")]

    def __str__(self) -> str:
        return f"{self.vendor_account_id} ~ {self.partner_account_id} ({self.score:.2f})"



class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class MappingRun(models.Model):
    """One batch mapping of a partner's list against the vendor's, run by the worker with progress."""

    public_id = PublicIdField(prefix="mrun")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="mapping_runs")
    incremental = models.BooleanField(default=True, help_text="Only accounts changed since the last run are matched again.")
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    matches_added = models.PositiveIntegerField(default=0)
    matches_removed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id



class PsiStatus(models.TextChoices):
    OPEN = "open", "Waiting for the partner"
    DONE = "done", "Done"
    EXPIRED = "expired", "Expired"


class PrivateMapping(models.Model):
    """A private set intersection between a vendor population and a list the partner never uploads.

    The server keeps only its own session secret (erased when the session ends), the counts and,
    when the partner shares overlaps, which vendor accounts were in the intersection.
    """

    public_id = PublicIdField(prefix="psi")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="private_mappings")
    vendor_population = models.ForeignKey(Population, on_delete=models.PROTECT, related_name="+")
    reveal_to_vendor = models.BooleanField(default=False, help_text="The partner lets the vendor learn which of its accounts overlap.")
    status = models.CharField(max_length=8, choices=PsiStatus.choices, default=PsiStatus.OPEN)
    secret = models.BinaryField(max_length=32, null=True, editable=False)
    vendor_count = models.PositiveIntegerField(default=0)
    partner_count = models.PositiveIntegerField(null=True, blank=True)
    overlap_count = models.PositiveIntegerField(null=True, blank=True)
    vendor_overlap = models.JSONField(default=list, blank=True, help_text="Public ids of the vendor accounts in the intersection, when revealed.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ordered = models.BooleanField(default=False, help_text="Answers keep the partner's order (overlapping records shared when "
                                                           "the session began); otherwise counts only.")
    exchanged_at = models.DateTimeField(null=True, blank=True, help_text="When the partner's last batch of points arrived.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id


class PrivateMappingChunk(models.Model):
    """Counts-only sessions: the partner's points, re-blinded, held until its last batch arrives, then sorted.

    Answering batch by batch would tell the partner which batch held a match (a batch of one: which
    account), so a counts-only answer is given only for the whole list at once. Deleted with the secret.
    """

    mapping = models.ForeignKey(PrivateMapping, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    points = models.BinaryField()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["mapping", "seq"], name="private_mapping_chunk_unique")]

    def __str__(self) -> str:
        return f"{self.mapping_id}#{self.seq}"



class CoSellKind(models.TextChoices):
    LEAD = "lead", "Lead"
    DEAL = "deal", "Deal room"


class CoSellAction(models.Model):
    """A co-sell opportunity (a match) turned into a lead for the partner or a deal room."""

    public_id = PublicIdField(prefix="cosell")
    match = models.ForeignKey(AccountMatch, null=True, on_delete=models.SET_NULL, related_name="actions")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="cosell_actions")
    vendor_account = models.ForeignKey(MappedAccount, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=CoSellKind.choices)
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deal = models.ForeignKey("deals.DealRegistration", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["partner", "vendor_account", "kind"], name="cosell_action_once")]

    def __str__(self) -> str:
        return self.public_id



class Introduction(models.Model):
    """Partner-to-partner discovery: one partner (or a CAM) introduces two partners for a deal or account."""

    public_id = PublicIdField(prefix="intro")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="introductions_made",
                                     help_text="The partner asking; empty when the vendor introduced them.")
    to_partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="introductions_received")
    with_partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                     help_text="When the vendor introduces: the other partner.")
    deal = models.ForeignKey("deals.DealRegistration", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    account_name = models.CharField(max_length=255, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id
