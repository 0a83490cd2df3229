from django_tasks import task

from .services import requests_complete_expired


@task()
def funds_housekeeping_task() -> dict:
    """Daily: funded requests past their claim deadline complete, so what was not claimed returns to the allocation."""
    return {"completed": requests_complete_expired()}
