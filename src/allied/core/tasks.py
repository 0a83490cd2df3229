from django_tasks import task

from .outbox import outbox_deliver


@task()
def outbox_deliver_task() -> int:
    return outbox_deliver()
