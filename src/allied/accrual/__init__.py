"""The incentives engine: rules × events → accruals, exact to the minor unit (see ``model``).

``evaluate(rules, events)`` answers the accruals; ``engine="reference"`` runs the straightforward
implementation (``reference``) that the fast, vectorized one (``engine``) is checked against.
"""

from collections.abc import Iterable

from . import engine as _engine
from . import reference
from .model import EVENT_KINDS, PERIODS, RULE_KINDS, Accrual, Bracket, Credit, Event, Rule

ENGINES = ("fast", "reference")


def evaluate(rules: Iterable[Rule], events: Iterable[Event], *, engine: str = "fast") -> list[Accrual]:
    """Accruals in event (date, id) order, then rule order, then credit order; the same inputs, the same answer."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "reference":
        return reference.evaluate(rules, events)
    return _engine.evaluate(rules, events)


__all__ = ["ENGINES", "EVENT_KINDS", "PERIODS", "RULE_KINDS", "Accrual", "Bracket", "Credit", "Event", "Rule", "evaluate"]
