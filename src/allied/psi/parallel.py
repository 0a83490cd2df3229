"""Spreading the exponentiations over the machine's cores.

A scalar multiplication costs about 40 µs, so a million of them is 40 s on one core. Large inputs
are cut into chunks that a pool of worker processes blinds in order; small inputs stay in this
process (starting workers costs more than it saves below ``PARALLEL_MIN``).

Workers are forked when this process runs a single thread (the CLI, a benchmark, a test): quick to
start and nothing to re-import. A process with other threads (a web server) starts them with
``spawn`` instead, because forking copies locks that other threads may hold; spawned workers import
only this pure package (no Django, no database connection).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence

from .group import POINT_BYTES, InvalidPoint, blind, hash_and_blind

PARALLEL_MIN = 20_000  # below this many points one process is faster than starting workers
CHUNK = 8_192  # points per task: big enough to amortise pickling, small enough to balance and report progress

Progress = Callable[[int], None]  # called with the number of points just finished


def default_processes() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _blind_task(args: tuple[bytes, bytes, int]) -> bytes:
    blob, secret, first = args
    return blind(blob, secret, first_index=first)


def _hash_task(args: tuple[list[str], bytes]) -> bytes:
    keys, secret = args
    return hash_and_blind(keys, secret)


def _run(tasks: list, func, sizes: list[int], processes: int | None, progress: Progress | None) -> bytes:
    total = sum(sizes)
    processes = default_processes() if processes is None else processes
    if processes <= 1 or total < PARALLEL_MIN or len(tasks) < 2:
        out = []
        for task, size in zip(tasks, sizes, strict=True):
            out.append(func(task))
            if progress:
                progress(size)
        return b"".join(out)
    method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(min(processes, len(tasks))) as pool:
        out = []
        for result, size in zip(pool.imap(func, tasks), sizes, strict=True):
            out.append(result)
            if progress:
                progress(size)
        return b"".join(out)


def blind_many(blob: bytes, secret: bytes, *, processes: int | None = None, progress: Progress | None = None) -> bytes:
    """``group.blind`` over many points, on several cores when it pays; the result is in input order."""
    if len(blob) % POINT_BYTES:
        raise InvalidPoint(f"a points message is a multiple of {POINT_BYTES} bytes; this one has {len(blob)}")
    step = CHUNK * POINT_BYTES
    tasks = [(blob[i:i + step], secret, i // POINT_BYTES) for i in range(0, len(blob), step)]
    sizes = [len(t[0]) // POINT_BYTES for t in tasks]
    return _run(tasks, _blind_task, sizes, processes, progress)


def hash_and_blind_many(keys: Sequence[str], secret: bytes, *, processes: int | None = None,
                        progress: Progress | None = None) -> bytes:
    """``group.hash_and_blind`` over many keys, on several cores when it pays; the result is in input order."""
    tasks = [(list(keys[i:i + CHUNK]), secret) for i in range(0, len(keys), CHUNK)]
    sizes = [len(t[0]) for t in tasks]
    return _run(tasks, _hash_task, sizes, processes, progress)
