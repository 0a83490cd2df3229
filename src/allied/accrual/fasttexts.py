"""The fast engine's explanations: the reference's words (``checks.explain_*``), built in bulk.

The common case (a plain percentage, not capped) is one f-string per accrual with the rule's words
and every currency's number format prepared once; brackets, accelerators, caps, fixed amounts and
clawbacks go through the same ``explain_*`` functions as the reference. The accrual tests compare
the texts of both engines.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from .checks import explain_clawback, explain_fixed, explain_percent, minor_pieces
from .money import LIMIT, exponent, minor_floor, pct, period_label, rule_label, to_minor


def _formatter(places: int):
    """``fmt`` for one currency and non-negative amounts, without the per-call lookups."""
    if not places:
        return "{:,}".format
    unit = 10**places

    def fmt(minor: int) -> str:
        q, r = divmod(minor, unit)
        return f"{q:,}.{r:0{places}d}"
    return fmt


class Texts:
    def __init__(self, run, acc: dict, claw: dict | None):
        self.run, self.acc, self.claw = run, acc, claw
        self.cache: dict = {}

    def _per_currency(self, rule, currency: str):
        """(rate pieces in minor units, cap in minor units) of a rule in a currency, computed once."""
        key = (rule.id, currency)
        if key not in self.cache:
            cap = min(minor_floor(rule.cap, currency), LIMIT) if rule.cap is not None else None
            pieces = minor_pieces(rule, currency) if rule.fixed is None else []
            self.cache[key] = (pieces, cap)
        return self.cache[key]

    def all(self) -> list[str]:
        """Texts of the accruals, then of the clawbacks (the row order of ``acc`` and ``claw``)."""
        texts = self.positives()
        if self.claw:
            texts += self.clawbacks()
        return texts

    def positives(self) -> list[str]:
        run, acc = self.run, self.acc
        texts = [""] * len(acc["rule"])
        event = run.c_event[acc["credit"]]
        currency = run.cur[event]
        self.percent_code = run.c_pct_code[acc["credit"]]
        self.percent_text = [pct(p) for p in run.percents]
        self.whole = [p == 100 for p in run.percents]
        self.formats = [_formatter(exponent(c)) for c in run.currencies]
        capped = acc["raw"] != acc["amount"]
        for index, rule in enumerate(run.rules):
            mine = acc["rule"] == index
            if not mine.any():
                continue
            quick = np.flatnonzero(mine & ~capped)
            if rule.fixed is not None:
                self._fixed(texts, rule, quick, currency)
                general = np.flatnonzero(mine & capped)
            else:
                general = self._percent(texts, rule, quick, currency, event)
                general = np.concatenate((general, np.flatnonzero(mine & capped)))
            for i in general.tolist():
                texts[i] = self.one(i, rule, int(event[i]), int(currency[i]))
        return texts

    def _fixed(self, texts: list, rule, rows: np.ndarray, currency: np.ndarray) -> None:
        """Uncapped fixed amounts: ``explain_fixed`` without a cap."""
        run, acc, under = self.run, self.acc, f" under {rule_label(rule)}"
        heads = [f"fixed {self.formats[c](to_minor(rule.fixed, code, 'fixed'))} {code} per event"
                 if code == rule.currency else "" for c, code in enumerate(run.currencies)]
        totals: dict[int, str] = {}
        for i, c, p, w, q in zip(rows.tolist(), currency[rows].tolist(), self.percent_code[rows].tolist(),
                                 acc["weight_sum"][rows].tolist(), acc["qualifying"][rows].tolist(), strict=True):
            if q > 1:
                if w not in totals:
                    totals[w] = pct(Decimal(w) / Decimal(run.scale))
                texts[i] = f"{heads[c]}, {self.percent_text[p]} of {totals[w]} credit points{under}"
            else:
                texts[i] = heads[c] + under

    def _percent(self, texts: list, rule, rows: np.ndarray, currency: np.ndarray, event: np.ndarray) -> np.ndarray:
        """Uncapped percentages earned at one rate: one f-string each; answers the rows at several rates."""
        run, acc, under = self.run, self.acc, f" under {rule_label(rule)}"
        piece = np.zeros(len(rows), dtype=np.int64)
        several = np.zeros(len(rows), dtype=bool)
        rates = []
        for c, code in enumerate(run.currencies):
            pieces = self._per_currency(rule, code)[0]
            rates.append([f"{pct(p)} %" + (f" × {pct(m)}" if m is not None else "") for p, m, _, _ in pieces])
            here = np.flatnonzero(currency[rows] == c)
            if len(pieces) > 1 and len(here):
                before = acc["before"][rows[here]]
                after = before + acc["basis"][rows[here]]
                lengths = np.stack([np.maximum(0, np.minimum(after, min(end, LIMIT) if end is not None else after)
                                               - np.maximum(before, min(start, LIMIT)))
                                    for _, _, start, end in pieces], axis=1)
                piece[here] = np.argmax(lengths > 0, axis=1)
                several[here] = (lengths > 0).sum(axis=1) > 1
        simple = rows[~several]
        formats, percent_text, whole, currencies = self.formats, self.percent_text, self.whole, run.currencies
        for i, k, b, c, e, n, p in zip(simple.tolist(), piece[~several].tolist(), acc["basis"][simple].tolist(),
                                       currency[simple].tolist(), run.minor[event[simple]].tolist(),
                                       run.count[event[simple]].tolist(), self.percent_code[simple].tolist(),
                                       strict=True):
            f = formats[c]
            credit = "" if n <= 1 and whole[p] else f" ({percent_text[p]} % credit of {f(e)})"
            texts[i] = f"{rates[c][k]} of {f(b)} {currencies[c]}{credit}{under}"
        return rows[several]

    def one(self, i: int, rule, event: int, code: int) -> str:
        run, acc = self.run, self.acc
        currency = run.currencies[code]
        credit = int(acc["credit"][i])
        raw, amount = int(acc["raw"][i]), int(acc["amount"][i])
        pieces, cap = self._per_currency(rule, currency)
        label = period_label(run.days[int(run.day_index[event])], rule.period) if raw != amount else ""
        percent = run.percents[int(run.c_pct_code[credit])]
        if rule.fixed is not None:
            total = Decimal(int(acc["weight_sum"][i])) / Decimal(run.scale)
            return explain_fixed(rule, currency, to_minor(rule.fixed, currency, "fixed"), percent, total,
                                 int(acc["qualifying"][i]), raw, amount, cap, label)
        basis, before = int(acc["basis"][i]), int(acc["before"][i])
        if before < 0:
            segments = [(rule.percent, None, basis)]
        else:
            after = before + basis
            segments = [(p, m, max(0, min(after, end if end is not None else after) - max(before, start)))
                        for p, m, start, end in pieces]
        return explain_percent(rule, currency, segments, basis, int(run.minor[event]), percent, int(run.count[event]),
                               raw, amount, cap, label)

    def clawbacks(self) -> list[str]:
        run, claw = self.run, self.claw
        churn = run.kind_code.get("churn", -1)
        out = []
        for r, e, original, amount, already in zip(claw["rule"].tolist(), claw["event"].tolist(),
                                                   claw["original"].tolist(), claw["amount"].tolist(),
                                                   claw["already"].tolist(), strict=True):
            referred = int(run.refers[e])
            currency = run.currencies[int(run.cur[e])]
            kind = "churn" if run.kind[e] == churn else "refund"
            out.append(explain_clawback(run.rules[r], kind, currency, original, run.ids[referred],
                                        int(run.minor[e]), int(run.minor[referred]), amount, already))
        return out
