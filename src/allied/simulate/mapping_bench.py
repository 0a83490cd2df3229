"""Two labeled account lists for measuring account mapping at scale (``allied bench mapping``).

``mapping_lists(n, overlap=0.5, seed=...)`` makes a *left* and a *right* list of ``n`` records each,
as two CRMs (a vendor's and a partner's) hold them, and the ground truth: the set of
``(left_id, right_id)`` pairs that are the same company. Deterministic for a seed.

What is in it:

* **Shared companies** (``overlap`` of ``n``): the same company written independently on each side.
  One to three name changes (legal form changed, often to another country's or language's form;
  case and punctuation; ``&``/and/und/+; an abbreviation, known to the normaliser or not; a
  one-letter typo; word order; words joined or split; the acronym of a long name) plus, on top,
  a leading "The" added or dropped and accents dropped (``Müller`` -> ``Muller``); the website as
  a bare domain, with www, as a URL with a path, a subdomain, an e-mail address, in upper case,
  missing on one side, a free e-mail address, or the brand on another country ending; the country
  as a code, an ISO-3 code, a name, or missing on one side. About 2 % of shared companies appear
  twice on the right (a CRM duplicate): both right records are true matches.
* **Hard negatives** (about a third of the companies that are on one side only come as a pair, one
  on each side): different companies that look alike: a shared distinctive word ("Zentrix" vs
  "Zentrix Capital"), the same first word ("Delta Air Lines" vs "Delta Dental"), the same or a
  similar name in another country with another domain, one word different ("Apex Cloud Solutions"
  vs "Apex Data Solutions"), brands one letter apart ("Lumex" vs "Lumix"), and franchisees of one
  brand in different cities ("Sunrise Realty Denver" vs "Sunrise Realty Boston"; a quarter of
  them enter the franchisor's website, so they share a domain: no matcher that trusts domains can
  tell those apart).
* **Unrelated companies** fill the rest. Names come from a large generated vocabulary (coined
  brands, surnames, places, "Adjective Field Things"), so at a million records some different
  companies share a common name ("Summit Consulting") by chance, as in real lists; distinct
  companies never share a registered domain, except the franchisees above.

Nothing here looks at the matcher: the set is built for realism, not tuned to a score.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from allied.matching import Record

from .company_variants import (
    _CHANGE_WEIGHTS as CHANGE_WEIGHTS,
)
from .company_variants import (
    _MILD as MILD_CHANGES,
)
from .company_variants import (
    ADJECTIVES,
    COUNTRY_WEIGHTS,
    DESCRIPTORS,
    FIELDS,
    FREE_MAIL,
    INDUSTRIES,
    PLACES,
    SURNAMES,
    SYLLABLES,
    THINGS,
    TLD,
    _ascii,
    _base_words,
    _Company,
    _company,
    _other_legal,
    _pick_country,
    _present_country,
    _present_domain,
    _render,
)
from .company_variants import (
    NAME_CHANGES as _NAME_CHANGES,
)
from .names import CORES, PREFIXES

FRANCHISE_BRANDS = ["Sunrise Realty", "Golden Key Realty", "Speedy Lube", "Happy Paws Grooming", "Quick Print",
                    "Bright Smiles Dental", "Tutor Time", "Prime Fitness", "Fresh Bites", "Home Comfort HVAC",
                    "Green Lawn Care", "Swift Movers", "Pro Clean", "Little Scholars", "Urban Coffee"]
CITIES = PLACES + ["Springfield", "Madison", "Franklin", "Arlington", "Salem", "Fairview", "Georgetown", "Clinton",
                   "Chester", "Oxford", "Dover", "Auburn", "Kingston", "Bristol", "Lexington", "Jackson", "Marion"]


@dataclass
class MappingSet:
    left: list[Record]
    right: list[Record]
    truth: set[tuple[str, str]]
    kinds: dict[str, int] = field(default_factory=dict)  # how many pairs/records of each kind were generated


# ----------------------------------------------------------------------------- names

_ONSETS = ["b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "kr", "l", "m", "n", "p",
           "pr", "qu", "r", "s", "sh", "sk", "st", "t", "tr", "v", "w", "z"]
_VOWELS = ["a", "e", "i", "o", "u", "ae", "ia", "io", "ou", "y"]
_CODAS = ["", "", "", "n", "r", "s", "x", "l", "m", "nd", "rk", "st", "th", "v"]


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _coined(rng: random.Random) -> str:
    """A coined brand ("Zentrix", "Brionda"): two or three syllables from about 4,000, so two
    unrelated brands are rarely one letter apart (real brand names are not that dense either)."""
    if rng.random() < 0.15:  # the shorter brands of company_variants' syllables, which do collide
        return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return "".join(_syllable(rng) for _ in range(rng.choices((2, 3), weights=(65, 35))[0])).capitalize()


def _words(rng: random.Random, country: str) -> list[str]:
    """A company name without legal form. Mostly coined brands and combinations from large word
    spaces, so most names are unique at a million records; some come from the small generic
    families of ``company_variants`` ("Meyer Brothers", "Pacific Logistics"), which collide by
    chance as common names do in real lists."""
    roll = rng.random()
    if roll < 0.67:
        words = [_coined(rng)]
        extra = rng.random()
        if extra < 0.45:
            words.append(rng.choice(DESCRIPTORS + INDUSTRIES))
        elif extra < 0.55:
            words.insert(0, rng.choice(PLACES))
        return words
    if roll < 0.7:
        first, second = rng.sample(SURNAMES, 2)
        return [first, "&", second] + ([rng.choice(["Associates", "Partners", "Consulting"])] if rng.random() < 0.4 else [])
    if roll < 0.76:
        return [rng.choice(ADJECTIVES), _coined(rng), rng.choice(THINGS)]
    if roll < 0.88:
        return [rng.choice(PREFIXES + PLACES), rng.choice(CORES + FIELDS), rng.choice(DESCRIPTORS + INDUSTRIES)]
    if roll < 0.97:
        return [rng.choice(SURNAMES), _coined(rng), rng.choice(INDUSTRIES)]
    return _base_words(rng, country)


# ----------------------------------------------------------------------------- domains

class _Domains:
    """Registered domains in use: distinct companies get distinct domains, as on the real web."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, rng: random.Random, c: _Company) -> None:
        if not c.domain:
            return
        domain = c.domain.lower()
        label, _, tld = domain.partition(".")
        tries = 0
        while domain in self.used:
            tries += 1
            roll = rng.random()
            if roll < 0.3:
                domain = f"{label}{rng.choice(['inc', 'group', 'hq', 'co', 'corp', 'global'])}.{tld}"
            elif roll < 0.5:
                domain = f"get{label}.{tld}" if rng.random() < 0.5 else f"{label}-{c.country.lower()}.{tld}"
            elif roll < 0.7:
                domain = f"{label}.{rng.choice(['com', 'net', 'io', 'co', TLD.get(c.country, 'org')])}"
            else:
                domain = f"{label}{rng.randrange(2, 100)}.{tld}"
            if tries > 20:
                domain = f"{label}{rng.randrange(10**6)}.{tld}"
        self.used.add(domain)
        c.domain = domain


# ----------------------------------------------------------------------------- variants

_ACCENTED = {"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "í", "n": "ñ", "c": "ç"}


def _touch_up(rng: random.Random, words: list[str]) -> list[str]:
    """A leading "The" added or dropped; accents dropped or (rarely) added."""
    out = list(words)
    if out and out[0] == "The" and rng.random() < 0.6:
        out = out[1:] or out
    elif rng.random() < 0.04:
        out = ["The", *out]
    if any(not w.isascii() for w in out) and rng.random() < 0.6:
        out = [_ascii(w) or w for w in out]
    elif rng.random() < 0.03:
        i = rng.randrange(len(out))
        w = out[i]
        spots = [j for j, ch in enumerate(w) if ch in _ACCENTED]
        if spots:
            j = rng.choice(spots)
            out[i] = w[:j] + _ACCENTED[w[j]] + w[j + 1:]
    return out


def _variant(rng: random.Random, c: _Company) -> tuple[Record, Record]:
    """The company as the left CRM and as the right CRM hold it (ids filled in later)."""
    variant = _Company(list(c.words), c.country, c.legal, c.domain, c.prefix_legal)
    applied: set[str] = set()
    for step in range(rng.choices((1, 2, 3), weights=(60, 30, 10))[0]):
        change = rng.choices(list(CHANGE_WEIGHTS), weights=list(CHANGE_WEIGHTS.values()))[0]
        if change in applied or "acronym" in applied or (change == "acronym" and step > 0):
            continue
        if change == "legal":
            variant.legal = _other_legal(rng, c)
            applied.add(change)
            continue
        new = _NAME_CHANGES[change](rng, variant.words)
        if new:
            variant.words = new
            applied.add(change)
            if change == "acronym":
                variant.legal = variant.legal if rng.random() < 0.5 else ""
    if not applied:
        variant.legal = _other_legal(rng, c)
        applied.add("legal")
    if "acronym" not in applied:
        variant.words = _touch_up(rng, variant.words)

    left = Record("", _render(rng, c), _present_domain(rng, c.domain), _present_country(rng, c.country))
    roll = rng.random()
    right_domain: str | None = None
    if not c.domain or roll < 0.55:
        right_domain = None
    elif roll < 0.75:
        right_domain = ""
    elif roll < 0.82:
        left = Record("", left.name, "", left.country)
    elif roll < 0.87:
        right_domain = f"{rng.choice(['j.smith', 'sales', 'orders'])}@{rng.choice(FREE_MAIL)}"
    elif applied <= MILD_CHANGES:
        label, _, tld = c.domain.partition(".")
        other = TLD.get(c.country, "de") if tld == "com" else "com"
        if other == tld:
            other = "net"
        right_domain = _present_domain(rng, f"{label}.{other}")
    roll = rng.random()
    right_country: str | None = None
    if roll < 0.15:
        right_country = ""
    elif roll < 0.25:
        left = Record("", left.name, left.domain, "")
    right = Record(
        "",
        _render(rng, variant),
        _present_domain(rng, variant.domain) if right_domain is None else right_domain,
        _present_country(rng, variant.country) if right_country is None else right_country,
    )
    return left, right


def _base(rng: random.Random, min_words: int = 1) -> _Company:
    while True:
        c = _company_for(rng)
        if len([w for w in c.words if w[:1].isalpha()]) >= min_words:
            return c


def _shared_word(rng: random.Random) -> tuple[_Company, _Company]:
    """"Zentrix" vs "Zentrix Medical", "Zentrix Logistics" vs "Capital Zentrix"."""
    a = _base(rng)
    distinctive = [w for w in a.words if w[:1].isupper() and w not in DESCRIPTORS and w not in ("&", "The")]
    word = rng.choice(distinctive) if distinctive else a.words[0]
    extra = rng.choice([w for w in INDUSTRIES if w not in a.words])
    if rng.random() < 0.5:
        words = [*a.words, extra] if rng.random() < 0.5 else [word, extra]
    else:
        words = [extra, word] if rng.random() < 0.3 else [word, extra]
    if [w.lower() for w in words] == [w.lower() for w in a.words]:
        words.append(rng.choice(DESCRIPTORS))
    return a, _company(rng, a.country if rng.random() < 0.6 else _pick_country(rng), words)


def _other_country(rng: random.Random) -> tuple[_Company, _Company]:
    """The same or a similar name in another country, with its own domain."""
    a = _base(rng)
    country = rng.choice([c for c in COUNTRY_WEIGHTS if c != a.country])
    words = list(a.words)
    if rng.random() < 0.4:
        words.append(rng.choice(DESCRIPTORS + INDUSTRIES))
    b = _company(rng, country, words)
    label = "".join(_ascii(w).lower() for w in words if w.isalpha())[:30]
    b.domain = f"{label}{rng.choice(['group', 'hq', '-' + country.lower(), 'online', 'co', ''])}.{TLD.get(country, 'com')}"
    return a, b


def _one_word_differs(rng: random.Random) -> tuple[_Company, _Company]:
    """"Apex Cloud Solutions" vs "Apex Data Solutions"."""
    a = _base(rng, min_words=2)
    words = list(a.words)
    positions = [i for i, w in enumerate(words) if w not in ("&", "of", "de", "The")]
    j = rng.choice(positions)
    words[j] = rng.choice([w for w in INDUSTRIES + CORES + FIELDS + PLACES + SURNAMES if w.lower() != words[j].lower()])
    return a, _company(rng, a.country if rng.random() < 0.7 else _pick_country(rng), words)


def _one_letter_apart(rng: random.Random) -> tuple[_Company, _Company]:
    """Two real brands one letter apart ("Lumex" vs "Lumix"): they look exactly like a typo."""
    a = _company_for(rng)
    a.words = [_coined(rng)] + ([rng.choice(INDUSTRIES)] if rng.random() < 0.4 else [])
    brand = a.words[0]
    vowels, consonants = "aeiou", "bcdfgklmnprstvz"
    while True:
        j = rng.randrange(len(brand))
        pool = vowels if brand[j].lower() in vowels else consonants
        letter = rng.choice(pool.replace(brand[j].lower(), ""))
        other = brand[:j] + (letter.upper() if j == 0 else letter) + brand[j + 1:]
        if other.lower() != brand.lower():
            break
    return a, _company(rng, a.country if rng.random() < 0.5 else _pick_country(rng), [other] + a.words[1:])


def _franchise(rng: random.Random, used: set[tuple[str, str]]) -> tuple[_Company, _Company]:
    """Two franchisees of one brand ("Sunrise Realty Denver" vs "Sunrise Realty Boston"); a quarter
    of the time both give the franchisor's website."""
    brand = rng.choice(FRANCHISE_BRANDS).split()
    country = rng.choice(["US", "US", "US", "CA", "GB", "AU"])
    units = []
    while len(units) < 2:
        unit = rng.choice(CITIES) if rng.random() < 0.5 else f"#{rng.randrange(100, 10000)}"
        if (" ".join(brand), unit) not in used and unit not in units:
            used.add((" ".join(brand), unit))
            units.append(unit)
    a = _company(rng, country, [*brand, units[0]])
    b = _company(rng, country, [*brand, units[1]])
    label = "".join(w.lower() for w in brand)
    tld = TLD.get(country, "com") if rng.random() < 0.3 else "com"
    if rng.random() < 0.25:
        a.domain = b.domain = f"{label}.{tld}"
    else:
        a.domain = f"{label}{units[0].lower().strip('#')}.{tld}"
        b.domain = f"{label}-{units[1].lower().strip('#')}.{tld}"
    return a, b


HARD_NEGATIVES = [_shared_word, _other_country, _one_word_differs, _one_letter_apart, _franchise]
HARD_WEIGHTS = [30, 25, 30, 7, 8]


# ----------------------------------------------------------------------------- the lists

def _company_for(rng: random.Random) -> _Company:
    country = _pick_country(rng)
    return _company(rng, country, _words(rng, country))


def mapping_lists(n: int, *, overlap: float = 0.5, seed: int = 2026, hard_share: float = 0.35,
                  duplicate_share: float = 0.02) -> MappingSet:
    """Two lists of ``n`` records with ``overlap`` of them the same companies, and the true pairs."""
    rng = random.Random(seed)
    domains = _Domains()
    shared = round(n * overlap)
    lefts: list[Record] = []
    rights: list[Record] = []
    truth_idx: list[tuple[int, int]] = []
    kinds = {"shared": 0, "right_duplicates": 0, "hard_negative_pairs": 0, "franchise_pairs": 0, "unrelated": 0}
    for _ in range(shared):
        c = _company_for(rng)
        domains.claim(rng, c)
        left, right = _variant(rng, c)
        lefts.append(left)
        rights.append(right)
        truth_idx.append((len(lefts) - 1, len(rights) - 1))
        kinds["shared"] += 1
        if rng.random() < duplicate_share and len(rights) < n:
            _, again = _variant(rng, c)
            rights.append(again)
            truth_idx.append((len(lefts) - 1, len(rights) - 1))
            kinds["right_duplicates"] += 1
    franchise_units: set[tuple[str, str]] = set()
    while len(lefts) < n or len(rights) < n:
        if len(lefts) < n and len(rights) < n and rng.random() < hard_share:
            make = rng.choices(HARD_NEGATIVES, weights=HARD_WEIGHTS)[0]
            a, b = make(rng, franchise_units) if make is _franchise else make(rng)
            if make is _franchise:
                shared_domain = a.domain == b.domain
                if not shared_domain:
                    domains.claim(rng, a)
                    domains.claim(rng, b)
                kinds["franchise_pairs"] += 1
            else:
                domains.claim(rng, a)
                domains.claim(rng, b)
                kinds["hard_negative_pairs"] += 1
            for side, c in ((lefts, a), (rights, b)):
                side.append(Record("", _render(rng, c), _present_domain(rng, c.domain) if rng.random() < 0.85 else "",
                                   _present_country(rng, c.country) if rng.random() < 0.9 else ""))
            continue
        side = lefts if len(lefts) < n and (len(rights) >= n or rng.random() < 0.5) else rights
        c = _company_for(rng)
        domains.claim(rng, c)
        side.append(Record("", _render(rng, c), _present_domain(rng, c.domain), _present_country(rng, c.country)))
        kinds["unrelated"] += 1
    # Shuffle each side independently so positions say nothing, then name the records.
    left_order = list(range(len(lefts)))
    right_order = list(range(len(rights)))
    rng.shuffle(left_order)
    rng.shuffle(right_order)
    left_pos = {old: new for new, old in enumerate(left_order)}
    right_pos = {old: new for new, old in enumerate(right_order)}
    width = len(str(max(n, 1)))
    left = [Record(f"L{i:0{width}d}", r.name, r.domain, r.country) for i, r in enumerate(lefts[j] for j in left_order)]
    right = [Record(f"R{i:0{width}d}", r.name, r.domain, r.country) for i, r in enumerate(rights[j] for j in right_order)]
    truth = {(left[left_pos[i]].id, right[right_pos[j]].id) for i, j in truth_idx}
    return MappingSet(left=left, right=right, truth=truth, kinds=kinds)


def score_pairs(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict:
    """Precision, recall and F1 of predicted (left_id, right_id) pairs against the truth."""
    tp = len(predicted & truth)
    fp = len(predicted) - tp
    fn = len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}
