from django_tasks import task

from .services import tier_evaluate


@task()
def tier_evaluate_task() -> dict:
    summary = tier_evaluate(actor=None)
    return {"evaluated": summary.evaluated, "upgrades": summary.upgrades, "downgrades": summary.downgrades}
