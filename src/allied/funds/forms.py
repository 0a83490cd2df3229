"""Forms of the MDF pages. Amounts stay text here: the services parse them (refusing floats and extra decimals)
and name the field at fault, which ``form_error`` puts next to it."""

from django import forms

from allied.partners.models import SEGMENTS

from .models import AllocationMethod, ClaimStatus, ProofKind, RequestStatus

MONEY = {"inputmode": "decimal", "autocomplete": "off"}
SEGMENT_LABELS = {"smb": "SMB", "mid-market": "Mid-market", "enterprise": "Enterprise", "public sector": "Public sector"}
SEGMENT_CHOICES = [(s, SEGMENT_LABELS.get(s, s.capitalize())) for s in SEGMENTS]


def money_field(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=24, required=required, help_text=help_text,
                           widget=forms.TextInput(attrs=MONEY))


class DateInput(forms.DateInput):
    input_type = "date"


# --- console ----------------------------------------------------------------------------------


class RequestFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "Title, partner or fr_ id", "type": "search"}))
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *RequestStatus.choices])
    period = forms.ChoiceField(label="Period", required=False)
    activity_type = forms.ChoiceField(label="Activity", required=False)

    def __init__(self, *args, periods=(), activity_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", "Any period"), *[(p.public_id, p.name) for p in periods]]
        self.fields["activity_type"].choices = [("", "Any activity"), *[(t.code, t.name) for t in activity_types]]


class ClaimFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "Request, partner or clm_ id", "type": "search"}))
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *ClaimStatus.choices])
    period = forms.ChoiceField(label="Period", required=False)

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", "Any period"), *[(p.public_id, p.name) for p in periods]]


class ApproveForm(forms.Form):
    amount = money_field("Amount to approve", required=False, help_text="Leave empty to approve everything asked for.")
    note = forms.CharField(label="Note to the partner", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Required for a partial approval, or when a criterion is not met.")


class ClaimApproveForm(ApproveForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = "Leave empty to approve everything claimed."
        self.fields["note"].help_text = "Required for a partial approval."


class RejectForm(forms.Form):
    note = forms.CharField(label="Why (the partner reads this)", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80, widget=forms.TextInput(attrs={"placeholder": "2026 Q1"}))
    starts_on = forms.DateField(label="Starts on", widget=DateInput)
    ends_on = forms.DateField(label="Ends on", widget=DateInput)
    currency = forms.CharField(label="Currency", max_length=3, initial="USD")
    pool = money_field("Pool", help_text="Funded from the vendor's MDF budget when the period is created.")
    claim_deadline_days = forms.IntegerField(label="Claim deadline (days after an activity ends)", initial=60, min_value=0, max_value=730)
    min_pipeline_ratio = forms.CharField(label="Minimum pipeline ratio", initial="5", max_length=10,
                                         help_text="Expected pipeline must be at least this many times the amount.")
    target_segments = forms.MultipleChoiceField(label="Target segments", required=False, widget=forms.CheckboxSelectMultiple,
                                                choices=SEGMENT_CHOICES,
                                                help_text="None ticked: every segment qualifies.")
    allow_proposals = forms.BooleanField(label="Partners without an allocation may propose activities", required=False, initial=True)


class PeriodEditForm(PeriodForm):
    currency = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].help_text = "Raising it funds the difference; lowering it takes back only what is unallocated."


class AllocationForm(forms.Form):
    partner = forms.ChoiceField(label="Partner")
    amount = money_field("Amount")
    method = forms.ChoiceField(label="Method", choices=[c for c in AllocationMethod.choices if c[0] != AllocationMethod.TIER],
                               initial=AllocationMethod.PLAN)
    note = forms.CharField(label="Note", required=False, max_length=500)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "Choose a partner"), *[(p.public_id, p.name) for p in partners]]


class TierAllocationForm(forms.Form):
    """One amount per tier; empty tiers are left as they are."""

    def __init__(self, *args, tiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        for t in tiers:
            self.fields[f"tier_{t.public_id}"] = money_field(f"{t.name}{'' if t.mdf_eligible else ' (not MDF-eligible)'}",
                                                             required=False)
        self.tiers = list(tiers)

    def amounts(self) -> dict:
        return {t.public_id: self.cleaned_data[f"tier_{t.public_id}"] for t in self.tiers if self.cleaned_data.get(f"tier_{t.public_id}")}


class ActivityTypeForm(forms.Form):
    code = forms.SlugField(label="Code", max_length=40)
    name = forms.CharField(label="Name", max_length=80)
    description = forms.CharField(label="Description", required=False, max_length=300)
    reimbursement_percent = forms.CharField(label="Reimbursed %", max_length=8, widget=forms.TextInput(attrs=MONEY))
    active = forms.BooleanField(label="Active", required=False, initial=True)


# --- portal -----------------------------------------------------------------------------------


class RequestForm(forms.Form):
    period = forms.ChoiceField(label="Budget period")
    activity_type = forms.ChoiceField(label="Activity type")
    title = forms.CharField(label="Title", max_length=200, widget=forms.TextInput(attrs={"placeholder": "Security breakfast roadshow"}))
    description = forms.CharField(label="Description", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(label="Plan", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="What you will do, when, where and for whom.")
    starts_on = forms.DateField(label="Starts on", widget=DateInput)
    ends_on = forms.DateField(label="Ends on", widget=DateInput)
    target_segment = forms.ChoiceField(label="Target segment", required=False,
                                       choices=[("", "Choose a segment"), *SEGMENT_CHOICES])
    total_budget = money_field("Total budget", help_text="Your full cost of the activity.")
    requested = money_field("Amount requested", help_text="The share you ask us to fund.")
    expected_leads = forms.IntegerField(label="Expected leads", min_value=0, max_value=10_000_000, initial=0)
    expected_pipeline = money_field("Expected pipeline", help_text="Value of the opportunities you expect the activity to create.")
    measurement_plan = forms.CharField(label="Measurement plan", required=False, max_length=10_000,
                                       widget=forms.Textarea(attrs={"rows": 3}),
                                       help_text="How you will count leads and pipeline. Tag leads with this request's id.")

    def __init__(self, *args, periods=(), activity_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.public_id, f"{p.name} ({p.starts_on:%b %d} – {p.ends_on:%b %d, %Y}, {p.currency})")
                                         for p in periods]
        self.fields["activity_type"].choices = [("", "Choose an activity"),
                                                *[(t.code, f"{t.name} ({t.reimbursement_percent.normalize():f} % reimbursed)")
                                                  for t in activity_types]]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "period"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.csv,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ClaimForm(forms.Form):
    spent = money_field("Actual spend", help_text="What the activity really cost you.")
    leads = forms.IntegerField(label="Leads produced", min_value=0, max_value=10_000_000, initial=0)
    pipeline = money_field("Pipeline produced", required=False)
    proof_kind = forms.ChoiceField(label="Kind of proof", choices=ProofKind.choices, initial=ProofKind.INVOICE)
    files = MultipleFileField(label="Proof of performance", required=False,
                              help_text="Invoices, photos, attendee or lead lists: PDF, PNG, JPEG, CSV or XLSX, at most 10 MB each.")
    note = forms.CharField(label="Note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    final = forms.BooleanField(label="This is my last claim for this activity (the rest returns to our allocation)", required=False)


class ProofForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=ProofKind.choices, initial=ProofKind.INVOICE)
    file = forms.FileField(label="File", widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.csv,.xlsx"}))


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", required=False, max_length=500)
