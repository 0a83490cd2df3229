"""accounts/services.py::invitation_accept"""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.accounts.models import Invitation, User
from allied.accounts.services import invitation_accept, invitation_create
from allied.core.errors import DomainError, NotFound

STRONG = "violet-otter-climbs-47"


@pytest.fixture
def invited(world):
    return invitation_create(actor=world.a_admin, email="new@alpha.example", role="partner_marketing",
                             partner=world.partner_a)


def test_accepting_creates_the_user_with_role_and_partner(world, invited):
    inv, token = invited
    # when
    user = invitation_accept(token=token, full_name=" Nova Alpha ", password=STRONG)
    # then
    user.refresh_from_db()
    assert user.email == "new@alpha.example"
    assert user.role == "partner_marketing" and user.partner == world.partner_a
    assert user.full_name == "Nova Alpha"
    assert user.check_password(STRONG)
    inv.refresh_from_db()
    assert inv.accepted_at is not None


def test_token_works_only_once(world, invited):
    _, token = invited
    invitation_accept(token=token, full_name="Nova", password=STRONG)
    with pytest.raises(NotFound):
        invitation_accept(token=token, full_name="Someone Else", password=STRONG)
    assert User.objects.filter(email="new@alpha.example").count() == 1


def test_expired_invitation_fails(world, invited):
    inv, token = invited
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(NotFound):
        invitation_accept(token=token, full_name="Nova", password=STRONG)
    assert not User.objects.filter(email="new@alpha.example").exists()


def test_unknown_token_fails(world, invited):
    with pytest.raises(NotFound):
        invitation_accept(token="not-the-token", full_name="Nova", password=STRONG)


@pytest.mark.parametrize("password", ["short", "password123", "12345678901"])
def test_weak_password_names_password_and_leaves_invitation_open(world, invited, password):
    inv, token = invited
    with pytest.raises(DomainError) as exc:
        invitation_accept(token=token, full_name="Nova", password=password)
    assert exc.value.field == "password"
    assert not User.objects.filter(email="new@alpha.example").exists()
    inv.refresh_from_db()
    assert inv.accepted_at is None
    # and the link still works with a good password
    assert invitation_accept(token=token, full_name="Nova", password=STRONG).pk


def test_blank_name_names_full_name(world, invited):
    _, token = invited
    with pytest.raises(DomainError) as exc:
        invitation_accept(token=token, full_name="   ", password=STRONG)
    assert exc.value.field == "full_name"


def test_overlong_name_names_full_name(world, invited):
    _, token = invited
    with pytest.raises(DomainError) as exc:
        invitation_accept(token=token, full_name="N" * 151, password=STRONG)
    assert exc.value.field == "full_name"
    assert not User.objects.filter(email="new@alpha.example").exists()
