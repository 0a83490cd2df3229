from django_tasks import task

from .services import incentives_release


@task()
def incentives_release_task() -> dict:
    """Hourly: accrued incentives go to held (inside their holdback) or payable; held ones become payable on their day."""
    return incentives_release()
