"""accounts/services.py::invitation_create"""

import hashlib

import pytest
from django.conf import settings

from allied.accounts.models import Invitation
from allied.accounts.services import invitation_create
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import OutboxEmail
from tests.factories import audit_actions


def test_invitation_emails_a_one_time_link_and_stores_only_a_hash(world):
    # when A's admin invites a colleague
    inv, token = invitation_create(actor=world.a_admin, email="New.Rep@Alpha.example", role="partner_sales",
                                   partner=world.partner_a, full_name="New Rep")
    # then the invitation row keeps a hash of the token, not the token
    inv.refresh_from_db()
    assert inv.email == "new.rep@alpha.example"
    assert inv.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert inv.invited_by == world.a_admin and inv.accepted_at is None
    # and an email with the link is waiting in the outbox
    email = OutboxEmail.objects.get(to="new.rep@alpha.example")
    assert f"{settings.SITE_URL}/invite/{token}/" in email.body
    assert "Alpha Distribution" in email.subject
    assert email.sent_at is None
    assert audit_actions(object_id=inv.public_id) == ["invitation.created"]


def test_inviting_an_existing_user_is_a_conflict_and_sends_nothing(world):
    with pytest.raises(Conflict) as exc:
        invitation_create(actor=world.admin, email="sales@alpha.example", role="partner_sales", partner=world.partner_a)
    assert exc.value.field == "email"
    assert OutboxEmail.objects.count() == 0
    assert Invitation.objects.count() == 0


def test_wrong_role_for_side_names_role(world):
    with pytest.raises(DomainError) as exc:
        invitation_create(actor=world.admin, email="z@alpha.example", role="finance", partner=world.partner_a)
    assert exc.value.field == "role"


def test_partner_admin_cannot_invite_into_another_partner(world):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=world.b_admin, email="z@alpha.example", role="partner_sales", partner=world.partner_a)
    assert OutboxEmail.objects.count() == 0
