"""Console and portal forms of the content library; the services validate, these only shape the input."""

from django import forms

from allied.program.models import PartnerType, Tier

from .models import AssetKind, AssetStatus


class AssetForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(choices=AssetKind.choices)
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. competitive, security, emea.")
    partner_types = forms.MultipleChoiceField(label="Partner types", required=False, widget=forms.CheckboxSelectMultiple,
                                              help_text="None ticked: every partner type.")
    tiers = forms.MultipleChoiceField(label="Tiers", required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text="None ticked: every tier.")
    featured = forms.BooleanField(required=False, help_text="Shown first in the portal.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_types"].choices = [(t.code, t.name) for t in PartnerType.objects.order_by("name")]
        self.fields["tiers"].choices = [(t.name, t.name) for t in Tier.objects.order_by("rank")]

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "description": d["description"], "kind": d["kind"], "featured": d["featured"],
                "tags": d["tags"], "partner_types": d["partner_types"], "tiers": d["tiers"]}


class VersionForm(forms.Form):
    file = forms.FileField(required=False, help_text="PDF, PowerPoint, Word, Excel, CSV, PNG, JPEG or MP4.")
    video_url = forms.URLField(label="or a video link", required=False, assume_scheme="https")
    notes = forms.CharField(label="Version notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NewAssetForm(AssetForm):
    file = forms.FileField(required=False, help_text="PDF, PowerPoint, Word, Excel, CSV, PNG, JPEG or MP4.")
    video_url = forms.URLField(label="or a video link", required=False, assume_scheme="https")
    notes = forms.CharField(label="Version notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    publish = forms.BooleanField(required=False, label="Publish now", help_text="Otherwise it stays a draft.")


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title, description or tag"}))
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *AssetKind.choices])
    tag = forms.ChoiceField(label="Tag", required=False)

    def __init__(self, *args, tags: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag")] + [(t, t) for t in tags]


class ConsoleFilterForm(LibraryFilterForm):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *AssetStatus.choices])
