"""What the incentives engine reads and writes: rules, events and accruals as plain, frozen data.

The engine (``allied.accrual``) is pure Python + numpy: no Django, no database. The incentives app
turns its rows into these objects, asks the engine for the accruals and posts them to the ledger.
The same inputs always give the same accruals, which is what makes a period replayable.

Semantics (the contract both the fast engine and the reference implementation follow):

- A rule applies to an event when the event's date is in ``[effective_from, effective_to)``, its kind
  is in ``triggers``, and every non-empty condition matches: ``deal_types`` (event), ``products``
  (event has at least one), ``milestones`` (event), and per credited partner ``tiers``,
  ``partner_types`` and ``roles`` (the credit's values, frozen when the event was recorded).
  A rule that names a ``currency`` applies only to events in that currency; a fixed amount, brackets,
  an accelerator or a cap need one (their figures are in it). A plain percentage rule without a
  currency applies to events in any currency and accrues in the event's currency.
- Credits: an event's amount is split between its credits by ``percent`` (summing to 100) with the
  largest-remainder rule in minor units (ties to the credit listed first). Each credited partner's
  share is its ``basis``.
- Percentage rules: ``percent`` of the basis. With ``brackets`` (volume thresholds) the rate is
  marginal on the partner's cumulative basis under that rule in the rule's ``period`` (calendar
  month/quarter/year of the event date, events ordered by date then id): the part of this event's
  basis that falls in ``[from, next from)`` earns that bracket's percent. An ``accelerator``
  ``(threshold, multiplier)`` multiplies the rate for the part of the cumulative basis above the
  threshold. The exact amount is rounded half-up to the minor unit once per accrual.
- Fixed rules (SPIFs, new-logo bonuses, milestones, fixed referral fees): ``fixed`` per qualifying
  event, shared between the event's qualifying credits in proportion to their percent with the
  largest-remainder rule.
- ``cap`` limits what one partner earns under one rule in one period; events past the cap earn the
  rest up to it, then nothing.
- Clawbacks: an event of kind ``refund`` (amount = refunded revenue) or ``churn`` refers to an earlier
  event. For every accrual of the referred event under a rule with ``clawback_days`` ≥ the days since
  the referred event, it yields a negative accrual: ``-round_half_up(original × refunded / original
  event amount)`` for a refund (capped at the original accrual), ``-original`` for churn. Refunds
  and churn do not change cumulative volume.
- ``releasable_on`` is the event date plus the rule's ``holdback_days``.

Details both engines settle the same way (``reference`` is the executable statement of them):

- Order is (``occurred_on``, ``id``); accruals come out in that event order, then rule order (as
  given), then credit order. Accruals of zero are not emitted (nothing to post, nothing to claw back).
- ``brackets`` replace ``percent`` (below the first bracket's start the rate is 0). Bracket starts
  and the accelerator threshold count in whole minor units of the accruing currency (rounded up:
  a start of 1000.5 JPY is 1001 yen); a ``cap`` rounds down to the minor unit. Cumulative volume
  and caps are kept per (rule, partner, currency, period).
- Refund and churn events only claw back: they never trigger a rule. A rule claws back only with
  ``clawback_days`` > 0. Successive clawbacks of one accrual (partial refunds, then churn) never
  take back more than the accrual in total; clawbacks do not free room under a cap. A clawback's
  basis is minus the refunded share of the original basis (all of it for churn), its currency the
  original's, its ``releasable_on`` the clawback event's date plus the rule's ``holdback_days``.
- Bad input raises ``ValueError`` naming the rule or event: credits not summing to 100, a partner
  credited twice on one event, a negative amount, an amount or ``fixed`` finer than the currency's
  minor unit, a refund that refers to an event not given (or not earlier, or in another currency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

RULE_KINDS = ("rebate", "referral", "spif", "new_logo", "renewal", "upsell", "consumption")
EVENT_KINDS = ("deal_won", "invoice_paid", "usage_milestone", "refund", "churn")
PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Bracket:
    start: Decimal  # cumulative basis from which this percent applies (first bracket starts at 0)
    percent: Decimal


@dataclass(frozen=True)
class Rule:
    id: str  # the rule version's public id, e.g. rul_…@3
    kind: str
    name: str
    effective_from: date
    effective_to: date | None = None  # exclusive
    triggers: frozenset[str] = frozenset({"deal_won"})
    currency: str | None = None  # required with ``fixed``
    percent: Decimal | None = None
    brackets: tuple[Bracket, ...] = ()
    accelerator: tuple[Decimal, Decimal] | None = None  # (cumulative threshold, multiplier)
    fixed: Decimal | None = None
    period: str = "quarter"
    cap: Decimal | None = None
    tiers: frozenset[str] = frozenset()
    partner_types: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    deal_types: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()
    milestones: frozenset[str] = frozenset()
    holdback_days: int = 0
    clawback_days: int = 0


@dataclass(frozen=True)
class Credit:
    partner_id: int
    percent: Decimal  # share of the event, all credits sum to 100
    role: str = "sourcing"  # sourcing | referral | influence | fulfillment
    tier: str = ""
    partner_type: str = ""


@dataclass(frozen=True)
class Event:
    id: str
    kind: str
    occurred_on: date
    currency: str
    amount: Decimal
    credits: tuple[Credit, ...]
    deal_type: str = ""
    products: frozenset[str] = frozenset()
    milestone: str = ""
    refers_to: str = ""  # refund/churn: the event being clawed back


@dataclass(frozen=True)
class Accrual:
    event_id: str
    rule_id: str
    partner_id: int
    currency: str
    amount: Decimal  # negative for a clawback
    basis: Decimal
    releasable_on: date
    explanation: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.event_id, self.rule_id, self.partner_id)
