"""Forms of the payouts pages. They shape input for the services, which do the real validation."""

from datetime import date, timedelta

from django import forms

from allied.deals.forms import DATE

from .models import PaymentMethod


def quarter_of(day: date) -> tuple[date, date, str]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = (date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1) - timedelta(days=1))
    return start, end, f"{day.year}-Q{(first_month - 1) // 3 + 1}"


class RunCreateForm(forms.Form):
    period_label = forms.CharField(label="Period", max_length=60, required=False, help_text="Such as 2026-Q1 (default: the dates).")
    starts_on = forms.DateField(label="From", widget=DATE)
    ends_on = forms.DateField(label="To", widget=DATE)
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)

    @classmethod
    def initial_for(cls, today: date) -> dict:
        start, end, label = quarter_of(today)
        return {"starts_on": start, "ends_on": end, "period_label": label}


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why?", max_length=500)


class PayForm(forms.Form):
    reference = forms.CharField(label="Bank reference (optional)", max_length=100, required=False)


class StatementGenerateForm(forms.Form):
    period_start = forms.DateField(label="From", widget=DATE)
    period_end = forms.DateField(label="To (inclusive)", widget=DATE)

    @classmethod
    def initial_for(cls, today: date) -> dict:
        start, end, _ = quarter_of(today)
        prev_end = start - timedelta(days=1)
        prev_start, _, _ = quarter_of(prev_end)
        return {"period_start": prev_start, "period_end": prev_end}


class PayeeForm(forms.Form):
    legal_name = forms.CharField(label="Legal name", max_length=200, help_text="As on your invoices and bank account.")
    payment_method = forms.ChoiceField(label="Payment method", choices=PaymentMethod.choices)
    account_number = forms.CharField(label="Account number or IBAN", max_length=64, required=False,
                                     widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                                     help_text="Only its last four characters are stored. Leave empty to keep the current one.")
    tax_id = forms.CharField(label="Tax id (optional)", max_length=40, required=False)
    remittance_email = forms.EmailField(label="Remittance email", required=False,
                                        help_text="Where payment advice is sent; for PayPal, the PayPal account's address.")

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ErpVendorForm(forms.Form):
    partner = forms.CharField(widget=forms.HiddenInput)
    erp_vendor_id = forms.CharField(label="ERP vendor id", max_length=40, required=False)
