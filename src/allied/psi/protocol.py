"""Diffie-Hellman private set intersection (semi-honest), both roles.

The server (the vendor) holds accounts X, the client (the partner) accounts Y; each account has a
few keys (``allied.psi.keys``) and H is hash-to-ristretto255. Each side draws a fresh secret scalar
per session (a for the server, b for the client).

1. server -> client: H(x)^a for every key of every server account, accounts in a pseudorandom order
   (sorted by HMAC(a, account id)) with each account's keys together, plus how many keys each account has.
2. client -> server: H(y)^b for every key of every client account, in the client's order.
3. server -> client: (H(y)^b)^a. In the client's order when the server shares overlapping records
   (the client learns WHICH of its accounts overlap); sorted by value when it shares counts only,
   which erases the order, so the client learns only HOW MANY server accounts overlap (PSI-cardinality).
4. The client computes (H(x)^a)^b and compares: equal values are equal keys (H(x)^ab = H(y)^ba).

What each side learns: both learn the other's number of keys (and the client the number of keys per
server account); the client learns the count of server accounts in the intersection, and which of its
own accounts they are when the order is kept; neither learns anything about keys outside the
intersection (a blinded point cannot be linked to its key without the secret). When the partner agrees
to reveal, the client tells the server which of the server's accounts (by their position in step 1)
matched. The model is semi-honest: a party that follows the protocol learns no more; one that lies
about what it found can report a wrong result, and a client that runs many sessions with chosen lists
can narrow down which accounts make up a count — the application limits and audits sessions for that.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .group import POINT_BYTES, InvalidPoint, check_secret, new_secret, split_points
from .parallel import Progress, blind_many, hash_and_blind_many


@dataclass(frozen=True)
class PsiResult:
    """What the client found. ``server_accounts``: positions (in the server's step-1 order) of server
    accounts with a key in the intersection; ``client_accounts``: indexes of the client's own accounts
    in the intersection, or None when the server shared counts only."""

    server_accounts: list[int]
    client_accounts: list[int] | None

    @property
    def overlap_count(self) -> int:
        return len(self.server_accounts)


def server_order(secret: bytes, ids: Iterable[str]) -> list[str]:
    """The server's account ids in the order it sends them: pseudorandom to anyone without the secret,
    the same every time for the same secret (so a session can be paged and resolved without storing it)."""
    key = hashlib.sha512(b"allied.psi.v1/order" + check_secret(secret)).digest()
    return sorted(ids, key=lambda account_id: hmac.new(key, account_id.encode("utf-8"), hashlib.sha256).digest())


class PsiServer:
    """The vendor's side. ``accounts`` maps each account id to its keys; accounts without keys are left out."""

    def __init__(self, accounts: Mapping[str, Sequence[str]], *, secret: bytes | None = None, processes: int | None = None):
        self.secret = check_secret(secret) if secret is not None else new_secret()
        self.processes = processes
        self.ids = server_order(self.secret, [account_id for account_id, keys in accounts.items() if keys])
        self.sizes = [len(accounts[account_id]) for account_id in self.ids]
        if any(size > 255 for size in self.sizes):
            raise ValueError("an account has more than 255 keys")
        self._keys = [key for account_id in self.ids for key in accounts[account_id]]

    @property
    def point_count(self) -> int:
        return len(self._keys)

    @property
    def account_count(self) -> int:
        return len(self.ids)

    def sizes_message(self) -> bytes:
        """Step 1's shape: one byte per account, its number of keys, in the order sent."""
        return bytes(self.sizes)

    def setup_points(self, start: int = 0, stop: int | None = None, *, progress: Progress | None = None) -> bytes:
        """Step 1: H(x)^a for the keys ``start:stop`` of the sent order (all of them by default)."""
        return hash_and_blind_many(self._keys[start:stop], self.secret, processes=self.processes, progress=progress)

    def reblind(self, client_points: bytes, *, ordered: bool, progress: Progress | None = None) -> bytes:
        """Step 3: (H(y)^b)^a, in the client's order or sorted by value (counts only)."""
        return reblind(client_points, self.secret, ordered=ordered, processes=self.processes, progress=progress)

    def accounts_at(self, positions: Iterable[int]) -> list[str]:
        """The ids of the accounts at these step-1 positions (what a revealing client reports)."""
        out = []
        for position in positions:
            if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < len(self.ids):
                raise ValueError(f"account position {position!r} is outside 0..{len(self.ids) - 1}")
            out.append(self.ids[position])
        return out


def reblind(client_points: bytes, secret: bytes, *, ordered: bool, processes: int | None = None,
            progress: Progress | None = None) -> bytes:
    blinded = blind_many(client_points, secret, processes=processes, progress=progress)
    return blinded if ordered else sort_points(blinded)


def sort_points(blob: bytes) -> bytes:
    """Points sorted by value: an order that says nothing about the order they came in."""
    return b"".join(sorted(split_points(blob)))


class PsiClient:
    """The partner's side. ``accounts``: the keys of each of its accounts, in its own order."""

    def __init__(self, accounts: Sequence[Sequence[str]], *, secret: bytes | None = None, processes: int | None = None):
        self.secret = check_secret(secret) if secret is not None else new_secret()
        self.processes = processes
        self._keys = [key for keys in accounts for key in keys]
        self._owner = [index for index, keys in enumerate(accounts) for _ in keys]

    @property
    def point_count(self) -> int:
        return len(self._keys)

    def request(self, *, progress: Progress | None = None) -> bytes:
        """Step 2: H(y)^b for each key, in order."""
        return hash_and_blind_many(self._keys, self.secret, processes=self.processes, progress=progress)

    def blind_server_points(self, server_points: bytes, *, progress: Progress | None = None) -> bytes:
        """(H(x)^a)^b for the server's step-1 points (can run page by page as they arrive)."""
        return blind_many(server_points, self.secret, processes=self.processes, progress=progress)

    def result(self, server_double: bytes, server_sizes: Sequence[int], reblinded: bytes, *, ordered: bool) -> PsiResult:
        """Step 4 from the server's points already raised to b (``blind_server_points``), the server's
        keys-per-account, and the server's step-3 answer."""
        server = split_points(server_double)
        if sum(server_sizes) != len(server):
            raise InvalidPoint(f"the server sent {len(server):,} points but says its accounts have {sum(server_sizes):,} keys")
        answer = split_points(reblinded)
        if len(answer) != len(self._keys):
            raise InvalidPoint(f"the server answered {len(answer):,} points for the {len(self._keys):,} sent")
        answer_set = set(answer)
        matched_server = []
        position = 0
        for account, size in enumerate(server_sizes):
            if any(point in answer_set for point in server[position:position + size]):
                matched_server.append(account)
            position += size
        matched_client = None
        if ordered:
            server_set = set(server)
            matched_client = sorted({self._owner[i] for i, point in enumerate(answer) if point in server_set})
        return PsiResult(server_accounts=matched_server, client_accounts=matched_client)


def intersect(server_accounts: Mapping[str, Sequence[str]], client_accounts: Sequence[Sequence[str]], *, ordered: bool,
              processes: int | None = None) -> tuple[PsiServer, PsiResult]:
    """Both roles in one process, message by message (tests and the benchmark)."""
    server = PsiServer(server_accounts, processes=processes)
    client = PsiClient(client_accounts, processes=processes)
    setup = server.setup_points()
    request = client.request()
    answer = server.reblind(request, ordered=ordered)
    double = client.blind_server_points(setup)
    return server, client.result(double, server.sizes_message(), answer, ordered=ordered)


__all__ = ["POINT_BYTES", "PsiClient", "PsiResult", "PsiServer", "intersect", "reblind", "server_order", "sort_points"]
