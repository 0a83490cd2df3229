"""Forms of the co-selling pages. They only shape input; the services validate it and name the field at fault,
which ``field_error`` puts next to the field."""

from django import forms

from allied.partners.models import SPECIALTIES, Region

from .models import SHAREABLE_FIELDS, AccountStatus, ShareLevel

FIELD_LABELS = {"website": "Website", "country": "Country", "status": "Status", "industry": "Industry", "employees": "Employees",
                "owner_name": "Account owner", "opportunity_stage": "Opportunity stage", "opportunity_amount": "Opportunity amount"}
FIELD_CHOICES = [(f, FIELD_LABELS.get(f, f)) for f in SHAREABLE_FIELDS]
LEVEL_HELP = {
    ShareLevel.HIDDEN: "Nothing about this population is shared.",
    ShareLevel.COUNTS: "The other side sees how many accounts overlap, never which.",
    ShareLevel.OVERLAPS: "The other side sees the overlapping accounts: their name and the fields ticked below.",
    ShareLevel.FULL: "The other side may list the whole population (name and ticked fields), overlapping or not.",
}


def _split(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


class SharingForm(forms.Form):
    """How much one of my populations is shared with the other side (one form per population, prefixed by its id)."""

    level = forms.ChoiceField(label="Share", choices=ShareLevel.choices)
    fields = forms.MultipleChoiceField(label="Fields shared with the records", choices=FIELD_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple, help_text="The account name is always shared with records.")


class UploadForm(forms.Form):
    file = forms.FileField(label="Accounts CSV", help_text="A HubSpot companies export or a Salesforce accounts report, as CSV.",
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))


class AccountSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or domain"}))
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *AccountStatus.choices])


class PopulationForm(forms.Form):
    """A custom population: filters combined with AND; comma-separated lists mean "any of"."""

    name = forms.CharField(label="Population name", max_length=100)
    status = forms.MultipleChoiceField(label="Status", required=False, choices=AccountStatus.choices, widget=forms.CheckboxSelectMultiple)
    country = forms.CharField(label="Countries", required=False, max_length=200, help_text="ISO codes, comma-separated: DE, FR")
    industry = forms.CharField(label="Industries", required=False, max_length=300, help_text="Comma-separated")
    owner_name = forms.CharField(label="Account owners", required=False, max_length=300, help_text="Comma-separated")
    opportunity_stage = forms.CharField(label="Opportunity stages", required=False, max_length=300, help_text="Comma-separated")
    min_employees = forms.IntegerField(label="At least … employees", required=False, min_value=0)
    max_employees = forms.IntegerField(label="At most … employees", required=False, min_value=0)
    name_contains = forms.CharField(label="Name contains", required=False, max_length=100)

    @classmethod
    def for_population(cls, population, data=None, prefix=None):
        f = population.filters or {}
        initial = {"name": population.name, "status": f.get("status", []), "name_contains": f.get("name_contains", ""),
                   "min_employees": f.get("min_employees"), "max_employees": f.get("max_employees")}
        for key in ("country", "industry", "owner_name", "opportunity_stage"):
            value = f.get(key, [])
            initial[key] = ", ".join(value) if isinstance(value, list) else value
        form = cls(data, initial=initial, prefix=prefix)
        if population.kind != "custom":  # the defaults' filters are fixed: only the name changes
            form.fields = {"name": form.fields["name"]}
        return form

    def service_filters(self) -> dict:
        d = self.cleaned_data
        out: dict = {}
        if d.get("status"):
            out["status"] = list(d["status"])
        for key in ("country", "industry", "owner_name", "opportunity_stage"):
            if _split(d.get(key, "")):
                out[key] = _split(d[key])
        for key in ("min_employees", "max_employees"):
            if d.get(key) is not None:
                out[key] = d[key]
        if d.get("name_contains", "").strip():
            out["name_contains"] = d["name_contains"].strip()
        return out


class OpportunityFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Account or partner"}))
    partner = forms.ChoiceField(label="Partner", required=False)
    open_only = forms.BooleanField(label="Not yet acted on", required=False)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "Any partner"), *[(p.public_id, p.name) for p in partners]]


REGION_CHOICES = [("", "Any region"), *Region.choices]
SPECIALTY_CHOICES = [("", "Any specialty"), *[(s, s) for s in SPECIALTIES]]


class DiscoverForm(forms.Form):
    account_name = forms.CharField(label="Account", required=False, max_length=255,
                                   help_text="A company you want help with: partners that know it rank first.")
    deal = forms.ChoiceField(label="Or a deal", required=False)
    specialty = forms.ChoiceField(label="Specialty", required=False, choices=SPECIALTY_CHOICES)
    region = forms.ChoiceField(label="Region", required=False, choices=REGION_CHOICES)
    certification = forms.CharField(label="Certification", required=False, max_length=200,
                                    help_text="Part of a certification's name, for example Security")

    def __init__(self, *args, deals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deal"].choices = [("", "No deal"), *[(d.public_id, f"{d.customer_name} ({d.public_id})") for d in deals]]

    def asked(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())


class IntroduceForm(forms.Form):
    to_partner = forms.CharField(widget=forms.HiddenInput)
    with_partner = forms.CharField(widget=forms.HiddenInput, required=False)
    deal = forms.CharField(widget=forms.HiddenInput, required=False)
    account_name = forms.CharField(label="Account", required=False, max_length=255)
    message = forms.CharField(label="Message", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="What you would like to do together. Both partners are told.")


class CoSellForm(forms.Form):
    """The person at the customer, which a lead and a deal registration need (prefixed by the match id)."""

    contact_name = forms.CharField(label="Contact name", max_length=200)
    contact_email = forms.EmailField(label="Contact email", required=False)
    amount = forms.CharField(label="Deal amount (USD)", required=False, max_length=24,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                             help_text="For a deal room; our open opportunity's amount when empty.")
    message = forms.CharField(label="Note for the partner", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
