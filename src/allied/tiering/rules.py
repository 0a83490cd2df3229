"""Pure tier rules: which tier facts qualify for, and why, in words."""

from dataclasses import dataclass
from decimal import Decimal

from allied.program.facts import fact_get


@dataclass(frozen=True)
class RequirementCheck:
    fact: str
    label: str
    value: Decimal
    threshold: Decimal
    met: bool
    text: str  # "2 of 5 closed-won deals (trailing 12 months)"


@dataclass(frozen=True)
class TierRule:
    tier_id: int
    name: str
    rank: int
    requirements: tuple[tuple[str, Decimal], ...]


def check(rule: TierRule, facts: dict[str, Decimal]) -> list[RequirementCheck]:
    out = []
    for key, threshold in rule.requirements:
        fact = fact_get(key)
        value = facts.get(key, Decimal(0))
        label = fact.label if fact else key
        text = fact.describe(value, threshold) if fact else f"{value} of {threshold} {key}"
        out.append(RequirementCheck(key, label, value, threshold, value >= threshold, text))
    return out


def qualifying_rule(rules: list[TierRule], facts: dict[str, Decimal]) -> TierRule:
    """The highest-ranked tier whose every requirement is met (rules sorted by rank, lowest first)."""
    best = rules[0]
    for rule in rules:
        if all(c.met for c in check(rule, facts)):
            best = rule
    return best


def reasons_for(current: TierRule, target: TierRule, rules: list[TierRule], facts: dict[str, Decimal]) -> list[str]:
    if target.rank > current.rank:
        checks = check(target, facts)
        return [f"Meets every {target.name} requirement"] + [c.text for c in checks]
    lost = next(r for r in rules if r.tier_id == current.tier_id)
    missing = [c.text for c in check(lost, facts) if not c.met]
    return [f"No longer meets {current.name}"] + missing
