from django import forms
from django.contrib.auth.forms import PasswordResetForm

from allied.core.outbox import email_enqueue

from .models import PARTNER_ROLES, VENDOR_ROLES, Role


class LoginForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class CodeForm(forms.Form):
    code = forms.CharField(label="6-digit code", max_length=8,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text="At least 10 characters, not all numbers, not a common password.")


class InviteForm(forms.Form):
    email = forms.EmailField()
    full_name = forms.CharField(label="Name", max_length=150, required=False)
    role = forms.ChoiceField(choices=[])

    def __init__(self, *args, vendor: bool, **kwargs):
        super().__init__(*args, **kwargs)
        roles = VENDOR_ROLES if vendor else PARTNER_ROLES
        self.fields["role"].choices = [(r.value, Role(r).label) for r in roles]


class ApiKeyForm(forms.Form):
    name = forms.CharField(label="Key name", max_length=100, initial="My integration")


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes through the outbox like every other email."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(to=to_email, subject=subject, body=body)
