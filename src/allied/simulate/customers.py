"""The vendor's side of the demo: products, customer companies and the account master.

Customer companies get coined brand names ("Korvana Health Ltd") so that thousands of them stay
distinct to the matching engine; ``variant`` writes the same company the way another person
would type it ("KORVANA HEALTH CORPORATION", "www.korvana-health.example/contact"). Domains use the
reserved ``.example`` ending, like partner domains, so demo data never points at a real company.
"""

import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from allied.core.ids import ALPHABET
from allied.customers.models import (
    AccountSource,
    CustomerAccount,
    DirectOpportunity,
    OpportunityStatus,
    Segment,
)
from allied.matching import normalize_company_name, normalize_domain
from allied.partners.models import Partner
from allied.program.models import Product

from .names import COUNTRIES, FIRST, LAST

PRODUCTS = [  # code, name, family
    ("core-platform", "Core Platform", "Platform"),
    ("core-enterprise", "Core Platform Enterprise", "Platform"),
    ("analytics", "Analytics add-on", "Add-ons"),
    ("security-suite", "Security suite", "Add-ons"),
    ("premium-support", "Premium support", "Services"),
    ("pro-services", "Professional services", "Services"),
]
# Coined brands from consonant-vowel syllables and an ending: "Toravex", "Belimon", "Crudoria".
ONSETS = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cr", "dr", "gr", "tr",
          "st", "pl", "qu", "sol", "mar", "lin"]
VOWELS = ["a", "e", "i", "o", "u", "a", "o", "e"]
ENDINGS = ["", "", "n", "r", "x", "s", "l", "nia", "ra", "ton", "rex", "lis", "tum", "var", "len"]
INDUSTRY_WORDS = {  # the word in the name -> the account's industry
    "Health": "healthcare", "Clinics": "healthcare", "Dental": "healthcare", "Pharma": "healthcare", "Medical": "healthcare",
    "Bank": "financial services", "Capital": "financial services", "Insurance": "financial services", "Credit": "financial services",
    "Motors": "manufacturing", "Steel": "manufacturing", "Robotics": "manufacturing", "Plastics": "manufacturing",
    "Aerospace": "manufacturing", "Textiles": "manufacturing", "Retail": "retail", "Foods": "retail", "Outfitters": "retail",
    "Markets": "retail", "Logistics": "logistics", "Freight": "logistics", "Shipping": "logistics", "Energy": "energy",
    "Solar": "energy", "Power": "energy", "Media": "media", "Studios": "media", "Publishing": "media", "Software": "technology",
    "Analytics": "technology", "Networks": "telecom", "Telecom": "telecom", "Mobile": "telecom", "Legal": "professional services",
    "Advisory": "professional services", "Architects": "professional services", "Academy": "education", "College": "education",
    "Learning": "education", "Transit": "public sector", "Utilities": "public sector",
}
WORDS = list(INDUSTRY_WORDS)
LEGAL = {"US": ["Inc.", "LLC", "Corp."], "CA": ["Inc.", "Ltd"], "GB": ["Ltd", "plc"], "DE": ["GmbH", "AG"], "FR": ["SAS", "S.A."],
         "NL": ["B.V.", "N.V."], "SE": ["AB"], "ES": ["S.L.", "S.A."], "IT": ["S.p.A.", "S.r.l."], "AE": ["LLC"],
         "ZA": ["(Pty) Ltd"], "PL": ["sp. z o.o.", "S.A."], "AU": ["Pty Ltd"], "JP": ["K.K.", "Co., Ltd."], "SG": ["Pte. Ltd."],
         "IN": ["Pvt. Ltd.", "Ltd"], "NZ": ["Ltd"], "KR": ["Co., Ltd."], "BR": ["Ltda.", "S.A."], "MX": ["S.A. de C.V."],
         "AR": ["S.A."], "CO": ["S.A.S."], "CL": ["SpA"]}
REGION_OF = {country: region for region, places in COUNTRIES.items() for country, _ in places}
TITLES = ["CIO", "CTO", "IT Director", "Head of Infrastructure", "VP Engineering", "Procurement Manager", "CISO",
          "Head of Data", "Operations Director", "IT Manager"]
OPP_STAGES = ["Discovery", "Solution design", "Proposal", "Negotiation"]


def seed_products() -> list[str]:
    """The product catalogue (added only where a code is missing); returns the codes."""
    have = set(Product.objects.values_list("code", flat=True))
    Product.objects.bulk_create([Product(code=c, name=n, family=f) for c, n, f in PRODUCTS if c not in have])
    return [c for c, _, _ in PRODUCTS]


def with_public_id(obj):
    """Give a row its public id before a bulk insert (the PublicIdField's prefix and alphabet, 80 random bits).

    Same format as ``PublicIdField.pre_save`` (``core.ids.new_public_id``), drawn in one call to the
    system's random source instead of sixteen: seeding writes tens of thousands of these.
    """
    bits = int.from_bytes(secrets.token_bytes(10), "big")
    prefix = type(obj)._meta.get_field("public_id").prefix
    obj.public_id = f"{prefix}_" + "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(16))
    return obj


@dataclass
class Company:
    core: str  # "Korvana Health": the name without its legal form
    name: str  # "Korvana Health Ltd"
    domain: str  # "korvana-health.example"
    country: str
    industry: str


class CompanyNames:
    """Distinct customer companies: a coined brand per company, an industry word and a local legal form."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None):
        self.rng = rng
        self.brands: set[str] = set()
        self.names: set[str] = set(taken or ())
        self.domains: set[str] = set()

    def _brand(self) -> str:
        rng = self.rng
        for attempt in range(40):
            syllables = rng.choice((2, 2, 2, 3)) + attempt // 20
            brand = ("".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)) + rng.choice(ENDINGS)).capitalize()
            if brand not in self.brands and len(brand) >= 4:
                self.brands.add(brand)
                return brand
        return f"{brand}{len(self.brands)}"  # a crowded name space (very large seeds): a number keeps it unique

    def company(self, country: str) -> Company:
        rng = self.rng
        while True:
            brand = self._brand()
            word = rng.choice(WORDS)
            core = f"{brand} {word}"
            if normalize_company_name(core) in self.names:
                continue
            style = rng.random()
            label = brand.lower() if style < 0.35 else f"{brand}-{word}".lower() if style < 0.7 else f"{brand}{word}".lower()
            domain = f"{label}.example"
            if domain in self.domains:
                continue
            self.names.add(normalize_company_name(core))
            self.domains.add(domain)
            legal = rng.choice(LEGAL.get(country, ["Ltd"])) if rng.random() < 0.8 else ""
            return Company(core=core, name=f"{core} {legal}".strip(), domain=domain, country=country,
                           industry=INDUSTRY_WORDS[word])


def variant(rng: random.Random, company: Company) -> tuple[str, str, str]:
    """(customer name, website, contact e-mail domain) as another person types the same company."""
    core, domain = company.core, company.domain
    kind = rng.random()
    if kind < 0.2:
        name = company.name.upper()
    elif kind < 0.4:
        name = f"{core} {rng.choice(['Corporation', 'Corp', 'Inc', 'Limited', 'Group'])}"
    elif kind < 0.55:
        name = core
    elif kind < 0.65:
        name = f"The {core} Company"
    elif kind < 0.75:
        name = company.name.lower()
    elif kind < 0.8:  # a typo: one letter dropped from the brand
        brand, rest = core.split(" ", 1)
        i = rng.randrange(1, len(brand) - 1)
        name = f"{brand[:i]}{brand[i + 1:]} {rest}"
    else:
        name = company.name
    site = rng.random()
    if site < 0.25:
        website = f"https://www.{domain}/"
    elif site < 0.45:
        website = f"www.{domain}"
    elif site < 0.6:
        website = domain
    elif site < 0.7:
        website = f"http://{domain}/contact"
    elif site < 0.85:
        website = ""  # only the contact's company e-mail identifies the customer
    else:
        website = f"https://{domain}"
    return name, website, domain


def person(rng: random.Random) -> tuple[str, str]:
    """(full name, e-mail local part)."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = unicodedata.normalize("NFKD", f"{first}.{last}".lower()).encode("ascii", "ignore").decode()
    return f"{first} {last}", local


def country_near(rng: random.Random, partner: Partner) -> str:
    """Customers are mostly in the partner's country, else in its region."""
    if rng.random() < 0.55 and partner.country:
        return partner.country
    return rng.choice(COUNTRIES.get(partner.region, COUNTRIES["na"]))[0]


@dataclass
class Opp:
    row: DirectOpportunity
    account_key: str
    opens: datetime
    closes: datetime | None  # None: still open now

    def open_at(self, t: datetime) -> bool:
        return self.opens <= t and (self.closes is None or t < self.closes)


@dataclass
class Account:
    """An account-master row while the simulation runs: its state changes when partner deals are won."""

    key: str  # the id the in-memory match index knows it by
    row: CustomerAccount
    company: Company
    customer_from: datetime | None = None
    opps: list[Opp] = field(default_factory=list)

    def is_customer_at(self, t: datetime) -> bool:
        return self.customer_from is not None and self.customer_from <= t


def account_master(rng: random.Random, names: CompanyNames, *, partners: list[Partner], strengths: list[float],
                   owners: list, now: datetime, start: datetime, next_external: int) -> list[Account]:
    """About three accounts per partner (at least 150): customers, some with a partner of record, named
    direct accounts owned by vendor users, and prospects; direct opportunities on about a tenth of them."""
    n = max(150, 3 * len(partners))
    # Partners of record for customers won before the simulated window: partners that were around then.
    veterans = [(p, s) for p, s in zip(partners, strengths, strict=True) if (start - p.joined_at).days > 60]
    weights = [0.2 + s for _, s in veterans]
    regions = list(COUNTRIES)
    out: list[Account] = []
    for i in range(n):
        region = rng.choices(regions, weights=[40, 35, 18, 7])[0]
        company = names.company(rng.choice(COUNTRIES[region])[0])
        r = rng.random()
        named = r < 0.05
        customer = named and rng.random() < 0.6 or (not named and r < 0.40)
        segment = Segment.ENTERPRISE if named else rng.choice([Segment.ENTERPRISE, Segment.MID_MARKET, Segment.MID_MARKET,
                                                               Segment.SMB, Segment.SMB, Segment.PUBLIC])
        website = rng.choice([f"https://www.{company.domain}", f"www.{company.domain}", f"https://{company.domain}/"])
        row = CustomerAccount(
            external_id=f"001{next_external + i:012d}", name=company.name, name_normalized=normalize_company_name(company.name)[:255],
            website=website, domain=normalize_domain(website), country=company.country, segment=segment,
            industry=company.industry, is_named_direct=named, is_customer=customer, source=AccountSource.SALESFORCE,
            created_at=start - timedelta(days=rng.uniform(30, 2000)))
        with_public_id(row)
        acct = Account(key=f"a{i}", row=row, company=company)
        if named:
            row.owner = owners[i % len(owners)]
        else:
            row.owner_name = " ".join(person(rng)[0].split()[:2]) if customer else ""
        if customer:
            since = start - timedelta(days=rng.uniform(20, 1500))
            if not named and veterans and rng.random() < 0.6:
                p = rng.choices(veterans, weights=weights)[0][0]
                row.incumbent_partner = p
                since = p.joined_at + (start - p.joined_at) * rng.uniform(0.1, 0.9)
            row.customer_since = since.date()
            acct.customer_from = since
        opp_chance = 0.5 if named else 0.1 if customer else 0.06
        if rng.random() < opp_chance:
            acct.opps.append(_opportunity(rng, acct, now=now, start=start, seq=next_external + i))
        out.append(acct)
    return out


def _opportunity(rng: random.Random, acct: Account, *, now: datetime, start: datetime, seq: int) -> Opp:
    core = acct.company.core
    is_open = rng.random() < 0.55
    if is_open:
        opens = now - timedelta(days=rng.uniform(5, 240))
        close_date, closes, status = (now + timedelta(days=rng.uniform(10, 150))).date(), None, OpportunityStatus.OPEN
    else:
        opens = start + timedelta(days=rng.uniform(0, 600))
        closes = min(now - timedelta(days=1), opens + timedelta(days=rng.uniform(30, 150)))
        won = acct.row.is_customer and rng.random() < 0.6
        close_date, status = closes.date(), OpportunityStatus.WON if won else OpportunityStatus.LOST
    amount = Decimal(int(rng.lognormvariate(11.3, 0.7)) // 100 * 100)
    row = DirectOpportunity(external_id=f"006{seq:012d}", account=acct.row, amount=amount, currency="USD",
                            name=f"{core} — {rng.choice(['platform expansion', 'enterprise agreement', 'security rollout', 'analytics'])}",
                            stage=rng.choice(OPP_STAGES) if is_open else ("Closed won" if status == OpportunityStatus.WON else "Closed lost"),
                            status=status, close_date=close_date, owner_name=" ".join(person(rng)[0].split()[:2]), created_at=opens)
    with_public_id(row)
    return Opp(row=row, account_key=acct.key, opens=opens, closes=closes)
