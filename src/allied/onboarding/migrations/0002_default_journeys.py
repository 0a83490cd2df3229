from django.db import migrations

DEFAULT = [
    # title, kind, side, due day
    ("Accept the partner program agreement", "agreement", "partner", 7),
    ("Kick-off call with your channel account manager", "kickoff", "vendor", 10),
    ("Complete your company profile", "profile", "partner", 14),
    ("Invite your team to the portal", "invite_users", "partner", 21),
    ("Complete the first sales training", "training", "partner", 30),
    ("Provision a demo environment for the partner", "custom", "vendor", 45),
    ("Agree a first business plan", "business_plan", "partner", 60),
    ("Register your first deal", "deal_registration", "partner", 90),
]
EXTRA = {
    "referral": [("Share your first referral", "deal_registration", "partner", 60)],
    "distributor": [("Recruit your first sub-partner", "custom", "partner", 60)],
    "isv": [("Publish your integration listing", "custom", "partner", 45)],
    "msp": [("Launch your managed-service offering", "custom", "partner", 75)],
}
SKIP = {"referral": {"business_plan", "deal_registration"}}


def forwards(apps, schema_editor):
    from allied.core.ids import new_public_id

    JourneyTemplate = apps.get_model("onboarding", "JourneyTemplate")
    TaskTemplate = apps.get_model("onboarding", "TaskTemplate")
    PartnerType = apps.get_model("program", "PartnerType")

    def build(journey, steps):
        for pos, (title, kind, side, day) in enumerate(sorted(steps, key=lambda s: s[3])):
            TaskTemplate.objects.create(journey=journey, title=title, kind=kind, side=side, due_day=day, position=pos)

    if not JourneyTemplate.objects.exists():
        build(JourneyTemplate.objects.create(public_id=new_public_id("jrn"), name="Standard 30-60-90 onboarding"), DEFAULT)
        for code, extra in EXTRA.items():
            ptype = PartnerType.objects.filter(code=code).first()
            if ptype is None:
                continue
            steps = [s for s in DEFAULT if s[1] not in SKIP.get(code, set())] + extra
            build(JourneyTemplate.objects.create(public_id=new_public_id("jrn"), name=f"{ptype.name} onboarding",
                                                 partner_type=ptype), steps)


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0001_initial"), ("program", "0002_default_program")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
