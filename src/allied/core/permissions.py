"""What each role may do. Reads are limited by the visibility scope; writes by these permissions."""

from .errors import PermissionDenied

ROLE_PERMISSIONS: dict[str, set[str]] = {
    "program_admin": {
        "program.manage", "partners.manage", "recruitment.manage", "tiers.evaluate", "tiers.decide",
        "users.manage", "onboarding.manage", "audit.view",
        "deals.review", "deals.rules",
        "accounts.view", "accounts.manage", "leads.manage", "leads.settings",
        "money.view", "funds.manage", "funds.review", "incentives.manage",
        "mapping.view", "mapping.manage", "learning.view", "learning.manage",
        "library.manage",
    },
    "cam": {"partners.manage", "recruitment.manage", "tiers.evaluate", "tiers.decide", "users.manage", "onboarding.manage", "audit.view",
            "deals.review", "accounts.view", "accounts.manage", "leads.manage", "money.view", "funds.review",
            "mapping.view", "mapping.manage", "learning.view"},
    "pmm": {"audit.view", "accounts.view", "money.view", "funds.manage", "funds.review", "mapping.view",
            "learning.view", "learning.manage", "library.manage"},
    # finance alone pays: payout runs, their approval and execution, ERP exports and closing incentive periods
    "finance": {"audit.view", "accounts.view", "money.view", "incentives.manage", "finance.pay"},
    "partner_admin": {"partner.users.manage", "partner.profile.edit", "partner.onboarding.work", "partner.agreement.accept",
                      "partner.deals.register", "partner.leads.work",
                      "partner.funds.request", "partner.money.view",
                      "partner.mapping.view", "partner.mapping.manage", "partner.learning", "partner.learning.team"},
    "partner_sales": {"partner.onboarding.work", "partner.deals.register", "partner.leads.work", "partner.mapping.view",
                      "partner.learning"},
    "partner_marketing": {"partner.profile.edit", "partner.onboarding.work", "partner.funds.request", "partner.learning"},
}


def has_perm(user, perm: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return perm in ROLE_PERMISSIONS.get(user.role, set())


def require_perm(user, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied()
