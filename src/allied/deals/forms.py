"""Forms of the deal pages. They shape input for the services, which do the real validation."""

from django import forms

from allied.matching.countries import COUNTRIES
from allied.program.models import Product, ProgramSettings

from .models import DealStage, DealStatus, DealType, EngagementRules

COMMON_COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU", "NL", "ES", "IT", "SE", "CH", "IE", "IN", "JP", "SG", "BR", "MX")
COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "JPY", "INR", "SGD", "BRL", "MXN")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def country_choices() -> list:
    common = [(c, f"{COUNTRIES[c][1]} ({c})") for c in COMMON_COUNTRIES if c in COUNTRIES]
    rest = sorted(((c, f"{name} ({c})") for c, (_, name) in COUNTRIES.items() if c not in COMMON_COUNTRIES), key=lambda kv: kv[1])
    return [("", "Choose a country"), ("Common", common), ("All countries", rest)]


def currency_choices() -> list:
    default = ProgramSettings.current().default_currency
    codes = [default] + [c for c in COMMON_CURRENCIES if c != default]
    return [(c, c) for c in codes]


class RegisterForm(forms.Form):
    """The phone-friendly registration form: the required fields first, the rest folded away."""

    customer_name = forms.CharField(label="Company name", max_length=255,
                                    widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    website = forms.CharField(label="Website", max_length=255, required=False,
                              help_text="Such as northwind.com — it identifies the customer.",
                              widget=forms.TextInput(attrs={"inputmode": "url", "autocapitalize": "none", "spellcheck": "false"}))
    country = forms.ChoiceField(label="Country", choices=country_choices)
    contact_name = forms.CharField(label="Contact name", max_length=200)
    contact_email = forms.EmailField(label="Contact email", required=False,
                                     widget=forms.EmailInput(attrs={"autocapitalize": "none", "spellcheck": "false"}))
    contact_phone = forms.CharField(label="Contact phone (optional)", max_length=40, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    contact_title = forms.CharField(label="Contact job title (optional)", max_length=120, required=False)
    amount = forms.CharField(label="Amount", max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = forms.ChoiceField(label="Currency", choices=currency_choices)
    expected_close_date = forms.DateField(label="Expected close date", widget=DATE)
    deal_type = forms.ChoiceField(label="Deal type", choices=DealType.choices, initial=DealType.NEW_LOGO, widget=forms.RadioSelect)
    products = forms.MultipleChoiceField(label="Products (optional)", required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label="Notes (optional)", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].choices = [(p.code, p.name) for p in Product.objects.filter(active=True)]
        self.fields["currency"].initial = ProgramSettings.current().default_currency

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["products"] = list(data.get("products") or [])
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV, one registration a row, at most 5,000 rows.",
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))


class UpdateForm(forms.Form):
    stage = forms.ChoiceField(choices=DealStage.choices)
    amount = forms.CharField(max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    expected_close_date = forms.DateField(label="Expected close date", widget=DATE)


class WonForm(forms.Form):
    amount = forms.CharField(label="Won amount", max_length=30, required=False,
                             help_text="Leave empty to use the registered amount.",
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class LostForm(forms.Form):
    lost_reason = forms.CharField(label="Why was it lost?", max_length=200)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label="Extra days", min_value=1, max_value=365)
    reason = forms.CharField(label="Why do you need more time?", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))


class FileForm(forms.Form):
    file = forms.FileField(label="File", help_text="PDF, image, Office document, CSV or text; at most 10 MB.")


class ApproveForm(forms.Form):
    reason = forms.CharField(label="Note to the partner (optional)", max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Reason (sent to the partner; never name another partner)", max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class QueueFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, widget=forms.TextInput(attrs={"type": "search",
                                                                                      "placeholder": "Customer, domain or deal id"}))
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *DealStatus.choices])
    partner = forms.ChoiceField(label="Partner", required=False, choices=[])
    deal_type = forms.ChoiceField(label="Deal type", required=False, choices=[("", "Any type"), *DealType.choices])
    expiring_days = forms.TypedChoiceField(label="Protection ends", required=False, coerce=int, empty_value=None,
                                           choices=[("", "Any time"), (7, "within 7 days"), (14, "within 14 days"),
                                                    (30, "within 30 days")])
    mine = forms.BooleanField(label="Only my partners", required=False)
    escalated = forms.BooleanField(label="Escalated only", required=False)
    extensions = forms.BooleanField(label="Extension requested", required=False)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "Any partner"), *((p.public_id, p.name) for p in partners)]


class RulesForm(forms.Form):
    """The rules of engagement, labelled and explained by the model's own help texts."""

    GROUPS = (
        ("Protection & SLA", ("protection_days", "approval_sla_hours", "auto_approve_clean")),
        ("Conflicts", ("registration_conflict", "named_account_policy", "direct_opportunity_policy", "existing_customer_policy")),
        ("Renewals", ("renewal_to_incumbent",)),
        ("Ties", ("tie_window_minutes",)),
        ("Extensions & reminders", ("max_extensions", "extension_days", "reminder_days")),
    )
    LABELS = {
        "protection_days": "Protection (days)", "approval_sla_hours": "Review deadline (hours)",
        "auto_approve_clean": "Approve clean registrations automatically", "registration_conflict": "Another partner registered first",
        "named_account_policy": "Named direct accounts", "direct_opportunity_policy": "Open direct opportunity",
        "existing_customer_policy": "Existing customer (new logo)", "renewal_to_incumbent": "Renewals and upsells go to the partner of record",
        "tie_window_minutes": "Tie window (minutes)", "max_extensions": "Extensions per registration (at most)",
        "extension_days": "Longest extension (days)", "reminder_days": "Expiry reminders (days before)",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meta = EngagementRules._meta
        for _group, names in self.GROUPS:
            for name in names:
                mf = meta.get_field(name)
                if name == "reminder_days":
                    field = forms.CharField(required=False, max_length=60,
                                            help_text=mf.help_text + " Whole numbers separated by commas, such as 14, 3.")
                else:
                    field = mf.formfield()
                    if isinstance(field, forms.BooleanField):
                        field.required = False
                field.label = self.LABELS[name]
                self.fields[name] = field

    @classmethod
    def initial_for(cls, rules: EngagementRules) -> dict:
        initial = {name: getattr(rules, name) for _, names in cls.GROUPS for name in names}
        initial["reminder_days"] = ", ".join(str(d) for d in rules.reminder_days or [])
        return initial

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]


class ProductForm(forms.Form):
    code = forms.CharField(max_length=40, help_text="Lower-case letters, digits, '-' or '_'; never changes.")
    name = forms.CharField(max_length=120)
    family = forms.CharField(max_length=80, required=False)

