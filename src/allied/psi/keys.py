"""The keys an account is compared by in private mode: exact strings after allied.matching's normalisation.

Each account gives at most two keys:

- ``d:<registered domain>`` when it has a website or domain that is not a free e-mail provider
  (``https://www.shop.acme.co.uk/about`` -> ``d:acme.co.uk``);
- ``n:<name>|<country>``: the name's words after normalisation (case, accents, punctuation and legal
  forms such as Inc/GmbH dropped), sorted and joined, then the ISO country code or "" when unknown
  (``ACME International GmbH``, Germany -> ``n:acmeinternational|DE``).

Two accounts are in the intersection when ANY of their keys are equal. Nothing else matches: not a
typo, not an acronym ("IBM" against "International Business Machines"), not a dropped or added word
("Acme" against "Acme Software"), not the same name in another
or an unknown country. Batch (non-private) mapping finds those; private mode cannot, because the other
side's keys are never seen, only compared for equality.
"""

from __future__ import annotations

from allied.matching import Record, country_code, prepare


def account_keys(*, name: str, domain: str = "", country: str = "") -> tuple[str, ...]:
    prepared = prepare(Record(id="", name=name or "", domain=domain or "", country=country or ""))
    keys = []
    if prepared.domain and not prepared.free_mail:
        keys.append(f"d:{prepared.domain}")
    if prepared.sorted_compact:
        code = country_code(country) if country and country.strip() else ""
        keys.append(f"n:{prepared.sorted_compact}|{code or ''}")
    return tuple(keys)


def record_keys(record: Record) -> tuple[str, ...]:
    return account_keys(name=record.name, domain=record.domain, country=record.country)
