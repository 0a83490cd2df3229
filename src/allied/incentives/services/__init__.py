"""Every write about incentives (one module per concern, re-exported here)."""

from .accruals import Outcome, reconcile
from .events import deal_credits, event_accrue, event_from_deal, event_record
from .release import incentives_release
from .replay import incentives_replay
from .rule_params import clean_rule, to_engine_rule
from .rules import rule_activate, rule_create, rule_retire, rule_revise

__all__ = [
    "Outcome", "clean_rule", "deal_credits", "event_accrue", "event_from_deal", "event_record", "incentives_release",
    "incentives_replay", "reconcile", "rule_activate", "rule_create", "rule_retire", "rule_revise", "to_engine_rule",
]
