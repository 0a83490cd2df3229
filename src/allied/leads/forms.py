"""Forms of the lead pages. They shape input for the services, which do the real validation."""

from django import forms
from django.core import signing

from allied.deals.forms import DATE, country_choices
from allied.routing import FACTORS

from .models import LeadSource, LeadStatus, RoutingSettings

FORM_TOKEN_SALT = "allied.leads.web_form"


def form_token() -> str:
    """A signed timestamp put in the public form: it tells how long a visitor took to fill it in."""
    return signing.TimestampSigner(salt=FORM_TOKEN_SALT).sign("lead-form")


class WebForm(forms.Form):
    """The public lead form a vendor embeds on its site: short, phone-friendly, with a honeypot and a signed timestamp."""

    company_name = forms.CharField(label="Company", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    website = forms.CharField(label="Website (optional)", max_length=255, required=False,
                              widget=forms.TextInput(attrs={"inputmode": "url", "autocapitalize": "none", "spellcheck": "false",
                                                            "autocomplete": "url"}))
    country = forms.ChoiceField(label="Country", choices=country_choices)
    contact_name = forms.CharField(label="Your name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_email = forms.EmailField(label="Work email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none",
                                                                                        "spellcheck": "false"}))
    contact_phone = forms.CharField(label="Phone (optional)", max_length=40, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    specialty = forms.CharField(label="What are you interested in? (optional)", max_length=80, required=False,
                                help_text="Such as security, cloud migration or managed services.")
    message = forms.CharField(label="How can we help?", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    consent = forms.BooleanField(label="I agree to be contacted about my request by the vendor or one of its partners.",
                                 error_messages={"required": "Please agree to be contacted."})
    # Honeypot: people never see or fill it; bots fill every field.
    fax_number = forms.CharField(required=False, label="Leave this empty",
                                 widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    # The tracking code of the campaign or MDF activity whose page embeds the form (?campaign=fr_...).
    campaign = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("fax_number", "token")}


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Why do you decline it?", max_length=500,
                             help_text="The vendor reads this; the lead goes to another partner.")


class DisqualifyForm(forms.Form):
    note = forms.CharField(label="Why is it not a real opportunity?", max_length=500)


class ConvertForm(forms.Form):
    amount = forms.CharField(label="Deal amount", max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    expected_close_date = forms.DateField(label="Expected close date", widget=DATE)


class EmptyForm(forms.Form):
    pass


class QueueFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Company, domain, email or lead id"}))
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *LeadStatus.choices])
    partner = forms.ChoiceField(label="Partner", required=False)
    source = forms.ChoiceField(label="Source", required=False, choices=[("", "Any source"), *LeadSource.choices])
    breached = forms.BooleanField(label="SLA breached", required=False)
    overdue = forms.BooleanField(label="Overdue now", required=False)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "Any partner"), *[(p.public_id, p.name) for p in partners]]


class ReassignForm(forms.Form):
    partner = forms.ChoiceField(label="Give the lead to")
    reason = forms.CharField(label="Reason", max_length=500, help_text="Kept in the audit trail.")

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "Choose a partner"), *[(p.public_id, p.name) for p in partners]]


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV, one lead a row, at most 10,000 rows.",
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))


FACTOR_LABELS = {"distance": "Distance", "fit": "Specialty and product fit", "tier": "Tier priority",
                 "acceptance": "Past acceptance rate", "conversion": "Past conversion rate", "fairness": "Fairness between equals"}


class RoutingSettingsForm(forms.Form):
    auto_route = forms.BooleanField(label="Route each lead as it arrives", required=False)
    accept_sla_hours = forms.IntegerField(label="Hours a partner has to accept or decline", min_value=1, max_value=720)
    reminder_hours = forms.IntegerField(label="Remind this many hours before the deadline", min_value=0, max_value=240,
                                        help_text="0: no reminder.")
    default_capacity = forms.IntegerField(label="Default capacity (open leads per partner)", min_value=0, max_value=10_000)
    require_country = forms.BooleanField(label="Only partners serving the lead's country", required=False)
    require_region = forms.BooleanField(label="Only partners serving the lead's region", required=False)
    require_postcode = forms.BooleanField(label="Only partners whose postcode areas cover the lead's", required=False)
    max_distance_km = forms.IntegerField(label="Maximum distance (km)", min_value=1, max_value=20_000, required=False,
                                         help_text="Empty: any distance.")
    require_specialty = forms.BooleanField(label="Only partners with the lead's specialty", required=False)
    require_products = forms.ChoiceField(label="Products", choices=RoutingSettings._meta.get_field("require_products").choices)
    allowed_partner_types = forms.MultipleChoiceField(label="Partner types that receive leads", required=False,
                                                      widget=forms.CheckboxSelectMultiple, help_text="None ticked: every type.")
    min_tier_rank = forms.TypedChoiceField(label="Lowest tier that receives leads", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        from allied.program.models import PartnerType, Tier

        super().__init__(*args, **kwargs)
        self.fields["allowed_partner_types"].choices = [(t.code, t.name) for t in PartnerType.objects.order_by("name")]
        self.fields["min_tier_rank"].choices = [("", "Every tier"), *[(t.rank, t.name) for t in Tier.objects.order_by("rank")]]
        for f in FACTORS:
            self.fields[f"weight_{f}"] = forms.DecimalField(label=FACTOR_LABELS.get(f, f), min_value=0, max_value=1000,
                                                            decimal_places=2, widget=forms.NumberInput(attrs={"step": "any"}))

    GROUPS = (
        ("Inbox", ("auto_route", "accept_sla_hours", "reminder_hours", "default_capacity")),
        ("Who may receive a lead", ("require_country", "require_region", "require_postcode", "max_distance_km", "require_specialty",
                                    "require_products", "allowed_partner_types", "min_tier_rank")),
        ("Points per factor", tuple(f"weight_{f}" for f in FACTORS)),
    )

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    @staticmethod
    def initial_for(s: RoutingSettings) -> dict:
        data = {f: getattr(s, f) for f in ("auto_route", "accept_sla_hours", "reminder_hours", "default_capacity", "require_country",
                                           "require_region", "require_postcode", "max_distance_km", "require_specialty",
                                           "require_products", "allowed_partner_types", "min_tier_rank")}
        data.update({f"weight_{f}": (s.weights or {}).get(f, 0) for f in FACTORS})
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("weight_")}
        data["allowed_partner_types"] = list(data["allowed_partner_types"] or [])
        data["weights"] = {f: float(self.cleaned_data[f"weight_{f}"]) for f in FACTORS}
        return data
