"""Opt-in/out per side, sharing only by the population's owner, notifications and audit."""

import pytest

from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.mapping.models import PopulationKind, ShareLevel
from allied.mapping.services import discoverable_set, opt_in, opt_out, sharing_set
from tests.factories import audit_actions, outbox_to
from tests.mapping.factories import default_population


def test_dual_opt_in_tells_the_other_side_and_audits(world):
    p = opt_in(actor=world.cam, partner=world.partner_a)
    assert p.vendor_opted_in_at and not p.active
    assert [e.subject for e in outbox_to(world.a_admin.email)] == ["Account mapping: opt in to see your overlap"]
    p = opt_in(actor=world.a_admin, partner=world.partner_a)
    assert p.active
    assert "Account mapping is on" in outbox_to(world.cam.email)[-1].subject
    assert opt_in(actor=world.a_admin, partner=world.partner_a).partner_opted_in_at == p.partner_opted_in_at  # idempotent
    p = opt_out(actor=world.a_admin, partner=world.partner_a)
    assert not p.active and p.vendor_opted_in_at
    assert audit_actions(object_id=world.partner_a.public_id) == ["mapping.opted_in", "mapping.opted_in", "mapping.opted_out"]


def test_who_may_opt_in(world):
    for actor in (world.pmm, world.finance, world.a_sales, world.a_marketing):
        with pytest.raises(PermissionDenied):
            opt_in(actor=actor, partner=world.partner_a)
    for actor in (world.b_admin, world.a1_admin):
        with pytest.raises(NotFound):
            opt_in(actor=actor, partner=world.partner_a)
    with pytest.raises(NotFound):  # a distributor does not act for its sub-partner
        opt_in(actor=world.a_admin, partner=world.partner_a1)


def test_only_the_population_owner_sets_its_sharing(world):
    vendor_pop, partner_pop = default_population(None), default_population(world.partner_a)
    with pytest.raises(PermissionDenied):
        sharing_set(actor=world.a_admin, partner=world.partner_a, population=vendor_pop, level="full")
    with pytest.raises(PermissionDenied):
        sharing_set(actor=world.cam, partner=world.partner_a, population=partner_pop, level="full")
    with pytest.raises(NotFound):
        sharing_set(actor=world.b_admin, partner=world.partner_b, population=partner_pop, level="full")
    with pytest.raises(DomainError) as exc:
        sharing_set(actor=world.cam, partner=world.partner_a, population=vendor_pop, level="everything")
    assert exc.value.field == "level"
    with pytest.raises(DomainError) as exc:
        sharing_set(actor=world.cam, partner=world.partner_a, population=vendor_pop, level="full", fields=["name", "secret"])
    assert exc.value.field == "fields"
    rule = sharing_set(actor=world.cam, partner=world.partner_a, population=vendor_pop, level=ShareLevel.OVERLAPS,
                       fields=["status", "country"])
    assert rule.fields == ["country", "status"]
    assert "mapping.sharing_changed" in audit_actions(object_id=vendor_pop.public_id)


def test_discoverable_is_the_partners_choice(world):
    with pytest.raises(PermissionDenied):
        discoverable_set(actor=world.cam, partner=world.partner_a, value=True)
    assert discoverable_set(actor=world.a_admin, partner=world.partner_a, value=True).discoverable


def test_default_populations_cannot_be_deleted_and_keep_their_filters(world):
    from allied.core.errors import Conflict
    from allied.mapping.services import population_create, population_delete, population_update

    pop = default_population(world.partner_a, PopulationKind.CUSTOMERS)
    with pytest.raises(Conflict):
        population_delete(actor=world.a_admin, population=pop)
    with pytest.raises(Conflict):
        population_update(actor=world.a_admin, population=pop, filters={"status": ["prospect"]})
    assert population_update(actor=world.a_admin, population=pop, name="Our customers").name == "Our customers"
    custom = population_create(actor=world.a_admin, partner=world.partner_a, name="Big", filters={"min_employees": "500"})
    assert custom.filters == {"min_employees": 500}
    with pytest.raises(DomainError) as exc:
        population_create(actor=world.a_admin, partner=world.partner_a, name="Big", filters={})
    assert exc.value.field == "name"
    with pytest.raises(DomainError) as exc:
        population_create(actor=world.a_admin, partner=world.partner_a, name="Odd", filters={"colour": "red"})
    assert exc.value.field == "filters.colour"
    population_delete(actor=world.a_admin, population=custom)
