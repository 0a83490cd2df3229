"""Company-name and web-domain normalisation (pure Python, no Django).

Domains
    ``normalize_domain`` reduces anything a CRM holds in a "website" or "e-mail" field to the
    *registered domain* (public-suffix aware, from the public suffix list bundled with the
    ``publicsuffixlist`` package: nothing is downloaded at run time). Internationalised names are
    returned in Unicode, lower case (``xn--mnchen-3ya.de`` and ``MÜNCHEN.de`` both give
    ``münchen.de``), because that is what a person reads and both spellings must compare equal.

Company names
    ``normalize_company_name`` folds to ASCII (ß->ss, ø->o, æ->ae, Cyrillic and Greek are
    transliterated; scripts without a Latin form, such as CJK, are kept as they are), lower-cases,
    drops punctuation, joins dotted initials (``S.p.A.`` -> ``spa``), drops the connectors
    ``& + and und et y`` between words, drops a leading "The", drops legal forms at the end in
    many languages (and a few that come first, such as Indonesian "PT" and Russian "OOO"), and
    maps common abbreviations to one canonical form.

    Canonical forms are the *long* words (``intl`` -> ``international``, ``tech`` ->
    ``technology``, ``labs`` -> ``laboratories``, ``svcs`` -> ``services``, ``centre`` ->
    ``center`` ...), with singular and plural folded together (``technologies`` ->
    ``technology``, ``system`` -> ``systems``). Brand names often glue such a word to the brand
    (``ApexTech``, ``DataSystems``, ``BioLabs``); a token that *ends* in one of these words is
    split there (``apextech`` -> ``apex technology``) so that ``ApexTech`` and ``Apex
    Technologies`` normalise alike.

    "Group" is deliberately *not* removed: it is part of many names. The scorer treats it (and
    "global", "international", "worldwide", "holding") as a weak word instead.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .countries import country_code

# --------------------------------------------------------------------------------------- domains

_PSL = None


def _psl():
    # Loaded on first use (about 30 ms) so that importing allied.matching stays cheap.
    global _PSL
    if _PSL is None:
        from publicsuffixlist import PublicSuffixList

        _PSL = PublicSuffixList()  # the bundled list; unknown TLDs (".example") count as public suffixes
    return _PSL


_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_FIRST_PIECE = re.compile(r"[^\s,;|]+")
_LABEL = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
_PATH_START = re.compile(r"[/?#\\]")
_ASCII_LABEL = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def normalize_domain(value: str) -> str:
    """The registered domain in a URL, host or e-mail address; "" when there is no valid host.

    ``https://WWW.Shop.Acme.co.uk:8080/x`` -> ``acme.co.uk``; ``bob@eu.acme.co.uk`` -> ``acme.co.uk``;
    ``foo.github.io`` -> ``foo.github.io`` (github.io is a public suffix); ``localhost``,
    ``192.168.0.1``, ``n/a`` -> ``""``.
    """
    if not value:
        return ""
    return _registered_domain(value.strip())


@lru_cache(maxsize=200_000)
def _registered_domain(text: str) -> str:
    host = _host(text)
    if not host:
        return ""
    return _psl().privatesuffix(host) or ""


def _host(text: str) -> str:
    first = _FIRST_PIECE.search(text)  # "acme.com; acme.de" (HubSpot's additional domains) -> the first
    if not first:
        return ""
    text = first.group().lower()
    if text.startswith("mailto:"):
        text = text[7:]
    if "://" in text:
        text = text.split("://", 1)[1]
    elif text.startswith("//"):
        text = text[2:]
    text = _PATH_START.split(text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]  # e-mail address or user:password@host
    if text.startswith("["):  # IPv6 literal
        return ""
    text = text.split(":", 1)[0].translate(_DOTS).strip(".")
    if not text or "." not in text:
        return ""
    labels = text.split(".")
    out = []
    for label in labels:
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError):
                return ""
        elif not label.isascii():
            label = unicodedata.normalize("NFKC", label).lower()
        if label.isascii():  # _LABEL without the regex: letters, digits, "-" and "_", a letter or digit at each end
            if not label or len(label) > 63 or not (label[0].isalnum() and label[-1].isalnum()) or not _ASCII_LABEL.issuperset(label):
                return ""
        elif not _LABEL.match(label) or len(label) > 63:
            return ""
        out.append(label)
    if all(label.isdigit() for label in out) or out[-1].isdigit():
        return ""  # an IP address, or no real top-level domain
    return ".".join(out)


# Free e-mail providers: an address there says nothing about the company. Brands are free-mail on
# every public suffix they own (yahoo.co.jp, hotmail.fr); the rest are exact registered domains.
_FREE_MAIL_BRANDS = frozenset(
    """gmail googlemail yahoo ymail rocketmail hotmail outlook live msn windowslive passport aol aim gmx icloud
    protonmail proton tutanota tuta yandex zohomail fastmail hushmail rediffmail""".split()
)
_FREE_MAIL_DOMAINS = frozenset(
    """me.com mac.com pm.me hey.com duck.com mail.com email.com usa.com post.com inbox.com lycos.com excite.com
    netscape.net mailinator.com guerrillamail.com yopmail.com 10minutemail.com temp-mail.org mailbox.org posteo.de
    web.de t-online.de freenet.de arcor.de online.de gmx.net mail.de
    qq.com 163.com 126.com yeah.net sina.com sina.cn sohu.com aliyun.com 139.com foxmail.com
    naver.com daum.net hanmail.net nate.com
    mail.ru bk.ru list.ru inbox.ru internet.ru rambler.ru ya.ru ukr.net i.ua meta.ua abv.bg
    seznam.cz centrum.cz email.cz atlas.cz post.cz wp.pl o2.pl interia.pl onet.pl op.pl gazeta.pl tlen.pl
    libero.it virgilio.it tiscali.it alice.it tin.it orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr
    bbox.fr club-internet.fr telenet.be skynet.be hetnet.nl home.nl planet.nl ziggo.nl kpnmail.nl
    bluewin.ch hispeed.ch sunrise.ch online.no
    terra.com.br uol.com.br bol.com.br ig.com.br
    btinternet.com sky.com virginmedia.com ntlworld.com blueyonder.co.uk talktalk.net
    comcast.net verizon.net att.net sbcglobal.net bellsouth.net cox.net charter.net earthlink.net juno.com
    netzero.net optonline.net shaw.ca rogers.com sympatico.ca videotron.ca telus.net
    bigpond.com bigpond.net.au optusnet.com.au iinet.net.au tpg.com.au xtra.co.nz""".split()
)


def is_free_mail_domain(domain: str) -> bool:
    """True for consumer e-mail providers (gmail.com, yahoo.co.uk, web.de, qq.com ...): not company evidence."""
    registered = normalize_domain(domain)
    if not registered:
        return False
    if registered in _FREE_MAIL_DOMAINS:
        return True
    return domain_label(registered) in _FREE_MAIL_BRANDS


def domain_label(registered: str) -> str:
    """The brand part of a registered domain: ``acme.co.uk`` -> ``acme``; "" for ""."""
    if not registered:
        return ""
    suffix = _psl().publicsuffix(registered) or ""
    label = registered[: -len(suffix) - 1] if suffix and len(suffix) < len(registered) else registered.split(".")[0]
    return label


# ------------------------------------------------------------------------------------ names

_FOLD = {
    "ß": "ss", "ẞ": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d",
    "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i", "ĸ": "k", "ŋ": "n", "ſ": "s",
    "ħ": "h", "ŧ": "t", "’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "＆": "&", "–": "-", "—": "-",
}
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi", "ye", "g"],
    strict=True,
))
_GREEK = dict(zip(
    "αβγδεζηθικλμνξοπρσςτυφχψω",
    ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s", "t", "y",
     "f", "ch", "ps", "o"],
    strict=True,
))
_TRANSLATE = str.maketrans({**_FOLD, **_CYRILLIC, **_GREEK})

# Dotted or slashed initials: "s.p.a." -> "spa", "a/s" -> "as", "u.s." -> "us".
_INITIALS = re.compile(r"(?<![^\W_])(?:[a-z0-9][./])+[a-z0-9](?![^\W_])\.?")
_WEB_SUFFIX = re.compile(r"(?<=[a-z0-9])\.(?:com|net|org|io|ai|co|biz)\b(?!\.)")
_PARENS = re.compile(r"\(([^()]*)\)")
_TOKEN = re.compile(r"[^\W_]+|&")
_CJK_LEGAL = re.compile(r"(股份有限公司|有限责任公司|有限公司|株式会社|有限会社|合同会社|주식회사|\(주\)|㈜)")

_CONNECTORS = frozenset({"and", "und", "et", "y"})

# Legal forms, as token sequences after folding and joining initials. Removed repeatedly from the
# end while at least one word remains ("Acme GmbH & Co. KG" -> "acme").
_LEGAL = """
inc incorporated corp corporation co company cos ltd limited llc lc llp lp lllp pllc plc pc pa na cc dac clg
| l l c | limited liability company | limited partnership | public limited company | public company limited
| private limited | pvt pte pty proprietary bhd sdn tbk persero | sdn bhd
| gmbh mbh ggmbh ag kg kgaa ohg gbr ek ekfm ev eg ug haftungsbeschrankt partg mbb se
| gesellschaft mit beschrankter haftung | aktiengesellschaft kommanditgesellschaft
| sa sas sasu sarl eurl sca snc sci scs gie cie | sa rl | societe anonyme | societe par actions simplifiee
| spa srl srls sapa scarl scrl scpa | societa per azioni | societa a responsabilita limitata
| sl slu sll sau | sociedad anonima | sociedad limitada | s coop
| sa de cv | sab de cv | sapi de cv | s de rl de cv | s de rl
| lda ltda eireli me epp cia
| bv nv vof cv bvba sprl cvba | besloten vennootschap | naamloze vennootschap
| ab publ oy oyj as asa aps amba ivs hf ehf aktiebolag aktiebolaget osakeyhtio
| sp z oo | sp k | sp j | spzoo sro vos ks kft zrt nyrt bt kkt doo dd ad
| ooo oao zao pao ao pjsc ojsc cjsc jsc tov pat prat sti ae epe ike | ltd sti
| kk kabushikigaisha kabushikikaisha gk yk | kabushiki kaisha | godo kaisha | yugen kaisha
| holding holdings
"""
_LEGAL_SEQS: dict[int, frozenset[tuple[str, ...]]] = {}


def _load_legal() -> None:
    seqs: dict[int, set[tuple[str, ...]]] = {}
    for chunk in _LEGAL.replace("\n", " ").split("|"):
        chunk = " ".join(chunk.split())
        # A chunk is either one multi-word legal form or a list of one-word forms.
        for seq in [tuple(chunk.split())] if chunk in _MULTIWORD_LEGAL else [(w,) for w in chunk.split()]:
            seqs.setdefault(len(seq), set()).add(seq)
    _LEGAL_SEQS.update({k: frozenset(v) for k, v in seqs.items()})


# Chunks of _LEGAL that are one multi-word legal form.
_MULTIWORD_LEGAL = {
    "l l c", "limited liability company", "limited partnership", "public limited company",
    "public company limited", "private limited", "sdn bhd", "sa rl", "gesellschaft mit beschrankter haftung",
    "societe anonyme", "societe par actions simplifiee", "societa per azioni",
    "societa a responsabilita limitata", "sociedad anonima", "sociedad limitada", "s coop", "sa de cv",
    "sab de cv", "sapi de cv", "s de rl de cv", "s de rl", "besloten vennootschap", "naamloze vennootschap",
    "sp z oo", "sp k", "sp j", "ltd sti", "kabushiki kaisha", "godo kaisha", "yugen kaisha",
}
_load_legal()
_LEGAL_MAX = max(_LEGAL_SEQS)
LEGAL_FORMS = frozenset(" ".join(seq) for seqs in _LEGAL_SEQS.values() for seq in seqs)

# Legal forms that come first ("PT Bank Central Asia Tbk", "OOO Romashka").
_LEADING_LEGAL = frozenset({"pt", "ooo", "oao", "zao", "pao", "tov", "kabushikigaisha"})

# One canonical (long) form for common abbreviations and singular/plural pairs.
_CANONICAL_GROUPS = {
    "international": "intl internat international internationale internacional internazionale",
    "technology": "tech techs technology technologies techn",
    "systems": "sys syst system systems",
    "services": "svc svcs serv service services",
    "solutions": "sol soln solns solution solutions",
    "laboratories": "lab labs laboratory laboratories",
    "manufacturing": "mfg mfrs manufacturing",
    "manufacturers": "mfr manufacturer manufacturers",
    "national": "natl national",
    "associates": "assoc assocs associates",
    "association": "assn association",
    "brothers": "bros brothers",
    "center": "ctr cntr centre center centers centres",
    "management": "mgmt mgt management",
    "department": "dept department",
    "university": "univ university",
    "engineering": "eng engg engr engineering",
    "communications": "comm comms communication communications",
    "industries": "ind inds indus industry industries",
    "products": "prod prods product products",
    "marketing": "mktg marketing",
    "development": "dev devel development",
    "distribution": "distr distrib distribution",
    "government": "govt government",
    "hospital": "hosp hospital",
    "pharmaceuticals": "pharm pharma pharmaceutical pharmaceuticals",
    "insurance": "ins insurance",
    "financial": "fin finl financial",
    "american": "amer american",
    "group": "grp group",
    "investments": "invest inv investment investments",
    "consulting": "consult consultancy consulting consultants",
    "partners": "ptnrs partner partners",
    "network": "net netw network networks",
    "software": "sw software",
    "electronics": "elec electronic electronics",
}
CANONICAL: dict[str, str] = {
    word: canon for canon, words in _CANONICAL_GROUPS.items() for word in words.split()
}
# Words that brands glue to their name ("ApexTech", "DataSystems"): a token ending in one of these
# (with at least three letters before it) is split there. Longest first.
_GLUED = sorted(
    {"tech", "technology", "technologies", "labs", "systems", "system", "solutions", "services",
     "software", "networks", "consulting", "partners", "group", "international", "industries",
     "laboratories", "electronics", "pharma", "logistics", "capital", "energy", "analytics"},
    key=len, reverse=True,
)
_GLUED_TAILS = tuple(_GLUED)

STOP_WORDS = frozenset({"of", "the", "for", "de", "du", "des", "la", "le", "les", "el", "los", "las", "di", "da",
                        "do", "dos", "der", "die", "das", "van", "von", "den", "del", "a", "an", "on", "at", "in"})


def fold(value: str) -> str:
    """Lower-case text with accents removed and ß, ø, æ, Cyrillic, Greek spelled in ASCII."""
    text = value.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(_TRANSLATE)


def _drop_country_parens(match: re.Match) -> str:
    inner = match.group(1).strip()
    return " " if inner and country_code(inner) else f" {inner} "


@lru_cache(maxsize=100_000)
def name_tokens_tuple(value: str) -> tuple[str, ...]:
    if not value:
        return ()
    text = _CJK_LEGAL.sub(" ", value) if not value.isascii() else value
    text = fold(text).replace("'", "")
    if "." in text:
        text = _WEB_SUFFIX.sub("", text)  # "Amazon.com, Inc." -> "amazon"
    if "(" in text:
        text = _PARENS.sub(_drop_country_parens, text)
    if "." in text or "/" in text:
        text = _INITIALS.sub(lambda m: m.group().replace(".", "").replace("/", ""), text)
    text = text.replace("+", " & ")
    raw = _TOKEN.findall(text)
    last = len(raw) - 1
    words = [w for i, w in enumerate(raw) if w != "&" and not (w in _CONNECTORS and 0 < i < last)]
    if not words:
        return ()
    if "the" in words and len(words) > 1:
        words = [w for w in words if w != "the"] or words
    if len(words) > 1 and words[0] in _LEADING_LEGAL:
        del words[0]
    _strip_legal(words)
    if len(words) > 1 and words[0] in _LEADING_LEGAL:
        del words[0]
    out: list[str] = []
    for word in words:
        if len(word) > 6 and word.endswith(_GLUED_TAILS) and word.isascii() and word not in CANONICAL:
            for tail in _GLUED_TAILS:
                if word.endswith(tail) and len(word) - len(tail) >= 3:
                    out.append(word[: -len(tail)])
                    word = tail
                    break
        out.append(CANONICAL.get(word, word))
    return tuple(out)


def _strip_legal(words: list[str]) -> None:
    changed = True
    while changed and len(words) > 1:
        changed = False
        for k in range(min(_LEGAL_MAX, len(words) - 1), 0, -1):
            seqs = _LEGAL_SEQS.get(k)
            if seqs and tuple(words[-k:]) in seqs:
                del words[-k:]
                changed = True
                break


def name_tokens(value: str) -> list[str]:
    """The words of a company name after normalisation: ``"The Acme Int'l GmbH & Co. KG"`` -> ``["acme", "international"]``."""
    return list(name_tokens_tuple(value))


def normalize_company_name(value: str) -> str:
    """Lower-case ASCII words without punctuation or legal suffixes: ``"Acme, Inc."`` -> ``"acme"``."""
    return " ".join(name_tokens_tuple(value or ""))
