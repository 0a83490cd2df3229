"""Recording incentive events and accruing them: a won deal (from the ``deal.won`` hook) or an API intake.

An event's credits are frozen when it is recorded: each credited partner with its share, its role
on the deal and its tier and partner type as of then. Refunds and churn claw back from the
partners of the event they refer to and carry that event's credits.

API intake is idempotent by (``source``, ``external_ref``): the same reference with the same body
answers the first event; with another body it is refused (409).
"""

import hashlib
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError
from allied.core.money import clean_currency, clean_money, round_money, to_minor
from allied.core.permissions import require_perm
from allied.deals.models import DealRegistration, DealType, ParticipantRole
from allied.partners.models import Partner

from ..models import CLAWBACK_KINDS, EventSource, IncentiveEvent
from .accruals import Outcome, reconcile
from .rule_params import number

API_KINDS = ("invoice_paid", "usage_milestone", "refund", "churn")
FIELDS = ("kind", "external_ref", "source", "occurred_at", "currency", "amount", "deal", "partner", "credits", "deal_type",
          "products", "milestone", "refers_to")
HUNDRED = Decimal(100)
SOURCE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
MILESTONE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,59}$")
FUTURE_TOLERANCE = timedelta(days=1)


def credit_row(partner: Partner, percent: Decimal, role: str) -> dict:
    """One frozen credit: who, what share, in which role, with its tier and partner type as of now."""
    return {"partner": partner.pk, "partner_id": partner.public_id, "partner_name": partner.name, "percent": str(percent),
            "role": role, "tier": partner.tier.public_id if partner.tier_id else "",
            "tier_name": partner.tier.name if partner.tier_id else "", "partner_type": partner.partner_type.code}


def deal_credits(deal: DealRegistration) -> list[dict]:
    """The deal's partners and their credit splits; a deal without (valid) splits credits its registering partner 100 %."""
    participants = list(deal.participants.select_related("partner__tier", "partner__partner_type").order_by("-split_pct", "id"))
    if participants and sum((p.split_pct for p in participants), Decimal(0)) == HUNDRED:
        return [credit_row(p.partner, p.split_pct, p.role) for p in participants]
    partner = Partner.objects.select_related("tier", "partner_type").get(pk=deal.partner_id)
    return [credit_row(partner, HUNDRED, ParticipantRole.SOURCING)]


def _create(*, kind: str, occurred_at, currency: str, amount_minor: int, credits: list[dict], source: str, external_ref: str,
            deal=None, deal_type: str = "", products=(), milestone: str = "", refers_to=None, request_hash: str = "",
            actor=None, now=None) -> IncentiveEvent:
    event = IncentiveEvent.objects.create(
        kind=kind, occurred_at=occurred_at, occurred_on=timezone.localdate(occurred_at), currency=currency,
        amount_minor=amount_minor, credits=credits, source=source, external_ref=external_ref, deal=deal, deal_type=deal_type or "",
        products=list(products or []), milestone=milestone or "", refers_to=refers_to, request_hash=request_hash,
        recorded_by=actor if getattr(actor, "pk", None) else None, created_at=now or timezone.now())
    event.partners.set(sorted({c["partner"] for c in credits}))
    return event


def event_accrue(*, event: IncentiveEvent, actor=None, now=None) -> Outcome:
    """Evaluate the credited partners' rule periods around ``event`` and post what changed."""
    partner_ids = {c["partner"] for c in event.credits}
    if not partner_ids:
        return Outcome(evaluated_from=event.occurred_on, evaluated_to=event.occurred_on)
    return reconcile(start=event.occurred_on, end=event.occurred_on + timedelta(days=1), partner_ids=partner_ids, actor=actor, now=now)


@transaction.atomic
def event_from_deal(*, deal: DealRegistration, actor=None, now=None, accrue: bool = True) -> IncentiveEvent:
    """The incentive event of a won deal (once per deal), accrued at once (``accrue=False``: by a later
    ``reconcile`` over the period, as the demo seed does for two years of deals)."""
    existing = IncentiveEvent.objects.filter(source=EventSource.DEAL, external_ref=deal.public_id).first()
    if existing is not None:
        return existing
    currency = clean_currency(deal.currency)
    amount = round_money(Decimal(deal.won_amount if deal.won_amount is not None else deal.amount), currency)
    event = _create(kind="deal_won", occurred_at=deal.closed_at or now or timezone.now(), currency=currency,
                    amount_minor=to_minor(amount, currency), credits=deal_credits(deal), source=EventSource.DEAL,
                    external_ref=deal.public_id, deal=deal, deal_type=deal.deal_type, products=deal.products or [], actor=actor,
                    now=now)
    audit_record(actor=actor, action="incentive_event.recorded", obj=event, partner_id=deal.partner_id,
                 after={"kind": event.kind, "deal": deal.public_id, "amount": str(amount), "currency": currency})
    if accrue:
        event_accrue(event=event, actor=actor, now=now)
    return event


def _occurred_at(value, now) -> datetime:
    if value in (None, ""):
        return now
    if isinstance(value, datetime):
        moment = value
    else:
        moment = parse_datetime(str(value).strip()) if isinstance(value, str) else None
        if moment is None:
            raise DomainError("Give the time as ISO 8601, e.g. 2025-03-01T12:00:00Z.", field="occurred_at")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + FUTURE_TOLERANCE:
        raise DomainError("The event cannot lie in the future.", field="occurred_at")
    return moment


def _credits(data: dict) -> list[dict]:
    """Credits from ``credits`` [{partner, percent, role}], else the ``deal``'s partners, else ``partner`` at 100 %."""
    items = data.get("credits")
    if items:
        if not isinstance(items, list | tuple):
            raise DomainError("Give the credits as a list of {partner, percent, role}.", field="credits")
        rows, seen, total = [], set(), Decimal(0)
        for i, item in enumerate(items):
            partner = item.get("partner") if isinstance(item, dict) else None
            if not isinstance(partner, Partner):
                raise DomainError("Name the credited partner.", field=f"credits[{i}].partner")
            if partner.pk in seen:
                raise DomainError(f"{partner.name} is credited twice.", field=f"credits[{i}].partner")
            seen.add(partner.pk)
            if item.get("percent") in (None, ""):
                raise DomainError("What share of the credit (percent)?", field=f"credits[{i}].percent")
            percent = number(item["percent"], f"credits[{i}].percent", places=2, maximum=HUNDRED)
            if percent > HUNDRED:
                raise DomainError("A share is at most 100 %.", field=f"credits[{i}].percent")
            role = item.get("role") or ParticipantRole.SOURCING
            if role not in ParticipantRole.values:
                raise DomainError(f"Choose one of {', '.join(ParticipantRole.values)}.", field=f"credits[{i}].role")
            total += percent
            rows.append(credit_row(Partner.objects.select_related("tier", "partner_type").get(pk=partner.pk), percent, role))
        if total != HUNDRED:
            raise DomainError(f"Credit shares must add up to exactly 100 %; they add up to {total} %.", field="credits")
        return rows
    if isinstance(data.get("deal"), DealRegistration):
        return deal_credits(data["deal"])
    if isinstance(data.get("partner"), Partner):
        partner = Partner.objects.select_related("tier", "partner_type").get(pk=data["partner"].pk)
        return [credit_row(partner, HUNDRED, ParticipantRole.SOURCING)]
    raise DomainError("Say who earns it: credits, a deal or a partner.", field="credits")


def _hash(data: dict) -> str:
    def plain(value):
        if isinstance(value, Partner | DealRegistration | IncentiveEvent):
            return value.public_id
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value) if value is not None else None

    given = {k: plain(v) for k, v in data.items() if v not in (None, "", [])}
    return hashlib.sha256(json.dumps(given, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def event_record(*, actor, data: dict, now=None) -> tuple[IncentiveEvent, bool]:
    """Record an event from another system (invoice paid, usage milestone, refund, churn) and accrue it.

    ``data`` holds model objects for ``deal``, ``partner``, ``refers_to`` and each credit's ``partner``.
    Answers ``(event, created)``: a repeat of the same (source, external_ref) answers the first event.
    """
    require_perm(actor, "incentives.manage")
    now = now or timezone.now()
    if unknown := sorted(set(data) - set(FIELDS)):
        raise DomainError(f"Unknown field; events have {', '.join(FIELDS)}.", field=unknown[0])
    kind = data.get("kind")
    if kind not in API_KINDS:
        raise DomainError(f"Choose one of {', '.join(API_KINDS)} (won deals are recorded when they close).", field="kind")
    external_ref = (data.get("external_ref") or "").strip() if isinstance(data.get("external_ref"), str | type(None)) else ""
    if not external_ref:
        raise DomainError("Give the event's id in your system: a retry with the same id is recorded once.", field="external_ref")
    if len(external_ref) > 100:
        raise DomainError("At most 100 characters.", field="external_ref")
    source = (data.get("source") or EventSource.API).strip().lower() if isinstance(data.get("source"), str | type(None)) else ""
    if not SOURCE.match(source) or source == EventSource.DEAL:
        raise DomainError("Name the source system in lower-case letters, digits and _ . - (not \"deal\").", field="source")
    digest = _hash(data)
    earlier = IncentiveEvent.objects.filter(source=source, external_ref=external_ref).first()
    if earlier is not None:
        if earlier.request_hash != digest:
            raise Conflict(f"{source}/{external_ref} was already recorded with other values ({earlier.public_id}).", field="external_ref")
        return earlier, False

    occurred_at = _occurred_at(data.get("occurred_at"), now)
    deal = data.get("deal")
    if deal is not None and not isinstance(deal, DealRegistration):
        raise DomainError("No such deal.", field="deal")
    fields: dict = {"deal": deal, "deal_type": "", "products": [], "milestone": "", "refers_to": None}
    if kind in CLAWBACK_KINDS:
        original = data.get("refers_to")
        if not isinstance(original, IncentiveEvent):
            raise DomainError("A refund or churn refers to the event it claws back.", field="refers_to")
        if original.kind in CLAWBACK_KINDS:
            raise DomainError(f"{original.public_id} is itself a {original.kind}; refer to the event that earned.", field="refers_to")
        if data.get("credits") or data.get("partner"):
            raise DomainError("A refund or churn claws back from the partners of the event it refers to; give no credits.",
                              field="credits" if data.get("credits") else "partner")
        if occurred_at < original.occurred_at:
            raise DomainError(f"It cannot happen before {original.public_id} ({original.occurred_at.isoformat()}).", field="occurred_at")
        currency = original.currency if data.get("currency") in (None, "") else clean_currency(data["currency"])
        if currency != original.currency:
            raise DomainError(f"{original.public_id} is in {original.currency}; a refund is in the same currency.", field="currency")
        if kind == "refund":
            if data.get("amount") in (None, ""):
                raise DomainError("How much revenue was refunded?", field="amount")
            amount = clean_money(data["amount"], currency, "amount")
            if amount <= 0 or to_minor(amount, currency) > original.amount_minor:
                raise DomainError(f"Refund between 0 and the original {original.amount} {currency}.", field="amount")
        else:
            amount = Decimal(0) if data.get("amount") in (None, "") else clean_money(data["amount"], currency, "amount")
        credits = original.credits
        fields.update(refers_to=original, deal=original.deal, deal_type=original.deal_type, products=original.products)
    else:
        if data.get("refers_to") is not None:
            raise DomainError("Only refunds and churn refer to another event.", field="refers_to")
        if data.get("currency") in (None, ""):
            raise DomainError("Give the currency (ISO 4217).", field="currency")
        currency = clean_currency(data["currency"])
        if data.get("amount") in (None, ""):
            if kind != "usage_milestone":
                raise DomainError("How much was paid?", field="amount")
            amount = Decimal(0)
        else:
            amount = clean_money(data["amount"], currency, "amount")
        credits = _credits(data)
        deal_type = data.get("deal_type") or (deal.deal_type if deal is not None else "")
        if deal_type and deal_type not in DealType.values:
            raise DomainError(f"Choose one of {', '.join(DealType.values)}.", field="deal_type")
        products = data.get("products") if data.get("products") not in (None, "") else (deal.products if deal is not None else [])
        if not isinstance(products, list | tuple) or any(not isinstance(p, str) or not p.strip() or len(p) > 40 for p in products):
            raise DomainError("Give product codes as a list of texts of at most 40 characters.", field="products")
        milestone = (data.get("milestone") or "").strip() if isinstance(data.get("milestone"), str | type(None)) else None
        if milestone is None or (milestone and not MILESTONE.match(milestone)):
            raise DomainError("Lower-case letters, digits and _ . : - only, at most 60.", field="milestone")
        if kind == "usage_milestone" and not milestone:
            raise DomainError("Which milestone was reached (e.g. 10k-api-calls)?", field="milestone")
        fields.update(deal_type=deal_type, products=sorted({p.strip().lower() for p in products}), milestone=milestone)
    try:
        with transaction.atomic():
            event = _create(kind=kind, occurred_at=occurred_at, currency=currency, amount_minor=to_minor(amount, currency),
                            credits=credits, source=source, external_ref=external_ref, request_hash=digest, actor=actor, now=now,
                            **fields)
    except IntegrityError:  # the same reference recorded by a concurrent request a moment ago
        earlier = IncentiveEvent.objects.get(source=source, external_ref=external_ref)
        if earlier.request_hash != digest:
            raise Conflict(f"{source}/{external_ref} was already recorded with other values ({earlier.public_id}).", field="external_ref")
        return earlier, False
    audit_record(actor=actor, action="incentive_event.recorded", obj=event,
                 after={"kind": kind, "source": source, "external_ref": external_ref, "amount": str(amount), "currency": currency,
                        "refers_to": fields["refers_to"], "partners": [c["partner_id"] for c in credits]})
    event_accrue(event=event, actor=actor, now=now)
    return event, True
