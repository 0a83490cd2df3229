"""Private mode compares exact keys after normalisation: what matches and what does not."""

import pytest

from allied.matching import Record
from allied.psi import account_keys, decode_points, encode_points, record_keys
from allied.psi.group import InvalidPoint


def test_domain_and_name_country_keys():
    assert account_keys(name="ACME International GmbH", domain="https://www.shop.acme.co.uk/about", country="Germany") == (
        "d:acme.co.uk", "n:acmeinternational|DE")


@pytest.mark.parametrize("a, b", [
    (("Acme, Inc.", "acme.com", "US"), ("ACME INC", "https://www.acme.com/", "United States")),
    (("Société Générale S.A.", "", "FR"), ("societe generale", "", "France")),
    (("International Acme", "", "DE"), ("Acme International GmbH", "", "de")),  # word order is normalised away
])
def test_variants_that_normalise_to_the_same_key_match(a, b):
    assert set(account_keys(name=a[0], domain=a[1], country=a[2])) & set(account_keys(name=b[0], domain=b[1], country=b[2]))


@pytest.mark.parametrize("a, b", [
    (("International Business Machines", "", "US"), ("IBM", "", "US")),  # acronym
    (("Acme International", "", "DE"), ("Acme Internatinal", "", "DE")),  # typo
    (("Acme International", "", "DE"), ("Acme International", "", "FR")),  # another country
    (("Acme International", "", "DE"), ("Acme International", "", "")),  # unknown country
])
def test_fuzzy_variants_do_not_match_in_private_mode(a, b):
    assert not set(account_keys(name=a[0], domain=a[1], country=a[2])) & set(account_keys(name=b[0], domain=b[1], country=b[2]))


def test_free_mail_domains_and_empty_names_give_no_key():
    assert account_keys(name="Jane Doe Consulting", domain="jane@gmail.com", country="US") == ("n:consultingdoejane|US",)
    assert account_keys(name="", domain="", country="US") == ()


def test_record_keys_use_the_record_fields():
    assert record_keys(Record("1", "Globex GmbH", "globex.de", "DE")) == ("d:globex.de", "n:globex|DE")


def test_points_round_trip_through_base64_and_bad_text_is_refused():
    blob = bytes(range(64))
    assert decode_points(encode_points(blob)) == blob
    with pytest.raises(InvalidPoint, match="not valid base64"):
        decode_points("not base64!")
    with pytest.raises(InvalidPoint, match="not a multiple of 32"):
        decode_points(encode_points(b"abc"))
