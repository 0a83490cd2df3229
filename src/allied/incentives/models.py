"""Incentive rules (data, effective-dated and versioned), incentive events and the accruals they earn.

A *rule* is a row per version: ``rule_key`` groups the versions of one rule (it is the public id of
its first version) and ``version`` counts them. Editing an active rule writes a new version whose
``effective_from`` closes the previous one (``effective_to``); nothing is overwritten, so the rule
that earned any accrual can always be shown. ``params`` holds the engine's rule fields (percent,
brackets, accelerator, fixed amount, currency, period, cap, conditions, holdback and clawback days,
triggers), validated by ``services.rule_params.clean_params``.

An *event* is something that earns or claws back incentives: a won deal, a paid invoice, a usage
milestone, a refund or a churn. Its credits (which partners, what share, their role, tier and
partner type) are frozen when it is recorded, so a later tier change does not rewrite history.

An *accrual* is what one partner earns from one event under one rule version. Its amount is what
has been posted to the ledger for it; ``services.accruals`` re-evaluates and posts differences only,
so evaluating the same events twice moves no money (replay). ``state`` says which partner bucket
holds it: accrued (just earned), held (inside the rule's holdback) or payable.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from allied.accrual import EVENT_KINDS, PERIODS, RULE_KINDS
from allied.core.ids import PublicIdField
from allied.core.money import from_minor

RULE_KIND_LABELS = {
    "rebate": "Rebate (% of revenue)",
    "referral": "Referral commission",
    "spif": "SPIF (bonus per qualifying event)",
    "new_logo": "New-logo bonus",
    "renewal": "Renewal reward",
    "upsell": "Upsell reward",
    "consumption": "Consumption milestone reward",
}
RuleKind = models.TextChoices("RuleKind", [(k, (k, RULE_KIND_LABELS[k])) for k in RULE_KINDS])

EVENT_KIND_LABELS = {
    "deal_won": "Deal won",
    "invoice_paid": "Invoice paid",
    "usage_milestone": "Usage milestone",
    "refund": "Refund",
    "churn": "Churn",
}
EventKind = models.TextChoices("EventKind", [(k, (k, EVENT_KIND_LABELS[k])) for k in EVENT_KINDS])
CLAWBACK_KINDS = ("refund", "churn")
TRIGGER_KINDS = tuple(k for k in EVENT_KINDS if k not in CLAWBACK_KINDS)
Period = models.TextChoices("Period", [(p, (p, p.title())) for p in PERIODS])


class RuleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class IncentiveRule(models.Model):
    public_id = PublicIdField(prefix="rul")
    rule_key = models.CharField(max_length=32, db_index=True, help_text="The public id of the rule's first version.")
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=RuleKind.choices)
    status = models.CharField(max_length=8, choices=RuleStatus.choices, default=RuleStatus.DRAFT, db_index=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Exclusive: the first day the version no longer applies.")
    params = models.JSONField(default=dict, help_text="The engine's rule fields (see services.rule_params).")
    description = models.TextField(blank=True)
    activated_at = models.DateTimeField(null=True, blank=True, help_text="Set once the version was first active; drafts never apply.")
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rule_key", "version"]
        constraints = [
            models.UniqueConstraint(fields=["rule_key", "version"], name="incentive_rule_version_once"),
            models.CheckConstraint(condition=Q(effective_to__isnull=True) | Q(effective_to__gt=models.F("effective_from")),
                                   name="incentive_rule_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def engine_id(self) -> str:
        """The id the accrual engine knows this version by (its explanations show "'name' vN")."""
        return f"{self.rule_key}@{self.version}"

    @property
    def applies(self) -> bool:
        """Whether this version takes part in evaluation (in its effective window)."""
        return self.activated_at is not None and self.status != RuleStatus.DRAFT


class EventSource(models.TextChoices):
    DEAL = "deal", "Deal registration"
    API = "api", "API"


class IncentiveEvent(models.Model):
    public_id = PublicIdField(prefix="iev")
    kind = models.CharField(max_length=16, choices=EventKind.choices, db_index=True)
    occurred_at = models.DateTimeField()
    occurred_on = models.DateField(db_index=True, help_text="occurred_at's date in the program's time zone: what rules and periods use.")
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField(help_text="Revenue (or the refunded revenue) in minor units.")
    deal = models.ForeignKey("deals.DealRegistration", null=True, blank=True, on_delete=models.PROTECT, related_name="incentive_events")
    source = models.CharField(max_length=40, default=EventSource.API, help_text="Where the event came from: deal, api or the caller's system.")
    external_ref = models.CharField(max_length=100, help_text="The event's id in its source: the same (source, external_ref) is one event.")
    request_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the intake: a reused reference with another body is refused.")
    deal_type = models.CharField(max_length=10, blank=True)
    products = models.JSONField(default=list, blank=True)
    milestone = models.CharField(max_length=60, blank=True)
    refers_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="clawbacks",
                                  help_text="Refund and churn: the event whose incentives are clawed back.")
    credits = models.JSONField(default=list, help_text="Frozen at intake: [{partner, partner_id, percent, role, tier, partner_type}].")
    partners = models.ManyToManyField("partners.Partner", related_name="incentive_events", blank=True,
                                      help_text="The credited partners (an index over ``credits``).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "external_ref"], name="incentive_event_once_per_source")]
        indexes = [models.Index(fields=["occurred_on", "kind"], name="incentive_event_day_kind_idx")]

    def __str__(self) -> str:
        return self.public_id

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.currency)

    @property
    def is_clawback(self) -> bool:
        return self.kind in CLAWBACK_KINDS

    @property
    def deal_type_label(self) -> str:
        from allied.deals.models import DealType

        return dict(DealType.choices).get(self.deal_type, self.deal_type)


class AccrualState(models.TextChoices):
    ACCRUED = "accrued", "Accrued"
    HELD = "held", "Held back"
    PAYABLE = "payable", "Payable"


STATE_ACCOUNT = {AccrualState.ACCRUED: "incentive.accrued", AccrualState.HELD: "incentive.held",
                 AccrualState.PAYABLE: "incentive.payable"}


class IncentiveAccrual(models.Model):
    """What one partner earns from one event under one rule version (negative: a clawback)."""

    public_id = PublicIdField(prefix="acr")
    event = models.ForeignKey(IncentiveEvent, on_delete=models.PROTECT, related_name="accruals")
    rule = models.ForeignKey(IncentiveRule, on_delete=models.PROTECT, related_name="accruals")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="incentive_accruals")
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField(default=0, help_text="What is posted to the ledger for it now (negative: clawed back).")
    basis_minor = models.BigIntegerField(default=0, help_text="The partner's credited share of the event's amount.")
    explanation = models.TextField(blank=True)
    releasable_on = models.DateField(db_index=True, help_text="Held back until this day; payable from it.")
    state = models.CharField(max_length=8, choices=AccrualState.choices, default=AccrualState.ACCRUED, db_index=True)
    clawback_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="clawed_back_by",
                                    help_text="For a clawback: the accrual it takes back (it is held and released with it).")
    revision = models.PositiveIntegerField(default=0, help_text="Postings made for it so far (part of the next posting's key).")
    txn = models.ForeignKey("ledger.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                            help_text="Its latest accrual or adjustment posting.")
    release_txn = models.ForeignKey("ledger.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    help_text="Its latest move between accrued, held and payable.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "rule", "partner"], name="incentive_accrual_once")]
        indexes = [models.Index(fields=["partner", "state"], name="incentive_accrual_state_idx"),
                   models.Index(fields=["state", "releasable_on"], name="incentive_accrual_release_idx")]

    def __str__(self) -> str:
        return self.public_id

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.currency)

    @property
    def basis(self) -> Decimal:
        return from_minor(self.basis_minor, self.currency)


class IncentiveReplay(models.Model):
    """A re-evaluation of a period (who asked, what changed): replaying twice changes nothing the second time."""

    public_id = PublicIdField(prefix="irp")
    period_start = models.DateField()
    period_end = models.DateField(help_text="The last day replayed (inclusive).")
    evaluated_from = models.DateField(help_text="The start of the whole rule periods evaluated.")
    evaluated_to = models.DateField(help_text="Exclusive: the day after the last rule period evaluated.")
    events = models.PositiveIntegerField(default=0)
    accruals = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0, help_text="Accruals whose amount changed (each one posting).")
    net = models.JSONField(default=dict, blank=True, help_text="Net change posted per currency, in minor units.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id
