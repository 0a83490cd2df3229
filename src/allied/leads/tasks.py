from django_tasks import task

from .services import leads_pull_back, leads_remind, leads_retry_unroutable


@task()
def leads_housekeeping_task() -> dict:
    """Every five minutes: pull back offers past their SLA (routing them again), remind before deadlines."""
    return {"pulled_back": leads_pull_back(), "reminded": leads_remind()}


@task()
def leads_retry_task() -> dict:
    """Hourly: route again the leads no partner could take (capacity frees up, partners join)."""
    return leads_retry_unroutable()
