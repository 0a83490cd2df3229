"""Account mapping at scale: match one whole account list against another, fast.

``map_accounts(left, right)`` gives, for each left record, its best right match(es) scoring at
least ``threshold``, with the same ``compare()`` score and reason for every pair it returns, as
``match_records`` (``MatchIndex.best``) does — but built for lists of a million records, and
resolved one to one (step 4). The pairs differ from ``match_records``'s in a few per cent of
cases: its own candidate keys, the settling rule, the caps and the resolution rules below.

1. **prepare**: each record is normalised once (names, registered domains and countries are
   cached by value), into a light row with exactly the fields of ``Prepared``, with its exact
   keys (and, for right records, its fuzzy keys);
2. **exact**: hashed joins on the registered domain (free e-mail domains never count) and on
   the normalised name with its words sorted (legal suffixes, punctuation, case, accents, "&"/and,
   known abbreviations and word order are gone by then). Candidates in different countries
   without a shared domain, or with two unrelated registered domains, are dropped in numpy: they
   cannot reach ``SAME_COMPANY`` (``_may_qualify``). Every other candidate is scored with
   ``compare()``, so country evidence counts exactly as there. A left record whose best exact
   candidate scores ``SETTLED`` (0.96) or more is done: a fuzzy candidate, which shares neither
   the domain nor the name, could at most tie it in rare cases;
3. **fuzzy**: only the records the exact joins did not settle get fuzzy keys and join on them
   (``_keys``: for each meaningful word, the other words fixed and that word or that word less one
   letter — one typo in one word still meets; the words joined; rare halves and acronyms). A fuzzy
   key shared by more than ``key_cap`` right records is skipped, like a stop word; a registered
   domain given by more than ``DOMAIN_CAP`` right records (a franchisor's or a group's website)
   joins none of them (their names still meet); an exact name block larger than ``EXACT_CAP`` is
   narrowed to the records in the same country (a list with 20,000 accounts named "Unknown" must
   not cost 400 million comparisons). A vectorised rapidfuzz pre-filter drops the candidates that
   cannot reach the threshold before ``compare()`` scores the rest;
4. **resolution** (``_resolve``): each left record's best pair(s); a pair whose right record has a
   strictly better left partner is dropped (mutual best); crowds give none.

All joins are on 64-bit hashes in numpy (sort, search, expand), never pair by pair in Python.
For large inputs (more than ``PARALLEL_MIN`` records on the left) normalising, keying and scoring
run in chunks on two worker processes forked from this one (they inherit the lists and the
prepared rows, nothing big is sent to them); the joins run here. Small inputs run in this
process. Both give the same pairs.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from .countries import country_code
from .normalize import _FREE_MAIL_BRANDS, _FREE_MAIL_DOMAINS, name_tokens_tuple, normalize_domain
from .records import Record, _acronym
from .score import _LIGHT, _MAX_TOKENS, SAME_COMPANY, _labels_related, compare, name_similarity

SETTLED = 0.96
EXACT_CAP = 2000
DOMAIN_CAP = 100
FUZZY_CAP = 1000
RARE_CAP = 20
MAX_TIES = 5
PARALLEL_MIN = 50_000
WORKERS = 2
PREPARE_CHUNK = 50_000
SCORE_CHUNK = 100_000
PREFILTER_MIN = 0.82  # below this an acronym can qualify: no pre-filter
CORE_RATIO = 75.0
COMPACT_RATIO = 89.0
_HALVES_MIN = 9

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Pair:
    left_id: str
    right_id: str
    score: float
    method: str  # "domain" (same registered domain), "name" (same normalised name), "fuzzy"
    reason: str


class Row(NamedTuple):
    """A prepared record: the fields of ``Prepared`` (compare() reads only these), cheaper to build."""

    id: str
    name: str
    tokens: tuple[str, ...]
    compact: str
    sorted_compact: str
    domain: str
    domain_label: str
    country: str
    acronym: str
    raw: str
    free_mail: bool


def _domain_parts_fast(value: str) -> tuple[str, str, bool]:
    """``records._domain_parts`` with one public-suffix look-up instead of up to four: a registered
    domain is one label on its public suffix, so its brand label is its first label."""
    registered = normalize_domain(value)
    if not registered:
        return "", "", False
    label = registered.split(".", 1)[0]
    if registered in _FREE_MAIL_DOMAINS or label in _FREE_MAIL_BRANDS:
        return "", "", True
    return registered, label.replace("-", ""), False


def prepare_row(record: Record, _countries: dict[str, str] = {}) -> Row:  # noqa: B006 - a per-process cache
    """``prepare(record)`` as a ``Row``: the same values, field by field."""
    name = record.name or ""
    tokens = name_tokens_tuple(name)
    compact = "".join(tokens)
    domain, label, free = _domain_parts_fast(record.domain or "")
    country = record.country
    if country:
        code = _countries.get(country)
        if code is None:
            stripped = country.strip()
            code = (country_code(stripped) or stripped) if stripped else ""
            _countries[country] = code
        country = code
    else:
        country = ""
    return Row(
        record.id,
        " ".join(tokens),
        tokens,
        compact,
        "".join(sorted(tokens)) if len(tokens) > 1 else compact,
        domain,
        label,
        country,
        _acronym(tokens),
        " ".join(name.casefold().split()),
        free,
    )


# --------------------------------------------------------------------------- keys

_EXACT_KINDS = ("d", "n")


def _keys(row: Row) -> tuple[list[int], list[int], tuple[list[int], list[int]], list[int], str]:
    """Hashed join keys of a prepared record: (exact, exact within the country, fuzzy, rare), and its core words.

    ``_exact_keys`` and ``_fuzzy_keys`` compute the two halves (a left record's fuzzy keys only
    when the exact joins did not settle it).

    *Rare* keys (halves, acronyms) are useful only when few records share them: a block of more
    than ``RARE_CAP`` right records is skipped (``consulting`` ends too many names).

    The core words (the name's words less light words, sorted, space-separated) feed the
    pre-filter of fuzzy candidates.

    Exact: the registered domain, the name with its words sorted. Fuzzy (the same on both sides):
    for each meaningful word (light words such as "group" or "of" are left out, so one more or one
    fewer of them still meets), the other meaningful words sorted plus that word or that word less
    one letter (a symmetric deletion neighbourhood: one typo — a letter inserted, deleted, replaced
    or two letters swapped — in one word still meets); the meaningful words joined in written
    order (joined or split words meet); the first and the last half of the whole name without spaces
    (for names of ``_HALVES_MIN`` letters or more, with the halves of a name one letter shorter:
    joined or split words *and* a typo still meet); the acronym, and a short single word as a possible acronym.
    Hashes are Python's ``hash``: equal within one process and the processes it forks. A fuzzy key
    comes as two hashes, of its fixed part (the other words) and of its variable part (the word or
    its variant), mixed into one in numpy (``_mix``): hashing each variant string once is the
    expensive part.
    """
    return (*_exact_keys(row), *_fuzzy_keys(row))


def _exact_keys(row: Row) -> tuple[list[int], list[int]]:
    """(exact keys, the same within the country or 0): the registered domain first, then the sorted name."""
    exact: list[int] = []
    local: list[int] = []
    country = row.country
    if row.domain:
        exact.append(hash(("d", row.domain)))
        local.append(hash(("d", row.domain, country)) if country else 0)
    if row.sorted_compact:
        exact.append(hash(("n", row.sorted_compact)))
        local.append(hash(("n", row.sorted_compact, country)) if country else 0)
    return exact, local


def _fuzzy_keys(row: Row) -> tuple[tuple[list[int], list[int]], list[int], str]:
    """(fuzzy keys as (fixed, variable) hashes, rare keys, core words) — see ``_keys``."""
    tokens = row.tokens[:_MAX_TOKENS]
    if not tokens:
        return ([], []), [], ""
    light = _LIGHT
    core = [t for t in tokens if t not in light] or list(tokens)
    rests = [_JOINED]
    variants = [hash("".join(core))]
    words = sorted(core)
    for i, w in enumerate(words):
        fixed = hash(" ".join(words[:i] + words[i + 1:])) if len(words) > 1 else _ALONE
        more = _variants.get(w)
        if more is None:
            more = _word_variants(w)
        variants += more
        rests += [fixed] * len(more)
    rare: set[int] = set()
    compact = row.compact
    if len(compact) >= _HALVES_MIN:  # words joined or split, and a typo: one half is intact
        for n in (len(compact), len(compact) - 1):  # met by names of the same length or one letter shorter
            m = n // 2
            rare.add(hash(("p", n, compact[:m])))
            rare.add(hash(("q", n, compact[-m:])))
    if row.acronym:
        rare.add(hash(("a", row.acronym)))
    if len(tokens) == 1 and 3 <= len(row.compact) <= 6 and row.compact.isalpha():
        rare.add(hash(("a", row.compact)))
    return (rests, variants), list(rare), " ".join(words)


_variants: dict[str, tuple[int, ...]] = {}  # per process: common words ("consulting") recur in many names
_VARIANTS_CAP = 300_000


def _word_variants(w: str) -> tuple[int, ...]:
    """Hashes of a word less each one letter, and of the word (words of four letters or more), cached."""
    if len(w) >= 4 and not w.isdigit():
        more = (*[hash(w[:k] + w[k + 1:]) for k in range(len(w))], hash(w))
    else:
        more = (hash(w),)
    if len(_variants) >= _VARIANTS_CAP:
        _variants.clear()
    _variants[w] = more
    return more


_JOINED = hash("\0joined")  # no name's words contain a NUL: these never equal a real fixed part
_ALONE = hash("\0alone")
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _mix(fixed: list[int], variable: list[int]) -> np.ndarray:
    """One 64-bit key per (fixed, variable) pair of hashes (wrapping multiply-add)."""
    a = np.array(fixed, dtype=np.int64).view(np.uint64)
    b = np.array(variable, dtype=np.int64).view(np.uint64)
    return (a * _MIX + b).view(np.int64)


# --------------------------------------------------------------------------- workers

# State shared with forked workers: set before a pool forks, read-only in the workers.
_STATE: dict = {}


class _Chunk(NamedTuple):
    side: str
    start: int
    rows: list  # Row fields as plain tuples (cheaper to send)
    cores: list  # core words (right records only; a left record's come with its fuzzy keys)
    exact: np.ndarray  # exact key hashes
    local: np.ndarray  # the same within the country (0: no country)
    exact_owner: np.ndarray
    exact_is_domain: np.ndarray  # bool: a domain key (else a name key)
    evidence: np.ndarray  # (n, 3): hashes of the country, the registered domain, its brand label (0: none)
    fuzzy: _Fuzzy | None  # right records only


class _Fuzzy(NamedTuple):
    keys: np.ndarray
    owner: np.ndarray
    rare: np.ndarray
    rare_owner: np.ndarray
    cores: list


def _prepare_chunk(task: tuple[str, int, int]) -> _Chunk:
    """Prepare records [start, stop) of one side: rows as plain tuples, their exact key arrays and, for
    the right side, their fuzzy keys too (``_fuzzy_chunk`` computes a left record's when needed)."""
    side, start, stop = task
    records = _STATE[side][start:stop]
    rows = []
    ex_h, ex_l, ex_o, ex_d, evidence = [], [], [], [], []
    for offset, record in enumerate(records):
        row = prepare_row(record)
        rows.append(tuple(row))
        evidence.append((hash(row.country) if row.country else 0, hash(row.domain) if row.domain else 0,
                         hash(row.domain_label) if row.domain_label else 0))
        exact, local = _exact_keys(row)
        ex_h += exact
        ex_l += local
        ex_o += [start + offset] * len(exact)
        ex_d += (True, False)[:len(exact)] if row.domain else (False,) * len(exact)  # the domain key comes first
    fuzzy = _fuzzy_rows(map(Row._make, rows), range(start, stop)) if side == "right" else None
    return _Chunk(side, start, rows, fuzzy.cores if fuzzy else [], np.array(ex_h, dtype=np.int64),
                  np.array(ex_l, dtype=np.int64), np.array(ex_o, dtype=np.int64), np.array(ex_d, dtype=bool),
                  np.array(evidence, dtype=np.int64).reshape(-1, 3), fuzzy)


def _fuzzy_rows(rows: Iterable[Row], owners: Iterable[int]) -> _Fuzzy:
    fz_f, fz_v, fz_o, rr_h, rr_o, cores = [], [], [], [], [], []
    for owner, row in zip(owners, rows, strict=True):
        fuzzy, rare, core = _fuzzy_keys(row)
        cores.append(core)
        fz_f += fuzzy[0]
        fz_v += fuzzy[1]
        fz_o += [owner] * len(fuzzy[0])
        rr_h += rare
        rr_o += [owner] * len(rare)
    return _Fuzzy(_mix(fz_f, fz_v), np.array(fz_o, dtype=np.int64), np.array(rr_h, dtype=np.int64),
                  np.array(rr_o, dtype=np.int64), cores)


def _fuzzy_chunk(owners: np.ndarray) -> tuple[np.ndarray, _Fuzzy]:
    """The fuzzy keys of the given left records (prepared rows shared by the fork)."""
    rows = _STATE["left_rows"]
    owners_list = owners.tolist()
    return owners, _fuzzy_rows((rows[i] for i in owners_list), owners_list)


def _score_chunk(task: tuple[np.ndarray, np.ndarray, float]):
    """compare() each (left, right) pair; keep those scoring at least ``keep``."""
    lis, ris, keep = task
    left, right = _STATE["left_rows"], _STATE["right_rows"]
    out = []
    best: dict[int, float] = {}
    for li, ri in zip(lis.tolist(), ris.tolist(), strict=True):
        p, r = left[li], right[ri]
        m = compare(p, r)  # type: ignore[arg-type]  # a Row has Prepared's fields
        s = m.score
        if s > best.get(li, -1.0):
            best[li] = s
        if s >= keep:
            method = "domain" if p.domain and p.domain == r.domain else "name" if p.sorted_compact == r.sorted_compact else "fuzzy"
            out.append((li, ri, s, method, m.reason))
    return out, best, len(lis)


# --------------------------------------------------------------------------- joins


class _Sorted:
    """One side's key entries sorted by hash, with each distinct hash's block (start, count)."""

    def __init__(self, hashes: np.ndarray, owners: np.ndarray, stable: bool = True) -> None:
        order = np.argsort(hashes, kind="stable" if stable else None)
        self.hashes = hashes[order]
        self.owners = owners[order]
        first = np.flatnonzero(np.concatenate(([True], self.hashes[1:] != self.hashes[:-1]))) if len(hashes) else np.zeros(0, np.int64)
        self.keys = self.hashes[first]
        self.starts = first
        self.counts = np.diff(np.append(first, len(self.hashes)))

    def lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(start, count) of each hash's block; count 0 when absent."""
        if not len(self.keys):
            return np.zeros(len(hashes), np.int64), np.zeros(len(hashes), np.int64)
        # searching sorted needles walks the keys in order: several times faster than random probes
        order = np.argsort(hashes)
        pos = np.empty(len(hashes), np.int64)
        pos[order] = np.searchsorted(self.keys, hashes[order])
        pos[pos == len(self.keys)] = 0
        found = self.keys[pos] == hashes
        return self.starts[pos], np.where(found, self.counts[pos], 0)

    def expand(self, owners: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (left owner, right owner) pair of the given blocks."""
        keep = counts > 0
        owners, starts, counts = owners[keep], starts[keep], counts[keep]
        total = int(counts.sum())
        if not total:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        ends = np.cumsum(counts)
        positions = np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - counts), counts)
        return np.repeat(owners, counts), self.owners[positions]


def _unique_pairs(lis: np.ndarray, ris: np.ndarray, n_right: int) -> np.ndarray:
    """The distinct pairs, encoded ``left * n_right + right``, sorted (by left, then right)."""
    pairs = np.sort(lis * max(n_right, 1) + ris)
    if len(pairs) > 1:
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    return pairs


# --------------------------------------------------------------------------- map_accounts


def map_accounts(
    left: Iterable[Record],
    right: Iterable[Record],
    *,
    threshold: float = SAME_COMPANY,
    progress: Progress | None = None,
    key_cap: int = FUZZY_CAP,
    max_ties: int = MAX_TIES,
    workers: int | None = None,
) -> list[Pair]:
    """Each left record's best right match(es) scoring at least ``threshold`` (ties: every one, by right id).

    A left record whose best score is shared by more than ``max_ties`` right records gets none:
    that is no match but a crowd (300 franchisees who all give the franchisor's website).

    Pairs come in left-list order. ``progress(stage, done, total)`` is called as work is done:
    ``"prepare"`` (records normalised and keyed, of both lists), ``"exact"`` and ``"fuzzy"``
    (candidate pairs scored). ``workers`` forces the number of processes (default: ``WORKERS``
    when the left list has more than ``PARALLEL_MIN`` records and the platform can fork, else 1).
    """
    left = list(left)
    right = list(right)
    n_left, n_right = len(left), len(right)
    if workers is None:
        workers = WORKERS if n_left > PARALLEL_MIN and _can_fork() else 1
    if not n_left or not n_right:
        return []
    _STATE.clear()
    _STATE.update(left=left, right=right)
    collecting = gc.isenabled()
    gc.disable()  # millions of small tuples: the cyclic collector would rescan them again and again
    try:
        return _run(n_left, n_right, threshold, progress, key_cap, max_ties, workers)
    finally:
        _STATE.clear()
        if collecting:
            gc.enable()


def _pool(workers: int):
    return multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None


def _imap(pool, fn, tasks):
    return pool.imap(fn, tasks) if pool is not None else map(fn, tasks)


def _run(n_left: int, n_right: int, threshold: float, progress: Progress | None, key_cap: int, max_ties: int,
         workers: int) -> list[Pair]:
    report = progress or (lambda stage, done, total: None)
    # 1. prepare: rows and key arrays of both sides, in chunks.
    chunk = max(1000, min(PREPARE_CHUNK, -(-(n_left + n_right) // (workers * 8))))
    tasks = [(side, start, min(start + chunk, n)) for side, n in (("right", n_right), ("left", n_left))
             for start in range(0, n, chunk)]
    rows: dict[str, list] = {"left": [None] * n_left, "right": [None] * n_right}
    cores: dict[str, list] = {"left": [None] * n_left, "right": [None] * n_right}
    parts: dict[str, list[_Chunk]] = {"left": [], "right": []}
    done = 0
    report("prepare", 0, n_left + n_right)
    pool = _pool(workers)
    try:
        for part in _imap(pool, _prepare_chunk, tasks):
            n = len(part.rows)
            rows[part.side][part.start:part.start + n] = map(Row._make, part.rows)
            if part.side == "right":
                cores["right"][part.start:part.start + n] = part.cores
            parts[part.side].append(part._replace(rows=[], cores=[]))
            done += n
            report("prepare", done, n_left + n_right)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    _STATE.update(left_rows=rows["left"], right_rows=rows["right"])
    del _STATE["left"], _STATE["right"]

    lefts, rights = parts["left"], parts["right"]
    del parts
    evidence = (_joined(lefts, "evidence"), _joined(rights, "evidence"))
    L = [_joined(lefts, f) for f in ("exact", "local", "exact_owner", "exact_is_domain")]
    R = [_joined(rights, f) for f in ("exact", "local", "exact_owner")]
    right_fuzzy = [_joined([p.fuzzy for p in rights], f) for f in ("keys", "owner", "rare", "rare_owner")]
    del lefts, rights

    # 2. exact: the same registered domain or the same normalised name. An oversized block is
    #    narrowed to the same country.
    exact_index = _Sorted(R[0], R[2])
    local_index = _Sorted(R[1][R[1] != 0], R[2][R[1] != 0])
    left_is_domain = L[3]
    starts, counts = exact_index.lookup(L[0])
    small = counts <= np.where(left_is_domain, DOMAIN_CAP, EXACT_CAP)
    li1, ri1 = exact_index.expand(L[2], starts, np.where(small, counts, 0))
    big = ~small & (L[1] != 0) & ~left_is_domain
    starts2, counts2 = local_index.lookup(L[1][big])
    li2, ri2 = local_index.expand(L[2][big], starts2, np.minimum(counts2, EXACT_CAP))
    exact_pairs = _unique_pairs(np.concatenate([li1, li2]), np.concatenate([ri1, ri2]), n_right)
    del exact_index, local_index, li1, ri1, li2, ri2, L, R
    keep = min(threshold, SETTLED)
    exact_pairs = exact_pairs[_may_qualify(exact_pairs, n_right, evidence, keep)]
    found, best = _score(exact_pairs, n_right, keep, workers, "exact", report)

    # 3. fuzzy: the left records the exact joins did not settle, on the fuzzy keys (computed now, for those only).
    settled = np.zeros(n_left, dtype=bool)
    if best:
        ids = np.fromiter(best.keys(), dtype=np.int64, count=len(best))
        scores = np.fromiter(best.values(), dtype=np.float64, count=len(best))
        settled[ids[scores >= SETTLED]] = True
    unsettled = np.flatnonzero(~settled)
    size = max(1000, min(PREPARE_CHUNK, -(-len(unsettled) // (workers * 4))))
    left_fuzzy: list[list[np.ndarray]] = [[], [], [], []]
    pool = _pool(workers)
    try:
        for owners, part in _imap(pool, _fuzzy_chunk, [unsettled[i:i + size] for i in range(0, len(unsettled), size)]):
            for k in range(4):
                left_fuzzy[k].append(part[k])
            for i, core in zip(owners.tolist(), part.cores, strict=True):
                cores["left"][i] = core
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    LF = [np.concatenate(a) if a else np.zeros(0, np.int64) for a in left_fuzzy]
    del left_fuzzy
    found_l, found_r = [], []
    for (h, o), cap in (((0, 1), key_cap), ((2, 3), RARE_CAP if threshold >= PREFILTER_MIN else key_cap)):
        index = _Sorted(right_fuzzy[h], right_fuzzy[o], stable=False)  # the pairs are sorted and made unique below
        starts, counts = index.lookup(LF[h])
        li, ri = index.expand(LF[o], starts, np.where(counts <= cap, counts, 0))
        found_l.append(li)
        found_r.append(ri)
    del index, LF, right_fuzzy
    fuzzy_pairs = _unique_pairs(np.concatenate(found_l), np.concatenate(found_r), n_right)
    del found_l, found_r
    fuzzy_pairs = fuzzy_pairs[~np.isin(fuzzy_pairs, exact_pairs, assume_unique=True)]
    fuzzy_pairs = fuzzy_pairs[_may_qualify(fuzzy_pairs, n_right, evidence, threshold)]
    if threshold >= PREFILTER_MIN and len(fuzzy_pairs):
        fuzzy_pairs = fuzzy_pairs[_plausible(fuzzy_pairs, n_right, rows, cores, workers)]
    del cores
    more, _ = _score(fuzzy_pairs, n_right, threshold, workers, "fuzzy", report)
    found += more

    return _resolve(found, threshold, max_ties, _STATE["left_rows"], _STATE["right_rows"])


def _joined(parts: list, field: str) -> np.ndarray:
    return np.concatenate([getattr(p, field) for p in parts])


def _resolve(found: list, threshold: float, max_ties: int, left_rows: list, right_rows: list) -> list[Pair]:
    """4. one-to-one resolution of the scored candidates (``found``: (left, right, score, method, reason)).

    * each left record keeps its best pair(s) at or above the threshold;
    * **mutual best**: a pair is dropped when its right record has another left partner scoring
      strictly higher — that record is taken by a better match, so this one is most likely another
      company with a similar name ("Lumex" for "Lumix", a common name twice). Equal scores keep
      each other (the same company twice in the left list);
    * **crowds**: more than ``max_ties`` equal best pairs give none, and so do two or more equal
      best pairs whose only evidence is a shared website, the names agreeing only partly
      (franchisees who all give the franchisor's website): the records are told apart by
      exactly what differs between them.
    """
    top: dict[int, float] = {}
    right_top: dict[int, float] = {}
    for li_, ri_, s, _m, _r in found:
        if s >= threshold:
            if s > top.get(li_, -1.0):
                top[li_] = s
            if s > right_top.get(ri_, -1.0):
                right_top[ri_] = s
    chosen = sorted((li_, right_rows[ri_].id, s, m, r, ri_) for li_, ri_, s, m, r in found if top.get(li_) == s)
    ties: dict[int, int] = {}
    for item in chosen:
        ties[item[0]] = ties.get(item[0], 0) + 1
    out = []
    for li_, rid, s, m, r, ri_ in chosen:
        n = ties[li_]
        if n > max_ties or s < right_top[ri_]:
            continue
        if n > 1 and m == "domain" and name_similarity(left_rows[li_], right_rows[ri_])[1] in ("partial", "differ"):  # type: ignore[arg-type]
            continue
        out.append(Pair(left_rows[li_].id, rid, s, m, r))
    return out


# compare() without a shared registered domain scores at most 0.96 * 1.0 (equal names), + 0.03 (the
# same brand on another ending: not when the countries differ) and + 0.02 (the same country). So a
# pair in different countries without a shared domain scores at most 0.96 - 0.12 = 0.84, and one
# with two unrelated registered domains at most 0.96 - 0.30 + 0.02 = 0.68.
_MAX_OTHER_COUNTRY = 0.84
_MAX_UNRELATED_DOMAINS = 0.68


def _may_qualify(pairs: np.ndarray, n_right: int, evidence: tuple[np.ndarray, np.ndarray], keep: float) -> np.ndarray:
    """Which encoded pairs compare() could score ``keep`` or more, from the countries and domains alone
    (vectorised; the rest cannot, whatever their names): not in different countries without a shared
    registered domain, nor with two unrelated registered domains (``score._labels_related`` checks the
    few whose brand labels differ)."""
    ok = np.ones(len(pairs), dtype=bool)
    if not len(pairs) or keep <= _MAX_UNRELATED_DOMAINS:
        return ok
    lis, ris = np.divmod(pairs, max(n_right, 1))
    left, right = evidence[0][lis], evidence[1][ris]
    shared_domain = (left[:, 1] != 0) & (left[:, 1] == right[:, 1])
    both_domains = (left[:, 1] != 0) & (right[:, 1] != 0) & ~shared_domain
    if keep > _MAX_OTHER_COUNTRY:
        ok &= shared_domain | (left[:, 0] == 0) | (right[:, 0] == 0) | (left[:, 0] == right[:, 0])
    unrelated = np.flatnonzero(ok & both_domains & (left[:, 2] != right[:, 2]))
    if len(unrelated):
        left_rows, right_rows = _STATE["left_rows"], _STATE["right_rows"]
        related = np.fromiter((_labels_related(left_rows[i].domain_label, right_rows[j].domain_label)
                               for i, j in zip(lis[unrelated].tolist(), ris[unrelated].tolist(), strict=True)),
                              dtype=bool, count=len(unrelated))
        ok[unrelated[~related]] = False
    return ok


def _plausible(pairs: np.ndarray, n_right: int, rows: dict[str, list], cores: dict[str, list], workers: int) -> np.ndarray:
    """Which fuzzy candidates could score ``PREFILTER_MIN`` or more: their core words or their whole
    names (without spaces) must be close (rapidfuzz ratio, vectorised). compare() can only reach
    0.85 on a pair without a shared domain or name when every meaningful word pairs with an equal
    word or a typo (ratio >= 75), or when the names are the same apart from joined words and one
    typo (ratio >= 90 without spaces)."""
    lis, ris = np.divmod(pairs, max(n_right, 1))
    left_core = np.array(cores["left"], dtype=object)[lis]
    right_core = np.array(cores["right"], dtype=object)[ris]
    keep = process.cpdist(left_core, right_core, scorer=fuzz.ratio, workers=workers, dtype=np.float32) >= CORE_RATIO
    del left_core, right_core
    rest = np.flatnonzero(~keep)
    if len(rest):
        left_compact = np.array([row.compact for row in rows["left"]], dtype=object)[lis[rest]]
        right_compact = np.array([row.compact for row in rows["right"]], dtype=object)[ris[rest]]
        close = process.cpdist(left_compact, right_compact, scorer=fuzz.ratio, workers=workers, dtype=np.float32)
        keep[rest[close >= COMPACT_RATIO]] = True
    return keep


def _score(pairs: np.ndarray, n_right: int, keep: float, workers: int, stage: str, report: Progress):
    """Score the encoded (left * n_right + right) pairs in chunks; (kept tuples, best score per left)."""
    total = len(pairs)
    report(stage, 0, total)
    if not total:
        return [], {}
    lis, ris = np.divmod(pairs, max(n_right, 1))
    size = max(2000, min(SCORE_CHUNK, -(-total // (workers * 8))))
    # chunks end on a left record's boundary, so each left's best is complete within one chunk
    cuts = [0]
    while cuts[-1] < total:
        end = min(cuts[-1] + size, total)
        while end < total and lis[end] == lis[end - 1]:
            end += 1
        cuts.append(end)
    tasks = [(lis[a:b], ris[a:b], keep) for a, b in zip(cuts, cuts[1:], strict=False)]
    found: list = []
    best: dict[int, float] = {}
    done = 0
    pool = _pool(workers)
    try:
        for out, chunk_best, count in _imap(pool, _score_chunk, tasks):
            found += out
            best.update(chunk_best)
            done += count
            report(stage, done, total)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return found, best


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"
