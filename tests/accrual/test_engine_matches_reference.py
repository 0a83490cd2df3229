"""The fast engine answers exactly what the reference answers: random programs and events, seeded."""

import random
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from allied.accrual import Bracket, Credit, Event, Rule, engine, evaluate, reference

START = date(2024, 1, 1)
CURRENCIES = ["USD", "USD", "EUR", "JPY", "KWD"]
TIERS, TYPES, ROLES = ["Registered", "Silver", "Gold", "Platinum"], ["reseller", "msp", "si"], ["sourcing", "referral",
                                                                                                  "influence", "fulfillment"]
PRODUCTS, DEAL_TYPES, MILESTONES = ["EDR", "SIEM", "Backup", "IAM"], ["new", "renewal", "upsell"], ["1k", "10k", "100k"]
SPLITS = [["100"], ["60", "40"], ["50", "50"], ["33.33", "33.33", "33.34"], ["33.34", "33.33", "33.33"],
          ["12.5", "37.5", "50"], ["0.01", "99.99"], ["25", "25", "25", "25"], ["70", "0", "30"]]


def money(rng, currency, low=0, high=10**7):
    places = {"JPY": 0, "KWD": 3}.get(currency, 2)
    return D(rng.randint(low, high)).scaleb(-places)


def subset(rng, values, p=0.3):
    return frozenset(rng.sample(values, rng.randint(1, len(values) - 1))) if rng.random() < p else frozenset()


def random_rule(rng, i) -> Rule:
    kind = rng.choice(["rebate", "referral", "spif", "new_logo", "renewal", "upsell", "consumption"])
    begin = START + timedelta(days=rng.randint(0, 500))
    kw = dict(
        id=f"rul_{i}@{rng.randint(1, 4)}", kind=kind, name=f"Rule {i}", effective_from=begin,
        effective_to=begin + timedelta(days=rng.randint(30, 600)) if rng.random() < 0.5 else None,
        triggers=frozenset(rng.sample(["deal_won", "invoice_paid", "usage_milestone"], rng.randint(1, 3))),
        period=rng.choice(["month", "quarter", "year"]),
        tiers=subset(rng, TIERS), partner_types=subset(rng, TYPES), roles=subset(rng, ROLES),
        deal_types=subset(rng, DEAL_TYPES, 0.2), products=subset(rng, PRODUCTS, 0.2),
        milestones=subset(rng, MILESTONES, 0.15), holdback_days=rng.choice([0, 0, 30, 90]),
        clawback_days=rng.choice([0, 0, 15, 60, 365]),
    )
    if rng.random() < 0.3:
        currency = rng.choice(CURRENCIES)
        kw.update(fixed=money(rng, currency, 0, 100_000), currency=currency)
    elif rng.random() < 0.4:
        starts = sorted(rng.sample(range(1, 5_000_000), rng.randint(1, 3)))
        first = [D(0)] if rng.random() < 0.7 else []
        places = rng.choice([0, 1, 2, 3])  # a start of 1234.5 is 1235 yen but 1234.50 dollars
        kw["brackets"] = tuple(Bracket(D(s).scaleb(-places), D(rng.randint(0, 2000)).scaleb(-2)) for s in first + starts)
    else:
        kw["percent"] = D(rng.randint(0, 3000)).scaleb(-rng.choice([0, 1, 2, 3]))
    if "fixed" not in kw and rng.random() < 0.3:
        kw["accelerator"] = (D(rng.randint(0, 3_000_000)).scaleb(-rng.choice([0, 2])),
                             D(rng.randint(100, 300)).scaleb(-2))
    if rng.random() < 0.35:
        kw["cap"] = D(rng.randint(0, 2_000_000)).scaleb(-rng.choice([0, 2, 3]))
    if "currency" not in kw and (kw.get("brackets") or kw.get("accelerator") or "cap" in kw or rng.random() < 0.2):
        kw["currency"] = rng.choice(CURRENCIES)  # thresholds are in a currency; the rule applies to it alone
    return Rule(**kw)


def random_events(rng, n, partners=12) -> list[Event]:
    events, done = [], []
    for i in range(n):
        day = START + timedelta(days=rng.randint(0, 720))
        currency = rng.choice(CURRENCIES)
        if done and rng.random() < 0.15:
            original = rng.choice(done)
            kind = rng.choice(["refund", "refund", "churn"])
            later = original.occurred_on + timedelta(days=rng.choice([0, 1, 10, 14, 15, 16, 59, 60, 61, 200]))
            amount = original.amount * rng.choice([D(1), D("0.5"), D("0.333"), D("1.5"), D("0.01")])
            amount = amount.quantize(original.amount if original.amount.as_tuple().exponent < 0 else D(1))
            events.append(Event(id=f"ev{i:05d}", kind=kind, occurred_on=max(later, original.occurred_on),
                                currency=original.currency, amount=abs(amount), credits=(), refers_to=original.id))
            continue
        split = rng.choice(SPLITS)
        who = rng.sample(range(1, partners + 1), len(split))
        credits = tuple(Credit(partner_id=p, percent=D(s), role=rng.choice(ROLES), tier=rng.choice(TIERS),
                               partner_type=rng.choice(TYPES)) for p, s in zip(who, split, strict=True))
        event = Event(
            id=f"ev{i:05d}", kind=rng.choice(["deal_won", "deal_won", "invoice_paid", "usage_milestone"]),
            occurred_on=day, currency=currency, amount=money(rng, currency, 0, rng.choice([100, 10**5, 10**8])),
            credits=credits, deal_type=rng.choice(DEAL_TYPES), products=frozenset(rng.sample(PRODUCTS, rng.randint(0, 2))),
            milestone=rng.choice(MILESTONES),
        )
        events.append(event)
        done.append(event)
    # Refunds must come after what they refer to in (date, id) order: give each a later id when tied.
    position = {e.id: e for e in events}
    fixed = []
    for e in events:
        if e.refers_to and (e.occurred_on, e.id) < (position[e.refers_to].occurred_on, position[e.refers_to].id):
            e = Event(**{**e.__dict__, "occurred_on": position[e.refers_to].occurred_on + timedelta(days=1)})
        fixed.append(e)
    rng.shuffle(fixed)
    return fixed


def assert_same(rules, events):
    expected = reference.evaluate(rules, events)
    got = engine.evaluate_fast(rules, events)
    assert got == expected
    assert [a.explanation for a in got] == [a.explanation for a in expected]
    return expected


@pytest.mark.parametrize("seed", range(40))
def test_random_programs(seed):
    rng = random.Random(seed)
    rules = [random_rule(rng, i) for i in range(rng.randint(1, 12))]
    events = random_events(rng, rng.randint(1, 300))
    assert_same(rules, events)


@pytest.mark.parametrize("seed", range(10))
def test_busy_partners_hit_brackets_caps_and_clawbacks(seed):
    """Few partners, many events, generous rules: cumulative volume and caps matter on most rows."""
    rng = random.Random(1000 + seed)
    rules = [random_rule(rng, i) for i in range(8)]
    rules = [Rule(**{**r.__dict__, "tiers": frozenset(), "partner_types": frozenset(), "roles": frozenset(),
                     "deal_types": frozenset(), "products": frozenset(), "milestones": frozenset(),
                     "effective_from": START, "effective_to": None, "clawback_days": rng.choice([0, 30, 400]),
                     "triggers": frozenset({"deal_won", "invoice_paid", "usage_milestone"})}) for r in rules]
    got = assert_same(rules, random_events(rng, 600, partners=4))
    assert any(a.amount < 0 for a in got) and len(got) > 100


def test_the_public_function_uses_the_fast_engine():
    rng = random.Random(5)
    rules, events = [random_rule(rng, i) for i in range(5)], random_events(rng, 100)
    assert evaluate(rules, events) == evaluate(rules, events, engine="reference")


def test_no_events_no_accruals():
    assert engine.evaluate_fast([Rule(id="r@1", kind="rebate", name="R", effective_from=START, percent=D(1))], []) == []


@pytest.mark.parametrize("case", ["huge amount", "huge fixed", "fine rate"])
def test_what_would_overflow_int64_goes_to_the_reference(case):
    rule = Rule(id="r@1", kind="rebate", name="R", effective_from=START, percent=D("12.5"))
    amount = D("1000.00")
    if case == "huge amount":
        amount = D(10**17)
    elif case == "huge fixed":
        rule = Rule(id="r@1", kind="spif", name="R", effective_from=START, fixed=D(10**18), currency="USD")
    else:
        rule = Rule(id="r@1", kind="rebate", name="R", effective_from=START, percent=D("1E-30"))
    events = [Event(id="e1", kind="deal_won", occurred_on=START, currency="USD", amount=amount,
                    credits=(Credit(1, D(100)),))]
    with pytest.raises(engine.Fallback):
        engine.evaluate_fast([rule], events)
    assert engine.evaluate([rule], events) == reference.evaluate([rule], events)
