"""Console co-selling pages: the partnership list, opt in and sharing, runs, the drill-down bound by the partner's
sharing, the vendor list and its sync, co-sell opportunities turned into leads and deal rooms, discovery."""

import pytest

from allied.customers.models import CustomerAccount
from allied.deals.models import DealRegistration
from allied.leads.models import Lead
from allied.mapping.models import (
    CoSellAction,
    Introduction,
    MappedAccount,
    Partnership,
    PopulationKind,
    ShareLevel,
)
from tests.mapping.factories import default_population, overlap_world, share

pytestmark = pytest.mark.django_db


def test_partnership_list_shows_states_and_counts(client, world):
    overlap_world(world)
    client.force_login(world.pmm)
    r = client.get("/console/cosell/")
    body = r.content.decode()
    assert r.status_code == 200 and "Alpha Distribution" in body and "Bravo Systems" in body
    body = client.get("/console/cosell/?state=active").content.decode()
    assert "Alpha Distribution" in body and "Bravo Systems" not in body


def test_finance_has_no_cosell_pages(client, world):
    client.force_login(world.finance)
    assert client.get("/console/cosell/").status_code == 404
    assert "Co-selling" not in client.get("/console/partners/").content.decode()


def test_opt_in_waits_for_the_partner(client, world):
    client.force_login(world.cam)
    r = client.post(f"/console/cosell/{world.partner_b.public_id}/", {"action": "opt_in"}, follow=True)
    assert "Nothing is shared until Bravo Systems opts in too" in r.content.decode()
    assert Partnership.objects.get(partner=world.partner_b).vendor_opted_in_at is not None


def test_pmm_reads_but_does_not_change(client, world):
    client.force_login(world.pmm)
    assert client.get(f"/console/cosell/{world.partner_b.public_id}/").status_code == 200
    assert client.post(f"/console/cosell/{world.partner_b.public_id}/", {"action": "opt_in"}).status_code == 403


def test_matrix_counts_hidden_until_the_partner_shares(client, world):
    partner, vendor, theirs = overlap_world(world)
    client.force_login(world.cam)
    body = client.get(f"/console/cosell/{partner.public_id}/").content.decode()
    assert "hidden" in body and "Acme" not in body
    share(world, partner, default_population(partner, PopulationKind.OPPORTUNITIES), ShareLevel.COUNTS)
    body = client.get(f"/console/cosell/{partner.public_id}/").content.decode()
    assert 'aria-label="1 overlapping' not in body  # counts are not links


def test_drill_down_bound_by_the_partners_sharing(client, world):
    partner, vendor, theirs = overlap_world(world)
    opps = default_population(partner, PopulationKind.OPPORTUNITIES)
    share(world, partner, opps, ShareLevel.OVERLAPS, fields=("industry",))
    client.force_login(world.cam)
    url = f"/console/cosell/{partner.public_id}/overlap/{default_population(None).public_id}/{opps.public_id}/"
    text = client.get(url).content.decode()
    assert "ACME Corp." in text and "Manufacturing" in text
    assert "Pat Partner" not in text  # the owner is not shared
    share(world, partner, opps, ShareLevel.COUNTS, fields=())
    text = client.get(url).content.decode()
    assert "ACME Corp." not in text and "Manufacturing" not in text and "counts only" in text
    assert "ACME Corp." not in client.get(url + "export/").content.decode()


def test_drill_down_with_a_population_of_another_partner_is_not_found(client, world):
    partner, vendor, theirs = overlap_world(world)
    client.force_login(world.cam)
    foreign = default_population(world.partner_b)
    r = client.get(f"/console/cosell/{partner.public_id}/overlap/{default_population(None).public_id}/{foreign.public_id}/")
    assert r.status_code == 404


def test_run_button_queues_and_runs(client, world):
    partner, vendor, theirs = overlap_world(world)
    client.force_login(world.cam)
    r = client.post(f"/console/cosell/{partner.public_id}/", {"action": "run", "full": "1"}, follow=True)
    body = r.content.decode()
    assert "queued" in body and 'data-testid="run-progress"' in body


def test_sharing_with_an_unknown_field_is_a_field_error(client, world):
    client.force_login(world.cam)
    pop = default_population(None)
    r = client.post(f"/console/cosell/{world.partner_a.public_id}/", {"action": "sharing", "population": pop.public_id,
                                                                      f"{pop.public_id}-level": "overlaps",
                                                                      f"{pop.public_id}-fields": ["secret_notes"]})
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()


def test_vendor_list_sync_and_search(client, world):
    CustomerAccount.objects.create(name="Contoso Ltd", name_normalized="contoso", external_id="SF-1", is_customer=True,
                                   country="GB", website="contoso.example", domain="contoso.example")
    client.force_login(world.cam)
    r = client.post("/console/cosell/accounts/", {"action": "sync"}, follow=True)
    assert "Synced from the account master: 1 account changed." in r.content.decode()
    assert MappedAccount.objects.filter(partner__isnull=True, name="Contoso Ltd").exists()
    body = client.get("/console/cosell/accounts/?q=contoso").content.decode()
    assert "Contoso Ltd" in body
    client.force_login(world.pmm)
    assert client.post("/console/cosell/accounts/", {"action": "sync"}).status_code == 403


def test_cosell_lead_needs_a_contact_then_is_done_once(client, world):
    partner, vendor, theirs = overlap_world(world)
    share(world, partner, default_population(partner, PopulationKind.CUSTOMERS), ShareLevel.OVERLAPS, fields=("status",))
    client.force_login(world.cam)
    body = client.get("/console/cosell/opportunities/").content.decode()
    assert "Globex" in body and "Initech" in body
    from allied.mapping.selectors import cosell_opportunities

    row = next(r for r in cosell_opportunities(user=world.cam) if r["own"]["name"] == "Globex Corporation")
    r = client.post("/console/cosell/opportunities/", {"match": row["match"], "action": "lead"}, follow=True)
    assert "Contact name: This field is required." in r.content.decode()
    assert not CoSellAction.objects.exists()
    r = client.post("/console/cosell/opportunities/", {"match": row["match"], "action": "lead",
                                                       f"{row['match']}-contact_name": "Dana Buyer",
                                                       f"{row['match']}-contact_email": "dana@globex.example"}, follow=True)
    text = r.content.decode()
    assert "is in Alpha Distribution&#x27;s inbox" in text and 'data-testid="lead-done"' in text
    assert Lead.objects.get(partner=partner).company_name == "Globex Corporation"
    r = client.post("/console/cosell/opportunities/", {"match": row["match"], "action": "lead",
                                                       f"{row['match']}-contact_name": "Dana Buyer",
                                                       f"{row['match']}-contact_email": "dana@globex.example"}, follow=True)
    assert "already turned into a lead" in r.content.decode() and CoSellAction.objects.count() == 1


def test_cosell_deal_room(client, world):
    partner, vendor, theirs = overlap_world(world)
    share(world, partner, default_population(partner, PopulationKind.CUSTOMERS), ShareLevel.OVERLAPS)
    client.force_login(world.cam)
    from allied.mapping.selectors import cosell_opportunities

    row = next(r for r in cosell_opportunities(user=world.cam) if r["own"]["name"] == "Initech")
    r = client.post("/console/cosell/opportunities/", {"match": row["match"], "action": "deal",
                                                       f"{row['match']}-contact_name": "Ira Buyer"}, follow=True)
    assert "Deal amount (USD): This field is required." in r.content.decode()  # Initech has no open opportunity of ours to take it from
    r = client.post("/console/cosell/opportunities/", {"match": row["match"], "action": "deal", f"{row['match']}-amount": "25000",
                                                       f"{row['match']}-contact_name": "Ira Buyer"}, follow=True)
    assert "Deal room" in r.content.decode() and 'data-testid="deal-done"' in r.content.decode()
    assert DealRegistration.objects.filter(partner=partner, customer_name="Initech").exists()


def test_pmm_sees_opportunities_without_buttons(client, world):
    partner, vendor, theirs = overlap_world(world)
    share(world, partner, default_population(partner, PopulationKind.CUSTOMERS), ShareLevel.OVERLAPS)
    client.force_login(world.pmm)
    body = client.get("/console/cosell/opportunities/").content.decode()
    assert "Globex" in body and "Create lead" not in body


def test_discover_and_introduce_two_partners(client, world):
    for p in (world.partner_a, world.partner_b):
        p.specialties = ["security"]
        p.save()
    client.force_login(world.cam)
    body = client.get("/console/cosell/discover/?specialty=security").content.decode()
    assert "Alpha Distribution" in body and "Bravo Systems" in body
    r = client.post("/console/cosell/discover/", {"intro-to_partner": world.partner_a.public_id,
                                                  "intro-with_partner": world.partner_b.public_id, "intro-account_name": "Acme"},
                    follow=True)
    assert "Introduced Alpha Distribution and Bravo Systems" in r.content.decode()
    assert Introduction.objects.get().with_partner == world.partner_b
    r = client.post("/console/cosell/discover/", {"intro-to_partner": world.partner_a.public_id, "intro-account_name": "Acme"},
                    follow=True)
    assert "Choose the second partner" in r.content.decode()


def test_discover_with_nothing_asked_shows_no_results(client, world):
    client.force_login(world.cam)
    r = client.get("/console/cosell/discover/")
    assert r.status_code == 200 and 'data-testid="candidates"' not in r.content.decode()


def test_full_list_only_when_shared_as_full(client, world):
    partner, vendor, theirs = overlap_world(world)
    prospects = default_population(partner, PopulationKind.PROSPECTS)
    client.force_login(world.cam)
    url = f"/console/cosell/{partner.public_id}/populations/{prospects.public_id}/"
    text = client.get(url).content.decode()
    assert 'data-testid="list-none"' in text and "Hooli" not in text
    share(world, partner, prospects, ShareLevel.FULL, fields=("industry",))
    text = client.get(url).content.decode()
    assert "Hooli" in text and 'data-testid="shared-rows"' in text  # the partner's prospect, overlapping nothing
    assert "hooli.example" not in text  # the website is not shared
