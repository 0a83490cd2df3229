"""The incentives engine: rules × events → accruals, exact to the minor unit (see ``model``)."""

from .model import EVENT_KINDS, PERIODS, RULE_KINDS, Accrual, Bracket, Credit, Event, Rule

__all__ = ["EVENT_KINDS", "PERIODS", "RULE_KINDS", "Accrual", "Bracket", "Credit", "Event", "Rule"]
