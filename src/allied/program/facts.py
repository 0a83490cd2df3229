"""Registry of measurable facts that tier requirements are written over.

Each capability registers its own facts in its AppConfig.ready(), so later capabilities
(deals, enablement, plans) add facts without changing tier evaluation. A fact computes its
value for many partners at once, because tier evaluation runs over every partner.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

Compute = Callable[[Iterable[int], datetime], dict[int, Decimal]]


@dataclass(frozen=True)
class Fact:
    key: str
    label: str  # reads in a sentence: "2 of 5 <label>"
    unit: str  # "count" | "money" | "flag"
    compute: Compute

    def describe(self, value: Decimal, threshold: Decimal) -> str:
        if self.unit == "flag":
            return f"{self.label}: {'yes' if value >= 1 else 'not yet'}"
        return f"{format_value(value, self.unit)} of {format_value(threshold, self.unit)} {self.label}"


def format_value(value: Decimal, unit: str) -> str:
    if unit == "money":
        return f"${value:,.0f}"
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


_FACTS: dict[str, Fact] = {}


def fact_register(fact: Fact) -> None:
    _FACTS[fact.key] = fact


def fact_get(key: str) -> Fact | None:
    return _FACTS.get(key)


def fact_list() -> list[Fact]:
    return sorted(_FACTS.values(), key=lambda f: f.key)


def fact_choices() -> list[tuple[str, str]]:
    return [(f.key, f.label) for f in fact_list()]
