"""Match one list of records against another (the `allied match accounts` command, account mapping)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from .index import MatchIndex
from .records import Record
from .score import SAME_COMPANY

PROGRESS_EVERY = 500


def match_records(
    left: Iterable[Record],
    right: Iterable[Record],
    *,
    threshold: float = SAME_COMPANY,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[str, str, float, str]]:
    """``(left_id, right_id, score, reason)`` for each left record's best right match(es) >= threshold.

    Right records are indexed in memory; left records stream. When several right records share the
    best score, each gives a row (ordered by right id). ``progress`` is called with the number of
    left records done so far, every few hundred records and once at the end.
    """
    index = MatchIndex()
    index.add_many(right)
    done = 0
    for record in left:
        for right_id, match in index.best(record, threshold=threshold):
            yield record.id, right_id, match.score, match.reason
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if progress is not None:
        progress(done)
