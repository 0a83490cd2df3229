"""What the incentives app does when other apps publish domain events (see allied.core.hooks)."""

from allied.core import hooks


def on_deal_won(*, deal, actor) -> None:
    """A won deal is an incentive event; its accruals are posted in the same transaction as the win."""
    from .services import event_from_deal

    event_from_deal(deal=deal, actor=actor)


def register() -> None:
    hooks.subscribe("deal.won", on_deal_won)
