from django import forms
from django.conf import settings

from allied.accounts.models import User
from allied.program.models import PartnerType, Tier

from .models import INDUSTRIES, SEGMENTS, SPECIALTIES, Partner, PartnerStatus, Region


class ProfileForm(forms.Form):
    name = forms.CharField(label="Company name", max_length=200)
    website = forms.CharField(max_length=200, required=False, help_text="For example https://example.com")
    country = forms.CharField(max_length=2, help_text="Two-letter ISO code, such as DE or US")
    region = forms.ChoiceField(choices=Region.choices)
    city = forms.CharField(max_length=100, required=False)
    description = forms.CharField(widget=forms.Textarea, required=False)
    specialties = forms.MultipleChoiceField(choices=[(s, s.title()) for s in SPECIALTIES], required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 6}))
    industries = forms.MultipleChoiceField(choices=[(s, s.title()) for s in INDUSTRIES], required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 6}))
    regions_served = forms.MultipleChoiceField(choices=Region.choices, required=False, widget=forms.CheckboxSelectMultiple)
    customer_segments = forms.MultipleChoiceField(choices=[(s, s.title()) for s in SEGMENTS], required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    team_size = forms.IntegerField(min_value=1, required=False)
    listed_in_locator = forms.BooleanField(required=False, label="Show us in the partner locator")
    logo = forms.FileField(required=False, help_text=f"PNG, JPEG, WebP or GIF, at most {settings.ALLIED_LOGO_MAX_BYTES // 1024} KB.",
                           widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}))

    @classmethod
    def for_partner(cls, partner: Partner, data=None, files=None):
        initial = {f: getattr(partner, f) for f in ("name", "website", "country", "region", "city", "description", "specialties",
                                                    "industries", "regions_served", "customer_segments", "team_size", "listed_in_locator")}
        return cls(data, files, initial=initial)


class PartnerCreateForm(forms.Form):
    name = forms.CharField(label="Company name", max_length=200)
    partner_type = forms.ModelChoiceField(queryset=PartnerType.objects.filter(active=True), to_field_name="code")
    website = forms.CharField(max_length=200, required=False)
    country = forms.CharField(max_length=2, help_text="Two-letter ISO code")
    region = forms.ChoiceField(choices=Region.choices)
    cam = forms.ModelChoiceField(queryset=User.objects.filter(partner__isnull=True, role="cam", is_active=True), required=False,
                                 label="Owning CAM", to_field_name="public_id")
    admin_email = forms.EmailField(required=False, label="Invite partner admin (email)")


class PartnerAdminForm(forms.Form):
    cam = forms.ModelChoiceField(queryset=User.objects.filter(partner__isnull=True, role__in=["cam", "program_admin"], is_active=True),
                                 required=False, label="Owning CAM", to_field_name="public_id")
    status = forms.ChoiceField(choices=PartnerStatus.choices)
    partner_type = forms.ModelChoiceField(queryset=PartnerType.objects.all(), to_field_name="code")
    parent = forms.ModelChoiceField(queryset=Partner.objects.filter(partner_type__code="distributor"), required=False,
                                    label="Parent distributor", to_field_name="public_id")


class PartnerFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or domain"}))
    partner_type = forms.ModelChoiceField(queryset=PartnerType.objects.all(), to_field_name="code", required=False, label="Type")
    tier = forms.ModelChoiceField(queryset=Tier.objects.all(), to_field_name="name", required=False)
    status = forms.ChoiceField(choices=[("", "Any")] + list(PartnerStatus.choices), required=False)
    region = forms.ChoiceField(choices=[("", "Any")] + list(Region.choices), required=False)


class LocatorForm(forms.Form):
    q = forms.CharField(required=False, label="Name", widget=forms.TextInput(attrs={"type": "search"}))
    region = forms.ChoiceField(choices=[("", "Any")] + list(Region.choices), required=False)
    specialty = forms.ChoiceField(choices=[("", "Any")] + [(s, s.title()) for s in SPECIALTIES], required=False)
    partner_type = forms.ModelChoiceField(queryset=PartnerType.objects.all(), to_field_name="code", required=False, label="Type")
    tier = forms.ModelChoiceField(queryset=Tier.objects.all(), to_field_name="name", required=False)
