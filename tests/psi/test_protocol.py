"""The DH-PSI protocol against a plain set intersection, both sharing modes, secrets, parallel path."""

import random

import pytest

from allied.psi import InvalidPoint, PsiClient, PsiServer, intersect, server_order
from allied.psi.group import POINT_BYTES, check_secret, hash_to_point, new_secret
from allied.psi.parallel import CHUNK, blind_many, hash_and_blind_many


def _random_sets(seed: int, n_server: int, n_client: int, universe: int):
    rng = random.Random(seed)
    server = {f"acc{i}": [f"k{rng.randrange(universe)}"] for i in range(n_server)}
    client = [[f"k{rng.randrange(universe)}"] for _ in range(n_client)]
    return server, client


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ordered_mode_finds_exactly_the_plain_intersection_on_both_sides(seed):
    server, client = _random_sets(seed, 700, 500, 1500)
    srv, result = intersect(server, client, ordered=True, processes=1)

    server_keys = {keys[0] for keys in server.values()}
    client_keys = {keys[0] for keys in client}
    assert result.client_accounts == [i for i, keys in enumerate(client) if keys[0] in server_keys]
    assert sorted(srv.accounts_at(result.server_accounts)) == sorted(a for a, keys in server.items() if keys[0] in client_keys)
    assert result.overlap_count == sum(1 for keys in server.values() if keys[0] in client_keys)
    assert 0 < result.overlap_count < 700  # the sets really overlap in part


def test_counts_mode_gives_the_count_and_no_client_positions():
    server, client = _random_sets(7, 600, 400, 1200)
    srv, result = intersect(server, client, ordered=False, processes=1)
    client_keys = {keys[0] for keys in client}
    assert result.client_accounts is None
    assert result.overlap_count == sum(1 for keys in server.values() if keys[0] in client_keys)


def test_counts_mode_answer_is_sorted_so_its_order_says_nothing_about_the_request():
    srv = PsiServer({"a": ["k1"], "b": ["k2"]}, processes=1)
    client = PsiClient([[f"k{i}"] for i in range(50)], processes=1)
    request = client.request()
    ordered = srv.reblind(request, ordered=True)
    shuffled = srv.reblind(request, ordered=False)
    points = [shuffled[i:i + POINT_BYTES] for i in range(0, len(shuffled), POINT_BYTES)]
    assert points == sorted(points)
    assert sorted(points) == sorted(ordered[i:i + POINT_BYTES] for i in range(0, len(ordered), POINT_BYTES))
    assert shuffled != ordered
    # the same request sent in another order gets the very same answer: nothing links answer to request positions
    reversed_request = b"".join(reversed([request[i:i + POINT_BYTES] for i in range(0, len(request), POINT_BYTES)]))
    assert srv.reblind(reversed_request, ordered=False) == shuffled


def test_an_account_is_in_the_intersection_when_any_of_its_keys_is():
    server = {"v1": ["d:acme.com", "n:acme|US"], "v2": ["d:globex.com", "n:globex|DE"], "v3": ["n:initech|US"]}
    client = [["n:acme|US"], ["d:globex.com", "n:globex corp|DE"], ["d:initech.io", "n:initech|FR"], ["d:acme.com"]]
    srv, result = intersect(server, client, ordered=True, processes=1)
    assert sorted(srv.accounts_at(result.server_accounts)) == ["v1", "v2"]
    assert result.overlap_count == 2
    assert result.client_accounts == [0, 1, 3]


def test_each_session_has_its_own_secret_so_blinded_points_never_repeat_across_sessions():
    first, second = PsiServer({"a": ["k"]}, processes=1), PsiServer({"a": ["k"]}, processes=1)
    assert first.secret != second.secret
    assert first.setup_points() != second.setup_points()
    assert len({new_secret() for _ in range(20)}) == 20
    # the send order depends on the secret too, so positions do not carry over between sessions
    ids = [f"acc{i}" for i in range(200)]
    assert server_order(first.secret, ids) != server_order(second.secret, ids)
    assert server_order(first.secret, ids) == server_order(first.secret, list(reversed(ids)))


def test_blinding_commutes_which_is_what_makes_the_comparison_work():
    a, b = new_secret(), new_secret()
    point = hash_to_point("d:acme.com")
    assert blind_many(blind_many(point, a, processes=1), b, processes=1) == blind_many(blind_many(point, b, processes=1), a, processes=1)
    assert hash_to_point("d:acme.com") == point and hash_to_point("d:acme.co") != point


@pytest.mark.parametrize("bad, message", [
    (b"\xff" * 32, "point 1 is not a valid ristretto255 element"),
    (bytes(32), "point 1 is not a valid ristretto255 element"),  # the identity is refused too
    (b"\x01" * 31, "multiple of 32 bytes"),
])
def test_invalid_points_are_refused_with_a_clear_error(bad, message):
    srv = PsiServer({"a": ["k"]}, processes=1)
    good = PsiClient([["x"]], processes=1).request()
    with pytest.raises(InvalidPoint, match=message):
        srv.reblind(good + bad, ordered=True)


def test_invalid_point_in_a_worker_process_names_its_global_position():
    secret = new_secret()
    blob = hash_and_blind_many([f"k{i}" for i in range(CHUNK + 10)], secret, processes=1)
    position = CHUNK + 3
    broken = blob[:position * POINT_BYTES] + b"\xff" * 32 + blob[(position + 1) * POINT_BYTES:]
    with pytest.raises(InvalidPoint, match=f"point {position} is not") as caught:
        blind_many(broken, secret, processes=2)
    assert caught.value.index == position


def test_multiprocess_path_gives_the_same_bytes_as_one_process(monkeypatch):
    import allied.psi.parallel as parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN", 100)
    monkeypatch.setattr(parallel, "CHUNK", 256)
    keys = [f"key-{i}" for i in range(1500)]
    secret = new_secret()
    single = parallel.hash_and_blind_many(keys, secret, processes=1)
    done = []
    multi = parallel.hash_and_blind_many(keys, secret, processes=2, progress=done.append)
    assert multi == single and sum(done) == 1500 and len(done) == 6
    other = new_secret()
    assert parallel.blind_many(single, other, processes=2) == parallel.blind_many(single, other, processes=1)


def test_server_refuses_positions_outside_its_list_and_secrets_that_are_not_scalars():
    srv = PsiServer({"a": ["k"], "b": ["j"]}, processes=1)
    with pytest.raises(ValueError, match="outside 0..1"):
        srv.accounts_at([2])
    with pytest.raises(ValueError):
        check_secret(b"\xff" * 32)
    with pytest.raises(ValueError):
        check_secret(bytes(32))


def test_client_refuses_an_answer_of_the_wrong_length():
    srv = PsiServer({"a": ["k"]}, processes=1)
    client = PsiClient([["k"], ["j"]], processes=1)
    answer = srv.reblind(client.request(), ordered=True)
    double = client.blind_server_points(srv.setup_points())
    with pytest.raises(InvalidPoint, match="answered 1 points for the 2 sent"):
        client.result(double, srv.sizes_message(), answer[:POINT_BYTES], ordered=True)
