"""core/scope.py: which partners each kind of user may see."""

import pytest
from django.contrib.auth.models import AnonymousUser

from allied.accounts.models import User
from allied.core.errors import NotFound
from allied.core.scope import is_vendor, scope_queryset, scoped_get, visible_partner_ids
from allied.partners.models import Partner
from tests.factories import program_set


def fresh(user) -> User:
    """Reload the user: visible_partner_ids caches its answer on the instance."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", ["admin", "cam", "pmm", "finance"])
def test_vendor_roles_see_every_partner(world, role):
    # given a vendor user of any role
    user = getattr(world, role)
    # when / then: None means "no restriction"
    assert is_vendor(user)
    assert visible_partner_ids(user) is None
    assert scope_queryset(Partner.objects.all(), user, partner_field="self").count() == Partner.objects.count()


@pytest.mark.parametrize("who", ["a_admin", "a_sales", "a_marketing"])
def test_distributor_users_see_own_org_and_sub_partners(world, who):
    ids = visible_partner_ids(getattr(world, who))
    assert sorted(ids) == sorted([world.partner_a.pk, world.partner_a1.pk])
    assert world.partner_b.pk not in ids


def test_sub_partner_user_sees_only_itself_not_its_distributor(world):
    assert visible_partner_ids(world.a1_admin) == [world.partner_a1.pk]


@pytest.mark.parametrize("who", ["b_admin", "b_sales", "b_marketing"])
def test_plain_partner_users_see_only_their_org(world, who):
    assert visible_partner_ids(getattr(world, who)) == [world.partner_b.pk]


def test_distributor_sees_only_itself_when_program_hides_sub_partners(world):
    # given the program does not let distributors see their sub-partners
    program_set(distributors_see_subpartners=False)
    # when
    ids = visible_partner_ids(fresh(world.a_admin))
    # then
    assert ids == [world.partner_a.pk]


def test_non_distributor_parent_type_does_not_widen_scope(world):
    # given B somehow has a child (B is a system integrator, not a distributor)
    Partner.objects.filter(pk=world.partner_a1.pk).update(parent=world.partner_b)
    # then B's users still only see B
    assert visible_partner_ids(fresh(world.b_admin)) == [world.partner_b.pk]


def test_anonymous_and_inactive_users_see_nothing(world):
    assert visible_partner_ids(AnonymousUser()) == []
    User.objects.filter(pk=world.cam.pk).update(is_active=False)
    User.objects.filter(pk=world.b_admin.pk).update(is_active=False)
    assert visible_partner_ids(fresh(world.cam)) == []
    assert visible_partner_ids(fresh(world.b_admin)) == []
    assert scope_queryset(Partner.objects.all(), fresh(world.cam), partner_field="self").count() == 0


def test_scope_queryset_filters_rows_through_their_partner(world):
    # given users belonging to A, A1 and B
    qs = User.objects.filter(partner__isnull=False)
    # when seen by A's admin
    emails = set(scope_queryset(qs, world.a_admin).values_list("email", flat=True))
    # then A and A1 users, no B users
    assert "admin@alphaone.example" in emails and "sales@alpha.example" in emails
    assert not any(e.endswith("@bravo.example") for e in emails)


def test_scoped_get_answers_foreign_like_missing(world):
    # when B's admin asks for A by public id, and for an id that does not exist
    with pytest.raises(NotFound) as foreign:
        scoped_get(Partner.objects.all(), world.b_admin, what="partner", partner_field="self", public_id=world.partner_a.public_id)
    with pytest.raises(NotFound) as missing:
        scoped_get(Partner.objects.all(), world.b_admin, what="partner", partner_field="self", public_id="ptn_doesnotexist")
    # then both answers are identical
    assert foreign.value.message == missing.value.message == "partner not found"
    assert scoped_get(Partner.objects.all(), world.b_admin, what="partner", partner_field="self",
                      public_id=world.partner_b.public_id) == world.partner_b
