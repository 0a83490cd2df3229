"""Batch routing: capacities hold globally, only eligible pairs, the best total, same scores as online."""

import random

import numpy as np
import pytest

from allied.routing import (
    LeadArrays,
    PartnerTable,
    RoutingRules,
    eligibility,
    route_batch,
    route_one,
    solve_batch,
)
from allied.routing.auction import greedy, solve

from .conftest import NOW, instance, lead, partner


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_capacities_hold_and_every_pair_is_eligible(rules, seed):
    partners, leads = instance(120, 25, seed)
    by_id = {p.id: p for p in partners}
    got = route_batch(leads, partners, rules)
    assert [a.lead_id for a in got] == [ld.id for ld in leads]
    counts = {}
    for ld, a in zip(leads, got, strict=True):
        if a.partner_id is None:
            assert a.reason and a.score is None
            continue
        assert eligibility(ld, by_id[a.partner_id], rules) == []
        assert a.partner_id not in ld.declined_by
        counts[a.partner_id] = counts.get(a.partner_id, 0) + 1
    for pid, n in counts.items():
        assert n <= by_id[pid].remaining
    assert any(a.partner_id is None for a in got)  # the instance is short of capacity: some wait
    assert any(a.partner_id is not None for a in got)


def test_same_input_same_output_whatever_the_order(rules):
    partners, leads = instance(150, 30, seed=7)
    first = {a.lead_id: (a.partner_id, a.score and a.score.total) for a in route_batch(leads, partners, rules)}
    rng = random.Random(3)
    leads2, partners2 = list(leads), list(partners)
    rng.shuffle(leads2)
    rng.shuffle(partners2)
    second = {a.lead_id: (a.partner_id, a.score and a.score.total) for a in route_batch(leads2, partners2, rules)}
    assert first == second


def test_online_and_batch_agree_on_a_single_lead(rules):
    partners, leads = instance(60, 40, seed=11)
    for ld in leads:
        online = route_one(ld, partners, rules)
        [batch] = route_batch([ld], partners, rules)
        assert (online and online.partner_id) == batch.partner_id
        if online:
            assert online.score.breakdown == batch.score.breakdown
            assert [s.partner_id for s in online.runners_up] == [s.partner_id for s in batch.runners_up]


def test_batch_beats_first_come_first_served_on_contested_capacity():
    """Two leads, one seat near both: the seat goes where the alternative is worse."""
    rules = RoutingRules(weights={"distance": 100})
    partners = [partner("center", lat=52.50, lon=13.40, capacity=1),
                partner("east", lat=52.50, lon=13.80, capacity=1)]
    a = lead("a", lat=52.50, lon=13.38)  # right next to "center"; "east" is 29 km away
    b = lead("b", lat=52.50, lon=13.55)  # between them, a bit nearer "center"
    got = {x.lead_id: x.partner_id for x in route_batch([b, a], partners, rules)}
    assert got == {"a": "center", "b": "east"}
    assert route_one(b, partners, rules).partner_id == "center"  # alone, b would take it


def _objective(E, A, choice):
    rows = np.flatnonzero(choice >= 0)
    return float(A[rows, choice[rows]].sum())


def test_batch_objective_is_at_least_greedy():
    """Never below greedy (up to the auction's ε per lead), and clearly above it where capacity is contested."""
    rules = RoutingRules(max_distance_km=120, allowed_partner_types=frozenset({"reseller", "msp"}), now=NOW, epsilon=0.001)
    better = 0
    for seed in range(1, 9):
        partners, leads = instance(200, 30, seed)
        result = solve_batch(leads, partners, rules)
        E, A = result.edges
        ours, base = _objective(E, A, result.choice), _objective(E, A, greedy(E, A, result.table.remaining))
        assert ours >= base - len(leads) * rules.epsilon
        assert result.dual_bound >= ours - 1e-6
        better += ours > base + 1
    assert better >= 3


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_batch_objective_equals_the_ortools_optimum_on_small_instances(seed):
    pytest.importorskip("ortools")
    from ortools.graph.python import min_cost_flow

    rules = RoutingRules(max_distance_km=150, allowed_partner_types=frozenset({"reseller", "msp"}), now=NOW,
                         epsilon=0.001, top_k=50)
    partners, leads = instance(150, 20, seed, capacity=(1, 6))
    result = solve_batch(leads, partners, rules)
    E, A = result.edges
    n, cap = len(leads), result.table.remaining
    r, k = np.nonzero(E >= 0)
    smcf = min_cost_flow.SimpleMinCostFlow()
    src, snk, P = n + len(cap), n + len(cap) + 1, len(cap)
    for i in range(n):
        smcf.add_arc_with_capacity_and_unit_cost(src, i, 1, 0)
    arcs = [smcf.add_arc_with_capacity_and_unit_cost(int(i), n + int(E[i, kk]), 1, -round(float(A[i, kk]) * 1e6))
            for i, kk in zip(r, k, strict=True)]
    for j in range(P):
        smcf.add_arc_with_capacity_and_unit_cost(n + j, snk, int(cap[j]), 0)
    smcf.add_arc_with_capacity_and_unit_cost(src, snk, n, 0)
    smcf.set_node_supply(src, n)
    smcf.set_node_supply(snk, -n)
    assert smcf.solve() == smcf.OPTIMAL
    optimum = sum(float(A[i, kk]) for a, i, kk in zip(arcs, r, k, strict=True) if smcf.flow(a))
    ours = _objective(E, A, result.choice)
    assert ours == pytest.approx(optimum, abs=n * rules.epsilon + 1e-4)
    assert result.dual_bound >= optimum - 1e-4


def test_the_auction_handles_ties_and_zero_capacity_deterministically():
    E = np.array([[0, 1], [0, 1], [0, 1], [1, -1]])
    A = np.array([[5.0, 5.0], [5.0, 5.0], [5.0, 5.0], [5.0, -np.inf]])
    cap = np.array([1, 1])
    first = solve(E, A, cap, epsilon=0.01).choice
    assert (first >= 0).sum() == 2 and first.tolist() == solve(E, A, cap, epsilon=0.01).choice.tolist()
    assert (solve(E, A, np.array([0, 0]), epsilon=0.01).choice == -1).all()


def test_unassigned_leads_say_why():
    rules = RoutingRules(max_distance_km=50)
    partners = [partner("only", capacity=1)]
    got = route_batch([lead("a"), lead("b", lat=52.51, lon=13.36), lead("c", country="FR")], partners, rules)
    reasons = {a.lead_id: a.reason for a in got}
    assert sum(a.partner_id == "only" for a in got) == 1
    loser = "a" if got[0].partner_id is None else "b"
    assert reasons[loser] == "unassigned: all 1 best eligible partners are full with leads that score higher with them"
    assert reasons["c"] == "no eligible partner: 1 outside territory"


def test_lead_ids_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        route_batch([lead("a"), lead("a")], [partner("p")], RoutingRules())


def test_table_arrays_can_be_reused_for_leads():
    rules = RoutingRules()
    table = PartnerTable([partner("p")], rules)
    assert LeadArrays([lead()], table).x.shape == (1,)
    assert route_batch([lead()], table, rules)[0].partner_id == "p"


def test_empty_inputs():
    rules = RoutingRules()
    assert route_batch([], [], rules) == []
    [got] = route_batch([lead()], [], rules)
    assert got.partner_id is None and got.reason == "no eligible partner: there are no partners"
