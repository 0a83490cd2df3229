from django_tasks import task

from .models import MappingRun
from .services.lists import vendor_list_sync
from .services.private import private_mappings_expire
from .services.runs import mapping_run_execute


@task()
def mapping_run_task(run_id: str) -> dict:
    """Match a partner's list against the vendor's (progress on the run; safe to deliver twice: one worker claims it)."""
    run = MappingRun.objects.filter(public_id=run_id).first()
    if run is None:
        return {"missing": run_id}
    return mapping_run_execute(run)


@task()
def mapping_housekeeping_task() -> dict:
    """Hourly: close private-mapping sessions past their hour (secrets erased) and bring the vendor's list in
    line with the account master (a change queues incremental runs for the active partnerships)."""
    return {"private_expired": private_mappings_expire(), "vendor_accounts_changed": vendor_list_sync(actor=None)}
