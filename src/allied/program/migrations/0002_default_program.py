from decimal import Decimal

from django.db import migrations

TYPES = [
    ("referral", "Referral partner", "referral_fee", "Introduces customers; earns a fee when the vendor closes the deal."),
    ("reseller", "Reseller", "resale_margin", "Buys at a discount and resells to its customers."),
    ("msp", "Managed service provider", "recurring_share", "Runs the product for customers as a managed service."),
    ("si", "System integrator", "services", "Implements and integrates; influences license deals."),
    ("isv", "ISV / technology partner", "marketplace", "Builds an integrated product; co-sells through the marketplace."),
    ("agency", "Agency", "services", "Marketing or digital agency that implements for clients."),
    ("oem", "OEM", "royalty", "Embeds the product in its own offering."),
    ("distributor", "Distributor", "wholesale", "Two-tier: supplies and supports a network of resellers."),
]

TIERS = [
    # name, rank, discount, mdf, lead priority, support, colour, requirements
    ("Registered", 1, "10", False, 0, "standard", "#6b7280", {}),
    ("Silver", 2, "15", True, 1, "standard", "#64748b",
     {"deals_won_12m": 2, "revenue_won_12m": 50000, "active_certifications": 1}),
    ("Gold", 3, "20", True, 2, "priority", "#b45309",
     {"deals_won_12m": 5, "revenue_won_12m": 250000, "active_certifications": 2, "onboarding_complete": 1}),
    ("Platinum", 4, "25", True, 3, "dedicated", "#4338ca",
     {"deals_won_12m": 12, "revenue_won_12m": 1000000, "active_certifications": 4, "trainings_12m": 10,
      "onboarding_complete": 1}),
]

AGREEMENT = """Partner Program Agreement

1. Appointment. The vendor appoints the partner as a non-exclusive partner in the program.
2. Conduct. The partner represents the products accurately and complies with applicable law.
3. Deal registration. Registered opportunities are protected according to the rules of engagement.
4. Confidentiality. Each party keeps the other's confidential information confidential.
5. Term. This agreement runs for one year and renews automatically unless either party ends it with 30 days' notice.
"""


def forwards(apps, schema_editor):
    PartnerType = apps.get_model("program", "PartnerType")
    Tier = apps.get_model("program", "Tier")
    TierRequirement = apps.get_model("program", "TierRequirement")
    ProgramSettings = apps.get_model("program", "ProgramSettings")
    Agreement = apps.get_model("program", "Agreement")
    from allied.core.ids import new_public_id

    ProgramSettings.objects.get_or_create(pk=1)
    for code, name, model, desc in TYPES:
        PartnerType.objects.get_or_create(code=code, defaults={"name": name, "revenue_model": model, "description": desc})
    for name, rank, disc, mdf, lead, support, colour, reqs in TIERS:
        tier, _ = Tier.objects.get_or_create(
            name=name,
            defaults=dict(public_id=new_public_id("tier"), rank=rank, discount_pct=Decimal(disc), mdf_eligible=mdf,
                          lead_priority=lead, support_level=support, color=colour),
        )
        for fact, threshold in reqs.items():
            TierRequirement.objects.get_or_create(tier=tier, fact=fact, defaults={"threshold": Decimal(threshold)})
    Agreement.objects.get_or_create(name="Partner Program Agreement", version="1.0",
                                    defaults={"public_id": new_public_id("agr"), "body": AGREEMENT})


class Migration(migrations.Migration):
    dependencies = [("program", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
