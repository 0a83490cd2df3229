"""The labeled account lists behind `allied bench mapping`."""

from allied.matching import normalize_domain
from allied.simulate.mapping_bench import mapping_lists, score_pairs


def test_lists_are_deterministic_sized_and_labeled():
    data = mapping_lists(2000, overlap=0.5, seed=4)
    again = mapping_lists(2000, overlap=0.5, seed=4)
    assert data.left == again.left and data.right == again.right and data.truth == again.truth
    assert data.left != mapping_lists(2000, overlap=0.5, seed=5).left
    assert len(data.left) == len(data.right) == 2000
    assert len({r.id for r in data.left}) == 2000 and len({r.id for r in data.right}) == 2000
    left_ids, right_ids = {r.id for r in data.left}, {r.id for r in data.right}
    assert all(a in left_ids and b in right_ids for a, b in data.truth)
    assert 1000 <= len(data.truth) <= 1000 * 1.05  # half shared, a few right duplicates
    assert data.kinds["hard_negative_pairs"] > 100 and data.kinds["franchise_pairs"] > 5


def test_true_pairs_are_not_trivial_and_distinct_companies_rarely_share_a_domain():
    data = mapping_lists(3000, seed=9)
    left, right = {r.id: r for r in data.left}, {r.id: r for r in data.right}
    same_raw = sum(left[a].name == right[b].name for a, b in data.truth)
    assert same_raw < 0.3 * len(data.truth)  # most true pairs are written differently
    by_domain: dict[str, set[str]] = {}
    for r in data.right:
        if d := normalize_domain(r.domain):
            by_domain.setdefault(d, set()).add(r.id)
    shared = sum(len(ids) > 1 for ids in by_domain.values())
    assert shared < 0.05 * len(by_domain)  # franchisees (and right duplicates) only


def test_score_pairs():
    truth = {("a", "1"), ("b", "2")}
    assert score_pairs({("a", "1"), ("c", "3")}, truth) == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
