from django import forms

from allied.accounts.models import User
from allied.partners.models import Partner

from .imports import DATE_ORDERS, FORMATS
from .models import CustomerAccount, OpportunityStatus, Segment

YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]


def _vendor_users():
    return User.objects.filter(partner__isnull=True, is_active=True).order_by("full_name", "email")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AccountForm(forms.Form):
    name = forms.CharField(label="Account name", max_length=255)
    external_id = forms.CharField(label="CRM id", max_length=64, required=False,
                                  help_text="The account's id in your CRM (Salesforce Account ID, HubSpot Record ID): imports match on it.")
    website = forms.CharField(max_length=255, required=False, help_text="For example https://example.com")
    country = forms.CharField(max_length=100, required=False, help_text="ISO code (DE, DEU) or English name")
    segment = forms.ChoiceField(choices=[("", "Unknown")] + [c for c in Segment.choices if c[0]], required=False)
    industry = forms.CharField(max_length=100, required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, to_field_name="public_id", label="Owner",
                                   empty_label="No owner")
    owner_name = forms.CharField(max_length=200, required=False, label="Owner in the CRM",
                                 help_text="When the owner is not a user here.")
    is_customer = forms.BooleanField(required=False, label="Customer (already buys from us)")
    is_named_direct = forms.BooleanField(required=False, label="Named direct account (worked by our direct team)")
    customer_since = forms.DateField(required=False, widget=DateInput())
    incumbent_partner = forms.ModelChoiceField(queryset=Partner.objects.none(), required=False, to_field_name="public_id",
                                               label="Incumbent partner", help_text="The partner that owns renewals.",
                                               empty_label="None")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _vendor_users()
        self.fields["incumbent_partner"].queryset = Partner.objects.order_by("name")

    @classmethod
    def for_account(cls, account: CustomerAccount, data=None):
        initial = {f: getattr(account, f) for f in ("name", "external_id", "website", "country", "segment", "industry",
                                                    "owner_name", "is_customer", "is_named_direct", "customer_since")}
        initial["owner"] = account.owner.public_id if account.owner_id else None
        initial["incumbent_partner"] = account.incumbent_partner.public_id if account.incumbent_partner_id else None
        return cls(data, initial=initial, prefix="account")


class AccountFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, domain or id"}))
    is_customer = forms.ChoiceField(choices=YES_NO, required=False, label="Customer")
    is_named_direct = forms.ChoiceField(choices=YES_NO, required=False, label="Named direct")
    country = forms.CharField(required=False, max_length=2, widget=forms.TextInput(attrs={"placeholder": "DE", "size": 4}))
    segment = forms.ChoiceField(choices=[("", "Any")] + [c for c in Segment.choices if c[0]], required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, to_field_name="public_id", empty_label="Any")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _vendor_users()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        out = {k: v for k, v in data.items() if v and k not in ("owner", "is_customer", "is_named_direct")}
        if data.get("owner"):
            out["owner"] = data["owner"].public_id
        for flag in ("is_customer", "is_named_direct"):
            if data.get(flag):
                out[flag] = data[flag] == "yes"
        return out


class OpportunityForm(forms.Form):
    name = forms.CharField(label="Opportunity name", max_length=255)
    external_id = forms.CharField(label="CRM id", max_length=64, required=False)
    amount = forms.CharField(max_length=40, required=False, help_text="For example 25000 or 25,000.00")
    currency = forms.CharField(max_length=3, initial="USD")
    stage = forms.CharField(max_length=80, required=False, help_text="Closed Won / Closed Lost close it")
    status = forms.ChoiceField(choices=[("", "From the stage")] + list(OpportunityStatus.choices), required=False)
    close_date = forms.DateField(required=False, widget=DateInput())
    owner_name = forms.CharField(max_length=200, required=False, label="Owner")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "opp")
        super().__init__(*args, **kwargs)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=[("accounts", "Accounts (companies)"),
                                                                   ("opportunities", "Direct opportunities (deals)")])
    file = forms.FileField(label="CSV file", help_text="A Salesforce or HubSpot export, or Allied's own CSV.",
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
    format = forms.ChoiceField(choices=[(f, {"auto": "Recognise from the header", "salesforce": "Salesforce", "hubspot": "HubSpot",
                                             "allied": "Allied CSV"}[f]) for f in FORMATS], initial="auto")
    date_order = forms.ChoiceField(label="Dates like 03/04/2026 are", initial="auto", choices=[
        (o, {"auto": "Read from the file (refuse if unclear)", "mdy": "Month first (US: 03/04 = March 4)",
             "dmy": "Day first (03/04 = 3 April)"}[o]) for o in DATE_ORDERS])
