"""Names and domains normalise alike however a CRM, a partner or a person wrote them."""

import pytest

from allied.matching import is_free_mail_domain, name_tokens, normalize_company_name, normalize_domain


@pytest.mark.parametrize("value, expected", [
    ("acme.com", "acme.com"),
    ("https://WWW.Acme.COM/about?x=1#top", "acme.com"),
    ("http://acme.com:8080", "acme.com"),
    ("www.acme.com.", "acme.com"),
    ("shop.acme.co.uk", "acme.co.uk"),
    ("https://eu.shop.acme.co.uk/de/", "acme.co.uk"),
    ("bob@eu.acme.co.uk", "acme.co.uk"),
    ("mailto:Bob@Acme.de", "acme.de"),
    ("http://user:secret@acme.io/", "acme.io"),
    ("foo.github.io", "foo.github.io"),  # github.io is a public suffix: each user site is its own domain
    ("www.foo.github.io", "foo.github.io"),
    ("acme.com.au", "acme.com.au"),
    ("investors.acme.co.jp", "acme.co.jp"),
    ("acme.com; acme.de", "acme.com"),  # HubSpot: several domains in one cell
    ("xn--mnchen-3ya.de", "münchen.de"),
    ("MÜNCHEN.de", "münchen.de"),
    ("www.bücher.example", "bücher.example"),
    ("ｅｘａｍｐｌｅ．com", "example.com"),
    ("delta-data.example", "delta-data.example"),
])
def test_domain_is_the_registered_domain(value, expected):
    assert normalize_domain(value) == expected


@pytest.mark.parametrize("value", ["", "   ", "n/a", "-", "none", "localhost", "http://localhost:8000", "192.168.0.1",
                                   "http://10.0.0.1/admin", "[::1]", "co.uk", "github.io", "com", "acme..com", "Acme Inc",
                                   "http://", "bob@"])
def test_no_valid_host_gives_empty(value):
    assert normalize_domain(value) == ""


@pytest.mark.parametrize("domain", ["gmail.com", "googlemail.com", "outlook.com", "hotmail.fr", "yahoo.co.jp", "yahoo.com",
                                    "gmx.de", "web.de", "icloud.com", "proton.me", "qq.com", "163.com", "mail.ru", "yandex.ru",
                                    "bob@gmail.com", "https://mail.yahoo.co.uk/"])
def test_free_mail_domains(domain):
    assert is_free_mail_domain(domain)


@pytest.mark.parametrize("domain", ["acme.com", "google.com", "microsoft.com", "webde.com", "", "n/a"])
def test_company_domains_are_not_free_mail(domain):
    assert not is_free_mail_domain(domain)


@pytest.mark.parametrize("value, expected", [
    # English-speaking legal forms, dotted and undotted
    ("Acme, Inc.", "acme"), ("ACME INCORPORATED", "acme"), ("Acme LLC", "acme"), ("Acme L.L.C.", "acme"),
    ("Acme Ltd.", "acme"), ("Acme Limited", "acme"), ("Acme Corp", "acme"), ("Acme Corporation", "acme"),
    ("Acme Co.", "acme"), ("Acme Company", "acme"), ("Acme PLC", "acme"), ("Acme LLP", "acme"), ("Acme L.P.", "acme"),
    ("Acme Co., Ltd.", "acme"), ("Acme Pty Ltd", "acme"), ("Acme (Pty) Ltd", "acme"), ("Acme Pte. Ltd.", "acme"),
    ("Acme Pvt. Ltd.", "acme"), ("Acme Private Limited", "acme"), ("Acme Holdings Inc", "acme"), ("Acme Holding", "acme"),
    # German-speaking
    ("Acme GmbH", "acme"), ("Acme GmbH & Co. KG", "acme"), ("Acme AG", "acme"), ("Acme KG", "acme"), ("Acme OHG", "acme"),
    ("Acme e.K.", "acme"), ("Acme UG (haftungsbeschränkt)", "acme"), ("Acme SE", "acme"),
    # Romance languages
    ("Acme SA", "acme"), ("Acme S.A.", "acme"), ("Acme SAS", "acme"), ("Acme SARL", "acme"), ("Acme S.à r.l.", "acme"),
    ("Acme SpA", "acme"), ("Acme S.p.A.", "acme"), ("Acme Srl", "acme"), ("Acme S.r.l.", "acme"), ("Acme S.L.", "acme"),
    ("Acme SL", "acme"), ("Acme SLU", "acme"), ("Acme Ltda", "acme"), ("Acme S.A. de C.V.", "acme"),
    # Benelux, Nordics
    ("Acme BV", "acme"), ("Acme B.V.", "acme"), ("Acme NV", "acme"), ("Acme N.V.", "acme"), ("Acme Oy", "acme"),
    ("Acme Oyj", "acme"), ("Acme AB", "acme"), ("Acme AB (publ)", "acme"), ("Acme AS", "acme"), ("Acme A/S", "acme"),
    ("Acme ApS", "acme"), ("Acme ASA", "acme"),
    # Central and Eastern Europe
    ("Acme sp. z o.o.", "acme"), ("Acme s.r.o.", "acme"), ("Acme a.s.", "acme"), ("Acme Zrt.", "acme"), ("Acme Kft.", "acme"),
    ("Acme d.o.o.", "acme"), ("Acme AO", "acme"), ("Acme OOO", "acme"), ("Acme PJSC", "acme"),
    # Asia
    ("Acme KK", "acme"), ("Acme K.K.", "acme"), ("Acme Kabushiki Kaisha", "acme"), ("Acme Sdn Bhd", "acme"), ("Acme Bhd", "acme"),
    ("PT Acme Tbk", "acme"), ("株式会社アクメ", "アクメ"),
])
def test_legal_forms_are_removed(value, expected):
    assert normalize_company_name(value) == expected


@pytest.mark.parametrize("a, b", [
    ("The Acme Company", "Acme"),
    ("Johnson & Johnson", "Johnson and Johnson"),
    ("Procter & Gamble Co.", "Procter + Gamble"),
    ("Müller und Söhne GmbH", "Muller & Sohne"),
    ("Ørsted A/S", "Orsted"),
    ("Straße Bau GmbH", "Strasse Bau"),
    ("Æther Labs", "Aether Laboratories"),
    ("Acme Int'l", "Acme International"),
    ("Acme Intl.", "ACME INTERNATIONAL"),
    ("Acme Tech", "Acme Technologies"),
    ("Acme Technology", "Acme Technologies"),
    ("ApexTech", "Apex Technologies"),
    ("Acme Sys.", "Acme Systems"),
    ("Acme Svcs", "Acme Services"),
    ("Acme Mfg. Co.", "Acme Manufacturing Company"),
    ("Natl Freight", "National Freight"),
    ("Smith Assoc.", "Smith Associates"),
    ("Warner Bros.", "Warner Brothers"),
    ("Data Ctr", "Data Centre"),
    ("Data Center", "Data Centre"),
    ("Bio Labs", "Bio Laboratories"),
    ("Acme Solns", "Acme Solutions"),
    ("Acme Mgmt", "Acme Management"),
    ("Acme Univ.", "Acme University"),
    ("Amazon.com, Inc.", "Amazon"),
    ("Acme Ltd (UK)", "Acme"),
    ("ООО Ромашка", "Romashka"),
])
def test_variants_normalise_alike(a, b):
    assert normalize_company_name(a) == normalize_company_name(b)


def test_the_normal_form_is_lower_case_words():
    assert normalize_company_name("The ACME Int'l GmbH & Co. KG") == "acme international"
    assert name_tokens("Acme Int'l GmbH & Co. KG") == ["acme", "international"]
    assert normalize_company_name("J.P. Morgan Chase & Co.") == "jp morgan chase"


def test_group_is_kept_because_it_is_often_part_of_the_name():
    assert normalize_company_name("Acme Group") == "acme group"


def test_a_legal_word_alone_is_kept():
    assert normalize_company_name("Spa") == "spa"
    assert normalize_company_name("The Company") == "company"
    assert normalize_company_name("Serenity Spa") == "serenity"


def test_connectors_only_between_words():
    assert normalize_company_name("Y Combinator") == "y combinator"
    assert normalize_company_name("AT&T") == normalize_company_name("AT and T")


def test_empty_and_punctuation_only():
    assert normalize_company_name("") == ""
    assert normalize_company_name(None) == ""
    assert normalize_company_name("!!!") == ""
