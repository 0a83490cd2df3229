from django import forms

from allied.accounts.models import User
from allied.partners.models import INDUSTRIES, SEGMENTS, SPECIALTIES, Region
from allied.program.models import PartnerType


class ApplicationForm(forms.Form):
    company_name = forms.CharField(label="Company name", max_length=200)
    website = forms.CharField(label="Company website", max_length=200, help_text="For example https://example.com")
    country = forms.CharField(max_length=2, help_text="Two-letter ISO code, such as DE or US")
    region = forms.ChoiceField(label="Headquarters region", choices=Region.choices)
    partner_type = forms.ModelChoiceField(label="Partner type", queryset=PartnerType.objects.filter(active=True), to_field_name="code")
    specialties = forms.MultipleChoiceField(choices=[(s, s.title()) for s in SPECIALTIES], required=False, widget=forms.CheckboxSelectMultiple)
    industries = forms.MultipleChoiceField(choices=[(s, s.title()) for s in INDUSTRIES], required=False, widget=forms.CheckboxSelectMultiple)
    regions_served = forms.MultipleChoiceField(label="Regions you serve", choices=Region.choices, required=False, widget=forms.CheckboxSelectMultiple)
    customer_segments = forms.MultipleChoiceField(choices=[(s, s.title()) for s in SEGMENTS], required=False, widget=forms.CheckboxSelectMultiple)
    team_size = forms.IntegerField(label="Team size (people)", min_value=1, max_value=1_000_000)
    annual_revenue_band = forms.ChoiceField(label="Annual revenue", required=False, choices=[
        ("", "Prefer not to say"), ("<1m", "Under $1M"), ("1-10m", "$1M–$10M"), ("10-50m", "$10M–$50M"), (">50m", "Over $50M")])
    contact_name = forms.CharField(label="Your name", max_length=150)
    contact_email = forms.EmailField(label="Your work email")
    contact_phone = forms.CharField(label="Phone", max_length=40, required=False)
    message = forms.CharField(label="Why partner with us?", widget=forms.Textarea, required=False, max_length=5000)
    # Honeypot: people never see or fill it; bots fill every field.
    fax_number = forms.CharField(required=False, label="Leave this empty",
                                 widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))


class ApproveForm(forms.Form):
    cam = forms.ModelChoiceField(queryset=User.objects.filter(partner__isnull=True, role="cam", is_active=True), required=False,
                                 label="Owning CAM", to_field_name="public_id")


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Reason (sent to the applicant)", widget=forms.Textarea(attrs={"rows": 3}))


class IdealProfileForm(forms.Form):
    target_partner_types = forms.ModelMultipleChoiceField(queryset=PartnerType.objects.all(), to_field_name="code", required=False,
                                                          widget=forms.CheckboxSelectMultiple)
    target_regions = forms.MultipleChoiceField(choices=Region.choices, required=False, widget=forms.CheckboxSelectMultiple)
    target_specialties = forms.MultipleChoiceField(choices=[(s, s.title()) for s in SPECIALTIES], required=False, widget=forms.CheckboxSelectMultiple)
    target_industries = forms.MultipleChoiceField(choices=[(s, s.title()) for s in INDUSTRIES], required=False, widget=forms.CheckboxSelectMultiple)
    target_segments = forms.MultipleChoiceField(choices=[(s, s.title()) for s in SEGMENTS], required=False, widget=forms.CheckboxSelectMultiple)
    min_team_size = forms.IntegerField(min_value=0, max_value=100)
    weight_partner_type = forms.IntegerField(min_value=0, max_value=100)
    weight_region = forms.IntegerField(min_value=0, max_value=100)
    weight_specialties = forms.IntegerField(min_value=0, max_value=100)
    weight_industries = forms.IntegerField(min_value=0, max_value=100)
    weight_segments = forms.IntegerField(min_value=0, max_value=100)
    weight_team_size = forms.IntegerField(min_value=0, max_value=100)
