from django import forms

from .facts import fact_choices
from .models import RevenueModel, SupportLevel


class ProgramSettingsForm(forms.Form):
    vendor_name = forms.CharField(max_length=200)
    tier_auto_apply = forms.BooleanField(required=False, label="Apply tier changes automatically (no CAM approval)")
    downgrade_grace_days = forms.IntegerField(min_value=0, max_value=730, label="Grace period before a downgrade (days)")
    distributors_see_subpartners = forms.BooleanField(required=False, label="Distributors see their sub-partners' records")
    public_locator_enabled = forms.BooleanField(required=False, label="Publish the public partner locator at /locator/")


class TierForm(forms.Form):
    name = forms.CharField(max_length=60)
    rank = forms.IntegerField(min_value=1, max_value=100, help_text="Higher is a higher tier.")
    discount_pct = forms.DecimalField(label="Discount %", min_value=0, max_value=100, decimal_places=2)
    mdf_eligible = forms.BooleanField(required=False, label="MDF eligible")
    lead_priority = forms.IntegerField(min_value=0, max_value=100)
    support_level = forms.ChoiceField(choices=SupportLevel.choices)
    color = forms.CharField(max_length=7, widget=forms.TextInput(attrs={"type": "color"}))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RequirementForm(forms.Form):
    fact = forms.ChoiceField(choices=[])
    threshold = forms.DecimalField(min_value=0, decimal_places=2, label="At least")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = fact_choices()


class PartnerTypeForm(forms.Form):
    name = forms.CharField(max_length=80)
    revenue_model = forms.ChoiceField(choices=RevenueModel.choices)
    active = forms.BooleanField(required=False)


class AnnouncementForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
