"""compare(): how likely two prepared records are the same company, with the reason in words.

Evidence and how it is weighed (scores are 0..1; SAME_COMPANY = 0.85, POSSIBLE = 0.6):

* **Same registered domain** is the strongest evidence: 0.90 plus up to 0.09 for agreeing names,
  whatever the names say (a rebranded company keeps its domain). Free e-mail domains are not
  company evidence and count as missing.
* **Name similarity** ``s``: 1.0 equal after normalisation, 0.98 equal apart from spacing, 0.97
  apart from word order, 0.8 when one name is the acronym of the other; otherwise words are
  paired one to one (equal, or a typo: rapidfuzz ratio >= 80, >= 75 for four-letter words) and
  ``s`` is the paired weight over the weight of the *larger* name. A typo'd word counts 0.9-1
  (0.75 in a four-letter word, which may well be another word), generic words (group, global,
  international, worldwide, holding, "of") weigh 0.1, and every extra meaningful word costs a
  full word. So "Acme" vs "Acme Group" stays high, while "Acme" vs "Acme Medical" (0.5) or
  "Delta Air Lines" vs "Delta Dental" (0.33) fall well below SAME_COMPANY. Without domain
  evidence the score is ``0.96 * s``.
* **Different registered domains, both present**, are evidence *against*:
  - same brand on another ending (``acme.com`` vs ``acme.de``): +0.03, the same company's
    country site, *unless the countries differ* too;
  - related brands (one contains the other: ``acme.com`` vs ``acmecorp.com``): -0.03;
  - unrelated domains: -0.30.
* **Country**: the same country +0.02, different countries -0.12 (only -0.02 when the domain is the
  same), a missing country is neutral.

Hence "Acme Inc, acme.com, US" vs "Acme GmbH, acme.de, DE" scores 0.84: *possible* (the same brand
in two countries is often a subsidiary, a separate legal entity and territory), not the same
company; with the same country (or one country missing) it scores 0.99.

Reasons are human words made only of facts both sides share or of neutral statements ("different
website domains"): they never name the other record or its values, because partners see them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.process import extract

from .normalize import STOP_WORDS
from .records import Prepared

SAME_COMPANY = 0.85
POSSIBLE = 0.6

WEAK_WORDS = frozenset({"group", "global", "international", "worldwide", "holding", "holdings"})
_WEAK_WEIGHT = 0.1
_TYPO_CUTOFF = 80.0
_SHORT_TYPO_CUTOFF = 75.0
_MAX_TOKENS = 8


@dataclass(frozen=True, slots=True)
class Match:
    score: float  # 0..1
    reason: str  # words, e.g. "same website domain acme.com; names match after removing legal suffixes; same country (DE)"


_LIGHT = dict.fromkeys(WEAK_WORDS | STOP_WORDS, _WEAK_WEIGHT)


def _weight(token: str) -> float:
    return _LIGHT.get(token, 1.0)


def _token_similarity(ta: tuple[str, ...], tb: tuple[str, ...]) -> tuple[float, bool, bool]:
    """(similarity, every meaningful word matched, some word matched only as a typo).

    Words are paired one to one: equal words first, then the closest remaining pairs with
    rapidfuzz's ratio >= 80, or >= 75 for four-letter words (a typo). The similarity is the matched weight over
    the weight of the *larger* name, so every extra meaningful word costs a full word.
    """
    ta, tb = ta[:_MAX_TOKENS], tb[:_MAX_TOKENS]
    light = _LIGHT
    rest_b = list(tb)
    rest_a = []
    matched = 0.0
    for t in ta:
        if t in rest_b:
            rest_b.remove(t)
            matched += light.get(t, 1.0)
        else:
            rest_a.append(t)
    paired = matched
    typo = False
    if rest_a and rest_b:
        pairs = []
        for i, x in enumerate(rest_a):
            if len(x) < 3 or x.isdigit():
                continue
            # one C call per word scores it against every remaining word of the other name
            for y, r, j in extract(x, rest_b, scorer=fuzz.ratio, score_cutoff=_SHORT_TYPO_CUTOFF, limit=None):
                longest = max(len(x), len(y))
                if len(y) < 3 or longest < 4 or y.isdigit() or (longest > 4 and r < _TYPO_CUTOFF):
                    continue
                # one edit in a word of five letters or more is most likely a typo (credit 0.9 to 1);
                # in a four-letter word it may well be another word (credit 0.75)
                pairs.append((-(0.5 + r / 200.0 if longest > 4 else r / 100.0), i, j))
        used_a, used_b = set(), set()
        for neg_credit, i, j in sorted(pairs):
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            w = min(_weight(rest_a[i]), _weight(rest_b[j]))  # a misspelt generic word is still generic
            matched += w * -neg_credit
            paired += w
            typo = True
        rest_a = [t for i, t in enumerate(rest_a) if i not in used_a]
        rest_b = [t for j, t in enumerate(rest_b) if j not in used_b]
    wa = paired + sum([light.get(t, 1.0) for t in rest_a])
    wb = paired + sum([light.get(t, 1.0) for t in rest_b])
    if not wa or not wb:
        return 0.0, False, False
    all_meaningful = all(t in light for t in rest_a) and all(t in light for t in rest_b)
    return matched / max(wa, wb), all_meaningful, typo


def name_similarity(a: Prepared, b: Prepared) -> tuple[float, str]:
    """(similarity 0..1, what kind of agreement) for two prepared names."""
    if not a.compact or not b.compact:
        return 0.0, "differ"
    if a.name == b.name:
        return 1.0, "same" if a.raw == b.raw else "normalised"
    if a.compact == b.compact:
        return 0.98, "spacing"
    if a.sorted_compact == b.sorted_compact:
        return 0.97, "order"
    if (len(a.tokens) == 1 and a.compact == b.acronym) or (len(b.tokens) == 1 and b.compact == a.acronym):
        return 0.8, "acronym"
    sim, all_meaningful, typo = _token_similarity(a.tokens, b.tokens)
    kind = ("typo" if typo else "generic") if all_meaningful else ("partial" if sim >= 0.5 else "differ")
    if len(a.tokens) != len(b.tokens) and sim < 0.95 and abs(len(a.compact) - len(b.compact)) <= 2:
        # joined or split words *and* a typo: "DataDog" vs "Data Dgo"
        r = fuzz.ratio(a.compact, b.compact, score_cutoff=90.0) / 100.0 * 0.97
        if r > sim:
            return r, "typo"
    return sim, kind


_NAME_REASONS = {
    "same": "same name",
    "normalised": "names match after removing legal suffixes and punctuation",
    "spacing": "names match apart from spacing",
    "order": "names match apart from word order",
    "acronym": "one name is the acronym of the other",
    "typo": "names match apart from a small spelling difference",
    "generic": "names match apart from a generic word",
    "partial": "names share some words but differ in others",
    "differ": "names differ",
}


def _labels_related(x: str, y: str) -> bool:
    """One brand label contains the other (acme / acmecorp / getacme). Two registered domains one
    letter apart are *not* related: both exist, so they are most likely two companies."""
    if not x or not y:
        return False
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return len(short) >= 3 and short in long


def compare(a: Prepared, b: Prepared) -> Match:
    """Score 0..1 that ``a`` and ``b`` are the same company, and why, in words (see the module doc)."""
    s, kind = name_similarity(a, b)
    reasons: list[str] = []
    same_country = bool(a.country) and a.country == b.country
    diff_country = bool(a.country) and bool(b.country) and a.country != b.country
    if a.domain and a.domain == b.domain:
        score = 0.90 + 0.09 * s + (0.01 if same_country else -0.02 if diff_country else 0.0)
        reasons.append(f"same website domain {a.domain}")
    else:
        score = 0.96 * s
        if a.domain and b.domain:
            if a.domain_label and a.domain_label == b.domain_label:
                if not diff_country:
                    score += 0.03
                reasons.append("same brand in both website domains, on different endings")
            elif _labels_related(a.domain_label, b.domain_label):
                score -= 0.03
                reasons.append("different but related website domains")
            else:
                score -= 0.30
                reasons.append("different website domains")
        score += 0.02 if same_country else -0.12 if diff_country else 0.0
    reasons.append(_NAME_REASONS[kind])
    if same_country:
        reasons.append(f"same country ({a.country})")
    elif diff_country:
        reasons.append("different countries")
    if a.free_mail or b.free_mail:
        reasons.append("free e-mail domains are not company evidence")
    return Match(score=round(min(1.0, max(0.0, score)), 4), reason="; ".join(reasons))
