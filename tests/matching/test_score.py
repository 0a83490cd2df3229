"""compare(): true variants score as the same company, hard negatives do not, reasons leak nothing."""

import pytest

from allied.matching import POSSIBLE, SAME_COMPANY, Match, Record, compare, prepare


def score(a, b) -> Match:
    ra = Record("a", *a) if isinstance(a, tuple) else Record("a", a)
    rb = Record("b", *b) if isinstance(b, tuple) else Record("b", b)
    return compare(prepare(ra), prepare(rb))


def test_constants():
    assert SAME_COMPANY == 0.85 and POSSIBLE == 0.6


@pytest.mark.parametrize("a, b", [
    (("Acme Inc", "acme.com", "US"), ("ACME, Inc.", "https://www.acme.com/about", "United States")),
    (("Acme GmbH", "acme.de", "DE"), ("Acme AG", "info@acme.de", "Deutschland")),
    ("Acme Widgets Inc", "ACME WIDGETS GMBH"),
    ("Apex Cloud Solutions", "Cloud Apex Solutions Ltd"),
    ("Data Dog Inc", "Datadog"),
    ("Apex Cloud Solutions", "Apex Clud Solutions"),
    ("Zentrix Logistics", "Zentirx Logistics"),
    ("Procter & Gamble Co.", "Procter and Gamble"),
    ("Müller & Söhne GmbH", "Muller und Sohne"),
    ("Acme Intl. Mfg. Co.", "Acme International Manufacturing"),
    ("Acme", "Acme Group"),
    ("Acme Holdings", "Acme Inc"),
    (("International Business Machines", "ibm.com"), ("IBM", "www.ibm.com")),
    (("Alphabet Inc", "google.com", "US"), ("Google LLC", "https://about.google.com", "US")),  # same domain wins
    (("Acme Inc", "acme.com", "DE"), ("Acme GmbH", "acme.de", "DE")),  # the brand's country site
    (("Acme Inc", "acme.com"), ("Acme Inc", "acmecorp.com")),  # related domains, same name
])
def test_true_variants_score_as_the_same_company(a, b):
    match = score(a, b)
    assert match.score >= SAME_COMPANY, match


@pytest.mark.parametrize("a, b", [
    ("Acme Corp", "Acme Medical Corp"),
    ("Delta Air Lines", "Delta Dental"),
    ("American Express", "American Airlines"),
    ("Apple", "Applied Materials"),
    ("Apple Inc.", "Applied Materials, Inc."),
    ("Summit Partners", "Summit Health"),
    ("Apex Cloud Solutions", "Apex Data Solutions"),
    ("First National Bank of Austin", "First National Bank of Dallas"),
    (("Acme Inc", "acme.com", "US"), ("Acme Medical Inc", "acmemedical.com", "US")),
    (("Acme Inc", "acme.com", "US"), ("Acme Inc", "roadrunner-supplies.com", "US")),  # same name, unrelated domains
    (("Acme Inc", "acme.com", "US"), ("Acme GmbH", "acme.de", "DE")),  # same brand, two countries: possible only
    (("Nordic Data AB", "nordicdata.se", "SE"), ("Nordic Data Ltd", "nordicdatagroup.co.uk", "GB")),
    (("Lumex Ltd", "lumex.com"), ("Lumix Ltd", "lumix.com")),  # one letter apart, both domains exist
    (("Acme", "bob@gmail.com"), ("Acme Medical", "alice@gmail.com")),  # a shared free-mail domain is no evidence
])
def test_hard_negatives_score_below_the_same_company(a, b):
    match = score(a, b)
    assert match.score < SAME_COMPANY, match


def test_same_brand_in_two_countries_is_possible():
    match = score(("Acme Inc", "acme.com", "US"), ("Acme GmbH", "acme.de", "DE"))
    assert POSSIBLE <= match.score < SAME_COMPANY
    assert "different countries" in match.reason


def test_acronym_alone_is_worth_a_look_but_not_proof():
    match = score(("International Business Machines", "", "US"), ("IBM", "", "US"))
    assert POSSIBLE <= match.score < SAME_COMPANY
    assert "acronym" in match.reason


def test_country_is_evidence():
    same = score(("Acme Widgets", "", "DE"), ("Acme Widgets", "", "Germany")).score
    missing = score(("Acme Widgets", "", "DE"), ("Acme Widgets", "", "")).score
    other = score(("Acme Widgets", "", "DE"), ("Acme Widgets", "", "FR")).score
    assert same > missing > other


def test_domain_is_the_strongest_evidence():
    assert score(("Acme", "acme.com"), ("Zenith", "acme.com")).score >= SAME_COMPANY
    assert score(("Acme", "acme.com"), ("Acme", "acme.com")).score > score("Acme", "Acme").score


def test_scores_order_exact_above_typo_above_partial():
    exact = score("Apex Cloud Solutions", "Apex Cloud Solutions GmbH").score
    typo = score("Apex Cloud Solutions", "Apex Clud Solutions").score
    partial = score("Apex Cloud Solutions", "Apex Data Solutions").score
    assert 1 >= exact > typo > partial >= 0


def test_compare_is_symmetric():
    pairs = [("Acme Corp", "Acme Medical Corp"), (("IBM", "ibm.com"), ("International Business Machines", "")),
             ("Data Dog", "Datadog Inc"), (("Acme", "acme.com", "US"), ("Acme", "acme.de", "DE"))]
    for a, b in pairs:
        assert score(a, b) == score(b, a)


def test_reasons_are_words_that_never_name_the_other_record():
    a = Record("a", "Acme Inc", "acme.com", "US")
    b = Record("b", "Zenith Roadrunner Supplies GmbH", "https://www.acme.com", "US")
    match = compare(prepare(a), prepare(b))
    assert "same website domain acme.com" in match.reason and "same country (US)" in match.reason
    for word in ("zenith", "roadrunner", "supplies", "gmbh", "acme inc"):
        assert word not in match.reason.lower()
    assert not any(ch.isdigit() for ch in match.reason)

    other = compare(prepare(Record("a", "Acme Inc", "acme.com", "US")), prepare(Record("b", "Acme Inc", "zenith-supplies.de", "DE")))
    assert "different website domains" in other.reason and "different countries" in other.reason
    assert "zenith" not in other.reason and "DE" not in other.reason


def test_reason_says_what_agreed():
    assert score("Acme Inc", "ACME GmbH").reason == "names match after removing legal suffixes and punctuation"
    assert score("Acme", "Acme").reason == "same name"
    assert "word order" in score("Cloud Apex", "Apex Cloud").reason
    assert "spacing" in score("Data Dog", "DataDog").reason
    assert "spelling" in score("Zentrix Logistics", "Zentirx Logistics").reason
