"""map_accounts: account mapping of whole lists (exact joins, then fuzzy), in one process or two."""

import pytest

from allied.matching import SAME_COMPANY, Pair, Record, compare, map_accounts, match_records, prepare
from allied.matching.mapping import prepare_row
from allied.simulate.company_variants import labeled_pairs
from allied.simulate.mapping_bench import mapping_lists, score_pairs


def best(left, right, **kw) -> dict[str, list[Pair]]:
    out: dict[str, list[Pair]] = {}
    for pair in map_accounts(left, right, **kw):
        out.setdefault(pair.left_id, []).append(pair)
    return out


def one(left: Record, right: list[Record]) -> Pair | None:
    found = best([left], right).get(left.id, [])
    assert len(found) <= 1, found
    return found[0] if found else None


def test_exact_domain_matches_whatever_the_written_form():
    right = [Record("r1", "Completely Different Name", "https://www.shop.acme.co.uk/contact", "GB"),
             Record("r2", "Acme", "acme.com", "US")]
    pair = one(Record("l1", "ACME UK", "info@acme.co.uk", "United Kingdom"), right)
    assert pair is not None and pair.right_id == "r1" and pair.method == "domain"
    assert "same website domain acme.co.uk" in pair.reason


@pytest.mark.parametrize(("mine", "theirs"), [
    ("Acme Robotics, Inc.", "ACME ROBOTICS GmbH"),
    ("Acme Robotics Ltd", "Acme-Robotics"),
    ("Robotics Acme", "Acme Robotics LLC"),
    ("Acme Robtics", "Acme Robotics"),
    ("Smith & Nephew", "Smith and Nephew plc"),
    ("Acme Intl Technologies", "Acme International Tech"),
    ("The Acme Robotics Company", "Acme Robotics"),
    ("Müller Robotics AG", "Muller Robotics"),
    ("AcmeRobotics", "Acme Robotics"),
])
def test_name_variants_of_one_company_match(mine, theirs):
    right = [Record("r1", theirs, "", "DE"), Record("r2", "Zentrix Logistics", "", "DE")]
    pair = one(Record("l1", mine, "", "DE"), right)
    assert pair is not None and pair.right_id == "r1", (mine, theirs)
    assert pair.score >= SAME_COMPANY
    assert pair.method in ("name", "fuzzy")


def test_hard_negatives_do_not_match():
    right = [Record("r1", "Acme Logistics", "acmelogistics.com", "US"),
             Record("r2", "Delta Dental", "deltadental.com", "US")]
    assert one(Record("l1", "Acme Robotics", "acmerobotics.com", "US"), right) is None
    assert one(Record("l2", "Delta Air Lines", "delta.com", "US"), right) is None


def test_same_name_in_another_country_with_another_domain_is_not_the_same_company():
    right = [Record("r1", "Nordwind Logistik GmbH", "nordwind-logistik.de", "DE")]
    assert one(Record("l1", "Nordwind Logistik Inc", "nordwindlogistik.com", "US"), right) is None
    match = compare(prepare(Record("l1", "Nordwind Logistik Inc", "nordwindlogistik.com", "US")), prepare(right[0]))
    assert "different countries" in match.reason and match.score < SAME_COMPANY
    # the same country, and no domain on one side: the same company
    pair = one(Record("l2", "Nordwind Logistik", "", "Germany"), right)
    assert pair is not None and "same country (DE)" in pair.reason


def test_free_mail_domains_are_not_evidence():
    right = [Record("r1", "Zentrix Capital", "bob@gmail.com", "US")]
    assert one(Record("l1", "Quorvel Analytics", "alice@gmail.com", "US"), right) is None
    pair = one(Record("l2", "Zentrix Capital LLC", "carol@gmail.com", "US"), right)
    assert pair is not None and pair.method == "name" and "free e-mail" in pair.reason


def test_ties_give_every_best_record_by_id_and_a_crowd_gives_none():
    right = [Record("r2", "Acme Robotics", "", "US"), Record("r1", "Acme Robotics", "", "US")]
    found = best([Record("l1", "Acme Robotics Inc", "", "US")], right)["l1"]
    assert [p.right_id for p in found] == ["r1", "r2"] and found[0].score == found[1].score
    crowd = [Record(f"r{i}", "Acme Robotics", "", "US") for i in range(6)]
    assert best([Record("l1", "Acme Robotics Inc", "", "US")], crowd) == {}
    assert len(best([Record("l1", "Acme Robotics Inc", "", "US")], crowd, max_ties=10)["l1"]) == 6


def test_records_sharing_only_a_website_are_a_crowd_not_matches():
    franchisees = [Record(f"r{i}", f"Sunrise Realty {city}", "sunriserealty.com", "US")
                   for i, city in enumerate(["Denver", "Boston"])]
    assert best([Record("l1", "Sunrise Realty Madison", "sunriserealty.com", "US")], franchisees) == {}
    assert best([Record("l1", "Sunrise Realty Madison", "sunriserealty.com", "US")], franchisees, max_ties=10) == {}
    # one record sharing the website is still a match, and so are equal best pairs with agreeing names
    pair = one(Record("l1", "Sunrise Realty Madison", "sunriserealty.com", "US"), franchisees[:1])
    assert pair is not None and pair.method == "domain"
    twins = [Record("r1", "Sunrise Realty", "sunriserealty.com", "US"), Record("r2", "Sunrise Realty", "sunriserealty.com", "US")]
    assert len(best([Record("l1", "Sunrise Realty LLC", "sunriserealty.com", "US")], twins)["l1"]) == 2


def test_a_right_record_taken_by_a_better_left_match_is_not_also_given_to_a_weaker_one():
    right = [Record("r1", "Lumix Analytics", "lumix.com", "US")]
    typo_or_other = Record("l1", "Lumex Analytics", "", "US")
    assert one(typo_or_other, right) is not None  # alone, one letter apart reads as a typo
    found = best([typo_or_other, Record("l2", "Lumix Analytics Inc", "https://lumix.com", "US")], right)
    assert list(found) == ["l2"] and found["l2"][0].right_id == "r1"
    # equal scores keep each other: the same company twice in the left list
    found = best([Record("l1", "Lumix Analytics", "", "US"), Record("l2", "Lumix Analytics", "", "US")], right)
    assert sorted(found) == ["l1", "l2"]
    # a left record keeps its own best partner even when that partner prefers another left record
    right = [Record("r1", "Lumix Analytics", "lumix.com", "US"), Record("r2", "Lumex Analytic", "", "US")]
    found = best([Record("l1", "Lumex Analytics", "", "US"), Record("l2", "Lumix Analytics", "lumix.com", "US")], right)
    assert {k: [p.right_id for p in v] for k, v in found.items()} == {"l1": ["r2"], "l2": ["r1"]}


def test_a_website_given_by_very_many_records_joins_none_of_them_but_their_names_still_meet():
    from allied.matching.mapping import DOMAIN_CAP

    crowd = [Record(f"r{i:04d}", f"Speedy Lube #{1000 + i}", "speedylube.com", "US") for i in range(DOMAIN_CAP + 1)]
    scored: dict[str, int] = {}
    found = best([Record("l1", "Speedy Lube #1007 LLC", "https://speedylube.com", "US"),
                  Record("l2", "Speedy Lube Oxford", "speedylube.com", "US")], crowd,
                 progress=lambda stage, done, total: scored.__setitem__(stage, total))
    assert scored["exact"] == 1  # the name join only; not 2 x 101 pairs on the shared website
    assert list(found) == ["l1"] and [p.right_id for p in found["l1"]] == ["r0007"]
    assert found["l1"][0].method == "domain" and found["l1"][0].score >= 0.99
    # below the cap the domain still joins: one record sharing it is a match
    assert one(Record("l2", "Speedy Lube Oxford", "speedylube.com", "US"), crowd[:1]) is not None


def test_left_fuzzy_keys_are_computed_only_for_records_the_exact_joins_did_not_settle(monkeypatch):
    from allied.matching import mapping

    seen: list[int] = []
    original = mapping._fuzzy_chunk
    monkeypatch.setattr(mapping, "_fuzzy_chunk", lambda owners: (seen.extend(owners.tolist()), original(owners))[1])
    left = [Record("l0", "Acme Robotics", "acme.com", "US"), Record("l1", "Zentrix Analytcs", "", "US")]
    right = [Record("r0", "Acme Robotics GmbH", "acme.com", "US"), Record("r1", "Zentrix Analytics", "", "US")]
    found = best(left, right, workers=1)
    assert seen == [1]
    assert {k: [p.right_id for p in v] for k, v in found.items()} == {"l0": ["r0"], "l1": ["r1"]}


def test_the_country_and_domain_pre_filter_drops_only_pairs_compare_scores_below_the_threshold():
    import random

    import numpy as np

    from allied.matching import mapping

    data = mapping_lists(400, seed=13)
    rng = random.Random(1)
    twins = [Record(f"T{i}", r.name, rng.choice(["", r.domain, "other-brand.com", "acme.de", "getacme.io"]),
                    rng.choice(["", "US", "DE", "FR", r.country])) for i, r in enumerate(data.left)]
    left, right = data.left, data.right + twins
    mapping._STATE.update(left=left, right=right)
    try:
        parts = {side: mapping._prepare_chunk((side, 0, len(recs))) for side, recs in (("left", left), ("right", right))}
        rows = {side: [mapping.Row._make(t) for t in parts[side].rows] for side in parts}
        mapping._STATE.update(left_rows=rows["left"], right_rows=rows["right"])
        pairs = np.arange(len(left) * len(right), dtype=np.int64)
        evidence = (parts["left"].evidence, parts["right"].evidence)
        for keep in (SAME_COMPANY, 0.7):
            ok = mapping._may_qualify(pairs, len(right), evidence, keep)
            assert 0 < ok.sum() < len(pairs)
            for code in np.flatnonzero(~ok)[::7].tolist():
                li, ri = divmod(code, len(right))
                assert compare(rows["left"][li], rows["right"][ri]).score < keep  # type: ignore[arg-type]
    finally:
        mapping._STATE.clear()


def test_progress_reports_each_stage_up_to_its_total():
    data = mapping_lists(300, seed=3)
    calls = []
    map_accounts(data.left, data.right, progress=lambda stage, done, total: calls.append((stage, done, total)))
    stages = [c[0] for c in calls]
    assert stages[0] == "prepare" and {"prepare", "exact", "fuzzy"} <= set(stages)
    for stage in ("prepare", "exact", "fuzzy"):
        last = [c for c in calls if c[0] == stage][-1]
        assert last[1] == last[2]
    assert [c for c in calls if c[0] == "prepare"][-1][2] == 600


def test_rows_equal_prepared_records():
    for left, right, _ in labeled_pairs(400, seed=5):
        for record in (left, right):
            p, row = prepare(record), prepare_row(record)
            assert tuple(getattr(p, f) for f in row._fields) == tuple(row)


def test_scores_and_reasons_agree_with_compare_and_results_with_match_records():
    data = mapping_lists(1500, seed=11)
    by_id = {r.id: r for r in data.left + data.right}
    pairs = map_accounts(data.left, data.right)
    for pair in pairs:
        match = compare(prepare(by_id[pair.left_id]), prepare(by_id[pair.right_id]))
        assert (pair.score, pair.reason) == (match.score, match.reason)
    ours = {(p.left_id, p.right_id) for p in pairs}
    reference = {(a, b) for a, b, _, _ in match_records(data.left, data.right)}
    assert len(ours ^ reference) <= 0.03 * len(reference), (len(ours - reference), len(reference - ours))


def test_two_processes_give_the_same_pairs_as_one():
    data = mapping_lists(3000, seed=7)
    single = map_accounts(data.left, data.right, workers=1)
    double = map_accounts(data.left, data.right, workers=2)
    assert single == double and len(single) > 1000


def test_accuracy_on_the_labeled_lists():
    data = mapping_lists(4000, seed=2026)
    figures = score_pairs({(p.left_id, p.right_id) for p in map_accounts(data.left, data.right)}, data.truth)
    assert figures["f1"] >= 0.95, figures
    assert figures["precision"] >= 0.93 and figures["recall"] >= 0.95, figures


def test_empty_inputs():
    assert map_accounts([], [Record("r1", "Acme")]) == []
    assert map_accounts([Record("l1", "Acme")], []) == []
