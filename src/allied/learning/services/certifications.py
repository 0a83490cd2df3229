"""Certifications a learner holds: earned when every required course of the path is completed, valid for the
certification's months, reminded once before expiry, expired by the daily worker job, revocable by the vendor.

Each held certification has a certification achievement for the partner whose ``expires_at`` is the
certification's; expiry, revocation and re-certification end it, so the tier fact ``active_certifications``
stops counting it. Re-certification: once the reminder window of the latest certification has opened (or it
has expired or been revoked), completing every required course again — a restarted enrollment completed after
that moment — writes a new ``UserCertification`` and ends the previous one.
"""

import calendar
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict
from allied.core.outbox import email_enqueue
from allied.core.permissions import require_perm
from allied.partners.models import Achievement, AchievementKind

from ..models import CatalogueStatus, Certification, CertStatus, Enrollment, PathCourse, UserCertification

MAX_REMIND_DAYS = 365


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def renewal_opens_at(held: UserCertification) -> datetime | None:
    """When completions start counting towards the next certification after ``held``.

    For a revoked certification, the moment it was revoked (its achievement's end): only courses completed
    after that count, so a revoked certification is never awarded again from the completions that earned it."""
    if held.status == CertStatus.REVOKED:
        ended = Achievement.objects.filter(pk=held.achievement_id).values_list("expires_at", flat=True).first()
        return ended or held.earned_at
    if held.expires_at is None:
        return None  # never expires: nothing to renew
    return held.expires_at - timedelta(days=held.certification.remind_days_before)


def renewal_due(user, course, *, now=None) -> bool:
    """May ``user`` take ``course`` again? Only when a certification it counts towards is due for renewal: the
    person's latest copy is expired, revoked, or inside its reminder window. Otherwise a re-take would only
    count the same training twice."""
    now = now or timezone.now()
    latest: dict[int, UserCertification] = {}
    for held in (UserCertification.objects.filter(user=user, certification__path__steps__course=course)
                 .select_related("certification").order_by("earned_at", "pk")):
        latest[held.certification_id] = held
    for held in latest.values():
        opens = renewal_opens_at(held)
        if held.status != CertStatus.ACTIVE or (opens is not None and opens <= now):
            return True
    return False


def _end_achievement(held: UserCertification, when: datetime) -> None:
    if held.achievement_id:
        Achievement.objects.filter(pk=held.achievement_id).exclude(expires_at__lte=when).update(expires_at=when)


@transaction.atomic
def certifications_check(user, *, now=None) -> list[UserCertification]:
    """Award every published certification whose path's required courses ``user`` has completed (called after
    each completion). Returns the new certifications."""
    if getattr(user, "partner_id", None) is None:
        return []
    now = now or timezone.now()
    completed = dict(Enrollment.objects.filter(user=user, completed_at__isnull=False).values_list("course_id", "completed_at"))
    if not completed:
        return []
    certs = list(Certification.objects.filter(status=CatalogueStatus.PUBLISHED, path__status=CatalogueStatus.PUBLISHED)
                 .select_related("path"))
    required: dict[int, list[int]] = {}
    for path_id, course_id in PathCourse.objects.filter(path__in=[c.path_id for c in certs], required=True).values_list("path_id",
                                                                                                                          "course_id"):
        required.setdefault(path_id, []).append(course_id)
    latest = {}
    for held in UserCertification.objects.filter(user=user).select_related("certification").order_by("earned_at", "pk"):
        latest[held.certification_id] = held
    earned = []
    for cert in certs:
        courses = required.get(cert.path_id)
        if not courses or any(c not in completed for c in courses):
            continue
        previous = latest.get(cert.pk)
        since = None
        if previous is not None:
            since = renewal_opens_at(previous)
            if since is None:
                continue
        if since is not None and any(completed[c] < since or (previous.status == CertStatus.REVOKED and completed[c] <= since)
                                     for c in courses):
            continue
        earned.append(_certify(user, cert, previous, now))
    return earned


def _certify(user, cert: Certification, previous: UserCertification | None, now: datetime) -> UserCertification:
    expires_at = add_months(now, cert.validity_months) if cert.validity_months else None
    achievement = Achievement.objects.create(partner_id=user.partner_id, kind=AchievementKind.CERTIFICATION, name=cert.name[:200],
                                             occurred_at=now, expires_at=expires_at)
    if previous is not None and previous.status == CertStatus.ACTIVE:
        # the new certification supersedes the old one: one active certification per person and certification
        UserCertification.objects.filter(pk=previous.pk).update(status=CertStatus.EXPIRED)
        _end_achievement(previous, now)
        audit_record(actor=None, action="user_certification.superseded", obj=previous, partner_id=previous.partner_id,
                     before={"status": CertStatus.ACTIVE}, after={"status": CertStatus.EXPIRED})
    held = UserCertification.objects.create(user=user, partner_id=user.partner_id, certification=cert, earned_at=now,
                                            expires_at=expires_at, achievement=achievement)
    audit_record(actor=user, action="user_certification.earned", obj=held, partner_id=held.partner_id,
                 after={"certification": cert.public_id, "expires_at": expires_at, "renewal": previous is not None})
    body = f"Congratulations: you are certified {cert.name}."
    if expires_at:
        body += f" It is valid until {expires_at:%Y-%m-%d}."
    email_enqueue(to=user.email, subject=f"You are certified: {cert.name}", body=f"{body}\n\n{settings.SITE_URL}/portal/learning/\n")
    return held


@transaction.atomic
def certifications_expire(*, now=None) -> int:
    """Mark active certifications past their expiry expired (the daily job); tells each holder."""
    now = now or timezone.now()
    rows = list(UserCertification.objects.select_for_update(of=("self",)).select_related("certification", "user")
                .filter(status=CertStatus.ACTIVE, expires_at__isnull=False, expires_at__lte=now).order_by("pk"))
    for held in rows:
        held.status = CertStatus.EXPIRED
        held.save(update_fields=["status"])
        _end_achievement(held, held.expires_at)
        audit_record(actor=None, action="user_certification.expired", obj=held, partner_id=held.partner_id,
                     before={"status": CertStatus.ACTIVE}, after={"status": CertStatus.EXPIRED})
        if held.user.is_active:
            email_enqueue(to=held.user.email, subject=f"Your certification expired: {held.certification.name}",
                          body=f"Your {held.certification.name} certification expired on {held.expires_at:%Y-%m-%d}. Complete its "
                               f"courses again to re-certify.\n\n{settings.SITE_URL}/portal/learning/\n")
    return len(rows)


@transaction.atomic
def certifications_remind(*, now=None) -> int:
    """Remind each holder once, ``remind_days_before`` the expiry (the daily job)."""
    now = now or timezone.now()
    rows = list(UserCertification.objects.select_for_update(of=("self",)).select_related("certification", "user")
                .filter(status=CertStatus.ACTIVE, reminded_at__isnull=True, expires_at__gt=now,
                        expires_at__lte=now + timedelta(days=MAX_REMIND_DAYS)).order_by("pk"))
    sent = 0
    for held in rows:
        days = held.certification.remind_days_before
        if not days or held.expires_at - timedelta(days=days) > now:
            continue
        held.reminded_at = now
        held.save(update_fields=["reminded_at"])
        audit_record(actor=None, action="user_certification.reminded", obj=held, partner_id=held.partner_id,
                     after={"reminded_at": now})
        if held.user.is_active:
            email_enqueue(to=held.user.email, subject=f"Your certification expires soon: {held.certification.name}",
                          body=f"Your {held.certification.name} certification expires on {held.expires_at:%Y-%m-%d}. Restart its "
                               f"courses and complete them again to re-certify.\n\n{settings.SITE_URL}/portal/learning/\n")
            sent += 1
    return sent


@transaction.atomic
def user_certification_revoke(*, actor, user_certification: UserCertification, reason: str) -> UserCertification:
    """The vendor withdraws a certification (``learning.manage``); it stops counting at once."""
    from .catalogue import clean_text

    require_perm(actor, "learning.manage")
    held = UserCertification.objects.select_for_update().get(pk=user_certification.pk)
    reason = clean_text(reason, "reason", most=1000, required=True)
    if held.status != CertStatus.ACTIVE:
        raise Conflict(f"The certification is {held.get_status_display().lower()} already.", field="status")
    now = timezone.now()
    held.status = CertStatus.REVOKED
    held.save(update_fields=["status"])
    _end_achievement(held, now)
    audit_record(actor=actor, action="user_certification.revoked", obj=held, partner_id=held.partner_id,
                 before={"status": CertStatus.ACTIVE}, after={"status": CertStatus.REVOKED, "reason": reason})
    return held
