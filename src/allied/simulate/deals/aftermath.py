"""What happened after a registration was decided: the CAM's review, its life while approved, its team.

A mixin of ``replay.DealSimulation``: it reads the simulation's clock (``now``), random source,
rules of engagement and sellers, and schedules events (``_at``) that the replay applies in time
order. Everything here mirrors what a service would have written (deals.services.review,
lifecycle, room) at that moment; nothing after ``now`` is written.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from allied.deals.models import DealStage, DealStatus, Decision, ParticipantRole
from allied.deals.rules import Outcome

from .state import DAY, HOUR, STAGES, Registration, money

CAM_APPROVES = {"direct_account": 0.1, "direct_opportunity": 0.35, "existing_customer": 0.45, "incumbent": 0.9,
                "no_customer": 0.5, "possible_match": 0.8, "manual_review": 0.8}
# What the partner reads when the CAM declines: never another partner's name.
CAM_DECLINES = {
    "direct_account": "This is one of our named direct accounts; the direct team will involve a partner if it needs one.",
    "direct_opportunity": "Our direct team is already far along with this customer; we will bring you in if they need a partner.",
    "existing_customer": "This company already buys from us through its current channel; talk to your channel manager about expansion.",
    "no_customer": "We could not find this customer among our accounts; please register it as a new logo.",
    "possible_match": "This customer matches an account the vendor already works with.",
    "already_registered": "This customer is already registered by another partner.",
    "tie": "This customer is already registered by another partner.",
}
CAM_DECLINE_OTHERWISE = "We could not confirm this opportunity; add the customer's details and register again."
CAM_APPROVAL_WORDS = {
    "direct_opportunity": "Approved for co-selling with our direct team; your channel manager will introduce you.",
    "existing_customer": "Approved: a new buying centre for this customer.",
    "possible_match": "Checked by your channel manager: no conflicting account.",
}
LOST_REASONS = ["Lost to a competitor", "No budget this year", "Project postponed", "Customer kept its current solution",
                "Went with a cheaper option", "Champion left the company"]
PARTNER_NOTES = ["Kick-off call booked with the customer's IT lead.", "Security questionnaire sent back; waiting for their review.",
                 "Pricing approved by the customer's finance team.", "Proof of concept starts next Monday.",
                 "Can the vendor's solution engineer join the technical deep-dive?", "Customer asked for a reference in their industry.",
                 "Procurement wants a three-year term; discussing the discount.", "Implementation partner confirmed for the rollout."]
CAM_NOTES = ["Looping in our solution engineer for the technical validation.", "Approved the discount request up to 15 %.",
             "Reference customer lined up; details in the shared folder."]
SPLITS = [(70, 30), (60, 40), (80, 20), (60, 25, 15), (50, 30, 20)]
CO_SELL_ROLES = {"isv": ParticipantRole.INFLUENCING, "distributor": ParticipantRole.RESELLING}  # others implement


class Aftermath:
    def _tick(self, t: datetime) -> datetime:
        """The hourly deals job notices ``t`` (escalation, expiry) within the hour."""
        return min(self.now, t + timedelta(minutes=self.rng.uniform(1, 59)))

    def _review(self, reg: Registration, outcome: Outcome, t: datetime, force: str | None) -> None:
        """A registration in review: the CAM decides within hours or days, some past the SLA; recent ones may still wait."""
        rng, deal = self.rng, reg.deal
        deal.status, deal.sla_due_at = DealStatus.PENDING, t + self.sla
        r = rng.random()
        decided = t + timedelta(hours=rng.uniform(2, 40) if r < 0.55 else rng.uniform(40, 120) if r < 0.85 else rng.uniform(120, 340))
        behind = t > self.now - 10 * DAY and rng.random() < 0.3  # the CAM has not got to it yet
        if force == "undecided" or behind or decided > self.now:
            if deal.sla_due_at < self.now:
                deal.escalated_at = self._tick(deal.sla_due_at)
            return  # still in review: it holds its customer
        if deal.sla_due_at < decided:
            deal.escalated_at = min(self._tick(deal.sla_due_at), decided)
        deal.decided_at, deal.decided_by_id = decided, reg.seller.partner.cam_id
        approve, words = self._cam_decides(reg, outcome, decided)
        deal.decision_reason = words
        if approve:
            deal.decision = Decision.APPROVED
            self._approved(reg, decided, force)
        else:
            deal.status, deal.decision = DealStatus.DECLINED, Decision.DECLINED
            reg.holds_until = decided
            self._at(decided, "drop", reg)

    def _cam_decides(self, reg: Registration, outcome: Outcome, at: datetime) -> tuple[bool, str]:
        """The CAM's call and the words the partner reads. An earlier registration still approved stands."""
        code, rng = outcome.code, self.rng
        if code in ("already_registered", "tie"):
            rival = reg.rival
            if rival is not None and rival.approved_at is not None and (rival.holds_until is None or rival.holds_until > at):
                return False, CAM_DECLINES[code]
            return (True, "Approved by your channel manager.") if rng.random() < 0.85 else (False, CAM_DECLINE_OTHERWISE)
        chance = CAM_APPROVES.get(code, 0.6) + 0.04 * min(reg.seller.strength, 3)
        if rng.random() < chance:
            return True, CAM_APPROVAL_WORDS.get(code, "Approved by your channel manager.")
        return False, CAM_DECLINES.get(code, CAM_DECLINE_OTHERWISE)

    def _approved(self, reg: Registration, start: datetime, force: str | None) -> None:
        """An approved registration's life: stages, extensions, then won, lost, withdrawn or expired — or still open."""
        rng, now, deal, rules = self.rng, self.now, reg.deal, self.rules
        reg.approved_at, deal.status = start, DealStatus.APPROVED
        fate, target = self._fate(reg, start, force)
        # Extensions the partner asks for when the close slips past the protection end (the full story) ...
        end, asks = start + self.protection, []
        wants_more = fate == "expired" and rng.random() < 0.2
        while force != "open" and len(asks) < rules.max_extensions and ((target and target > end) or (wants_more and not asks)):
            req = end - timedelta(days=rng.uniform(2, 12))
            dec = req + timedelta(hours=rng.uniform(3, min(60.0, (end - req) / HOUR - 1)))  # decided before the end
            ok = rng.random() < 0.88
            asks.append((req, dec, ok))
            if not ok:
                break
            end = max(end, dec) + timedelta(days=rules.extension_days)
        # ... of which only what happened before now.
        end = start + self.protection
        for req, dec, ok in asks:
            if req > now:
                break
            if dec > now:
                reg.extensions.append((req, None, None))
                break
            reg.extensions.append((req, dec, ok))
            if not ok:
                break
            end = max(end, dec) + timedelta(days=rules.extension_days)
        deal.extensions = sum(1 for _, _, ok in reg.extensions if ok)
        deal.protection_expires_at = end
        closes = target if fate != "expired" and target is not None and target <= end else None
        if closes is not None and closes <= now:
            deal.closed_at = closes
            if fate == "won":
                deal.status, deal.stage = DealStatus.WON, DealStage.NEGOTIATION
                deal.won_amount = money(float(deal.amount) * rng.uniform(0.85, 1.1))
                self._at(closes, "win", reg)
            elif fate == "lost":
                deal.status, deal.stage, deal.lost_reason = DealStatus.LOST, rng.choice(STAGES[1:]), rng.choice(LOST_REASONS)
            else:
                deal.status, deal.stage = DealStatus.WITHDRAWN, rng.choice(STAGES[:2])
        elif end <= now:
            deal.status, deal.closed_at, deal.stage = DealStatus.EXPIRED, self._tick(end), rng.choice(STAGES[:3])
        else:
            deal.stage = STAGES[min(3, int((now - start) / ((target or end) - start) * 4))]
        stop = deal.closed_at or now
        if deal.closed_at is not None:
            reg.holds_until = deal.closed_at
            self._at(deal.closed_at, "drop", reg)
        crossed = [d for d in self.reminders if end - timedelta(days=d) <= stop]  # deals_remind_expiring's last reminder
        deal.reminded_days = min(crossed) if crossed else None
        self._team_and_notes(reg, start, stop)

    def _fate(self, reg: Registration, start: datetime, force: str | None) -> tuple[str, datetime | None]:
        """How it ends and when it would close: stronger partners win more."""
        rng, win, r = self.rng, reg.seller.win, self.rng.random()
        if force == "won":
            return "won", start + timedelta(days=rng.uniform(30, 60))
        if force == "open":
            return "won", self.now + timedelta(days=rng.uniform(20, 40))
        if r < 0.03:
            return "withdrawn", start + timedelta(days=rng.uniform(5, 60))
        fate = "won" if r < 0.03 + win else "lost" if r < 0.03 + win + (1 - win) * 0.55 else "expired"
        if fate == "expired":
            return fate, None
        return fate, start + timedelta(days=rng.uniform(12, 85) if rng.random() < 0.85 else rng.uniform(95, 150))

    def _team_and_notes(self, reg: Registration, start: datetime, stop: datetime) -> None:
        """About one deal in twenty gets co-selling partners (splits summing to 100); a few get deal-room notes."""
        rng = self.rng
        if self.co_sellers and rng.random() < 0.055:
            split = rng.choice(SPLITS)
            others = []
            for _ in range(len(split) - 1):
                for _ in range(5):
                    co = rng.choice(self.co_sellers)
                    if co is not reg.seller and co not in others:
                        others.append(co)
                        break
            if len(others) == len(split) - 1:
                at = min(stop, start + timedelta(days=rng.uniform(1, 20)))
                reg.others = [(co.partner, CO_SELL_ROLES.get(co.partner.partner_type.code, ParticipantRole.IMPLEMENTING),
                               Decimal(pct), at) for co, pct in zip(others, split[1:], strict=True)]
                reg.sourcing_split = Decimal(split[0])
        if rng.random() < 0.06:
            for _ in range(rng.randint(1, 3)):
                at = start + (stop - start) * rng.random()
                cam = rng.random() < 0.3 or reg.seller.user_id is None
                reg.notes.append((reg.seller.partner.cam_id if cam else reg.seller.user_id,
                                  rng.choice(CAM_NOTES if cam else PARTNER_NOTES), at))
