"""Accuracy on the labeled set (allied.simulate.company_variants): an accuracy check, not a timing one."""

from allied.matching import SAME_COMPANY
from allied.simulate.company_variants import evaluate, labeled_pairs

SEED = 2026


def test_labeled_pairs_are_deterministic_and_about_forty_percent_negative():
    pairs = labeled_pairs(500, seed=SEED)
    assert pairs == labeled_pairs(500, seed=SEED)
    assert pairs != labeled_pairs(500, seed=SEED + 1)
    negatives = sum(1 for _, _, same in pairs if not same)
    assert 0.33 < negatives / len(pairs) < 0.47


def test_engine_precision_and_recall_at_same_company():
    figures = evaluate(labeled_pairs(2000, seed=SEED), threshold=SAME_COMPANY)
    assert figures["precision"] >= 0.97, figures
    assert figures["recall"] >= 0.97, figures
    assert figures["key_recall"] >= 0.99, figures  # the blocking keys find the true match
    assert figures["keys_per_record"] <= 8
    # the set is not easy: matching raw names or domains exactly misses much of it
    assert figures["baseline_recall"] < 0.8, figures
