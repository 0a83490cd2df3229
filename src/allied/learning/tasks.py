from django_tasks import task

from .services import certifications_expire, certifications_remind


@task()
def learning_housekeeping_task() -> dict:
    """Daily: certifications past their expiry expire (their achievements stop counting); holders whose reminder
    window has opened are told once."""
    return {"expired": certifications_expire(), "reminded": certifications_remind()}
