from django_tasks import task

from .services import onboarding_overdue_alert


@task()
def onboarding_overdue_alert_task() -> int:
    return onboarding_overdue_alert()
