"""An in-memory index: blocking keys -> records, searched with compare()."""

from __future__ import annotations

from collections.abc import Iterable

from .keys import EXACT_KINDS, blocking_keys, query_keys
from .records import Prepared, Record, prepare
from .score import POSSIBLE, Match, compare

DEFAULT_KEY_CAP = 1000


class MatchIndex:
    """Records by blocking key; ``search`` compares a record only with records sharing a key.

    A fuzzy key (``w:``, ``a:``, ``p:``/``q:``) held by more than ``key_cap`` records says little
    on its own (think ``w:cloud``) and is skipped during a search, like a stop word, so a search
    never scans a list of 100k records. Exact keys (the same registered domain ``d:`` or the same
    normalised name ``n:``) are never skipped: those candidates are always compared.
    """

    def __init__(self, *, key_cap: int = DEFAULT_KEY_CAP) -> None:
        self.key_cap = key_cap
        self._prepared: list[Prepared] = []
        self._positions: dict[str, int] = {}
        self._postings: dict[str, list[int]] = {}
        self.last_candidates = 0  # how many records the last search compared (for tests and tuning)

    def __len__(self) -> int:
        return len(self._prepared)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._positions

    def add(self, record: Record) -> None:
        if record.id in self._positions:
            raise ValueError(f"duplicate record id {record.id!r}")
        p = prepare(record)
        position = len(self._prepared)
        self._prepared.append(p)
        self._positions[record.id] = position
        postings = self._postings
        for key in blocking_keys(p):
            bucket = postings.get(key)
            if bucket is None:
                postings[key] = [position]
            else:
                bucket.append(position)

    def add_many(self, records: Iterable[Record]) -> None:
        for record in records:
            self.add(record)

    def candidates(self, p: Prepared) -> set[int]:
        found: set[int] = set()
        for key in query_keys(p):
            bucket = self._postings.get(key)
            if bucket and (len(bucket) <= self.key_cap or key.split(":", 1)[0] in EXACT_KINDS):
                found.update(bucket)
        return found

    def _scored(self, record: Record | Prepared, threshold: float) -> list[tuple[str, Match]]:
        p = record if isinstance(record, Prepared) else prepare(record)
        found = self.candidates(p)
        self.last_candidates = len(found)
        out = []
        for position in found:
            other = self._prepared[position]
            match = compare(p, other)
            if match.score >= threshold:
                out.append((other.id, match))
        out.sort(key=lambda item: (-item[1].score, item[0]))
        return out

    def search(self, record: Record | Prepared, *, limit: int = 10, threshold: float = POSSIBLE) -> list[tuple[str, Match]]:
        """Best matches first (ties by id), at most ``limit``, each scoring at least ``threshold``."""
        return self._scored(record, threshold)[:limit]

    def best(self, record: Record | Prepared, *, threshold: float = POSSIBLE) -> list[tuple[str, Match]]:
        """Every record sharing the top score (at least ``threshold``), by id; [] when none qualifies."""
        scored = self._scored(record, threshold)
        if not scored:
            return []
        top = scored[0][1].score
        return [item for item in scored if item[1].score == top]
