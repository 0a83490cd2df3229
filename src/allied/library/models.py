"""The content library: assets (battlecards, one-pagers, decks, videos, price sheets, ...), their versions,
tags and audience, and the engagement events (views, downloads) partners leave on them.

An asset is the vendor's; its audience (partner types, tiers; empty means everyone) decides which partners
see it once published. Each upload is a new ``AssetVersion``; the asset's ``current_version`` is what
partners get, older versions stay in the vendor's history. ``AssetEvent`` rows carry the partner so
engagement adds up per partner in one grouped query (and feeds the ``content_engagement_90d`` tier fact).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from allied.core.ids import PublicIdField


class AssetKind(models.TextChoices):
    BATTLECARD = "battlecard", "Battlecard"
    ONE_PAGER = "one_pager", "One-pager"
    DECK = "deck", "Deck"
    VIDEO = "video", "Video"
    PRICE_SHEET = "price_sheet", "Price sheet"
    CASE_STUDY = "case_study", "Case study"
    OTHER = "other", "Other"


class AssetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Tag(models.Model):
    """A normalised label (lower case, single spaces): filtering by tag is one join, not a JSON scan."""

    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    public_id = PublicIdField(prefix="ast")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=AssetKind.choices, default=AssetKind.OTHER, db_index=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="assets")
    partner_types = models.ManyToManyField("program.PartnerType", blank=True, related_name="+",
                                           help_text="Partner types that see it (none: every type).")
    tiers = models.ManyToManyField("program.Tier", blank=True, related_name="+", help_text="Tiers that see it (none: every tier).")
    status = models.CharField(max_length=10, choices=AssetStatus.choices, default=AssetStatus.DRAFT, db_index=True)
    current_version = models.ForeignKey("AssetVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    featured = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-featured", "-updated_at", "id"]

    def __str__(self) -> str:
        return self.title


def _version_path(instance: "AssetVersion", filename: str) -> str:
    # Never the uploader's file name on disk: a random public id and the checked extension.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"library/{instance.public_id}.{ext}"


class AssetVersion(models.Model):
    """One upload of an asset: a checked file under ``MEDIA_ROOT/library/`` or a video link."""

    public_id = PublicIdField(prefix="astv")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=_version_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    video_url = models.URLField(blank=True)
    notes = models.TextField(blank=True, help_text="What changed in this version.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["asset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "number"], name="asset_version_number_unique"),
            models.CheckConstraint(condition=~Q(file="") | ~Q(video_url=""), name="asset_version_file_or_video"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} v{self.number}"

    @property
    def is_video(self) -> bool:
        return not self.file and bool(self.video_url)


class EventKind(models.TextChoices):
    VIEW = "view", "View"
    DOWNLOAD = "download", "Download"


class AssetEvent(models.Model):
    """A partner user viewing or downloading an asset: the engagement signal."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(AssetVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="asset_events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=8, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["partner", "at"], name="asset_event_partner_at"),
            models.Index(fields=["asset", "partner"], name="asset_event_asset_partner"),
            models.Index(fields=["at"], name="asset_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.asset_id} by {self.partner_id}"
