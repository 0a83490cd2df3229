"""Forms of the incentives pages. They shape input for the services, which do the real validation."""

from django import forms

from allied.deals.models import DealType, ParticipantRole
from allied.program.models import PartnerTypeCode, Product, Tier

from .models import (
    EVENT_KIND_LABELS,
    TRIGGER_KINDS,
    AccrualState,
    EventKind,
    IncentiveRule,
    Period,
    RuleKind,
    RuleStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BRACKET_ROWS = 6
DECIMAL = {"inputmode": "decimal"}
RATE_TYPES = [("percent", "A flat percent of revenue"), ("brackets", "Volume brackets (tiered percent)"),
              ("fixed", "A fixed amount per qualifying event")]


def _text(label, help_text="", **attrs):
    return forms.CharField(label=label, required=False, help_text=help_text, max_length=40,
                           widget=forms.TextInput(attrs={**DECIMAL, **attrs}))


class RuleForm(forms.Form):
    """An incentive rule on one page: what it pays, on which events, for whom, and when it is paid."""

    name = forms.CharField(label="Name", max_length=120, help_text="Partners see it next to every accrual it earns.")
    kind = forms.ChoiceField(label="Kind", choices=RuleKind.choices)
    description = forms.CharField(label="Description (optional)", required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    effective_from = forms.DateField(label="Applies from", required=False, widget=DATE,
                                     help_text="Events on or after this day earn under this version.")
    effective_to = forms.DateField(label="Applies until (optional)", required=False, widget=DATE,
                                   help_text="The first day it no longer applies; leave empty for no end.")
    rate_type = forms.ChoiceField(label="It pays", choices=RATE_TYPES, initial="percent", widget=forms.RadioSelect)
    percent = _text("Percent", "Of the partner's credited share of the revenue, e.g. 5 or 2.5.")
    fixed = _text("Fixed amount", "Per qualifying event, shared between its qualifying partners by credit.")
    currency = forms.CharField(label="Currency", required=False, max_length=3,
                               widget=forms.TextInput(attrs={"autocapitalize": "characters", "placeholder": "USD"}),
                               help_text="The rule then applies only to events in it. Needed with a fixed amount, brackets, an "
                                         "accelerator or a cap (their amounts are in it); a plain percent without one accrues "
                                         "on events in any currency.")
    accelerator_threshold = _text("Accelerator above (cumulative revenue)", "Optional: above this much revenue in the period …")
    accelerator_multiplier = _text("… the rate is multiplied by", "E.g. 1.5.")
    period = forms.ChoiceField(label="Period", choices=Period.choices, initial="quarter",
                               help_text="Volume brackets, accelerators and caps count revenue per partner in this calendar period.")
    cap = _text("Cap per partner and period (optional)", "The most one partner earns under this rule in one period.")
    triggers = forms.MultipleChoiceField(label="Earned on", required=False, widget=forms.CheckboxSelectMultiple,
                                         choices=[(k, EVENT_KIND_LABELS[k]) for k in TRIGGER_KINDS],
                                         help_text="None ticked: won deals (usage milestones for consumption rewards).")
    tiers = forms.MultipleChoiceField(label="Partner tiers", required=False, widget=forms.CheckboxSelectMultiple)
    partner_types = forms.MultipleChoiceField(label="Partner types", required=False, widget=forms.CheckboxSelectMultiple,
                                              choices=PartnerTypeCode.choices)
    roles = forms.MultipleChoiceField(label="Role on the deal", required=False, widget=forms.CheckboxSelectMultiple,
                                      choices=ParticipantRole.choices)
    deal_types = forms.MultipleChoiceField(label="Deal types", required=False, widget=forms.CheckboxSelectMultiple,
                                           choices=DealType.choices)
    products = forms.MultipleChoiceField(label="Products (any of)", required=False, widget=forms.CheckboxSelectMultiple)
    milestones = forms.CharField(label="Usage milestones", required=False, max_length=500,
                                 help_text="Comma-separated, e.g. 10k-api-calls, 1m-api-calls.")
    holdback_days = forms.CharField(label="Holdback (days)", required=False, initial="0", max_length=4,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                                    help_text="Held back this many days after the event before it becomes payable.")
    clawback_days = forms.CharField(label="Clawback window (days)", required=False, initial="0", max_length=4,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                                    help_text="A refund or churn within this many days of the event takes the accrual back (0: never).")

    GROUPS = (
        ("The rule", ("name", "kind", "description", "effective_from", "effective_to")),
        ("What it pays", ("rate_type", "percent", "fixed", "currency")),
        ("Limits and accelerators", ("period", "accelerator_threshold", "accelerator_multiplier", "cap")),
        ("Which events and partners (empty: all)", ("triggers", "tiers", "partner_types", "roles", "deal_types", "products",
                                                    "milestones")),
        ("When it is paid", ("holdback_days", "clawback_days")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tiers"].choices = [(t.public_id, t.name) for t in Tier.objects.order_by("rank")]
        self.fields["products"].choices = [(p.code, p.name) for p in Product.objects.filter(active=True)]
        if not self.fields["products"].choices:  # no product list yet: nothing to choose from
            del self.fields["products"]
        for i in range(BRACKET_ROWS):
            self.fields[f"bracket_start_{i}"] = _text(f"Bracket {i + 1} from")
            self.fields[f"bracket_percent_{i}"] = _text(f"Bracket {i + 1} percent")

    def bracket_rows(self):
        return [(i + 1, self[f"bracket_start_{i}"], self[f"bracket_percent_{i}"]) for i in range(BRACKET_ROWS)]

    def groups(self):
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.GROUPS]

    @staticmethod
    def initial_from(rule: IncentiveRule) -> dict:
        p = rule.params
        rate_type = "fixed" if p.get("fixed") else "brackets" if p.get("brackets") else "percent"
        conditions = p.get("conditions") or {}
        initial = {
            "name": rule.name, "kind": rule.kind, "description": rule.description, "effective_from": rule.effective_from,
            "effective_to": rule.effective_to, "rate_type": rate_type, "percent": p.get("percent") or "",
            "fixed": p.get("fixed") or "", "currency": p.get("currency") or "", "period": p.get("period") or "quarter",
            "cap": p.get("cap") or "", "triggers": p.get("triggers") or [], "holdback_days": p.get("holdback_days", 0),
            "clawback_days": p.get("clawback_days", 0), "milestones": ", ".join(conditions.get("milestones") or []),
            **{k: conditions.get(k) or [] for k in ("tiers", "partner_types", "roles", "deal_types", "products")},
        }
        if acc := p.get("accelerator"):
            initial.update(accelerator_threshold=acc["threshold"], accelerator_multiplier=acc["multiplier"])
        for i, b in enumerate(p.get("brackets") or []):
            initial[f"bracket_start_{i}"], initial[f"bracket_percent_{i}"] = b["start"], b["percent"]
        return initial

    def service_data(self) -> dict:
        d = self.cleaned_data
        rate_type = d.get("rate_type") or "percent"
        data = {"name": d.get("name", ""), "kind": d.get("kind"), "description": d.get("description", ""),
                "effective_from": d.get("effective_from"), "effective_to": d.get("effective_to"), "period": d.get("period"),
                "cap": d.get("cap") or None, "currency": (d.get("currency") or "").strip() or None, "holdback_days": d.get("holdback_days") or 0, "clawback_days": d.get("clawback_days") or 0,
                "triggers": list(d.get("triggers") or []),
                "conditions": {**{k: list(d.get(k) or []) for k in ("tiers", "partner_types", "roles", "deal_types", "products")},
                               "milestones": d.get("milestones") or ""}}
        if rate_type == "percent":
            data["percent"] = d.get("percent") or None
        elif rate_type == "brackets":
            rows = []
            for i in range(BRACKET_ROWS):
                start, percent = d.get(f"bracket_start_{i}") or "", d.get(f"bracket_percent_{i}") or ""
                if start or percent:
                    rows.append({"start": start or None, "percent": percent or None})
            data["brackets"] = rows or [{"start": None, "percent": None}]
        else:
            data["fixed"] = d.get("fixed") or None
        if d.get("accelerator_threshold") or d.get("accelerator_multiplier"):
            data["accelerator"] = {"threshold": d.get("accelerator_threshold") or None,
                                   "multiplier": d.get("accelerator_multiplier") or None}
        return data


def form_field(service_field: str | None, rate_type: str = "percent") -> str | None:
    """The form field a service error names: ``brackets[1].start`` → ``bracket_start_1``, ``conditions.tiers`` → ``tiers``."""
    if not service_field:
        return None
    if service_field == "percent" and rate_type != "percent":  # "give a rate": on the one the user chose
        return "fixed" if rate_type == "fixed" else "bracket_start_0"
    if service_field.startswith("brackets["):
        index, _, part = service_field[len("brackets["):].partition("].")
        return f"bracket_{part or 'start'}_{index.rstrip(']')}"
    if service_field == "brackets":
        return "bracket_start_0"
    if service_field.startswith("conditions."):
        return service_field.split(".", 1)[1]
    if service_field.startswith("accelerator"):
        return "accelerator_" + (service_field.split(".", 1)[1] if "." in service_field else "threshold")
    return service_field


class RetireForm(forms.Form):
    effective_to = forms.DateField(label="No longer applies from", required=False, widget=DATE,
                                   help_text="Events on or after this day earn nothing under the rule. Empty: from tomorrow.")


class RuleFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *RuleStatus.choices])
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *RuleKind.choices])
    q = forms.CharField(label="Search", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or id"}))


class EventFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Customer, event id or reference"}))
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *EventKind.choices])
    partner = forms.ChoiceField(label="Partner", required=False, choices=[])
    since = forms.DateField(label="From", required=False, widget=DATE)
    until = forms.DateField(label="To", required=False, widget=DATE)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "Any partner"), *((p.public_id, p.name) for p in partners)]


class AccrualFilterForm(EventFilterForm):
    state = forms.ChoiceField(label="State", required=False, choices=[("", "Any state"), *AccrualState.choices])
    rule = forms.ChoiceField(label="Rule", required=False, choices=[])
    currency = forms.CharField(label="Currency", required=False, max_length=3, widget=forms.TextInput(attrs={"style": "max-width:6em"}))

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["q"]
        self.fields["rule"].choices = [("", "Any rule"), *((r.rule_key, r.name) for r in rules)]


class ReplayForm(forms.Form):
    period_start = forms.DateField(label="From", widget=DATE)
    period_end = forms.DateField(label="To (included)", widget=DATE)
