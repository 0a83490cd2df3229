"""The activity types most MDF programs fund, with typical reimbursement shares (editable in the console)."""

from decimal import Decimal

from django.db import migrations

ACTIVITY_TYPES = [
    ("events", "Events", "Customer events, roadshows, lunch-and-learns.", Decimal("50")),
    ("digital_ads", "Digital advertising", "Search, social and display campaigns.", Decimal("50")),
    ("content", "Content", "Case studies, e-books, videos, co-branded collateral.", Decimal("75")),
    ("workshops", "Workshops", "Hands-on workshops and proof-of-concept days.", Decimal("50")),
    ("trade_show", "Trade show", "Booths and sponsorships at trade shows.", Decimal("50")),
    ("webinar", "Webinar", "Webinars and virtual events.", Decimal("75")),
]


def seed(apps, schema_editor):
    FundActivityType = apps.get_model("funds", "FundActivityType")
    for code, name, description, percent in ACTIVITY_TYPES:
        FundActivityType.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                    "reimbursement_percent": percent})


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
