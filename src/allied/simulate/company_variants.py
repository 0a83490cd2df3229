"""A labeled set of company-record pairs for measuring the matching engine (precision and recall).

``labeled_pairs(n, seed)`` makes ``n`` pairs ``(left, right, same_company)``, deterministic for a
seed. About 60 % are the same company written two ways, as two CRMs or two partners really write
it; about 40 % are *hard* negatives: different companies that look alike.

Same company (one to three changes applied, plus independent presentation noise on both sides):
legal form changed (often to another language's form), punctuation and case, ``&``/and/und/+,
a word abbreviated or expanded (including abbreviations the engine may not know), a one-letter
typo (insertion, deletion, substitution by a neighbouring key, transposition), word order,
words joined or split, the acronym of a name of three or more words; and for the domain: the same
domain written as a URL, with www, a path, a subdomain or an e-mail address, the brand on a
country ending (only when the names also match), a free e-mail address, or no domain at all;
country written as a code, ISO-3 code or name, or missing.

Different companies (each with its own domain, or none): sharing a distinctive word ("Acme" vs
"Acme Medical"), same first word and a different second word ("Delta Air Lines" vs "Delta
Dental"), similar or identical names in different countries with different domains, names that
differ by one meaningful word ("Apex Cloud Solutions" vs "Apex Data Solutions"), and a few
brands one letter apart ("Lumex" vs "Lumix"), which look exactly like a typo.

``evaluate(pairs)`` scores the engine against an exact-match baseline (same registered domain or
the same lower-cased raw name).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from allied.matching import (
    SAME_COMPANY,
    Record,
    blocking_keys,
    compare,
    normalize_domain,
    prepare,
    query_keys,
)
from allied.matching.countries import COUNTRIES

from .names import CORES, LAST, PREFIXES

# ----------------------------------------------------------------------------- vocabulary

INDUSTRIES = [
    "Logistics", "Medical", "Health", "Capital", "Energy", "Foods", "Freight", "Insurance", "Pharmaceuticals",
    "Engineering", "Construction", "Software", "Analytics", "Robotics", "Security", "Media", "Marketing",
    "Consulting", "Realty", "Properties", "Dental", "Airlines", "Motors", "Chemicals", "Textiles", "Telecom",
    "Communications", "Electronics", "Manufacturing", "Laboratories", "Industries", "Distribution", "Investments",
    "Management", "Biotech", "Aerospace", "Mining", "Shipping", "Hospitality", "Apparel", "Furniture", "Printing",
    "Staffing", "Legal", "Accounting", "Architecture", "Solar", "Water", "Packaging", "Plastics", "Steel",
    "Paper", "Semiconductors", "Gaming", "Travel", "Fitness", "Nutrition", "Veterinary", "Dairy", "Brewing",
]
DESCRIPTORS = ["Solutions", "Services", "Systems", "Technologies", "Group", "Partners", "Consulting", "International",
               "Labs", "Works", "Industries", "Associates", "Networks", "Global"]
PLACES = [
    "Pacific", "Atlantic", "Nordic", "Alpine", "Baltic", "Midwest", "Northern", "Southern", "Eastern", "Western",
    "Coastal", "Highland", "Bavarian", "Rhine", "Thames", "Iberian", "Andes", "Cascade", "Sierra", "Hudson",
    "Lakeside", "Riverside", "Metro", "Austin", "Denver", "Boston", "Lyon", "Milano", "Osaka", "Sydney", "Toronto",
    "Hamburg", "Zurich", "Dublin", "Porto", "Krakow", "Seoul", "Delhi", "Dallas", "Phoenix", "Orlando", "Geneva",
]
ADJECTIVES = ["Advanced", "United", "General", "National", "International", "American", "European", "Allied",
              "Consolidated", "Integrated", "Applied", "Standard", "Universal", "Continental", "Federal", "Royal",
              "Premier", "First", "Central", "Pacific", "Modern", "Precision", "Strategic", "Digital", "Superior"]
FIELDS = ["Micro", "Data", "Parcel", "Freight", "Power", "Water", "Energy", "Business", "Medical", "Software",
          "Network", "Chemical", "Steel", "Paper", "Food", "Auto", "Marine", "Aerospace", "Health", "Building",
          "Cable", "Electric", "Gas", "Mining", "Rail", "Air", "Ocean", "Farm", "Grain", "Textile", "Signal", "Fluid"]
THINGS = ["Devices", "Machines", "Systems", "Services", "Industries", "Products", "Technologies", "Solutions",
          "Materials", "Instruments", "Networks", "Resources", "Partners", "Associates", "Laboratories", "Dynamics",
          "Components", "Controls", "Logistics", "Management", "Communications", "Manufacturing", "Engineering"]
SURNAMES = LAST + [
    "Johnson", "Williams", "Anderson", "Fischer", "Weber", "Meyer", "Becker", "Martin", "Bernard", "Moreau",
    "Ferrari", "Romano", "Fernández", "González", "Jansen", "Nilsson", "Lindqvist", "Virtanen", "Nowak", "Horváth",
    "Sato", "Suzuki", "Takahashi", "Wang", "Zhang", "Singh", "Kumar", "Shah", "O'Brien", "McDonald", "Østergaard",
    "Søndergaard", "Åberg", "Dvořák", "Łukasiewicz", "Jiménez", "Çelik", "Yılmaz", "Papadopoulos", "Ivanov",
]
SYLLABLES = ["zen", "tri", "vel", "ora", "quor", "via", "nex", "lum", "cor", "dex", "tal", "ven", "tor", "kin", "mira",
             "lo", "fy", "zo", "qua", "bri", "sta", "plex", "gen", "tek", "xa", "ri", "no", "va", "sil", "ark", "ion",
             "ber", "cal", "dor", "fin", "gra", "hel", "jor", "kal", "mar", "nor", "pol", "rin", "sen", "tas", "ul"]
CITIES_DE = ["Bayerische", "Hamburger", "Berliner", "Rheinische", "Schwäbische", "Sächsische", "Westfälische"]
THINGS_DE = ["Maschinenbau", "Logistik", "Elektrotechnik", "Anlagenbau", "Werkzeugbau", "Handelsgesellschaft",
             "Motorenwerke", "Stahlwerke", "Baustoffe", "Verpackungen"]
FR_ADJ = ["Générale", "Nationale", "Française", "Européenne", "Industrielle", "Méridionale", "Atlantique"]
FR_THINGS = ["Transports", "Logistique", "Construction", "Services", "Énergie", "Télécommunications", "Assurances"]
ES_THINGS = ["Construcciones", "Transportes", "Alimentación", "Ingeniería", "Distribuciones", "Inversiones"]
NORDIC = ["Fjørd", "Skånska", "Ålesund", "Nordisk", "Øresund", "Bjørk", "Sølv", "Hæmatologisk"]

# Legal forms as written, by country (ISO-2).
LEGAL = {
    "US": ["Inc.", "Inc", "LLC", "L.L.C.", "Corp.", "Corporation", "Incorporated", "Co.", "Company", "LP"],
    "GB": ["Ltd", "Ltd.", "Limited", "PLC", "plc", "LLP"],
    "DE": ["GmbH", "AG", "GmbH & Co. KG", "KG", "UG (haftungsbeschränkt)", "e.K.", "OHG", "SE"],
    "AT": ["GmbH", "AG"], "CH": ["AG", "GmbH", "SA", "Sàrl"],
    "FR": ["SA", "S.A.", "SAS", "SARL", "S.A.S."], "IT": ["S.p.A.", "SpA", "Srl", "S.r.l."],
    "ES": ["S.A.", "S.L.", "SL", "SLU", "SA"], "NL": ["B.V.", "BV", "N.V.", "NV"], "BE": ["NV", "BV", "SA", "SRL"],
    "SE": ["AB", "AB (publ)"], "NO": ["AS", "ASA"], "DK": ["A/S", "ApS"], "FI": ["Oy", "Oyj"],
    "AU": ["Pty Ltd", "Pty. Ltd.", "Limited"], "NZ": ["Limited", "Ltd"], "SG": ["Pte Ltd", "Pte. Ltd."],
    "MY": ["Sdn Bhd", "Sdn. Bhd.", "Bhd"], "JP": ["K.K.", "Kabushiki Kaisha", "Co., Ltd."], "KR": ["Co., Ltd.", "Inc."],
    "CN": ["Co., Ltd.", "Limited"], "IN": ["Pvt Ltd", "Private Limited", "Pvt. Ltd.", "Limited"],
    "BR": ["Ltda", "Ltda.", "S.A."], "MX": ["S.A. de C.V.", "SA de CV", "S. de R.L. de C.V."], "PL": ["sp. z o.o.", "S.A."],
    "CZ": ["s.r.o.", "a.s."], "HU": ["Kft.", "Zrt."], "HR": ["d.o.o."], "RU": ["OOO", "AO", "PJSC"], "ID": ["Tbk"],
    "CA": ["Inc.", "Ltd.", "Corp."], "IE": ["Limited", "Ltd", "DAC"], "ZA": ["(Pty) Ltd", "Pty Ltd"],
}
TLD = {"US": "com", "GB": "co.uk", "DE": "de", "AT": "at", "CH": "ch", "FR": "fr", "IT": "it", "ES": "es", "NL": "nl",
       "BE": "be", "SE": "se", "NO": "no", "DK": "dk", "FI": "fi", "AU": "com.au", "NZ": "co.nz", "SG": "com.sg",
       "MY": "com.my", "JP": "co.jp", "KR": "co.kr", "CN": "com.cn", "IN": "co.in", "BR": "com.br", "MX": "com.mx",
       "PL": "pl", "CZ": "cz", "HU": "hu", "HR": "hr", "RU": "ru", "ID": "co.id", "CA": "ca", "IE": "ie", "ZA": "co.za"}
COUNTRY_WEIGHTS = {"US": 30, "GB": 10, "DE": 10, "FR": 5, "CA": 4, "AU": 4, "NL": 3, "ES": 3, "IT": 3, "SE": 2, "CH": 2,
                   "IN": 3, "JP": 3, "BR": 3, "MX": 2, "SG": 2, "PL": 2, "DK": 1, "NO": 1, "FI": 1, "AT": 1, "BE": 1,
                   "IE": 1, "NZ": 1, "ZA": 1, "MY": 1, "KR": 1, "CN": 1, "CZ": 1, "HU": 1, "HR": 1, "RU": 1, "ID": 1}
COUNTRY_SPELLINGS = {"US": ["USA", "United States", "United States of America", "U.S."], "GB": ["UK", "United Kingdom", "GBR", "Great Britain"],
                     "DE": ["Germany", "Deutschland", "DEU"], "NL": ["Netherlands", "The Netherlands", "NLD"],
                     "KR": ["South Korea", "Korea, Republic of"], "RU": ["Russia", "Russian Federation"], "CZ": ["Czechia", "Czech Republic"]}
FREE_MAIL = ["gmail.com", "outlook.com", "yahoo.com", "hotmail.co.uk", "gmx.de", "web.de", "icloud.com", "yahoo.co.jp", "qq.com"]

# Abbreviations as people write them: long word -> short spellings. Some are deliberately ones a
# normaliser may not know ("Dist.", "Cons.", "St.", "Mt.", "Med.").
ABBREVIATIONS = {
    "International": ["Intl", "Int'l", "Intl."], "Technologies": ["Tech"], "Technology": ["Tech", "Tech."],
    "Systems": ["Sys", "Sys."], "Services": ["Svcs", "Svc", "Svcs."], "Solutions": ["Sol.", "Solns"],
    "Laboratories": ["Labs", "Lab"], "Manufacturing": ["Mfg", "Mfg."], "National": ["Natl", "Nat'l", "Natl."],
    "Associates": ["Assoc.", "Assocs"], "Brothers": ["Bros", "Bros."], "Center": ["Ctr", "Centre"],
    "Management": ["Mgmt", "Mgmt.", "Mgt"], "Department": ["Dept", "Dept."], "University": ["Univ.", "Univ"],
    "Engineering": ["Eng.", "Engg"], "Communications": ["Comms", "Comm."], "Industries": ["Inds", "Ind."],
    "Products": ["Prods", "Prod."], "Marketing": ["Mktg"], "Development": ["Dev", "Devel."],
    "Distribution": ["Dist.", "Distrib."], "Pharmaceuticals": ["Pharma", "Pharm."], "Insurance": ["Ins."],
    "Financial": ["Fin.", "Finl"], "American": ["Amer."], "Group": ["Grp"], "Investments": ["Invest.", "Inv."],
    "Consulting": ["Cons.", "Consult."], "Medical": ["Med."], "Electric": ["Elec."], "Networks": ["Nets", "Netw."],
    "Saint": ["St."], "Mount": ["Mt."], "Partners": ["Ptnrs"], "Laboratory": ["Lab"], "Software": ["SW"],
}
KEY_NEIGHBOURS = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv", "h": "gyujnb",
    "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol",
    "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc",
    "y": "tghu", "z": "asx",
}


# ----------------------------------------------------------------------------- companies

@dataclass
class _Company:
    words: list[str]  # the name as written, without the legal form
    country: str  # ISO-2
    legal: str  # "" or a legal form from LEGAL
    domain: str  # registered domain or ""
    prefix_legal: str = ""  # "PT" for Indonesian companies


def _pick_country(rng: random.Random) -> str:
    return rng.choices(list(COUNTRY_WEIGHTS), weights=list(COUNTRY_WEIGHTS.values()))[0]


def _brand_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def _base_words(rng: random.Random, country: str) -> list[str]:
    kind = rng.random()
    if kind < 0.22:
        words = [rng.choice(PREFIXES), rng.choice(CORES)]
        if rng.random() < 0.5:
            words.append(rng.choice(DESCRIPTORS))
    elif kind < 0.36:
        style = rng.random()
        if style < 0.4:
            words = [rng.choice(SURNAMES), rng.choice(INDUSTRIES)]
        elif style < 0.75:
            first, second = rng.sample(SURNAMES, 2)
            words = [first, "&", second]
            if rng.random() < 0.4:
                words.append(rng.choice(["Associates", "Partners", "Consulting"]))
        else:
            words = [rng.choice(SURNAMES), "Brothers"]
    elif kind < 0.5:
        words = [rng.choice(PLACES), rng.choice(INDUSTRIES)]
        if rng.random() < 0.5:
            words.append(rng.choice(DESCRIPTORS))
    elif kind < 0.66:
        words = [rng.choice(ADJECTIVES), rng.choice(FIELDS), rng.choice(THINGS)]
    elif kind < 0.84:
        words = [_brand_word(rng)]
        if rng.random() < 0.5:
            words.append(rng.choice(DESCRIPTORS + INDUSTRIES))
    else:
        if country in ("DE", "AT", "CH"):
            words = rng.choice([[rng.choice(CITIES_DE), rng.choice(THINGS_DE)], [rng.choice(SURNAMES), rng.choice(THINGS_DE)]])
        elif country in ("FR", "BE"):
            words = ["Société", rng.choice(FR_ADJ), "de", rng.choice(FR_THINGS)]
        elif country in ("ES", "MX", "BR"):
            words = rng.choice([["Grupo", _brand_word(rng)], [rng.choice(ES_THINGS), rng.choice(SURNAMES)]])
        elif country in ("SE", "NO", "DK", "FI"):
            words = [rng.choice(NORDIC), rng.choice(["Data", "Bygg", "Marine", "Energi", "Invest", "Teknik"])]
        else:
            words = [rng.choice(["The", ""]) , rng.choice(PLACES), rng.choice(FIELDS), rng.choice(["Bank", "Trust", "Works"])]
            words = [w for w in words if w]
    return words


def _ascii(word: str) -> str:
    word = word.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("ß", "ss").replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


def _domain_for(rng: random.Random, words: list[str], country: str) -> str:
    meaningful = [_ascii(w).lower().replace("'", "") for w in words if w not in ("&", "of", "de", "The", "and")]
    meaningful = [w for w in meaningful if w]
    style = rng.random()
    if style < 0.55 or len(meaningful) == 1:
        label = "".join(meaningful)
    elif style < 0.75:
        label = "-".join(meaningful)
    elif style < 0.9:
        label = "".join(meaningful[:2])
    else:
        label = "".join(w[0] for w in meaningful) + meaningful[-1]
    label = label[:40]
    tld = "com" if rng.random() < 0.5 else TLD.get(country, "com")
    return f"{label}.{tld}"


def _company(rng: random.Random, country: str | None = None, words: list[str] | None = None) -> _Company:
    country = country or _pick_country(rng)
    words = words or _base_words(rng, country)
    legal = rng.choice(LEGAL.get(country, ["Ltd"])) if rng.random() < 0.85 else ""
    prefix = ""
    if country == "ID":
        prefix, legal = "PT", legal if rng.random() < 0.5 else ""
    domain = _domain_for(rng, words, country) if rng.random() < 0.9 else ""
    return _Company(words=list(words), country=country, legal=legal, domain=domain, prefix_legal=prefix)


# ----------------------------------------------------------------------------- presentation

def _render(rng: random.Random, c: _Company) -> str:
    words = list(c.words)
    name = " ".join(words)
    if c.prefix_legal:
        name = f"{c.prefix_legal} {name}"
    if c.legal:
        name = f"{name}{rng.choice([' ', ' ', ', '])}{c.legal}"
    return name


def _present_domain(rng: random.Random, domain: str) -> str:
    if not domain:
        return ""
    roll = rng.random()
    if roll < 0.3:
        return domain
    if roll < 0.45:
        return f"www.{domain}"
    if roll < 0.6:
        return f"https://www.{domain}/"
    if roll < 0.7:
        return f"http://{domain}/{rng.choice(['en/contact', 'about-us', 'index.html', 'de/'])}"
    if roll < 0.78:
        return f"{rng.choice(['shop', 'eu', 'app', 'investors', 'go'])}.{domain}"
    if roll < 0.9:
        return f"{rng.choice(['info', 'sales', 'j.smith', 'contact'])}@{domain}"
    return domain.upper() if rng.random() < 0.5 else f"WWW.{domain.upper()}"


def _present_country(rng: random.Random, code: str) -> str:
    if not code:
        return ""
    roll = rng.random()
    if roll < 0.45:
        return code
    if roll < 0.7 and code in COUNTRY_SPELLINGS:
        return rng.choice(COUNTRY_SPELLINGS[code])
    if roll < 0.85:
        return COUNTRIES[code][1]
    return COUNTRIES[code][0]


def _record(rng: random.Random, rid: str, c: _Company, *, name: str | None = None, domain: str | None = None,
            country: str | None = None) -> Record:
    return Record(
        id=rid,
        name=name if name is not None else _render(rng, c),
        domain=_present_domain(rng, c.domain) if domain is None else domain,
        country=_present_country(rng, c.country) if country is None else country,
    )


# ----------------------------------------------------------------------------- name changes

def _typo(rng: random.Random, words: list[str]) -> list[str] | None:
    positions = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not positions:
        return None
    i = rng.choices(positions, weights=[len(words[p]) for p in positions])[0]
    word = words[i]
    j = rng.randrange(len(word))
    kind = rng.random()
    low = word[j].lower()
    if kind < 0.3 and low in KEY_NEIGHBOURS:
        repl = rng.choice(KEY_NEIGHBOURS[low])
        new = word[:j] + (repl.upper() if word[j].isupper() else repl) + word[j + 1:]
    elif kind < 0.55 and len(word) > 4:
        new = word[:j] + word[j + 1:]
    elif kind < 0.8:
        new = word[:j] + word[j] + word[j:]
    else:
        j = min(j, len(word) - 2)
        new = word[:j] + word[j + 1] + word[j] + word[j + 2:]
    if new == word:
        return None
    out = list(words)
    out[i] = new
    return out


def _abbreviate(rng: random.Random, words: list[str]) -> list[str] | None:
    options = [i for i, w in enumerate(words) if w in ABBREVIATIONS]
    if not options:
        return None
    i = rng.choice(options)
    out = list(words)
    out[i] = rng.choice(ABBREVIATIONS[words[i]])
    return out


def _connector(rng: random.Random, words: list[str]) -> list[str] | None:
    if "&" not in words:
        return None
    out = list(words)
    out[out.index("&")] = rng.choice(["and", "And", "+", "und", "et"])
    return out


def _reorder(rng: random.Random, words: list[str]) -> list[str] | None:
    if "&" in words:
        i = words.index("&")
        return words[i + 1:i + 2] + ["&"] + words[:i] + words[i + 2:]
    if len(words) < 2:
        return None
    i = rng.randrange(len(words) - 1)
    out = list(words)
    out[i], out[i + 1] = out[i + 1], out[i]
    return out


def _join_split(rng: random.Random, words: list[str]) -> list[str] | None:
    plain = [i for i in range(len(words) - 1) if words[i].isalpha() and words[i + 1].isalpha()]
    if plain and (len(words) > 1 and rng.random() < 0.7):
        i = rng.choice(plain)
        second = words[i + 1] if rng.random() < 0.6 else words[i + 1].lower()
        return words[:i] + [words[i] + second] + words[i + 2:]
    # People split brand compounds ("Datadog" -> "Data Dog"), not dictionary words ("Medical").
    splittable = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha() and w not in _DICTIONARY]
    if not splittable:
        return None
    i = rng.choice(splittable)
    w = words[i]
    cut = rng.randint(3, len(w) - 3)
    return words[:i] + [w[:cut], w[cut:].capitalize()] + words[i + 1:]


def _acronym(rng: random.Random, words: list[str]) -> list[str] | None:
    meaningful = [w for w in words if w not in ("&", "of", "de", "the", "The", "and")]
    if len(meaningful) < 3:
        return None
    return ["".join(w[0].upper() for w in meaningful)]


def _case_punct(rng: random.Random, words: list[str]) -> list[str] | None:
    roll = rng.random()
    if roll < 0.35:
        return [w.upper() for w in words]
    if roll < 0.55:
        return [w.lower() for w in words]
    if roll < 0.75 and len(words) >= 2:
        i = rng.randrange(len(words) - 1)
        if words[i].isalpha() and words[i + 1].isalpha():
            return words[:i] + [f"{words[i]}-{words[i + 1]}"] + words[i + 2:]
    return [w + ("," if i == len(words) - 1 else "") for i, w in enumerate(words)]


_DICTIONARY = set(INDUSTRIES + DESCRIPTORS + PLACES + ADJECTIVES + FIELDS + THINGS + CORES + PREFIXES + THINGS_DE
                  + FR_ADJ + FR_THINGS + ES_THINGS + ["Société", "Grupo", "Brothers", "Bank", "Trust", "Works"])

NAME_CHANGES = {
    "legal": None,  # handled on the company, not the words
    "case_punct": _case_punct,
    "connector": _connector,
    "abbreviation": _abbreviate,
    "typo": _typo,
    "word_order": _reorder,
    "join_split": _join_split,
    "acronym": _acronym,
}
_CHANGE_WEIGHTS = {"legal": 22, "case_punct": 14, "connector": 6, "abbreviation": 12, "typo": 16, "word_order": 8,
                   "join_split": 12, "acronym": 6}
_MILD = {"legal", "case_punct", "connector"}


def _other_legal(rng: random.Random, c: _Company) -> str:
    roll = rng.random()
    if roll < 0.25:
        return ""
    if roll < 0.6:
        return rng.choice(LEGAL.get(c.country, ["Ltd"]))
    return rng.choice(rng.choice(list(LEGAL.values())))  # a form from another country or language


def _positive(rng: random.Random, i: int) -> tuple[Record, Record, bool]:
    c = _company(rng)
    variant = _Company(list(c.words), c.country, c.legal, c.domain, c.prefix_legal)
    applied: set[str] = set()
    for step in range(rng.choices((1, 2, 3), weights=(60, 30, 10))[0]):
        change = rng.choices(list(_CHANGE_WEIGHTS), weights=list(_CHANGE_WEIGHTS.values()))[0]
        if change in applied or "acronym" in applied or (change == "acronym" and step > 0):
            continue  # people write an acronym from the real name, not from a misspelt one
        if change == "legal":
            variant.legal = _other_legal(rng, c)
            applied.add(change)
            continue
        new = NAME_CHANGES[change](rng, variant.words)
        if new:
            variant.words = new
            applied.add(change)
            if change == "acronym":
                variant.legal = variant.legal if rng.random() < 0.5 else ""
    if not applied:
        variant.legal = _other_legal(rng, c)
        applied.add("legal")

    left = _record(rng, f"L{i}", c)
    # Domains: the same domain written differently, missing on one or both sides, a free e-mail
    # address, or the same brand on another country's ending (only when the names also match).
    roll = rng.random()
    right_domain = None
    if not c.domain or roll < 0.55:
        right_domain = None
    elif roll < 0.75:
        right_domain = ""
    elif roll < 0.82:
        left = Record(left.id, left.name, "", left.country)
    elif roll < 0.87:
        right_domain = f"{rng.choice(['j.smith', 'sales.acme', 'orders'])}@{rng.choice(FREE_MAIL)}"
    elif applied <= _MILD:
        label, _, tld = c.domain.partition(".")
        other = TLD.get(c.country, "de") if tld == "com" else "com"
        if other == tld:
            other = "net"
        right_domain = _present_domain(rng, f"{label}.{other}")
    # Country: the same (spelled as code, ISO-3 or name) or missing on one side.
    roll = rng.random()
    right_country = None
    if roll < 0.15:
        right_country = ""
    elif roll < 0.25:
        left = Record(left.id, left.name, left.domain, "")
    right = _record(rng, f"R{i}", variant, domain=right_domain, country=right_country)
    return left, right, True


# ----------------------------------------------------------------------------- hard negatives

def _distinct_domains(rng: random.Random, a: _Company, b: _Company) -> None:
    tries = 0
    while a.domain and b.domain and normalize_domain(a.domain) == normalize_domain(b.domain) and tries < 5:
        b.domain = _domain_for(rng, b.words + [rng.choice(INDUSTRIES)], b.country)
        tries += 1
    if a.domain and b.domain and normalize_domain(a.domain) == normalize_domain(b.domain):
        b.domain = ""


def _shared_word(rng: random.Random) -> tuple[_Company, _Company]:
    a = _company(rng)
    distinctive = [w for w in a.words if w[0].isupper() and w not in DESCRIPTORS and w not in ("&", "The")]
    word = rng.choice(distinctive) if distinctive else a.words[0]
    roll = rng.random()
    if roll < 0.5:  # "Acme" vs "Acme Medical"
        extra = rng.choice(INDUSTRIES)
        words = list(a.words) + [extra] if rng.random() < 0.5 else [word, extra]
    else:  # "Zentrix Logistics" vs "Zentrix Capital" or "Capital Zentrix"
        words = [word, rng.choice([w for w in INDUSTRIES if w not in a.words])]
        if rng.random() < 0.3:
            words.reverse()
    b = _company(rng, country=a.country if rng.random() < 0.6 else None, words=words)
    if [w.lower() for w in b.words] == [w.lower() for w in a.words]:
        b.words.append(rng.choice(INDUSTRIES))
    return a, b


def _same_first_word(rng: random.Random) -> tuple[_Company, _Company]:
    first = rng.choice(PREFIXES + PLACES + ADJECTIVES)
    second_pool = INDUSTRIES + CORES + FIELDS
    s1, s2 = rng.sample(second_pool, 2)
    a_words = [first, s1] + ([rng.choice(THINGS + DESCRIPTORS)] if rng.random() < 0.4 else [])
    b_words = [first, s2] + ([rng.choice(THINGS + DESCRIPTORS)] if rng.random() < 0.4 else [])
    country = _pick_country(rng)
    return _company(rng, country, a_words), _company(rng, country if rng.random() < 0.6 else None, b_words)


def _other_country(rng: random.Random) -> tuple[_Company, _Company]:
    a = _company(rng)
    if not a.domain:
        a.domain = _domain_for(rng, a.words, a.country)
    others = [c for c in COUNTRY_WEIGHTS if c != a.country]
    country = rng.choice(others)
    roll = rng.random()
    if roll < 0.35:
        words = list(a.words)  # the very same name, elsewhere, another company
    elif roll < 0.7:
        words = list(a.words) + [rng.choice(DESCRIPTORS + INDUSTRIES)]
    else:
        words = list(a.words)
        j = rng.randrange(len(words))
        words[j] = rng.choice([w for w in INDUSTRIES + CORES if w != words[j]])
    b = _company(rng, country, words)
    label = "".join(_ascii(w).lower() for w in words if w.isalpha())[:30]
    b.domain = f"{label}{rng.choice(['group', 'hq', '-' + country.lower(), 'online', 'co', 'inc'])}.{TLD.get(country, 'com')}"
    return a, b


def _one_word_differs(rng: random.Random) -> tuple[_Company, _Company]:
    a = _company(rng)
    while len(a.words) < 2:
        a = _company(rng)
    words = list(a.words)
    positions = [i for i, w in enumerate(words) if w not in ("&", "of", "de", "The")]
    j = rng.choice(positions)
    pool = [w for w in INDUSTRIES + CORES + FIELDS + PLACES + SURNAMES if w.lower() != words[j].lower()]
    words[j] = rng.choice(pool)
    b = _company(rng, a.country if rng.random() < 0.7 else None, words)
    return a, b


def _one_letter_apart(rng: random.Random) -> tuple[_Company, _Company]:
    """Two real brands one letter apart ("Lumex" vs "Lumix"): the hardest case, a typo look-alike."""
    a = _company(rng, words=[_brand_word(rng)] + ([rng.choice(INDUSTRIES)] if rng.random() < 0.4 else []))
    brand = a.words[0]
    vowels, consonants = "aeiou", "bcdfgklmnprstvz"
    while True:  # another pronounceable brand: one vowel or consonant swapped for another of its kind
        j = rng.randrange(len(brand))
        pool = vowels if brand[j].lower() in vowels else consonants
        letter = rng.choice(pool.replace(brand[j].lower(), ""))
        other = brand[:j] + (letter.upper() if j == 0 else letter) + brand[j + 1:]
        if other.lower() != brand.lower():
            break
    b = _company(rng, a.country if rng.random() < 0.5 else None, [other] + a.words[1:])
    return a, b


NEGATIVES = [_shared_word, _same_first_word, _other_country, _one_word_differs]
_NEGATIVE_WEIGHTS = [24, 24, 24, 24]
NEGATIVES.append(_one_letter_apart)
_NEGATIVE_WEIGHTS.append(6)


def _negative(rng: random.Random, i: int) -> tuple[Record, Record, bool]:
    a, b = rng.choices(NEGATIVES, weights=_NEGATIVE_WEIGHTS)[0](rng)
    _distinct_domains(rng, a, b)
    left, right = _record(rng, f"L{i}", a), _record(rng, f"R{i}", b)
    roll = rng.random()
    if roll < 0.15:
        left = Record(left.id, left.name, "", left.country)
    elif roll < 0.3:
        right = Record(right.id, right.name, "", right.country)
    return left, right, False


def labeled_pairs(n: int, seed: int) -> list[tuple[Record, Record, bool]]:
    """``n`` labeled pairs ``(left, right, same_company)``, about 40 % hard negatives; deterministic per seed."""
    rng = random.Random(seed)
    return [(_negative if rng.random() < 0.4 else _positive)(rng, i) for i in range(n)]


# ----------------------------------------------------------------------------- evaluation

def _rates(tp: int, fp: int, fn: int) -> tuple[float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return round(precision, 4), round(recall, 4)


def evaluate(pairs: list[tuple[Record, Record, bool]], threshold: float = SAME_COMPANY) -> dict:
    """Precision and recall of compare() at ``threshold``, of the exact-match baseline, and key recall.

    Baseline: same registered domain (non-empty) or the same lower-cased raw name. ``key_recall``
    is the share of true pairs whose left query keys meet the right record's stored keys (what
    an index or the deal app's key table would find). ``mistakes`` lists up to 50 misclassified pairs
    as ``[id, name, domain, country]`` lists, so the whole dict can be written as JSON.
    """
    tp = fp = fn = tn = btp = bfp = bfn = 0
    met = positives = keys_total = 0
    mistakes: list[dict] = []
    for left, right, same in pairs:
        pa, pb = prepare(left), prepare(right)
        stored = blocking_keys(pb)
        keys_total += len(blocking_keys(pa)) + len(stored)
        match = compare(pa, pb)
        predicted = match.score >= threshold
        da = normalize_domain(left.domain)
        baseline = bool(da and da == normalize_domain(right.domain)) or left.name.strip().lower() == right.name.strip().lower()
        if same:
            positives += 1
            met += bool(set(query_keys(pa)) & set(stored))
        tp += predicted and same
        fp += predicted and not same
        fn += (not predicted) and same
        tn += (not predicted) and not same
        btp += baseline and same
        bfp += baseline and not same
        bfn += (not baseline) and same
        if predicted != same and len(mistakes) < 50:
            mistakes.append({"left": [left.id, left.name, left.domain, left.country],
                             "right": [right.id, right.name, right.domain, right.country],
                             "same": same, "score": match.score, "reason": match.reason})
    precision, recall = _rates(tp, fp, fn)
    b_precision, b_recall = _rates(btp, bfp, bfn)
    return {
        "pairs": len(pairs), "positives": positives, "threshold": threshold,
        "precision": precision, "recall": recall, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "baseline_precision": b_precision, "baseline_recall": b_recall,
        "key_recall": round(met / positives, 4) if positives else 1.0,
        "keys_per_record": round(keys_total / (2 * len(pairs)), 2) if pairs else 0.0,
        "mistakes": mistakes,
    }
