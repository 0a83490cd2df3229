"""Writing the replay's result: every row in bulk, as the services would have left it."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from allied.customers.models import AccountKey, CustomerAccount, DirectOpportunity
from allied.deals.conflicts import keys_for
from allied.deals.models import (
    DealConflict,
    DealNote,
    DealParticipant,
    DealRegistration,
    DealStatus,
    ExtensionRequest,
    ExtensionStatus,
    ParticipantRole,
    RegistrationKey,
)
from allied.matching import Record, blocking_keys, prepare
from allied.partners.models import Achievement, AchievementKind, Partner, PartnerStatus

from ..customers import Account, Opp, with_public_id
from .state import BATCH, Registration

EXTENSION_REASON = "The customer's procurement needs a few more weeks to sign."


@dataclass
class DealSeed:
    accounts: int = 0
    registrations: int = 0
    achievements: int = 0  # DEAL_WON, one per won registration


def write_rows(sim, progress_units: int) -> DealSeed:
    out = DealSeed()
    accounts = [a.row for a in sim.accounts]
    CustomerAccount.objects.bulk_create(accounts, batch_size=BATCH)
    AccountKey.objects.bulk_create([  # what customers.services.account_keys_refresh writes
        AccountKey(account_id=row.pk, key=k) for row in accounts
        for k in sorted({k[:80] for k in blocking_keys(prepare(Record(id=row.public_id, name=row.name, domain=row.domain,
                                                                     country=row.country))) if k})
    ], batch_size=BATCH)
    DirectOpportunity.objects.bulk_create([o.row for o in sim.opps], batch_size=BATCH)
    out.accounts = len(accounts)
    sim.progress("customer accounts", progress_units // 3)

    for reg in sim.regs:
        if reg.account is not None:
            reg.deal.account_id = reg.account.row.pk
    DealRegistration.objects.bulk_create([r.deal for r in sim.regs], batch_size=BATCH)
    out.registrations = len(sim.regs)
    conflicts, people, notes, asks, keys, wins = [], [], [], [], [], []
    cam_of = {s.partner.pk: s.partner.cam_id for s in sim.sellers}
    for reg in sim.regs:
        deal = reg.deal
        conflicts += [DealConflict(deal_id=deal.pk, kind=e.kind, score=Decimal(str(round(e.score, 3))), reason=e.reason[:500],
                                   decisive=id(e) in reg.decisive,
                                   other_deal_id=found.deal.pk if isinstance(found, Registration) else None,
                                   account_id=found.row.pk if isinstance(found, Account) else None,
                                   opportunity_id=found.row.pk if isinstance(found, Opp) else None)
                      for e, found in reg.evidence]
        people.append(DealParticipant(deal_id=deal.pk, partner_id=deal.partner_id, role=ParticipantRole.SOURCING,
                                      split_pct=reg.sourcing_split, added_at=deal.submitted_at))
        people += [DealParticipant(deal_id=deal.pk, partner_id=p.pk, role=role, split_pct=pct, added_at=at)
                   for p, role, pct, at in reg.others]
        notes += [with_public_id(DealNote(deal_id=deal.pk, author_id=author, body=body, created_at=at)) for author, body, at in reg.notes]
        for requested, decided, ok in reg.extensions:
            status = ExtensionStatus.PENDING if decided is None else ExtensionStatus.APPROVED if ok else ExtensionStatus.DECLINED
            asks.append(with_public_id(ExtensionRequest(
                deal_id=deal.pk, requested_by_id=reg.seller.user_id, days=sim.rules.extension_days, status=status,
                reason=EXTENSION_REASON, created_at=requested, decided_at=decided,
                decided_by_id=cam_of[deal.partner_id] if decided else None)))
        if deal.status in (DealStatus.PENDING, DealStatus.APPROVED):  # holding: the conflict check's index
            keys += [RegistrationKey(registration_id=deal.pk, key=k) for k in dict.fromkeys(keys_for(deal))]
        elif deal.status == DealStatus.WON:  # what deal_close records: partner-sourced revenue, a tier fact
            wins.append(with_public_id(Achievement(partner_id=deal.partner_id, kind=AchievementKind.DEAL_WON,
                                                   name=deal.customer_name[:200], amount=deal.won_amount, currency=deal.currency,
                                                   occurred_at=deal.closed_at)))
    for model, objs in ((DealConflict, conflicts), (DealParticipant, people), (DealNote, notes), (ExtensionRequest, asks),
                        (RegistrationKey, keys), (Achievement, wins)):
        model.objects.bulk_create(objs, batch_size=BATCH)
    out.achievements = len(wins)
    sim.progress("deal outcomes", progress_units - progress_units // 3)
    return out


def deal_mix_partner() -> Partner | None:
    """The active partner whose portal shows the most states of a registration (approved, in review, declined,
    won, expiring soon), the one with fewer deals breaking a tie: a good demo login."""
    now = timezone.now()
    wanted = {DealStatus.APPROVED, DealStatus.PENDING, DealStatus.DECLINED, DealStatus.WON}
    seen: dict[int, set[str]] = {}
    totals: dict[int, int] = {}
    for pid, status, n in (DealRegistration.objects.filter(partner__status=PartnerStatus.ACTIVE)
                           .values_list("partner_id", "status").annotate(n=Count("id")).order_by()):
        totals[pid] = totals.get(pid, 0) + n
        if status in wanted:
            seen.setdefault(pid, set()).add(status)
    if not seen:
        return None
    expiring = set(DealRegistration.objects.filter(status=DealStatus.APPROVED, protection_expires_at__gte=now,
                                                   protection_expires_at__lte=now + timedelta(days=14))
                   .values_list("partner_id", flat=True).distinct())
    best = max(seen, key=lambda pid: (len(seen[pid]) + (pid in expiring), -totals[pid], -pid))
    return Partner.objects.select_related("partner_type").get(pk=best)
