"""Blocking keys: few, short, deterministic, and the true match always shares one."""

import pytest

from allied.matching import KEY_VERSION, Record, blocking_keys, prepare, query_keys
from allied.matching.keys import EXACT_KINDS, MAX_KEY_LENGTH


def keys(name, domain="", country=""):
    return blocking_keys(prepare(Record("x", name, domain, country)))


def meet(a: Record, b: Record) -> bool:
    """Does a search for ``a`` find ``b`` stored in a key table?"""
    return bool(set(query_keys(prepare(a))) & set(blocking_keys(prepare(b))))


def test_key_version_is_an_int():
    assert KEY_VERSION == 1


def test_keys_are_prefixed_short_few_and_deterministic():
    names = ["Acme", "Acme Corp", "International Business Machines Corporation", "Apex Cloud Solutions GmbH",
             "First National Bank of Austin Texas and Dallas", "A" * 300, "Société Générale de Transports Internationaux S.A."]
    for name in names:
        first = keys(name, "https://www.acme-widgets.co.uk/about", "DE")
        assert first == keys(name, "https://www.acme-widgets.co.uk/about", "DE")
        assert 1 <= len(first) <= 8
        assert len(set(first)) == len(first)
        for key in first:
            assert len(key) <= MAX_KEY_LENGTH
            assert key[1] == ":" and key[0] in "dnawpq"


def test_domain_key_is_the_registered_domain():
    assert "d:acme.co.uk" in keys("Acme", "https://shop.acme.co.uk/x")


def test_free_mail_gives_no_domain_key():
    assert not [k for k in keys("Acme", "bob@gmail.com") if k.startswith("d:")]


def test_exact_kinds_are_domain_and_name():
    assert EXACT_KINDS == {"d", "n"}
    assert "n:acme" in keys("Acme, Inc.")


@pytest.mark.parametrize("a, b", [
    (Record("1", "Acme Widgets Inc", "acme.com"), Record("2", "Totally Different", "https://www.acme.com/")),
    (Record("1", "Acme Widgets Inc"), Record("2", "ACME WIDGETS GMBH")),
    (Record("1", "Apex Cloud Solutions"), Record("2", "Cloud Apex Solutions Ltd")),  # word order
    (Record("1", "Data Dog Inc"), Record("2", "DataDog")),  # split / joined
    (Record("1", "Datadog"), Record("2", "Data Dog")),
    (Record("1", "Apex Cloud Solutions"), Record("2", "Apex Clud Solutions")),  # typo in a token
    (Record("1", "Zentrix"), Record("2", "Zentirx")),  # typo in a one-word name (transposition)
    (Record("1", "Vialo"), Record("2", "Viallo")),  # inserted letter
    (Record("1", "Novak Furniture"), Record("2", "NovakFurniturd")),  # joined and a typo
    (Record("1", "Northern Hospitality"), Record("2", "Hospitality Nortbern")),  # order and a typo
    (Record("1", "International Business Machines"), Record("2", "IBM")),  # acronym, both directions
    (Record("1", "IBM"), Record("2", "International Business Machines Corp.")),
    (Record("1", "Acme Intl. Mfg."), Record("2", "Acme International Manufacturing")),  # abbreviations
    (Record("1", "Acme"), Record("2", "Acme Group")),  # a generic word more
    (Record("1", "Acme Group"), Record("2", "Acme")),
    (Record("1", "Acme Medical Devices Corp"), Record("2", "Acme Med. Devices")),  # unknown abbreviation: one word differs
])
def test_true_matches_meet(a, b):
    assert meet(a, b)


def test_unrelated_names_do_not_meet():
    assert not meet(Record("1", "Apex Cloud Solutions", "apexcloud.com"), Record("2", "Zenith Foods", "zenithfoods.de"))


def test_two_word_names_store_no_lone_common_word():
    # "w:cloud" would be shared by every "X Cloud": useless and expensive to store
    assert not [k for k in keys("Apex Cloud") if k.startswith("w:")]
    assert "w:acme" in keys("Acme Group")
