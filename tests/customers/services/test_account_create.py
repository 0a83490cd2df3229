"""customers/services.py::account_create"""

import pytest

from allied.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from allied.core.models import AuditEvent
from allied.customers.models import AccountKey, CustomerAccount
from allied.customers.services import account_create
from allied.matching import Record, blocking_keys, prepare

from ..factories import account_make


def test_creates_a_normalised_account_with_match_keys_and_an_audit_event(world):
    # when
    account = account_create(actor=world.cam, data={
        "name": "ACME Corporation, Inc.", "website": "www.Acme-Corp.example/about", "country": "Germany",
        "segment": "Mid-market", "owner": world.cam, "is_customer": True, "incumbent_partner": world.partner_b,
    })
    # then
    account.refresh_from_db()
    assert account.public_id.startswith("acct_")
    assert account.name == "ACME Corporation, Inc."
    assert account.name_normalized == "acme"
    assert account.website == "https://www.Acme-Corp.example/about"
    assert account.domain == "acme-corp.example"
    assert account.country == "DE"
    assert account.segment == "mid_market"
    assert account.owner == world.cam and account.incumbent_partner == world.partner_b
    expected = blocking_keys(prepare(Record(id=account.public_id, name=account.name, domain="acme-corp.example", country="DE")))
    assert set(AccountKey.objects.filter(account=account).values_list("key", flat=True)) == set(expected)
    assert {"d:acme-corp.example", "n:acme"} <= set(expected)
    event = AuditEvent.objects.get(action="account.created")
    assert event.object_id == account.public_id and event.actor == world.cam
    assert event.after["country"] == "DE" and event.after["owner"] == world.cam.public_id


@pytest.mark.parametrize("country", ["DE", "de", "DEU", "Germany", "Deutschland", " germany "])
def test_country_accepts_iso2_iso3_and_names(world, country):
    assert account_create(actor=world.admin, data={"name": "Alpha", "country": country}).country == "DE"


def test_domain_comes_from_the_domain_when_there_is_no_website(world):
    account = account_create(actor=world.admin, data={"name": "Alpha", "domain": "https://WWW.alpha.example/"})
    assert (account.website, account.domain) == ("", "alpha.example")


@pytest.mark.parametrize(("data", "field"), [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "N" * 256}, "name"),
    ({"name": "A", "country": "Atlantis"}, "country"),
    ({"name": "A", "country": "ZZ"}, "country"),
    ({"name": "A", "website": "not a website"}, "website"),
    ({"name": "A", "segment": "galactic"}, "segment"),
    ({"name": "A", "external_id": "x" * 65}, "external_id"),
    ({"name": "A", "industry": "i" * 101}, "industry"),
    ({"name": "A", "customer_since": "yesterday"}, "customer_since"),
    ({"name": "A", "colour": "red"}, "colour"),
])
def test_bad_input_names_the_field_and_writes_nothing(world, data, field):
    with pytest.raises(DomainError) as exc:
        account_create(actor=world.admin, data=data)
    assert exc.value.field == field
    assert not CustomerAccount.objects.exists() and not AuditEvent.objects.exists()


def test_the_owner_must_be_a_vendor_user(world):
    with pytest.raises(DomainError) as exc:
        account_create(actor=world.admin, data={"name": "A", "owner": world.a_admin})
    assert exc.value.field == "owner"


def test_external_id_is_unique(world):
    account_make("Alpha", external_id="001A")
    with pytest.raises(Conflict) as exc:
        account_create(actor=world.admin, data={"name": "Beta", "external_id": "001A"})
    assert exc.value.field == "external_id" and exc.value.status == 409


def test_pmm_and_finance_may_not_create(world):
    for user in (world.pmm, world.finance):
        with pytest.raises(PermissionDenied):
            account_create(actor=user, data={"name": "A"})


def test_partner_users_find_no_account_master(world):
    for user in world.partner_users:
        with pytest.raises(NotFound):
            account_create(actor=user, data={"name": "A"})
    assert not CustomerAccount.objects.exists()
