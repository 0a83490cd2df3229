"""The demo's two years of leads: routed by the engine, answered by partners, never offered back to a decliner."""

from collections import Counter

import pytest
from django.db import transaction

from allied.leads.models import Lead, LeadOffer, LeadStatus, OfferOutcome, PartnerLeadSettings
from allied.simulate.ecosystem import seed_ecosystem


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                yield seed_ecosystem(partners=40, seed=9)
                raise _Rollback
        except _Rollback:
            pass


pytestmark = pytest.mark.usefixtures("seeded")


def test_leads_in_the_states_a_demo_needs(db, seeded):
    assert seeded.leads == Lead.objects.count() >= 160
    statuses = set(Lead.objects.values_list("status", flat=True))
    assert {LeadStatus.OFFERED, LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED} <= statuses
    outcomes = set(LeadOffer.objects.values_list("outcome", flat=True))
    assert {OfferOutcome.ACCEPTED, OfferOutcome.DECLINED, OfferOutcome.TIMED_OUT, OfferOutcome.PENDING} <= outcomes
    assert PartnerLeadSettings.objects.filter(lat__isnull=False).exists()


def test_every_offer_carries_its_explanation(db):
    for offer in LeadOffer.objects.all()[:200]:
        assert offer.explanation and offer.breakdown and offer.score is not None


def test_offered_leads_wait_in_one_inbox_and_never_return_to_a_decliner(db):
    for lead in Lead.objects.filter(status=LeadStatus.OFFERED):
        pending = lead.offers.filter(outcome=OfferOutcome.PENDING)
        assert pending.count() == 1 and pending.get().partner_id == lead.partner_id
    per_lead = Counter(LeadOffer.objects.values_list("lead_id", "partner_id"))
    assert max(per_lead.values()) == 1
