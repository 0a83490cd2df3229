"""Recruitment: public applications, fit scoring, duplicate flags, the approval pipeline."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from allied.accounts.services import invitation_create
from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, PermissionDenied, RateLimited
from allied.core.models import AuditEvent
from allied.core.outbox import email_enqueue
from allied.core.permissions import has_perm
from allied.matching import normalize_company_name
from allied.onboarding.services import journey_start
from allied.partners.models import Partner, Region
from allied.partners.services import clean_profile, partner_create
from allied.program.models import PartnerType

from .fit import fit_score
from .models import Application, ApplicationStatus, IdealPartnerProfile

TRANSITIONS = {
    ApplicationStatus.APPLIED: {ApplicationStatus.QUALIFIED, ApplicationStatus.APPROVED, ApplicationStatus.DECLINED},
    ApplicationStatus.QUALIFIED: {ApplicationStatus.APPROVED, ApplicationStatus.DECLINED, ApplicationStatus.APPLIED},
}


def _required(data: dict, field: str, label: str) -> str:
    value = (data.get(field) or "").strip() if isinstance(data.get(field, ""), str) else data.get(field)
    if not value:
        raise DomainError(f"Enter {label}.", field=field)
    return value


def duplicate_find(*, domain: str, name: str) -> tuple[Partner | None, str]:
    """An existing partner with the same web domain or the same normalised company name."""
    if domain:
        hit = Partner.objects.filter(domain=domain).first()
        if hit:
            return hit, f"Same website domain as existing partner {hit.name}"
    norm = normalize_company_name(name)
    if norm:
        first = norm.split()[0]
        for cand in Partner.objects.filter(name__icontains=first).only("pk", "name")[:200]:
            if normalize_company_name(cand.name) == norm:
                return cand, f"Same company name as existing partner {cand.name}"
    return None, ""


def application_clean(data: dict) -> dict:
    company = _required(data, "company_name", "the company name")
    website = _required(data, "website", "the company website")
    ptype_code = _required(data, "partner_type", "the partner type")
    ptype = PartnerType.objects.filter(code=ptype_code, active=True).first()
    if ptype is None:
        raise DomainError("Choose a partner type from the list.", field="partner_type")
    contact_name = _required(data, "contact_name", "your name")
    contact_email = _required(data, "contact_email", "your email")
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(contact_email)
    except ValidationError:
        raise DomainError("Enter a valid email address.", field="contact_email")
    if data.get("team_size") in (None, ""):
        raise DomainError("Enter your team size.", field="team_size")
    try:
        profile = clean_profile({
            "name": company, "website": website, "country": data.get("country", ""), "region": data.get("region", ""),
            "specialties": data.get("specialties"), "industries": data.get("industries"),
            "regions_served": data.get("regions_served"), "customer_segments": data.get("customer_segments"),
            "team_size": data.get("team_size"),
        })
    except DomainError as exc:
        if exc.field != "name":
            raise
        raise DomainError(exc.message, field="company_name")  # the form calls it company_name
    return {
        "company_name": profile["name"], "website": profile["website"], "domain": profile["domain"],
        "country": profile["country"], "region": profile["region"], "partner_type": ptype,
        "specialties": profile["specialties"], "industries": profile["industries"],
        "regions_served": profile["regions_served"], "customer_segments": profile["customer_segments"],
        "team_size": profile["team_size"], "annual_revenue_band": (data.get("annual_revenue_band") or "")[:20],
        "contact_name": contact_name[:150], "contact_email": contact_email.lower(),
        "contact_phone": (data.get("contact_phone") or "").strip()[:40], "message": (data.get("message") or "").strip()[:5000],
    }


APPLICATIONS_PER_IP_PER_HOUR = 10


@transaction.atomic
def application_submit(*, data: dict, ip_address: str | None = None) -> Application:
    """A public application; scored against the ideal partner profile and checked for duplicates."""
    if ip_address and AuditEvent.objects.filter(
        action="application.submitted", ip_address=ip_address, occurred_at__gte=timezone.now() - timedelta(hours=1)
    ).count() >= APPLICATIONS_PER_IP_PER_HOUR:
        raise RateLimited("Too many applications from your network in the last hour; please try again later.")
    clean = application_clean(data)
    if Application.objects.filter(domain=clean["domain"], status__in=[ApplicationStatus.APPLIED, ApplicationStatus.QUALIFIED]).exists():
        raise Conflict("An application for this company is already being reviewed.", field="website")
    score, explanation = fit_score(IdealPartnerProfile.current(), {**clean, "partner_type": clean["partner_type"].code})
    dup, reason = duplicate_find(domain=clean["domain"], name=clean["company_name"])
    app = Application.objects.create(**clean, fit_score=score, fit_explanation=explanation, duplicate_of=dup,
                                     duplicate_reason=reason, submitted_at=timezone.now())
    audit_record(actor=None, action="application.submitted", obj=app,
                 after={"company": app.company_name, "fit_score": score, "duplicate_of": getattr(dup, "public_id", None)},
                 ip_address=ip_address)
    email_enqueue(to=app.contact_email, subject="We received your partner application",
                  body=f"Hello {app.contact_name},\n\nThank you for applying to our partner program with {app.company_name}. "
                       "We review applications within five business days.\n")
    return app


def _move(actor, app: Application, to: str, **fields) -> Application:
    if not has_perm(actor, "recruitment.manage"):
        raise PermissionDenied()
    app = Application.objects.select_for_update().get(pk=app.pk)
    if to not in TRANSITIONS.get(app.status, set()):
        raise Conflict(f"An application that is {app.get_status_display().lower()} cannot become {to}.", field="status")
    before = app.status
    app.status = to
    for k, v in fields.items():
        setattr(app, k, v)
    app.save()
    audit_record(actor=actor, action=f"application.{to}", obj=app, before={"status": before},
                 after={"status": to, **{k: v for k, v in fields.items() if k != "decided_by"}})
    return app


@transaction.atomic
def application_qualify(*, actor, application: Application) -> Application:
    return _move(actor, application, ApplicationStatus.QUALIFIED)


@transaction.atomic
def application_reopen(*, actor, application: Application) -> Application:
    return _move(actor, application, ApplicationStatus.APPLIED)


@transaction.atomic
def application_decline(*, actor, application: Application, reason: str, notify: bool = True) -> Application:
    if not (reason or "").strip():
        raise DomainError("Say why the application is declined.", field="reason")
    app = _move(actor, application, ApplicationStatus.DECLINED, decline_reason=reason.strip(), decided_by=actor,
                decided_at=timezone.now())
    if notify:
        email_enqueue(to=app.contact_email, subject="Your partner application",
                      body=f"Hello {app.contact_name},\n\nThank you for your interest. We cannot accept {app.company_name} "
                           f"into the program at this time.\n\n{reason.strip()}\n")
    return app


@transaction.atomic
def application_approve(*, actor, application: Application, cam=None) -> tuple[Application, Partner]:
    """Approve: create the partner organization, invite its admin, start onboarding."""
    if not has_perm(actor, "recruitment.manage"):
        raise PermissionDenied()
    app = Application.objects.select_for_update().select_related("partner_type").get(pk=application.pk)
    if app.status not in (ApplicationStatus.APPLIED, ApplicationStatus.QUALIFIED):
        raise Conflict(f"This application is already {app.get_status_display().lower()}.", field="status")
    cam = cam or actor  # the approver owns the partner until someone else is assigned
    partner = partner_create(
        actor=actor, name=app.company_name, partner_type=app.partner_type, country=app.country, region=app.region,
        website=app.website, cam=cam, specialties=app.specialties, industries=app.industries,
        regions_served=app.regions_served, customer_segments=app.customer_segments, team_size=app.team_size,
    )
    invitation_create(actor=actor, email=app.contact_email, role="partner_admin", partner=partner, full_name=app.contact_name)
    journey_start(actor=actor, partner=partner)
    app = _move(actor, app, ApplicationStatus.APPROVED, partner=partner, decided_by=actor, decided_at=timezone.now())
    return app, partner


@transaction.atomic
def ideal_profile_update(*, actor, data: dict) -> IdealPartnerProfile:
    if not has_perm(actor, "program.manage"):
        raise PermissionDenied()
    profile = IdealPartnerProfile.current()
    before = {f.name: getattr(profile, f.name) for f in profile._meta.fields if f.name != "id"}
    for field in ("target_partner_types", "target_regions", "target_specialties", "target_industries", "target_segments"):
        if field in data:
            value = data[field] or []
            if isinstance(value, str):
                value = value.split(",")
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise DomainError("Give a list of values.", field=field)
            value = [v.strip().lower() for v in value if v.strip()]  # applications are stored lower-case too
            if field == "target_regions" and (bad := [v for v in value if v not in Region.values]):
                raise DomainError(f"Unknown region(s): {', '.join(bad)}.", field=field)
            if field == "target_partner_types":
                known = set(PartnerType.objects.values_list("code", flat=True))
                if bad := [v for v in value if v not in known]:
                    raise DomainError(f"Unknown partner type(s): {', '.join(bad)}.", field=field)
            setattr(profile, field, list(value))
    for field in ("min_team_size", "weight_partner_type", "weight_region", "weight_specialties", "weight_industries",
                  "weight_segments", "weight_team_size"):
        if field in data and data[field] not in (None, ""):
            try:
                value = int(data[field])
            except (TypeError, ValueError):
                raise DomainError("Enter a whole number.", field=field)
            if not 0 <= value <= 100:
                raise DomainError("Enter a number from 0 to 100.", field=field)
            setattr(profile, field, value)
    profile.save()
    after = {f.name: getattr(profile, f.name) for f in profile._meta.fields if f.name != "id"}
    audit_record(actor=actor, action="ideal_profile.updated", obj=profile, before=before, after=after)
    return profile


@transaction.atomic
def applications_rescore(*, actor) -> int:
    """Re-score open applications after the profile's weights change."""
    if not has_perm(actor, "program.manage"):
        raise PermissionDenied()
    profile = IdealPartnerProfile.current()
    open_apps = list(Application.objects.select_related("partner_type").filter(
        Q(status=ApplicationStatus.APPLIED) | Q(status=ApplicationStatus.QUALIFIED)))
    for app in open_apps:
        data = {"partner_type": app.partner_type.code, "region": app.region, "regions_served": app.regions_served,
                "specialties": app.specialties, "industries": app.industries, "customer_segments": app.customer_segments,
                "team_size": app.team_size}
        app.fit_score, app.fit_explanation = fit_score(profile, data)
    Application.objects.bulk_update(open_apps, ["fit_score", "fit_explanation"], batch_size=1000)
    return len(open_apps)


