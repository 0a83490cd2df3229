"""Co-sell: a CAM turns a co-sell opportunity (a match the vendor may see) into a lead for the partner or a deal room.

Each is done once per partner, vendor account and kind (``CoSellAction`` is unique on them), through
the apps that own leads and deals: ``leads.services.lead_create`` (not routed) handed to the partner
with ``lead_reassign``, and ``deals.services.deal_register`` on the partner's behalf, so the lead
inbox, the rules of engagement, the deal room, their audit and emails work as they always do.

Neither the lead nor the deal carries more of the partner's record than the vendor may see: they are
made from the vendor's own account, plus what the caller types in (the contact at the customer).
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.deals.models import DealSource, DealStatus
from allied.deals.services import deal_register
from allied.leads.models import LeadSource, LeadStatus
from allied.leads.services import lead_create, lead_reassign

from .. import access
from ..models import AccountMatch, CoSellAction, CoSellKind, Side


def _opportunity(actor, match: AccountMatch) -> tuple[AccountMatch, dict]:
    from ..selectors import cosell_get  # selectors import the population services

    if access.viewer_side(actor) != Side.VENDOR:
        raise PermissionDenied("Only the vendor's team turns co-sell opportunities into leads or deal rooms.")
    access.require(actor, manage=True)
    return cosell_get(user=actor, public_id=match.public_id)


def _once(match: AccountMatch, kind: str) -> None:
    existing = CoSellAction.objects.filter(partner_id=match.partner_id, vendor_account_id=match.vendor_account_id, kind=kind).first()
    if existing is not None:
        what = "a lead" if kind == CoSellKind.LEAD else "a deal room"
        raise Conflict(f"This account was already turned into {what} for {match.partner.name} ({existing.public_id}).")


def _record(*, actor, match: AccountMatch, kind: str, lead=None, deal=None) -> CoSellAction:
    try:
        with transaction.atomic():
            action = CoSellAction.objects.create(match=match, partner_id=match.partner_id, vendor_account_id=match.vendor_account_id,
                                                 kind=kind, lead=lead, deal=deal, created_by=actor)
    except IntegrityError:  # the same action at the same moment from another request
        raise Conflict("This co-sell opportunity was just acted on by someone else; reload the page.")
    audit_record(actor=actor, action=f"mapping.cosell_{kind}", obj=action, partner_id=match.partner_id,
                 after={"match": match.public_id, "account": match.vendor_account.public_id,
                        "lead": getattr(lead, "public_id", None), "deal": getattr(deal, "public_id", None)})
    return action


@transaction.atomic
def cosell_to_lead(*, actor, match: AccountMatch, contact_name: str = "", contact_email: str = "", message: str = "") -> CoSellAction:
    """Hand the vendor's account to the partner as a lead in its inbox (offered by hand, with the usual SLA).

    A lead needs a person at the customer: ``contact_name`` and ``contact_email`` are required.
    """
    match, row = _opportunity(actor, match)
    _once(match, CoSellKind.LEAD)
    account = match.vendor_account
    if not account.country:
        raise DomainError(f"{account.name} has no country in the vendor's list; add it first.", field="country")
    note = (message or "").strip() or f"Co-sell from account mapping: {row['kind_label']}."
    lead = lead_create(actor=actor, source=LeadSource.CONSOLE, route=False, data={
        "company_name": account.name, "website": account.website, "country": account.country, "contact_name": contact_name,
        "contact_email": contact_email, "message": note[:5000], "estimated_amount": account.opportunity_amount,
        "external_ref": f"cosell:{match.public_id}"[:100]})
    if lead.status == LeadStatus.DUPLICATE:
        raise Conflict(f"An open lead for this company or person exists already ({lead.duplicate_of.public_id}).")
    if lead.status == LeadStatus.DIRECT:
        raise Conflict(f"{account.name} is a named direct account: the vendor's direct team keeps it.")
    lead = lead_reassign(actor=actor, lead=lead, partner=match.partner, reason="co-sell opportunity from account mapping")
    return _record(actor=actor, match=match, kind=CoSellKind.LEAD, lead=lead)


@transaction.atomic
def cosell_to_deal(*, actor, match: AccountMatch, data: dict | None = None) -> CoSellAction:
    """Register the deal on the partner's behalf (decided by the rules of engagement like any other) and open its room.

    ``data`` overrides the registration's fields; ``contact_name`` (the person at the customer) is required.
    The amount defaults to the vendor's open opportunity on the account, the close date to 90 days out.
    """
    match, _row = _opportunity(actor, match)
    _once(match, CoSellKind.DEAL)
    account = match.vendor_account
    today = timezone.localdate()
    fields = {"customer_name": account.name, "website": account.website, "country": account.country,
              "amount": account.opportunity_amount if account.opportunity_amount is not None else "",
              "expected_close_date": (today + timedelta(days=90)).isoformat(), "currency": "USD",
              "notes": f"Co-sell deal room from account mapping ({match.public_id})."}
    fields.update({k: v for k, v in (data or {}).items() if v not in (None, "")})
    deal = deal_register(actor=actor, data=fields, partner=match.partner, source=DealSource.CONSOLE)
    if deal.status == DealStatus.DECLINED:
        raise Conflict(f"The rules of engagement decline this registration: {deal.decision_reason}")
    return _record(actor=actor, match=match, kind=CoSellKind.DEAL, deal=deal)
