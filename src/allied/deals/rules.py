"""Rules of engagement as a pure decision: evidence in, outcome out (no database access here).

Precedence, first match wins: the partner's own duplicate; the vendor's named direct accounts;
open direct opportunities; renewal/upsell ownership; other partners' registrations (first
valid registration wins, ties go to review); existing customers; possible matches; clean.
What the partner reads (``partner_reason``) never names another partner or account.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allied.matching import SAME_COMPANY

APPROVE, DECLINE, REVIEW = "approve", "decline", "review"


@dataclass(frozen=True)
class Evidence:
    kind: str  # ConflictKind value
    score: float
    reason: str
    ref: str = ""  # public id of the deal/account/opportunity, for the vendor's notes
    label: str = ""  # its name, for the vendor's notes only
    status: str = ""  # a registration's status
    submitted_at: datetime | None = None
    incumbent_partner_id: int | None = None
    obj: int | None = None  # primary key of the deal/account/opportunity row, carried through for the caller

    @property
    def strong(self) -> bool:
        return self.score >= SAME_COMPANY


@dataclass(frozen=True)
class RuleSet:
    auto_approve_clean: bool = True
    registration_conflict: str = "decline"
    named_account_policy: str = "decline"
    direct_opportunity_policy: str = "review"
    existing_customer_policy: str = "review"
    renewal_to_incumbent: bool = True
    tie_window_minutes: int = 0


@dataclass
class Outcome:
    action: str
    code: str
    partner_reason: str
    review_notes: str = ""
    decisive: list[Evidence] = field(default_factory=list)


def _notes(items: list[Evidence]) -> str:
    return "; ".join(f"{e.label or e.ref} ({e.ref}, score {e.score:.2f}): {e.reason}" for e in items)


def decide(evidence: list[Evidence], *, deal_type: str, partner_id: int, rules: RuleSet, now: datetime) -> Outcome:
    strong = [e for e in evidence if e.strong]
    by_kind = lambda kind: [e for e in strong if e.kind == kind]  # noqa: E731

    if own := by_kind("own_registration"):
        return Outcome(DECLINE, "duplicate", f"You already have an open registration for this customer ({own[0].ref}).",
                       _notes(own), own[:1])

    if named := by_kind("named_account"):
        if rules.named_account_policy == "decline":
            return Outcome(DECLINE, "direct_account", "This customer is one of the vendor's named direct accounts.", _notes(named), named[:1])
        return Outcome(REVIEW, "direct_account", "This customer may be a vendor direct account; a channel manager will review it.",
                       _notes(named), named[:1])

    if opps := by_kind("direct_opportunity"):
        if rules.direct_opportunity_policy == "decline":
            return Outcome(DECLINE, "direct_opportunity", "The vendor's direct team is already working an opportunity with this customer.",
                           _notes(opps), opps[:1])
        return Outcome(REVIEW, "direct_opportunity", "The vendor's direct team has an open opportunity with this customer; "
                       "a channel manager will review your registration.", _notes(opps), opps[:1])

    customers = by_kind("customer")
    renewal = deal_type in ("renewal", "upsell")
    if renewal and customers and rules.renewal_to_incumbent:
        incumbent = customers[0].incumbent_partner_id
        if incumbent == partner_id:
            others = by_kind("registration")
            if not others and rules.auto_approve_clean:
                return Outcome(APPROVE, "incumbent", "Approved: you are this customer's partner of record.", _notes(customers), customers[:1])
            return Outcome(REVIEW, "incumbent", "You are this customer's partner of record; a channel manager will confirm.",
                           _notes(customers + others), customers[:1] + others[:1])
        if incumbent is not None:
            return Outcome(DECLINE, "incumbent", "Renewals and upsells of this customer belong to its current partner.",
                           _notes(customers), customers[:1])

    if regs := by_kind("registration"):
        first = min(regs, key=lambda e: (e.submitted_at or now, e.ref))
        window = timedelta(minutes=rules.tie_window_minutes)
        if rules.tie_window_minutes and first.submitted_at and now - first.submitted_at <= window:
            return Outcome(REVIEW, "tie", "Another registration for this customer arrived at almost the same time; "
                           "a channel manager will decide.", _notes(regs), regs)
        approved = [e for e in regs if e.status == "approved"]
        if approved and rules.registration_conflict == "decline":
            return Outcome(DECLINE, "already_registered", "This customer is already registered by another partner.",
                           _notes(approved), approved[:1])
        return Outcome(REVIEW, "already_registered", "Another registration for this customer is open; a channel manager will decide.",
                       _notes(regs), regs[:1])

    if customers:
        if renewal:
            return Outcome(REVIEW, "existing_customer", "This customer has no partner of record yet; a channel manager will review it.",
                           _notes(customers), customers[:1])
        if rules.existing_customer_policy == "decline":
            return Outcome(DECLINE, "existing_customer", "This company already buys from the vendor, so it is not a new logo.",
                           _notes(customers), customers[:1])
        if rules.existing_customer_policy == "review":
            return Outcome(REVIEW, "existing_customer", "This company already buys from the vendor; a channel manager will review it.",
                           _notes(customers), customers[:1])
    elif renewal:
        return Outcome(REVIEW, "no_customer", "No existing customer matches this renewal or upsell; a channel manager will review it.")

    possible = [e for e in evidence if not e.strong and e.kind != "own_registration"]
    if possible:
        return Outcome(REVIEW, "possible_match", "This customer may match an existing account or registration; "
                       "a channel manager will check.", _notes(possible), [])

    if rules.auto_approve_clean and not customers:
        return Outcome(APPROVE, "clean", "Approved: no conflicting registration or direct account was found.")
    if rules.auto_approve_clean:
        return Outcome(APPROVE, "clean", "Approved under the rules of engagement.", _notes(customers))
    return Outcome(REVIEW, "manual_review", "A channel manager reviews every registration.")
