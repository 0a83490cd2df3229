"""Pure matching engine (no Django): normalization of company names and web domains."""

import re
import unicodedata
from urllib.parse import urlsplit

_LEGAL_SUFFIXES = {
    "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "plc",
    "corp", "corporation", "co", "company", "pty", "srl", "spa", "oy", "ab", "as", "kk", "kg", "lp", "llp",
}


def normalize_domain(value: str) -> str:
    """``https://WWW.Example.co.uk/path`` -> ``example.co.uk``; empty when there is no host."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    if "://" not in value:
        value = "http://" + value
    host = urlsplit(value).hostname or ""
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host


def normalize_company_name(value: str) -> str:
    """Lower-case ASCII words without punctuation or legal suffixes: ``"Acme, Inc."`` -> ``"acme"``."""
    text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    while words and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)
