"""Domain events that a lower app publishes and a higher app acts on, inside the same transaction.

Apps depend one way (see docs/ARCHITECTURE.md): deals cannot import incentives, yet a won deal
must accrue incentives in the same transaction. ``publish`` calls every handler registered for
the event synchronously, so the handler's writes commit or roll back with the change that caused
them. Handlers are registered in an ``AppConfig.ready()``; nothing else subscribes.
"""

from collections import defaultdict
from collections.abc import Callable

_handlers: dict[str, list[Callable]] = defaultdict(list)

EVENTS = {
    "deal.won",  # deal=DealRegistration, actor
    "deal.reopened",  # reserved: a won deal set back (refund or correction), deal=..., actor
}


def subscribe(event: str, handler: Callable) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown domain event {event!r}")
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def publish(event: str, **payload) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown domain event {event!r}")
    for handler in list(_handlers[event]):
        handler(**payload)
