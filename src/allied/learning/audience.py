"""Who sees a catalogue object: its audience (partner types, tiers, partner roles; empty means all) and its status.

Vendor users with ``learning.view`` see the whole catalogue; a partner user sees published courses and paths
whose audience includes its partner's type, its partner's tier and its own role, and published certifications
of such paths. Anything else answers as missing.
"""

from django.db.models import Exists, OuterRef, QuerySet

from allied.core.permissions import has_perm
from allied.core.scope import is_vendor

from .models import CatalogueStatus, Certification


def vendor_reader(user) -> bool:
    return is_vendor(user) and has_perm(user, "learning.view")


def learner(user) -> bool:
    return getattr(user, "partner_id", None) is not None and has_perm(user, "partner.learning")


def audience_filter(qs: QuerySet, user) -> QuerySet:
    """The published rows of ``qs`` (courses or paths) whose audience includes ``user``."""
    model = qs.model
    qs = qs.filter(status=CatalogueStatus.PUBLISHED)
    partner = user.partner
    src = model._meta.model_name
    for field, target in (("partner_types", ("partnertype_id", partner.partner_type_id)), ("tiers", ("tier_id", partner.tier_id))):
        through = getattr(model, field).through.objects
        anyone = ~Exists(through.filter(**{src: OuterRef("pk")}))
        qs = qs.filter(anyone | Exists(through.filter(**{src: OuterRef("pk"), target[0]: target[1]}))) if target[1] else qs.filter(anyone)
    # Roles are a short JSON list; JSON containment is not portable to SQLite, so they are checked here.
    ids = [pk for pk, roles in qs.values_list("pk", "roles") if not roles or user.role in roles]
    return model.objects.filter(pk__in=ids)


def visible(qs: QuerySet, user) -> QuerySet:
    """``qs`` (courses, paths or certifications) as ``user`` may see it: everything for vendor readers, the
    audience for learners, nothing for anyone else."""
    if vendor_reader(user):
        return qs
    if not learner(user):
        return qs.none()
    if qs.model is Certification:
        from .models import LearningPath

        paths = audience_filter(LearningPath.objects.all(), user)
        return qs.filter(status=CatalogueStatus.PUBLISHED, path__in=paths)
    return qs & audience_filter(qs.model.objects.all(), user)
