from django_tasks import task

from .models import PayoutRun
from .services import payout_run_execute


@task()
def payout_run_execute_task(run_id: str) -> dict:
    """Pay every unpaid payout of a run, each in its own transaction (safe to run again after a crash)."""
    run = PayoutRun.objects.select_related("executed_by").filter(public_id=run_id).first()
    if run is None:
        return {"missing": run_id}
    return payout_run_execute(run=run, actor=run.executed_by)
