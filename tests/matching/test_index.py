"""MatchIndex: best first, ties by id, and common keys never swamp a search."""

import pytest

from allied.matching import POSSIBLE, SAME_COMPANY, MatchIndex, Record, match_records
from allied.matching import index as index_module


def test_search_finds_best_first_with_ties_by_id():
    idx = MatchIndex()
    idx.add_many([
        Record("r3", "Acme Widgets GmbH", "acme-widgets.de", "DE"),
        Record("r1", "Acme Widgets AG", "acme-widgets.de", "DE"),
        Record("r2", "Acme Widgetz", "", "DE"),
        Record("r4", "Zenith Foods", "zenith.com", "US"),
    ])
    hits = idx.search(Record("q", "ACME WIDGETS", "https://www.acme-widgets.de", "Germany"))
    assert [rid for rid, _ in hits] == ["r1", "r3", "r2"]
    assert hits[0][1].score == hits[1][1].score >= SAME_COMPANY
    assert all(m.score >= POSSIBLE for _, m in hits)
    assert idx.search(Record("q", "ACME WIDGETS", "acme-widgets.de", "DE"), limit=1)[0][0] == "r1"
    assert idx.search(Record("q", "Something Else Entirely")) == []


def test_best_returns_every_tie():
    idx = MatchIndex()
    idx.add_many([Record("b", "Acme", "acme.com"), Record("a", "Acme", "acme.com"), Record("c", "Acme", "")])
    assert [rid for rid, _ in idx.best(Record("q", "Acme", "acme.com"))] == ["a", "b"]


def test_duplicate_ids_are_refused():
    idx = MatchIndex()
    idx.add(Record("1", "Acme"))
    with pytest.raises(ValueError, match="duplicate"):
        idx.add(Record("1", "Other"))
    assert len(idx) == 1 and "1" in idx


def test_common_keys_are_capped_but_exact_matches_are_never_lost(monkeypatch):
    idx = MatchIndex(key_cap=500)
    # 20 000 records share the fuzzy keys of "Global Cloud ..." names, and 3 000 share one domain.
    idx.add_many(Record(f"c{i:05d}", f"Global Cloud Solutions {i:05d}") for i in range(20_000))
    idx.add_many(Record(f"d{i:05d}", f"Tenant {i:05d} Cloud", "sharedhost.com") for i in range(3_000))
    idx.add(Record("exact", "Global Cloud Solutions", "globalcloud.io", "US"))
    calls = []
    real_compare = index_module.compare
    monkeypatch.setattr(index_module, "compare", lambda a, b: calls.append(1) or real_compare(a, b))

    hits = idx.search(Record("q", "Global Cloud Solutions Inc.", "", "US"), threshold=SAME_COMPANY)
    assert hits[0][0] == "exact"
    assert len(calls) < 600, "a common key must not make a search compare thousands of records"

    calls.clear()
    by_domain = idx.search(Record("q", "Whatever", "https://www.sharedhost.com"), limit=5000)
    assert len(by_domain) == 3_000  # the same domain is exact evidence: never dropped
    assert len(calls) == 3_000


def test_match_records_emits_best_pairs_and_reports_progress():
    left = [Record("l1", "Acme Inc", "acme.com"), Record("l2", "Nobody Knows Ltd"), Record("l3", "Zenith Foods AG", "", "DE")]
    right = [Record("r1", "ACME", "www.acme.com"), Record("r2", "Zenith Foods GmbH", "", "Germany"),
             Record("r3", "Zenith Foods", "", "DE"), Record("r4", "Acme Medical", "acmemedical.com")]
    seen = []
    rows = list(match_records(left, right, progress=seen.append))
    assert [(lid, rid) for lid, rid, _, _ in rows] == [("l1", "r1"), ("l3", "r2"), ("l3", "r3")]
    assert all(score >= SAME_COMPANY and reason for _, _, score, reason in rows)
    assert seen[-1] == 3
    assert list(match_records([], right)) == []
