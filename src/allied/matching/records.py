"""The record the engine matches, and its prepared (normalised) form."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .countries import country_code
from .normalize import STOP_WORDS, domain_label, is_free_mail_domain, name_tokens_tuple, normalize_domain


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    name: str
    domain: str = ""  # a website, host, URL or e-mail address; normalised by prepare()
    country: str = ""  # ISO-2, ISO-3 or an English country name; normalised by prepare()


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything compare() and the blocking keys need, computed once per record.

    ``domain`` is the registered domain, or "" when there is none or it is a free e-mail provider
    (``free_mail`` then says so); ``domain_label`` is its brand part without hyphens
    (``acme-widgets.co.uk`` -> ``acmewidgets``). ``country`` is the ISO-2 code when the value was
    recognisable, else the value as given (stripped). ``acronym`` is the initials of names with at
    least three words (stop words such as "of" skipped), else "".
    """

    id: str
    name: str  # normalised: "acme international"
    tokens: tuple[str, ...]
    compact: str  # tokens joined without spaces, in order: "acmeinternational"
    sorted_compact: str  # tokens sorted, then joined: word order does not matter
    domain: str
    domain_label: str
    country: str
    acronym: str
    raw: str  # the name as given, case-folded with single spaces: tells "same name" from "same after normalising"
    free_mail: bool = False


def prepare(record: Record) -> Prepared:
    """Normalise one record. Cheap (a few microseconds; the expensive parts are cached per value)."""
    tokens = name_tokens_tuple(record.name or "")
    compact = "".join(tokens)
    domain, label, free = _domain_parts(record.domain or "")
    country = record.country.strip() if record.country else ""
    if country:
        country = country_code(country) or country
    return Prepared(
        id=record.id,
        name=" ".join(tokens),
        tokens=tokens,
        compact=compact,
        sorted_compact="".join(sorted(tokens)) if len(tokens) > 1 else compact,
        domain=domain,
        domain_label=label,
        country=country,
        acronym=_acronym(tokens),
        raw=" ".join((record.name or "").casefold().split()),
        free_mail=free,
    )


@lru_cache(maxsize=200_000)
def _domain_parts(value: str) -> tuple[str, str, bool]:
    registered = normalize_domain(value)
    if not registered:
        return "", "", False
    if is_free_mail_domain(registered):
        return "", "", True
    return registered, domain_label(registered).replace("-", ""), False


def _acronym(tokens: tuple[str, ...]) -> str:
    if len(tokens) < 3:
        return ""
    initials = [t[0] for t in tokens if t not in STOP_WORDS]
    if len(initials) < 3 or not all("a" <= c <= "z" for c in initials):
        return ""
    return "".join(initials)
