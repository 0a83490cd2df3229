"""Blocking keys: a few short strings per record so that likely matches meet without comparing all pairs.

The deal app stores ``(key, owner_id)`` rows and finds candidates with ``key IN (query_keys(p))``;
a batch job joins the two sides on equal keys. Keys are deterministic, at most 64 characters,
prefixed by their kind, and at most eight per record (6.3 on average on the labeled set):

``d:acme.com``
    the registered domain (never a free e-mail domain).
``n:<compact name>``
    the normalised name's words sorted and joined without spaces (word order does not matter);
    one- and two-word names also keep the written order ("Data Dog" and "DataDog" meet).
``a:<initials>``
    the acronym of names with three or more words ("International Business Machines" -> ``a:ibm``).
``w:<compact name less one word>``
    for names of three or four words, one key per word left out (words sorted), unless only
    generic words ("group", "of") remain: a typo or an unknown abbreviation in one word, or one
    word more, still meets. Two-word names get one only for a generic word ("Acme Group" ->
    ``w:acme``): a lone common word ("w:cloud") would be shared by too many records to help.
``p:``/``q:`` the first and the last ``floor(L/2)`` letters of the compact name (in written order)
    for names of four letters or more, except four-word names (their ``w`` keys do the work):
    one typo leaves one half intact, and words joined or split keep both halves. Two-word names
    also get the halves of their sorted words (the words swapped *and* a typo).

``d`` and ``n`` are *exact* kinds: an index never drops their candidates, however many. The others
may be shared by very many records (``w:cloud``), and an index may skip such a key.

``query_keys`` adds lookups that are never stored: ``w:<my whole name>`` (records with one word
more than mine), ``n:<my name less one word>`` (records with one word fewer), ``n:<my acronym>``
(a record named by my initials), ``a:<my single short word>`` (I may be an acronym), and halves
for the neighbouring lengths ``L-1`` and ``L+1``, so a letter inserted or deleted still meets.
"""

from __future__ import annotations

from .normalize import STOP_WORDS
from .records import Prepared

KEY_VERSION = 1
MAX_KEY_LENGTH = 64
EXACT_KINDS = frozenset({"d", "n"})

_GENERIC = STOP_WORDS | {"group", "global", "international", "worldwide", "holding", "holdings"}
_HALF_MIN_M = 2  # halves of two letters or more: names of three letters or fewer get none
_HALF_CAP = 24


def _key(kind: str, value: str) -> str:
    return f"{kind}:{value}"[:MAX_KEY_LENGTH]


def _unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(k for k in keys if len(k) > 2))


def _drop_one(tokens: tuple[str, ...]) -> list[str]:
    out = []
    for i in range(len(tokens)):
        rest = tokens[:i] + tokens[i + 1:]
        if all(t in _GENERIC for t in rest):
            continue
        value = "".join(sorted(rest))
        if len(value) >= 3:
            out.append(value)
    return out


def _halves(compact: str, lengths: tuple[int, ...]) -> list[str]:
    """p/q keys with m = floor(length / 2) for each given length (the stored side uses its own length)."""
    out = []
    for m in sorted({min(n // 2, _HALF_CAP) for n in lengths}):
        if m >= _HALF_MIN_M and m <= len(compact):
            out += [_key("p", compact[:m]), _key("q", compact[-m:])]
    return out


def blocking_keys(p: Prepared) -> list[str]:
    """The keys to store for a record (deterministic, at most 8, each at most 64 characters)."""
    keys: list[str] = []
    if p.domain:
        keys.append(_key("d", p.domain))
    n = len(p.tokens)
    if p.compact:
        keys.append(_key("n", p.sorted_compact))
        if n <= 2:
            keys.append(_key("n", p.compact))
    if p.acronym:
        keys.append(_key("a", p.acronym))
    if n == 2:  # "Acme Group" -> w:acme; the halves cover a typo in either word
        keys += [_key("w", kept) for kept, other in (p.tokens, p.tokens[::-1]) if other in _GENERIC and kept not in _GENERIC]
    elif 3 <= n <= 4:
        keys += [_key("w", v) for v in _drop_one(p.tokens)]
    if n != 4:
        keys += _halves(p.compact, (len(p.compact),))
    if n == 2 and p.sorted_compact != p.compact:  # word order *and* a typo
        keys += _halves(p.sorted_compact, (len(p.compact),))
    return _unique(keys)


def query_keys(p: Prepared) -> list[str]:
    """The keys to look up for a record: its own blocking keys plus lookups that are never stored."""
    keys = blocking_keys(p)
    n = len(p.tokens)
    if 1 <= n <= 3 and p.compact and p.compact not in _GENERIC:
        keys.append(_key("w", p.sorted_compact))
    if 2 <= n <= 4:
        keys += [_key("n", v) for v in _drop_one(p.tokens)]
    if p.acronym:
        keys.append(_key("n", p.acronym))
    if n == 1 and 3 <= len(p.compact) <= 6 and p.compact.isalpha() and p.compact.isascii():
        keys.append(_key("a", p.compact))
    length = len(p.compact)
    keys += _halves(p.compact, (length - 1, length, length + 1))
    if n == 2:
        keys += _halves(p.sorted_compact, (length - 1, length, length + 1))
    return _unique(keys)


def key_kind(key: str) -> str:
    return key.split(":", 1)[0]
