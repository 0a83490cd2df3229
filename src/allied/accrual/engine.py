"""The fast incentives engine: the same accruals as ``reference``, computed column-wise with numpy.

Exact, not approximately: money is int64 minor units, every rate is an exact fraction (the Decimal
percent × multiplier / 100 over a common denominator ``D`` per rule and currency), and rounding is
half-up in integer arithmetic (``q, r = divmod(num, D); q + (2r ≥ D)``). Nothing is a float.

How it goes (``_Run``): read the events into columns (codes for strings, one pass per attribute),
order them by (date, id) with ``np.lexsort``, split each event between its credits with the
largest-remainder rule (vectorized: floors, then rank by remainder within the event). Then, rule by
rule, a boolean mask picks the (event, credit) rows the rule applies to; cumulative volume and
earnings per (partner, currency, period) are group-wise cumulative sums after a stable sort on one
combined group key; a bracketed rate is ``F(after) - F(before)`` with the piecewise-linear
``F(x) = Σ ΔN_k · max(0, x - start_k)``; a cap is ``min(cap, earned after) - min(cap, earned before)``.
Clawbacks join refunds and churn to the accruals of the event they refer to with ``searchsorted``
and cap the running total taken back the same way. Last, the rows become ``Accrual`` objects.

Whatever the integer path cannot do exactly — a product that could pass 2**62 (amounts, caps or
thresholds in the quadrillions, rates with huge denominators) — and any input the reference refuses
raises ``Fallback``; ``evaluate`` then runs the reference, which computes in Decimal (or raises
the ``ValueError`` that names the bad rule or event).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import chain

import numpy as np

from . import reference
from .checks import CLAWBACK_KINDS, check_rules, minor_pieces
from .fasttexts import Texts
from .model import EVENT_KINDS, PERIODS, Accrual, Event, Rule
from .money import LIMIT, exponent, minor_floor, period_key, to_minor


class Fallback(Exception):
    """The integer path cannot answer exactly (overflow) or the input is invalid: ask the reference."""


def evaluate(rules: Iterable[Rule], events: Iterable[Event]) -> list[Accrual]:
    rules, events = list(rules), list(events)
    try:
        return evaluate_fast(rules, events)
    except Fallback:
        return reference.evaluate(rules, events)


def evaluate_fast(rules: Iterable[Rule], events: Iterable[Event]) -> list[Accrual]:
    """The vectorized path only; raises ``Fallback`` where ``evaluate`` would use the reference."""
    rules, events = list(rules), list(events)
    check_rules(rules)
    if not events:
        return []
    collecting = gc.isenabled()
    gc.disable()  # millions of new objects and no cycles: the collector would only rescan the inputs
    try:
        return _Run(rules, events).accruals()
    finally:
        if collecting:
            gc.enable()


def _need(condition, why: str) -> None:
    if not condition:
        raise Fallback(why)


def _codes(values) -> tuple[np.ndarray, list]:
    """Small integer codes for hashable values, and the values by code."""
    try:
        uniques = list(dict.fromkeys(values))
    except TypeError:
        raise Fallback("unhashable value") from None
    index = {v: i for i, v in enumerate(uniques)}
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values)), uniques


def _lookup(uniques: list, test) -> np.ndarray:
    return np.array([bool(test(u)) for u in uniques] or [False], dtype=bool)


def _group_cumsum(values: np.ndarray, new_group: np.ndarray) -> np.ndarray:
    """Inclusive running sums that restart where ``new_group`` is true (``new_group[0]`` must be)."""
    total = np.cumsum(values)
    starts = np.flatnonzero(new_group)
    base = (total - values)[starts]
    return total - base[np.cumsum(new_group) - 1]


def _half_up(num: np.ndarray, den) -> np.ndarray:
    """Round ``num / den`` half-up for ``num ≥ 0``, ``0 < den < 2**62``."""
    q, r = np.divmod(num, den)
    return q + (2 * r >= den)


class _Run:
    def __init__(self, rules: list[Rule], events: list[Event]):
        self.rules = rules
        try:
            self._read_events(events)
            self._read_credits(events)
        except (AttributeError, ArithmeticError, TypeError, ValueError) as exc:
            raise Fallback(f"input the reference should judge: {exc}") from None
        self._split_bases()

    # ---- input -------------------------------------------------------------------------------
    def _read_events(self, events: list[Event]) -> None:
        n = self.n = len(events)
        ids = [e.id for e in events]
        _need(len(set(ids)) == n, "an event id is given twice")
        kind, kinds = _codes([e.kind for e in events])
        _need(set(kinds) <= set(EVENT_KINDS), "unknown event kind")
        day, days = _codes([e.occurred_on for e in events])
        cur, self.currencies = _codes([e.currency for e in events])
        exps = [exponent(c) for c in self.currencies]
        amounts = [e.amount for e in events]
        _need(all(type(a) is Decimal for a in amounts), "amounts must be Decimal")
        scaled = list(map(Decimal.scaleb, amounts, [exps[c] for c in cur.tolist()]))
        minor = list(map(int, scaled))
        _need(all(map(Decimal.__eq__, scaled, minor)), "an amount is finer than its currency's minor unit")
        _need(min(minor) >= 0 and max(minor) < LIMIT // max(n, 1), "negative or huge amount")
        # Order by (date, id). NumPy compares str code point by code point like Python (ids are
        # assumed free of trailing NUL characters, which a fixed-width numpy string would drop).
        ordinal = np.array([d.toordinal() for d in days], dtype=np.int64)[day]
        perm = np.lexsort((np.array(ids), ordinal))
        rank = np.empty(n, dtype=np.int64)
        rank[perm] = np.arange(n)
        self.perm, self.rank = perm, rank
        self.ids = [ids[i] for i in perm.tolist()]
        self.kind_code = {k: i for i, k in enumerate(kinds)}
        self.kind = kind[perm]
        self.ordinal = ordinal[perm]
        self.day_index = day[perm]
        self.days = days
        self.cur = cur[perm]
        self.minor = np.array(minor, dtype=np.int64)[perm]
        self.period = {}
        for period in PERIODS:
            keys = np.array([period_key(d, period) for d in days], dtype=np.int64)[day][perm]
            self.period[period] = keys - keys.min()
        self.span = {p: int(k.max()) + 1 for p, k in self.period.items()}
        self.deal, self.deal_types = _codes([e.deal_type for e in events])
        self.prod, self.product_sets = _codes([e.products for e in events])
        self.mile, self.milestones = _codes([e.milestone for e in events])
        self.deal, self.prod, self.mile = self.deal[perm], self.prod[perm], self.mile[perm]
        claws = [self.kind_code[k] for k in CLAWBACK_KINDS if k in self.kind_code]
        self.is_claw = np.isin(self.kind, claws)
        self.refers = np.full(n, -1, dtype=np.int64)
        where = np.flatnonzero(self.is_claw)
        if len(where):
            position = dict(zip(self.ids, range(n), strict=True))
            refs = [position.get(events[i].refers_to, -1) for i in perm[where].tolist()]
            self.refers[where] = refs
            ref = self.refers[where]
            _need((ref >= 0).all() and (ref < where).all(), "a clawback refers to no earlier event")
            _need(not self.is_claw[ref].any(), "a clawback refers to a clawback")
            _need((self.cur[ref] == self.cur[where]).all(), "a clawback in another currency")

    def _read_credits(self, events: list[Event]) -> None:
        lists = [e.credits for e in events]
        count = np.fromiter(map(len, lists), dtype=np.int64, count=self.n)
        flat = list(chain.from_iterable(lists))
        m = len(flat)
        event_of = self.rank[np.repeat(np.arange(self.n), count)]
        order = np.argsort(event_of, kind="stable")
        self.c_event = event_of[order]
        pids = [c.partner_id for c in flat]
        _need(all(type(p) is int for p in pids), "partner ids must be int")
        self.c_partner = np.array(pids, dtype=np.int64)[order]
        percent, self.percents = _codes([c.percent for c in flat])
        fractions = [Fraction(p) for p in self.percents]
        _need(all(f >= 0 for f in fractions), "negative credit percent")
        scale = math.lcm(*(f.denominator for f in fractions)) if fractions else 1
        _need(scale <= 10**9, "credit percents too fine")
        self.scale = scale
        self.c_pct_code = percent[order]
        self.c_points = np.array([int(f * scale) for f in fractions] or [0], dtype=np.int64)[self.c_pct_code]
        for name in ("role", "tier", "partner_type"):
            codes, uniques = _codes([getattr(c, name) for c in flat])
            setattr(self, f"c_{name}", codes[order])
            setattr(self, f"{name}s", uniques)
        sorted_count = count[self.perm]
        self.count = sorted_count
        self.first = np.concatenate(([0], np.cumsum(sorted_count)[:-1]))
        self.c_cur = self.cur[self.c_event]
        # Validation: percents add up to 100, a partner is credited once per event.
        total = np.concatenate(([0], np.cumsum(self.c_points)))
        sums = total[self.first + sorted_count] - total[self.first]
        _need(((sorted_count == 0) | (sums == 100 * scale)).all(), "credit percents do not add up to 100")
        if m > 1:
            o = np.lexsort((self.c_partner, self.c_event))
            same = (self.c_event[o][1:] == self.c_event[o][:-1]) & (self.c_partner[o][1:] == self.c_partner[o][:-1])
            _need(not same.any(), "a partner is credited twice")
        _, self.c_partner_code = np.unique(self.c_partner, return_inverse=True)
        self.n_partners = int(self.c_partner_code.max()) + 1 if m else 1

    def _split_bases(self) -> None:
        """Each credit's basis: the event amount split by percent, largest remainder, ties to the first."""
        amount = self.minor[self.c_event]
        _need(int(self.minor.max()) * int(self.c_points.max(initial=0)) < LIMIT, "split overflows")
        self.basis = self._split(amount, self.c_points, 100 * self.scale, self.c_event)

    @staticmethod
    def _split(total: np.ndarray, weight: np.ndarray, weight_sum, group_key: np.ndarray) -> np.ndarray:
        """Largest remainder of ``total`` (per row, equal within a group) by ``weight / weight_sum``."""
        if not len(total):
            return total.copy()
        den = np.where(weight_sum > 0, weight_sum, 1)
        floor, rem = np.divmod(total * weight, den)
        new = np.concatenate(([True], group_key[1:] != group_key[:-1]))
        gid = np.cumsum(new) - 1
        floor_sum = _group_cumsum(floor, new)
        last = np.concatenate((np.flatnonzero(new)[1:] - 1, [len(new) - 1]))
        left = (total[last] - floor_sum[last])[gid]
        left = np.where(weight_sum > 0, left, 0)
        order = np.lexsort((-rem, gid))
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order)) - np.flatnonzero(new)[gid[order]]
        return floor + (rank < left)

    # ---- rules ------------------------------------------------------------------------------
    def _event_mask(self, rule: Rule) -> np.ndarray:
        kinds = [self.kind_code[k] for k in rule.triggers if k in self.kind_code and k not in CLAWBACK_KINDS]
        mask = np.isin(self.kind, kinds)
        mask &= self.ordinal >= rule.effective_from.toordinal()
        if rule.effective_to is not None:
            mask &= self.ordinal < rule.effective_to.toordinal()
        if rule.currency:
            mask &= self.cur == (self.currencies.index(rule.currency) if rule.currency in self.currencies else -1)
        if rule.deal_types:
            mask &= _lookup(self.deal_types, lambda v: v in rule.deal_types)[self.deal]
        if rule.products:
            mask &= _lookup(self.product_sets, lambda s: rule.products & s)[self.prod]
        if rule.milestones:
            mask &= _lookup(self.milestones, lambda v: v in rule.milestones)[self.mile]
        return mask

    def _rows(self, rule: Rule) -> np.ndarray:
        ok = self._event_mask(rule)[self.c_event]
        for name, wanted in (("tier", rule.tiers), ("partner_type", rule.partner_types), ("role", rule.roles)):
            if wanted:
                ok &= _lookup(getattr(self, f"{name}s"), wanted.__contains__)[getattr(self, f"c_{name}")]
        return np.flatnonzero(ok)

    def _groups(self, rule: Rule, rows: np.ndarray):
        """Stable order of ``rows`` by (partner, currency, period) and where each group starts."""
        period = self.period[rule.period][self.c_event[rows]]
        key = (self.c_partner_code[rows] * len(self.currencies) + self.c_cur[rows]) * self.span[rule.period] + period
        order = np.argsort(key, kind="stable")
        k = key[order]
        return order, np.concatenate(([True], k[1:] != k[:-1])) if len(k) else np.zeros(0, bool)

    def _apply(self, index: int, rule: Rule) -> dict | None:
        rows = self._rows(rule)
        if not len(rows):
            return None
        basis = self.basis[rows]
        needs_groups = rule.cap is not None or bool(rule.brackets) or rule.accelerator is not None
        if needs_groups:
            order, new = self._groups(rule, rows)
        before = np.full(len(rows), -1, dtype=np.int64)
        weight_sum = qualifying = np.zeros(len(rows), dtype=np.int64)
        if rule.fixed is not None:
            fixed = to_minor(rule.fixed, rule.currency, "fixed")
            points = self.c_points[rows]
            events = self.c_event[rows]
            _need(fixed * int(points.max()) < LIMIT and fixed < LIMIT // len(rows), "fixed amount overflows")
            new_event = np.concatenate(([True], events[1:] != events[:-1]))
            sums = _group_cumsum(points, new_event)
            last = np.concatenate((np.flatnonzero(new_event)[1:] - 1, [len(rows) - 1]))
            group = np.cumsum(new_event) - 1
            weight_sum = sums[last][group]
            qualifying = np.diff(np.concatenate((np.flatnonzero(new_event), [len(rows)])))[group]
            raw = self._split(np.full(len(rows), fixed, np.int64), points, weight_sum, events)
        else:
            raw = np.zeros(len(rows), dtype=np.int64)
            if needs_groups:
                after_sorted = _group_cumsum(basis[order], new)
                after = np.empty_like(after_sorted)
                after[order] = after_sorted
                before = after - basis
            for code, currency in enumerate(self.currencies):
                here = np.flatnonzero(self.c_cur[rows] == code)
                if len(here):
                    raw[here] = self._percent(rule, currency, basis[here], before[here] if needs_groups else None)
        amount = raw
        if rule.cap is not None:
            caps = np.array([min(minor_floor(rule.cap, c), LIMIT) for c in self.currencies], dtype=np.int64)
            cap = caps[self.c_cur[rows]][order]
            _need(int(raw.max()) < LIMIT // len(rows), "earnings overflow")
            earned = _group_cumsum(raw[order], new)
            capped = np.minimum(cap, earned) - np.minimum(cap, earned - raw[order])
            amount = np.empty_like(raw)
            amount[order] = capped
        keep = amount > 0
        return {"rule": np.full(int(keep.sum()), index, np.int64), "credit": rows[keep], "amount": amount[keep],
                "basis": basis[keep], "raw": raw[keep], "before": before[keep], "weight_sum": weight_sum[keep],
                "qualifying": qualifying[keep]}

    def _percent(self, rule: Rule, currency: str, basis: np.ndarray, before: np.ndarray | None) -> np.ndarray:
        pieces = minor_pieces(rule, currency)
        rates = [Fraction(p) / 100 * (Fraction(m) if m is not None else 1) for p, m, _, _ in pieces]
        den = math.lcm(*(r.denominator for r in rates))
        nums = [int(r * den) for r in rates]
        steps = [n - (nums[k - 1] if k else 0) for k, n in enumerate(nums)]
        _need(den < LIMIT // 4, "rate denominator too large")
        _need(int(basis.max()) * sum(abs(s) for s in steps) < LIMIT, "rate times basis overflows")
        if before is None:
            return _half_up(basis * nums[0], den)
        after = before + basis
        num = np.zeros(len(basis), dtype=np.int64)
        for step, (_, _, start, _) in zip(steps, pieces, strict=True):
            if step and start < LIMIT:
                num += step * (np.maximum(after - start, 0) - np.maximum(before - start, 0))
        return _half_up(num, den)

    # ---- clawbacks --------------------------------------------------------------------------
    def _clawbacks(self, acc: dict) -> dict:
        events = self.c_event[acc["credit"]]
        order = np.lexsort((acc["credit"], acc["rule"], events))
        a_event = events[order]
        claws = np.flatnonzero(self.is_claw)
        ref = self.refers[claws]
        lo, hi = np.searchsorted(a_event, ref, "left"), np.searchsorted(a_event, ref, "right")
        count = hi - lo
        claw = np.repeat(claws, count)
        offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        a = order[np.repeat(lo, count) + offset]  # index into acc
        window = np.array([r.clawback_days for r in self.rules], dtype=np.int64)[acc["rule"][a]]
        days = self.ordinal[claw] - self.ordinal[self.c_event[acc["credit"][a]]]
        keep = (window > 0) & (days <= window)
        claw, a = claw[keep], a[keep]
        original, basis = acc["amount"][a], acc["basis"][a]
        event_amount, refunded = self.minor[self.refers[claw]], self.minor[claw]
        full = (self.kind[claw] == self.kind_code.get("churn", -1)) | (refunded >= event_amount)
        part = ~full
        if part.any():
            _need(int(max(original.max(), basis.max())) * int(refunded[part].max()) < LIMIT, "clawback overflows")
        den = np.where(full, 1, event_amount)
        want = np.where(full, original, _half_up(original * np.where(full, 0, refunded), den))
        want_basis = np.where(full, basis, _half_up(basis * np.where(full, 0, refunded), den))
        by = np.argsort(a, kind="stable")
        new = np.concatenate(([True], a[by][1:] != a[by][:-1])) if len(a) else np.zeros(0, bool)
        taken = _group_cumsum(want[by], new)
        take, already = np.empty_like(want), np.empty_like(want)
        take[by] = np.minimum(original[by], taken) - np.minimum(original[by], taken - want[by])
        already[by] = np.minimum(original[by], taken - want[by])
        ok = take > 0
        return {"event": claw[ok], "rule": acc["rule"][a][ok], "credit": acc["credit"][a][ok], "amount": -take[ok],
                "basis": -want_basis[ok], "original": original[ok], "already": already[ok]}

    # ---- output -----------------------------------------------------------------------------
    def accruals(self) -> list[Accrual]:
        parts = [p for p in (self._apply(i, r) for i, r in enumerate(self.rules)) if p is not None]
        keys = ("rule", "credit", "amount", "basis", "raw", "before", "weight_sum", "qualifying")
        acc = {k: np.concatenate([p[k] for p in parts]) if parts else np.zeros(0, np.int64) for k in keys}
        claw = self._clawbacks(acc) if self.is_claw.any() and len(acc["rule"]) else None
        return self._materialize(acc, claw)

    def _materialize(self, acc: dict, claw: dict | None) -> list[Accrual]:
        none = np.zeros(0, dtype=np.int64)
        event = np.concatenate((self.c_event[acc["credit"]], claw["event"] if claw else none))
        rule = np.concatenate((acc["rule"], claw["rule"] if claw else none))
        credit = np.concatenate((acc["credit"], claw["credit"] if claw else none))
        amount = np.concatenate((acc["amount"], claw["amount"] if claw else none))
        basis = np.concatenate((acc["basis"], claw["basis"] if claw else none))
        order = np.lexsort((credit, rule, event))
        rules = self.rules
        hold = np.array([r.holdback_days for r in rules], dtype=np.int64)[rule]
        releasable = self.ordinal[event] + hold
        dates = {o: date.fromordinal(o) for o in np.unique(releasable).tolist()}
        currency = self.cur[event][order]
        scale = np.array([-exponent(c) for c in self.currencies], dtype=np.int64)[currency].tolist()
        texts = Texts(self, acc, claw).all()
        # Column by column with map (C loops), then one positional Accrual(...) call per row.
        column = [
            list(map(self.ids.__getitem__, event[order].tolist())),
            list(map([r.id for r in rules].__getitem__, rule[order].tolist())),
            list(map(self.c_partner.tolist().__getitem__, credit[order].tolist())),
            list(map(self.currencies.__getitem__, currency.tolist())),
            list(map(Decimal.scaleb, map(Decimal, amount[order].tolist()), scale)),
            list(map(Decimal.scaleb, map(Decimal, basis[order].tolist()), scale)),
            list(map(dates.__getitem__, releasable[order].tolist())),
            list(map(texts.__getitem__, order.tolist())),
        ]
        return list(map(Accrual, *column))
