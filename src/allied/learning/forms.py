"""Forms of the learning pages. They check shapes only; the services validate the content and name the field at
fault, which ``field_error`` puts next to it. The quiz editor is not a Django form: its rows are read by
``quiz_structure`` into the one structure ``quiz_set`` validates."""

from django import forms

from allied.accounts.models import PARTNER_ROLES, Role
from allied.program.models import PartnerType, Tier

from .models import CatalogueStatus, LessonKind, QuestionKind

ROLE_CHOICES = [(r.value, Role(r).label) for r in PARTNER_ROLES]
CHOICES_PER_QUESTION = 5


class AudienceForm(forms.Form):
    """Who sees the course or path: nothing ticked in a group means everyone."""

    partner_types = forms.MultipleChoiceField(label="Partner types", required=False, widget=forms.CheckboxSelectMultiple,
                                              help_text="None ticked: every partner type.")
    tiers = forms.MultipleChoiceField(label="Tiers", required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text="None ticked: every tier.")
    roles = forms.MultipleChoiceField(label="Roles", required=False, widget=forms.CheckboxSelectMultiple, choices=ROLE_CHOICES,
                                      help_text="None ticked: every partner role.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_types"].choices = [(t.code, t.name) for t in PartnerType.objects.order_by("name")]
        self.fields["tiers"].choices = [(t.name, t.name) for t in Tier.objects.order_by("rank")]

    @property
    def audience_fields(self):
        return [self["partner_types"], self["tiers"], self["roles"]]

    def audience(self) -> dict:
        d = self.cleaned_data
        return {"partner_types": list(d.get("partner_types") or []), "tiers": list(d.get("tiers") or []),
                "roles": list(d.get("roles") or [])}


def audience_initial(obj) -> dict:
    return {"partner_types": [t.code for t in obj.partner_types.all()], "tiers": [t.name for t in obj.tiers.all()],
            "roles": list(obj.roles or [])}


class CourseForm(AudienceForm):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(label="Summary", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.IntegerField(label="Estimated minutes", min_value=0, max_value=10000, initial=30)
    field_order = ["title", "summary", "duration_minutes", "partner_types", "tiers", "roles"]

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "summary": d["summary"], "duration_minutes": d["duration_minutes"], **self.audience()}


class LessonForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=LessonKind.choices, initial=LessonKind.TEXT)
    body = forms.CharField(label="Text", required=False, max_length=100_000, widget=forms.Textarea(attrs={"rows": 12}),
                           help_text="Plain text; a blank line starts a new paragraph. Shown above the video or file too.")
    video_url = forms.URLField(label="Video link", required=False, assume_scheme="https",
                               help_text="An https link to the video (YouTube, Vimeo, your video host).")
    file = forms.FileField(label="File", required=False, help_text="PDF, slides or a document partners download.")
    duration_minutes = forms.IntegerField(label="Estimated minutes", min_value=0, max_value=1000, initial=10)

    def service_data(self) -> dict:
        d = self.cleaned_data
        data = {"title": d["title"], "kind": d["kind"], "body": d["body"], "video_url": d["video_url"],
                "duration_minutes": d["duration_minutes"]}
        if d.get("file"):
            data["file"] = d["file"]
        return data


class QuizSettingsForm(forms.Form):
    pass_mark_percent = forms.IntegerField(label="Pass mark (%)", min_value=1, max_value=100, initial=80)
    max_attempts = forms.IntegerField(label="Attempts allowed", min_value=0, max_value=100, initial=3,
                                      help_text="0 means unlimited.")
    retry_after_hours = forms.IntegerField(label="Wait after a failed attempt (hours)", min_value=0, max_value=720, initial=0)


def quiz_rows(quiz, extra: int = 1) -> list[dict]:
    """The editor's question rows from the saved quiz (plus ``extra`` blank ones)."""
    rows = []
    if quiz is not None:
        for q in quiz.questions.all():
            choices = [{"text": c.text, "correct": c.correct} for c in q.choices.all()]
            rows.append({"text": q.text, "kind": q.kind, "explanation": q.explanation, "choices": choices})
    rows += [{"text": "", "kind": QuestionKind.SINGLE, "explanation": "", "choices": []} for _ in range(extra)]
    for row in rows:
        row["choices"] += [{"text": "", "correct": False} for _ in range(max(0, CHOICES_PER_QUESTION - len(row["choices"])))]
    return rows


def quiz_structure(post, n_questions: int) -> tuple[list[dict], list[dict]]:
    """Read the editor's rows: (questions for ``quiz_set``, rows to show again). Empty rows are left out."""
    questions, rows = [], []
    for i in range(min(n_questions, 200)):
        text = post.get(f"q-{i}-text", "").strip()
        kind = post.get(f"q-{i}-kind", QuestionKind.SINGLE)
        explanation = post.get(f"q-{i}-explanation", "").strip()
        choices = []
        for j in range(20):
            if f"q-{i}-c-{j}-text" not in post:
                break
            choices.append({"text": post.get(f"q-{i}-c-{j}-text", "").strip(), "correct": post.get(f"q-{i}-c-{j}-correct") == "on"})
        rows.append({"text": text, "kind": kind, "explanation": explanation, "choices": choices})
        if text or any(c["text"] for c in choices):
            questions.append({"text": text, "kind": kind, "explanation": explanation,
                              "choices": [c for c in choices if c["text"] or c["correct"]]})
    return questions, rows


class PathForm(AudienceForm):
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(label="Description", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["name", "description", "partner_types", "tiers", "roles"]

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "description": d["description"], **self.audience()}


def path_steps(post, courses) -> list[dict]:
    """The courses ticked on the path editor, in the order given (then title): [{"course", "required"}]."""
    picked = []
    for i, c in enumerate(courses):
        if post.get(f"step-{c.public_id}-in") != "on":
            continue
        try:
            pos = int(post.get(f"step-{c.public_id}-position") or 0)
        except ValueError:
            pos = 0
        picked.append((pos or 1000 + i, i, {"course": c.public_id, "required": post.get(f"step-{c.public_id}-required") == "on"}))
    return [step for _, _, step in sorted(picked, key=lambda t: (t[0], t[1]))]


class CertificationForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(label="Description", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    path = forms.ChoiceField(label="Learning path", help_text="Completing every required course of this path earns it.")
    validity_months = forms.IntegerField(label="Valid for (months)", min_value=0, max_value=120, initial=24,
                                         help_text="0 means it never expires.")
    remind_days_before = forms.IntegerField(label="Remind before expiry (days)", min_value=0, max_value=365, initial=30)

    def __init__(self, *args, paths=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["path"].choices = [("", "Choose a path"), *[(p.public_id, p.name) for p in paths]]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Course, path or certification"}))
    kind = forms.ChoiceField(label="Show", required=False, choices=[("", "Everything"), ("course", "Courses"), ("path", "Learning paths"),
                                                                  ("certification", "Certifications")])
    progress = forms.ChoiceField(label="Progress", required=False, choices=[("", "Any"), ("new", "Not started"),
                                                                           ("started", "In progress"), ("done", "Completed")])


class ConsoleCourseFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title or crs_ id"}))
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *CatalogueStatus.choices])


class HolderFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Person or partner"}))
    certification = forms.ChoiceField(label="Certification", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), ("active", "Active"),
                                                                       ("expiring", "Expiring soon"), ("expired", "Expired"),
                                                                       ("revoked", "Revoked")])

    def __init__(self, *args, certifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification"].choices = [("", "Every certification"), *[(c.public_id, c.name) for c in certifications]]
