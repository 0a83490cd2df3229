from django import forms

from .models import Side, TaskKind


class StepForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=TaskKind.choices)
    side = forms.ChoiceField(choices=Side.choices)
    due_day = forms.IntegerField(label="Due (days after joining)", min_value=0, max_value=365)
