"""The rules of engagement as a pure decision (deals/rules.py): evidence in, outcome out."""

from datetime import UTC, datetime, timedelta

import pytest

from allied.deals.rules import APPROVE, DECLINE, REVIEW, Evidence, RuleSet, decide

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ME, OTHER = 1, 2


def ev(kind, score=0.97, **kw):
    return Evidence(kind=kind, score=score, reason="same website domain", ref=kw.pop("ref", f"{kind}_1"), label="Acme, by Other Co", **kw)


def run(evidence, deal_type="new_logo", **rules):
    return decide(evidence, deal_type=deal_type, partner_id=ME, rules=RuleSet(**rules), now=NOW)


def test_clean_registration_is_approved_or_reviewed_by_setting():
    assert run([]).action == APPROVE
    assert run([], auto_approve_clean=False).action == REVIEW


def test_own_open_registration_is_a_duplicate():
    out = run([ev("own_registration", ref="deal_mine")])
    assert (out.action, out.code) == (DECLINE, "duplicate")
    assert "deal_mine" in out.partner_reason  # the partner may see its own deal


def test_named_direct_account_declined_or_reviewed():
    assert run([ev("named_account")]).action == DECLINE
    out = run([ev("named_account")], named_account_policy="review")
    assert (out.action, out.code) == (REVIEW, "direct_account")


def test_open_direct_opportunity_goes_to_review_by_default():
    assert run([ev("direct_opportunity")]).action == REVIEW
    assert run([ev("direct_opportunity")], direct_opportunity_policy="decline").action == DECLINE


def test_first_approved_registration_wins():
    other = ev("registration", status="approved", submitted_at=NOW - timedelta(days=3), ref="deal_theirs")
    out = run([other])
    assert (out.action, out.code) == (DECLINE, "already_registered")
    assert "deal_theirs" not in out.partner_reason and "Other Co" not in out.partner_reason
    assert "deal_theirs" in out.review_notes  # the vendor sees who


def test_pending_other_registration_sends_to_review():
    out = run([ev("registration", status="pending", submitted_at=NOW - timedelta(hours=2))])
    assert (out.action, out.code) == (REVIEW, "already_registered")


def test_tie_window_routes_near_simultaneous_registrations_to_review():
    other = ev("registration", status="approved", submitted_at=NOW - timedelta(minutes=3))
    assert run([other], tie_window_minutes=10).code == "tie"
    assert run([other], tie_window_minutes=2).code == "already_registered"


def test_renewal_belongs_to_incumbent():
    mine = ev("customer", incumbent_partner_id=ME)
    theirs = ev("customer", incumbent_partner_id=OTHER)
    assert run([mine], deal_type="renewal").action == APPROVE
    out = run([theirs], deal_type="upsell")
    assert (out.action, out.code) == (DECLINE, "incumbent")
    assert run([theirs], deal_type="upsell", renewal_to_incumbent=False).action == REVIEW


def test_renewal_without_a_customer_is_reviewed():
    assert run([], deal_type="renewal").code == "no_customer"


@pytest.mark.parametrize("policy,action", [("decline", DECLINE), ("review", REVIEW), ("allow", APPROVE)])
def test_existing_customer_new_logo_policy(policy, action):
    assert run([ev("customer")], existing_customer_policy=policy).action == action


def test_possible_matches_go_to_review_with_evidence():
    out = run([ev("registration", score=0.7, status="approved", submitted_at=NOW)])
    assert (out.action, out.code) == (REVIEW, "possible_match")
    assert out.review_notes


def test_direct_account_outranks_other_registrations():
    out = run([ev("registration", status="approved", submitted_at=NOW), ev("named_account")])
    assert out.code == "direct_account"
